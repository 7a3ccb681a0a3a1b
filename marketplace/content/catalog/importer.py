"""The import: a catalog file's rows read a batch at a time, checked, and saved by SKU
(created, changed, or left alone when they change nothing). A batch's new products are
inserted together (``products.create_products``) and its changed ones updated together
(``product_batches.update_products``), each row checked on its own by ``save_product``'s
checks first, so a bad row is reported and leaves nothing behind while the good rows are
kept. Only when the database refuses a bulk write (a product saved at the same moment
elsewhere) do that batch's rows go one by one through ``save_product``, each in its own
savepoint. Operations: they flush, never commit.

Small files are imported within the request (``import_catalog``); big ones are kept
in the ``catalog_imports`` store (core.storage: shared by every node and worker with
STORAGE_BACKEND=s3) and handed to a background job (``queue_import`` → the
``content.run_catalog_import`` outbox job in tasks.py)."""

from __future__ import annotations

import gc
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.content.catalog import sniffing
from marketplace.content.catalog.images import ImportedSkus, attach_images, open_images_zip
from marketplace.content.catalog.reading import CatalogFile, UnreadableRow, open_catalog_file
from marketplace.content.catalog.report import ImportResult
from marketplace.content.catalog.rows import (
    ParsedRow,
    RowParser,
    changes_nothing,
    column_of,
    keep_further_tiers,
)
from marketplace.content.models import CatalogImport, CatalogImportStatus, Product

# Called through their modules (save_product, update_products): the products area.
from marketplace.content.operations import product_batches
from marketplace.content.operations import products as product_operations
from marketplace.core import outbox, storage
from marketplace.core.audit import record_audit
from marketplace.core.errors import DomainError, Forbidden, ValidationFailed
from marketplace.core.sets import among
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, User

log = logging.getLogger(__name__)

BATCH_ROWS = 200  # rows read, looked up and saved together; a job commits after each
IMPORTS_FOLDER = "catalog_imports"
RUN_IMPORT = "content.run_catalog_import"  # the outbox job (tasks.py)

Progress = Callable[[int, ImportResult], None]


class CatalogImporter:
    """Reads a catalog file's rows a batch at a time and saves them; the result holds
    the counts and the row report. ``on_batch(rows read, result)`` follows each batch."""

    def __init__(self, company: Company, catalog: CatalogFile, *, max_rows: int | None = None,
                 on_batch: Progress | None = None, keep_skus: bool = False):
        self.company = company
        self.catalog = catalog
        self.max_rows = max_rows
        self.on_batch = on_batch
        self.parser = RowParser(catalog.header)
        self.result = ImportResult()
        self.first_row: dict[str, int] = {}  # SKU → the row it was first seen on
        self.keep_skus = keep_skus  # for the images: which rows were saved, which failed
        self.skus = ImportedSkus({}, {})

    def run(self) -> ImportResult:
        with _old_objects_left_alone():
            return self._run()

    def _run(self) -> ImportResult:
        batch: list[ParsedRow] = []
        last_row = 1
        try:
            for number, cells in self.catalog.rows():
                last_row = number
                if self._take(number, cells, batch) and len(batch) >= BATCH_ROWS:
                    self._save(batch)
                    batch = []
                    self._progress(number - 1)
        except UnreadableRow as error:
            self.result.add_error(error.row, None, error.message)
            last_row = error.row
        self._save(batch)
        self._progress(last_row - 1)
        return self.result

    def _take(self, number: int, cells: tuple, batch: list[ParsedRow]) -> bool:
        """Add the row to the batch; False for a blank row."""
        if self.parser.is_blank(cells):
            return False
        self.result.rows += 1
        if self.max_rows is not None and self.result.rows > self.max_rows:
            raise sniffing.too_many_rows(self.max_rows)
        batch.append(self._parse(number, cells))
        return True

    def _progress(self, rows_done: int) -> None:
        if self.on_batch:
            self.on_batch(rows_done, self.result)

    def _parse(self, number: int, cells: tuple) -> ParsedRow:
        parsed = self.parser.parse(number, cells)
        if parsed.sku is not None:
            first = self.first_row.setdefault(parsed.sku, number)
            if first != number:
                parsed.errors.append(("sku", str(_l(
                    "SKU '%(sku)s' is already on row %(row)d of this file; each SKU may "
                    "appear once.", sku=parsed.sku, row=first))))
        return parsed

    def _save(self, batch: list[ParsedRow]) -> None:
        """The batch's rows saved together: new products created in bulk, changed ones
        updated in bulk, unchanged ones left alone; each refused row reported on its own
        (in row order) while the others are kept. When the database refuses a bulk write
        (a SKU or product saved at the same moment elsewhere), its rows go one by one."""
        if not batch:
            return
        begin_for_savepoints()
        good = [parsed for parsed in batch if not parsed.errors]
        stored = product_batches.stored_products(self.company,
                                                 [parsed.sku for parsed in good])
        lookups = product_operations.BatchLookups(self.company,
                                                  [parsed.values for parsed in good])
        new, changed, unchanged = [], [], set()
        for parsed in good:
            product = stored.get(parsed.sku)
            if product is None:
                new.append(parsed)
                continue
            keep_further_tiers(product, parsed.values)
            if changes_nothing(product, parsed.values):
                unchanged.add(parsed.row)
            else:
                changed.append(parsed)
        created = self._create(new, lookups)
        # After a refused create the lookups saw what the rollback took back: one by one.
        updated = self._update(changed, stored, lookups) if created is not None else None
        one_by_one = (new if created is None else []) + (changed if updated is None else [])
        existing = self._existing([parsed.sku for parsed in one_by_one])
        for parsed in batch:
            if parsed.row in unchanged:
                self.result.unchanged += 1
                self._keep(parsed, stored[parsed.sku].id)
            elif created and parsed.row in created:
                self._saved(parsed, created[parsed.row], creating=True)
            elif updated and parsed.row in updated:
                self._saved(parsed, updated[parsed.row], creating=False)
            elif not parsed.errors:
                self._save_row(parsed, existing.get(parsed.sku))
            if parsed.errors:
                self._report(parsed)

    def _create(self, rows: list[ParsedRow], lookups: product_operations.BatchLookups
                ) -> dict[int, int | DomainError] | None:
        """The batch's new products made together, in bulk: row → the product's id, or
        its refusal. None when the database refuses the whole (a SKU saved at the same
        moment by another import): nothing of it is kept, the rows are to go one by one."""
        if not rows:
            return {}
        try:
            with db.session.begin_nested():
                made = product_operations.create_products(
                    self.company, [dict(parsed.values) for parsed in rows], lookups)
        except IntegrityError:
            log.info("catalog batch refused by the database; saving row by row", exc_info=True)
            return None
        return {parsed.row: outcome for parsed, outcome in zip(rows, made, strict=True)}

    def _update(self, rows: list[ParsedRow], stored: dict,
                lookups: product_operations.BatchLookups) -> dict[int, int | DomainError] | None:
        """The batch's changed products written together, in bulk: row → the product's
        id, or its refusal. None when a product changed meanwhile or the database refuses
        the whole: nothing of it is kept, the rows are to go one by one."""
        if not rows:
            return {}
        try:
            with db.session.begin_nested():
                made = product_batches.update_products(
                    self.company, [(stored[parsed.sku], dict(parsed.values)) for parsed in rows],
                    lookups)
        except (IntegrityError, product_batches.StaleProducts):
            log.info("catalog batch's changes refused; saving row by row", exc_info=True)
            return None
        return {parsed.row: outcome for parsed, outcome in zip(rows, made, strict=True)}

    def _saved(self, parsed: ParsedRow, outcome: int | DomainError, *, creating: bool) -> None:
        if isinstance(outcome, DomainError):
            self._note_refusal(parsed, outcome)
            return
        if creating:
            self.result.created += 1
        else:
            self.result.updated += 1
        self._keep(parsed, outcome)

    def _existing(self, skus: list[str]) -> dict[str, Product]:
        """The company's products of these SKUs, with what the comparison reads."""
        if not skus:
            return {}
        return {product.sku: product for product in db.session.scalars(
            select(Product).where(Product.company_id == self.company.id, among(Product.sku, skus))
            .options(selectinload(Product.price_tiers), selectinload(Product.category),
                     selectinload(Product.product_line)))}

    def _report(self, parsed: ParsedRow) -> None:
        self.result.failed_rows += 1
        for column, message in parsed.errors:
            self.result.add_error(parsed.row, column, message)
        if self.keep_skus and parsed.sku and parsed.sku not in self.skus.saved:
            self.skus.failed.setdefault(parsed.sku, parsed.row)

    def _save_row(self, parsed: ParsedRow, product: Product | None) -> None:
        if product is not None:
            keep_further_tiers(product, parsed.values)
        if product is not None and changes_nothing(product, parsed.values):
            self.result.unchanged += 1
            self._keep(parsed, product.id)
            return
        saved = self._saved_or_refused(parsed, product)
        if saved is None:
            return
        if product is None:
            self.result.created += 1
        else:
            self.result.updated += 1
        self._keep(parsed, saved.id)

    def _saved_or_refused(self, parsed: ParsedRow, product: Product | None) -> Product | None:
        """The row saved in its own savepoint; None with its errors noted when refused."""
        try:
            with db.session.begin_nested():
                return product_operations.save_product(self.company, dict(parsed.values),
                                                       product)
        except DomainError as error:
            self._note_refusal(parsed, error)
        except IntegrityError:
            log.info("catalog row %d refused by the database", parsed.row, exc_info=True)
            parsed.errors.append(("sku", str(_l(
                "This row conflicts with a product saved at the same moment; import the file "
                "again."))))
        return None

    def _note_refusal(self, parsed: ParsedRow, error: DomainError) -> None:
        """``save_product``'s refusal in the spreadsheet's terms: its columns."""
        if isinstance(error, ValidationFailed):
            for api_field, messages in (error.errors or {"_schema": [error.detail]}).items():
                for message in messages if isinstance(messages, list) else [messages]:
                    parsed.errors.append((column_of(api_field, parsed), str(message)))
        elif isinstance(error, Forbidden):
            column = "status" if parsed.values.get("status") == "published" else None
            parsed.errors.append((column, error.detail))
        else:
            parsed.errors.append((None, error.detail))

    def _keep(self, parsed: ParsedRow, product_id: int) -> None:
        if self.keep_skus:
            self.skus.saved[parsed.sku] = (parsed.row, product_id)


@contextmanager
def _old_objects_left_alone() -> Iterator[None]:
    """An import allocates objects by the million: the cyclic garbage collector's passes
    over everything the process already holds (the app, SQLAlchemy's caches, jieba's
    dictionary) took a fifth of its time. Those objects are left out of the passes while
    it runs (gc.freeze) and given back to the collector after (gc.unfreeze)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def begin_for_savepoints() -> None:
    """SQLite's Python driver begins a transaction only at the first write, so a
    SAVEPOINT before it would stand alone and its RELEASE would commit at once: start
    the transaction with a write that changes nothing. PostgreSQL needs no help."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE catalog_imports SET rows_done = rows_done WHERE 0 = 1"))


def ensure_supplier(company: Company) -> None:
    if not company.is_supplier:
        raise Forbidden(str(_l("Only suppliers keep a product catalog; your company is "
                               "registered as a buyer.")))


# ----- within the request -----------------------------------------------------------------


def import_catalog(company: Company, stream: IO[bytes],
                   images: IO[bytes] | None = None, *,
                   max_rows: int | None = -1, filename: str | None = None) -> ImportResult:
    """Import a catalog file (and its images zip) within the current transaction.
    Refuses the whole file (415, 413, 422) when it is not a catalog at all, or has more
    than ``max_rows`` rows (-1: the setting; None: no limit); otherwise every row is
    saved or reported."""
    ensure_supplier(company)
    if max_rows == -1:
        max_rows = sniffing.sync_max_rows()
    catalog = open_catalog_file(stream)
    if max_rows is not None and (catalog.rows_estimate or 0) > max_rows:
        catalog = _recount(catalog, stream, max_rows)
    try:
        archive = open_images_zip(images) if images is not None else None
        importer = CatalogImporter(company, catalog, max_rows=max_rows,
                                   keep_skus=archive is not None)
        result = importer.run()
    finally:
        catalog.close()
    if archive is not None:
        attach_images(company, archive, importer.skus, result)
    record_audit("catalog.imported", company, company_id=company.id,
                 changes={**result.summary(), "file": _label(filename or "")})
    return result


def _recount(catalog: CatalogFile, stream: IO[bytes], max_rows: int) -> CatalogFile:
    """A CSV's line count overstates its rows when cells hold line breaks: count the
    records before refusing, then start reading again. A workbook's own size is trusted."""
    try:
        if catalog.format == "xlsx":
            raise sniffing.too_many_rows(max_rows)
        rows = sum(1 for _, cells in catalog.rows() if any(cell.strip() for cell in cells))
    except UnreadableRow:
        rows = 0  # the import reports where the file breaks
    finally:
        catalog.close()
    if rows > max_rows:
        raise sniffing.too_many_rows(max_rows)
    return open_catalog_file(stream)


# ----- in the background ------------------------------------------------------------------


def _kept() -> storage.Store:
    """Where a queued import's files wait for the worker (core.storage: the instance
    folder's ``catalog_imports/``, or the object store every node and worker shares)."""
    return storage.store(IMPORTS_FOLDER)


def _key(relative: str) -> str:
    # The job row names a file as before (``catalog_imports/<company>/<name>``).
    return relative.removeprefix(f"{IMPORTS_FOLDER}/")


def open_stored(relative: str) -> IO[bytes]:
    """A kept upload, to read (seekable: spreadsheets and zips are read from their end)."""
    return _kept().open(_key(relative))


def _store_file(stream: IO[bytes], company: Company, suffix: str) -> str:
    """Keep an upload by a generated name; the path the job row names it by."""
    relative = f"{IMPORTS_FOLDER}/{company.id}/{uuid.uuid4().hex}{suffix}"
    stream.seek(0)
    _kept().save(_key(relative), stream)
    return relative


def remove_stored(*relatives: str | None) -> None:
    for relative in relatives:
        if relative:
            _kept().delete(_key(relative))


def queue_import(company: Company, user: User | None, stream: IO[bytes], filename: str,
                 images: IO[bytes] | None = None) -> CatalogImport:
    """Check the file (and images zip) now, keep them in the store, and
    hand the rows to a background job once this transaction commits."""
    ensure_supplier(company)
    catalog, file_path, images_path = _store_checked(company, stream, images)
    job = CatalogImport(
        company_id=company.id, created_by_id=user.id if user else None,
        original_name=_label(filename), file_format=catalog.format, file_path=file_path,
        images_path=images_path, status=CatalogImportStatus.QUEUED,
        rows_total=catalog.rows_estimate, rows_done=0, errors=[])
    db.session.add(job)
    db.session.flush()
    record_audit("catalog_import.queued", job,
                 changes={"file": job.original_name, "rows_total": job.rows_total})
    outbox.enqueue(RUN_IMPORT, job_id=job.id)
    return job


def _store_checked(company: Company, stream: IO[bytes], images: IO[bytes] | None
                   ) -> tuple[CatalogFile, str, str | None]:
    """Keep the file and the zip, each checked as it is read back; nothing kept when
    either is refused. The (closed) catalog file tells its format and size."""
    file_path = images_path = None
    try:
        file_path = _store_file(stream, company, ".upload")
        with open_stored(file_path) as stored:
            catalog = open_catalog_file(stored)
            catalog.close()
        if images is not None:
            images_path = _store_file(images, company, ".zip")
            with open_stored(images_path) as stored:
                open_images_zip(stored).close()
    except BaseException:
        remove_stored(file_path, images_path)
        raise
    return catalog, file_path, images_path


def _label(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/"))
    name = "".join(char for char in name if char.isprintable()).strip()
    return name[:255] or "catalog"

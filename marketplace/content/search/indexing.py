"""Keeping the index in step with the database.

Only what the public may see is indexed: published products of active companies,
and active companies. ``refresh`` reads the current rows for some ids and writes
what it finds (or removes what is no longer public), so running it twice, late or
out of order is harmless: the index ends as the database is.

When the index stays locked past the write timeout, the ids are written to a
small pending file beside the index before ``IndexBusy`` is raised; the next
write of that kind takes them along, and ``flask reindex`` clears them. An update
is retried (``tasks``) but never dropped.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC
from decimal import Decimal
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.content.models import Certification, CompanyProfile, PriceTier, Product
from marketplace.content.search.postgres_backend import PostgresBackend
from marketplace.content.search.whoosh_backend import WhooshBackend
from marketplace.core.locking import lock_for_update
from marketplace.core.sets import among
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus

log = logging.getLogger(__name__)

BACKENDS = ("whoosh", "postgres")
PRICE_SCALE = 10_000  # prices are indexed as integers of 1/10000 (Money has 4 decimals)
BATCH = 500


def backend_name(app: Flask | None = None) -> str:
    """``whoosh`` or ``postgres``: ``SEARCH_BACKEND`` (the app's setting, else the
    environment) when set, otherwise PostgreSQL's own search on a PostgreSQL database
    and Whoosh on SQLite."""
    app = app or current_app._get_current_object()
    chosen = (app.config.get("SEARCH_BACKEND") or os.environ.get("SEARCH_BACKEND") or "")
    chosen = chosen.strip().lower()
    dialect = db.engine.dialect.name
    if not chosen:
        return "postgres" if dialect == "postgresql" else "whoosh"
    if chosen not in BACKENDS:
        raise RuntimeError(f"SEARCH_BACKEND={chosen!r}: expected one of {', '.join(BACKENDS)}")
    if chosen == "postgres" and dialect != "postgresql":
        raise RuntimeError("SEARCH_BACKEND=postgres needs a PostgreSQL database "
                           f"(this one is {dialect})")
    return chosen


def backend() -> WhooshBackend | PostgresBackend:
    """The app's search backend, chosen once per app (``backend_name``): Whoosh with its
    index folder and write timeout, or PostgreSQL full text in the app's database."""
    app = current_app._get_current_object()
    found = app.extensions.get("search")
    if found is None:
        if backend_name(app) == "postgres":
            found = PostgresBackend()
        else:
            found = WhooshBackend(index_folder(app),
                                  float(app.config.get("SEARCH_WRITE_TIMEOUT", 10)))
        app.extensions["search"] = found
    return found


def index_folder(app) -> Path:
    """The Whoosh index's folder: ``SEARCH_INDEX_DIR``, or the instance folder's
    ``search``."""
    return Path(app.config.get("SEARCH_INDEX_DIR") or Path(app.instance_path) / "search")


def in_database() -> bool:
    """Whether the search lives in the database (its rows follow each transaction)."""
    return isinstance(backend(), PostgresBackend)


def price_key(amount: Decimal) -> int:
    """A price as the integer the index compares (exact, no float on the way)."""
    return int((Decimal(amount) * PRICE_SCALE).to_integral_value())


# ----- documents ------------------------------------------------------------------------


class _Categories:
    """The category tree in memory (a few dozen rows): ancestors without a query each."""

    def __init__(self):
        # Plain rows (what lineage, words and codes read): every index write builds one,
        # and loading the tree as objects was a tenth of a single product's update.
        self.by_id = {c.id: c for c in db.session.execute(select(
            Category.id, Category.parent_id, Category.code, Category.name, Category.name_zh))}

    def lineage(self, category_id: int | None) -> list[Category]:
        chain, seen = [], set()
        category = self.by_id.get(category_id)
        while category is not None and category.id not in seen:
            seen.add(category.id)
            chain.append(category)
            category = self.by_id.get(category.parent_id)
        return chain

    def words(self, category_ids: Iterable[int]) -> str:
        names = {n for i in category_ids for c in self.lineage(i) for n in (c.name, c.name_zh)
                 if n}
        return " ".join(sorted(names))

    def codes(self, category_ids: Iterable[int]) -> str:
        return ",".join(sorted({c.code for i in category_ids for c in self.lineage(i)}))


def _attributes_text(attributes: dict | None) -> str:
    parts = []
    for key, value in (attributes or {}).items():
        if isinstance(value, list | tuple):
            value = ", ".join(map(str, value))
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


def _compact(document: dict) -> dict:
    return {k: v for k, v in document.items() if v not in (None, "")}


def product_document(product: Product, categories: _Categories) -> dict:
    return _product_document(product, [tier.unit_price for tier in product.price_tiers],
                             product.company.country, categories)


def _product_document(product, prices: list[Decimal], country: str | None,
                      categories: _Categories) -> dict:
    """``product``: a Product, or a row of the columns ``locked_product_documents`` reads."""
    published = product.published_at or product.updated_at or product.created_at
    return _compact({
        "id": str(product.id),
        "sku": product.sku,
        "name": product.name,
        "name_zh": product.name_zh,
        "attributes": _attributes_text(product.attributes),
        "description": product.description,
        "description_zh": product.description_zh,
        "category_text": categories.words([product.category_id]),
        "spell": " ".join(filter(None, (product.name, product.name_zh))),
        "company_id": str(product.company_id),
        "country": country,
        "category_id": str(product.category_id) if product.category_id else None,
        "category_path": categories.codes([product.category_id]),
        "currency": product.currency,
        "price": price_key(min(prices)) if prices else None,
        "published": int(published.astimezone(UTC).timestamp()) if published else None,
    })


_DOCUMENT_COLUMNS = (Product.id, Product.sku, Product.name, Product.name_zh, Product.attributes,
                     Product.description, Product.description_zh, Product.category_id,
                     Product.company_id, Product.currency, Product.published_at,
                     Product.updated_at, Product.created_at, Company.country)


def locked_product_documents(ids: list[int], categories: _Categories) -> list[dict]:
    """The documents of the public products among ``ids``, read as plain rows (a catalog
    import's batch made 200 objects and their tiers' objects for this) and locked in id
    order (FOR KEY SHARE): a transaction changing one of them meanwhile waits or is waited
    for, and PostgreSQL re-reads a row it waited for; the tiers come in the next
    statement, after any wait, so no price change is lost."""
    rows = db.session.execute(lock_for_update(
        select(*_DOCUMENT_COLUMNS).join(Company, Company.id == Product.company_id)
        .where(Product.publicly_visible(), among(Product.id, ids)).order_by(Product.id),
        key_share=True, of=Product)).all()
    prices: dict[int, list[Decimal]] = {}
    if rows:
        for product_id, price in db.session.execute(
                select(PriceTier.product_id, PriceTier.unit_price)
                .where(among(PriceTier.product_id, [row.id for row in rows]))):
            prices.setdefault(product_id, []).append(price)
    return [_product_document(row, prices.get(row.id, []), row.country, categories)
            for row in rows]


def company_document(company: Company, profile: CompanyProfile | None,
                     certifications: list[Certification], categories: _Categories) -> dict:
    category_ids = [c.id for c in company.categories]
    description = "\n".join(filter(None, (profile.description_en if profile else None,
                                          company.description)))
    return _compact({
        "id": str(company.id),
        "name": company.name,
        "description": description,
        "description_zh": profile.description_zh if profile else None,
        "certifications": "; ".join(c.name for c in certifications),
        "category_text": categories.words(category_ids),
        "spell": company.name,
        "country": company.country,
        "category_ids": ",".join(str(i) for i in category_ids),
        "category_path": categories.codes(category_ids),
        "roles": ",".join(company.roles),
    })


def _public_products():
    return (select(Product).where(Product.publicly_visible())
            .options(selectinload(Product.price_tiers), joinedload(Product.company))
            .order_by(Product.id))


def _product_documents(ids: list[int]) -> tuple[list[dict], set[int]]:
    """Documents of the public products among ``ids``, and the ids that are not public."""
    categories = _Categories()
    documents, found = [], set()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        for product in db.session.scalars(_public_products().where(Product.id.in_(chunk))):
            documents.append(product_document(product, categories))
            found.add(product.id)
    return documents, set(ids) - found


def _company_documents(companies: list[Company]) -> list[dict]:
    if not companies:
        return []
    ids = [c.id for c in companies]
    profiles = {p.company_id: p for p in db.session.scalars(
        select(CompanyProfile).where(CompanyProfile.company_id.in_(ids)))}
    certifications: dict[int, list[Certification]] = {}
    for certification in db.session.scalars(
            select(Certification).where(Certification.company_id.in_(ids))
            .order_by(Certification.id)):
        certifications.setdefault(certification.company_id, []).append(certification)
    categories = _Categories()
    return [company_document(c, profiles.get(c.id), certifications.get(c.id, []), categories)
            for c in companies]


def _active_companies():
    return (select(Company).where(Company.status == CompanyStatus.ACTIVE)
            .options(selectinload(Company.categories)).order_by(Company.id))


# ----- keeping it in step ---------------------------------------------------------------


def refresh(kind: str, ids: Iterable[int]) -> None:
    """Bring the index of ``kind`` ("products" or "companies") in line with the database
    for these ids (plus any left pending by an earlier busy index). For a company, its
    products follow when it appears, disappears or moves country. On PostgreSQL the
    rows are written and committed (the signal path writes them inside the change's
    own transaction instead: ``receivers``)."""
    if in_database():
        backend().refresh(kind, ids)
        db.session.commit()
        return
    pending = _Pending(backend().directory, kind)
    wanted = {int(i) for i in ids} | pending.read()
    if not wanted:
        return
    try:
        if kind == "products":
            _refresh_products(sorted(wanted))
        elif kind == "companies":
            _refresh_companies(sorted(wanted))
        else:
            raise ValueError(f"unknown index kind {kind!r}")
    except Exception:  # busy, or a failed write: the ids wait for the next write
        pending.add(wanted)
        raise
    pending.discard(wanted)


def _refresh_products(ids: list[int]) -> None:
    documents, gone = _product_documents(ids)
    backend().apply("products", documents, deletions=gone)


def _refresh_companies(ids: list[int]) -> None:
    search = backend()
    active = list(db.session.scalars(_active_companies().where(Company.id.in_(ids))))
    gone = set(ids) - {c.id for c in active}
    indexed = search.stored_values("companies", [c.id for c in active], "country")
    moved = [c.id for c in active if indexed.get(c.id) != c.country]
    # Products of a company that left, came back or moved country follow it; the
    # company's own document is written last, so a retry after a busy index still
    # sees the move.
    search.apply("products", [], delete_terms=[("company_id", str(i)) for i in gone])
    if moved:
        product_ids = list(db.session.scalars(select(Product.id).where(
            Product.company_id.in_(moved), Product.publicly_visible())))
        documents, _ = _product_documents(product_ids)
        search.apply("products", documents,
                     delete_terms=[("company_id", str(i)) for i in moved])
    search.apply("companies", _company_documents(active), deletions=gone)


def index_products(product_ids: Iterable[int]) -> None:
    refresh("products", product_ids)


def index_product(product_id: int) -> None:
    refresh("products", [product_id])


def remove_product(product_id: int) -> None:
    """Take a product out of the index now, whatever the database says."""
    if in_database():
        _delete_rows("products", [product_id])
        return
    backend().apply("products", [], deletions=[product_id])


def index_company(company_id: int) -> None:
    refresh("companies", [company_id])


def remove_company(company_id: int) -> None:
    if in_database():
        _delete_rows("companies", [company_id])
        return
    backend().apply("companies", [], deletions=[company_id])
    backend().apply("products", [], delete_terms=[("company_id", str(company_id))])


def rebuild(kind: str, progress: Callable[[int], None] | None = None) -> int:
    """Replace the index of ``kind`` with what the database holds now; ``progress`` is
    told how many rows were read after each batch. Returns the number of documents."""
    search = backend()
    if not in_database():
        _Pending(search.directory, kind).clear()
    if kind == "products":
        documents = _iter_product_documents(progress)
    elif kind == "companies":
        documents = _iter_company_documents(progress)
    else:
        raise ValueError(f"unknown index kind {kind!r}")
    count = search.rebuild(kind, documents)
    if in_database():
        db.session.commit()  # searches saw the old rows until now
    return count


def rebuild_size(kind: str) -> int:
    """How many rows ``rebuild(kind)`` will read (for a progress bar)."""
    if kind == "products":
        stmt = select(func.count(Product.id)).where(Product.publicly_visible())
    else:
        stmt = select(func.count(Company.id)).where(Company.status == CompanyStatus.ACTIVE)
    return db.session.scalar(stmt) or 0


def _iter_product_documents(progress) -> Iterator[dict]:
    categories = _Categories()
    last_id = 0
    while True:  # keyset pages: constant memory, whatever the catalog's size
        batch = list(db.session.scalars(_public_products().where(Product.id > last_id)
                                         .limit(BATCH)))
        if not batch:
            return
        for product in batch:
            yield product_document(product, categories)
        last_id = batch[-1].id
        db.session.expunge_all()
        if progress:
            progress(len(batch))


def _iter_company_documents(progress) -> Iterator[dict]:
    last_id = 0
    while True:
        batch = list(db.session.scalars(_active_companies().where(Company.id > last_id)
                                         .limit(BATCH)))
        if not batch:
            return
        yield from _company_documents(batch)
        last_id = batch[-1].id
        if progress:
            progress(len(batch))


def clear() -> None:
    """Empty every index (tests; a fresh instance)."""
    search = backend()
    if in_database():
        for kind in ("products", "companies"):
            search.clear(kind)
        db.session.commit()
        return
    for kind in ("products", "companies"):
        _Pending(search.directory, kind).clear()
        search.clear(kind)


def _delete_rows(kind: str, ids: list[int]) -> None:
    from marketplace.content.search.tables import CompanySearchRow, ProductSearchRow

    if kind == "products":
        db.session.execute(delete(ProductSearchRow).where(ProductSearchRow.product_id.in_(ids)))
    else:
        db.session.execute(delete(CompanySearchRow).where(CompanySearchRow.company_id.in_(ids)))
        db.session.execute(delete(ProductSearchRow).where(ProductSearchRow.company_id.in_(ids)))
    db.session.commit()


# ----- ids waiting for a busy index -----------------------------------------------------


class _Pending:
    """Ids whose update found the index busy, in ``<index dir>/<kind>.pending``; shared by
    every process through a file lock."""

    def __init__(self, directory: Path, kind: str):
        self.path = Path(directory) / f"{kind}.pending"

    @contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".pending-lock"), "a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def read(self) -> set[int]:
        if not self.path.exists():
            return set()
        with self._locked():
            return self._read()

    def _read(self) -> set[int]:
        try:
            return {int(line) for line in self.path.read_text().split() if line.isdigit()}
        except FileNotFoundError:
            return set()

    def add(self, ids: set[int]) -> None:
        with self._locked():
            self._write(self._read() | ids)
        log.warning("search index busy: %d %s kept for the next write", len(ids),
                    self.path.stem)

    def discard(self, ids: set[int]) -> None:
        if not self.path.exists():
            return
        with self._locked():
            self._write(self._read() - ids)

    def clear(self) -> None:
        with self._locked():
            self._write(set())

    def _write(self, ids: set[int]) -> None:
        if ids:
            temporary = self.path.with_suffix(".pending-new")
            temporary.write_text("\n".join(map(str, sorted(ids))) + "\n")
            temporary.replace(self.path)
        else:
            self.path.unlink(missing_ok=True)

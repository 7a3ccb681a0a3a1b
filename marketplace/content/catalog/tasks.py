"""The offline catalog's background job: an import queued by ``importer.queue_import``
(the ``content.run_catalog_import`` outbox job, docs/JOBS.md), run by a worker, or
in-process right after the upload's commit when there is no Redis.

A job has no request and fakes none: it runs in an application context, acts for the
company the job belongs to and the member who queued it (audit rows name them) and
writes its report in that member's language. It is its own unit of work, and commits
only where the uploader must see it: the start, each batch (the portal's progress bar
reads ``rows_done``), and the end (the counts and the row report). Each row stays all
or nothing (checked before its batch is written), so rows committed before a failure
are kept."""

from __future__ import annotations

import logging
from contextlib import ExitStack, nullcontext

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import text

from marketplace.content.catalog.images import attach_images, open_images_zip
from marketplace.content.catalog.importer import (
    BATCH_ROWS,
    RUN_IMPORT,
    CatalogImporter,
    open_stored,
    remove_stored,
)
from marketplace.content.catalog.reading import open_catalog_file
from marketplace.content.catalog.report import ImportResult
from marketplace.content.models import CatalogImport, CatalogImportStatus, PriceTier, Product
from marketplace.core import boundary, outbox
from marketplace.core.audit import acting_user, record_audit
from marketplace.core.errors import DomainError
from marketplace.core.types import utcnow
from marketplace.extensions import celery, db
from marketplace.infrastructure.models import Company, User

log = logging.getLogger(__name__)


@outbox.handler(RUN_IMPORT)
@celery.task(name="marketplace.content.run_catalog_import", ignore_result=True)
def run_catalog_import(job_id: int) -> None:
    """Run a queued import; a job no longer queued (a second delivery) is left alone."""
    job = db.session.get(CatalogImport, job_id)
    if job is None or job.status != CatalogImportStatus.QUEUED:
        return
    uploader = db.session.get(User, job.created_by_id) if job.created_by_id else None
    company = db.session.get(Company, job.company_id)
    with acting_user(uploader.id if uploader else None), \
            force_locale(uploader.language if uploader else "en"):
        try:
            _run(job, company)
        except Exception as error:
            db.session.rollback()
            log.exception("catalog import %s failed", job_id)
            _fail(db.session.get(CatalogImport, job_id), error)


def _run(job: CatalogImport, company: Company) -> None:
    job.status = CatalogImportStatus.RUNNING
    job.started_at = utcnow()
    boundary.commit()  # visible: the portal shows the job started

    statistics = _Statistics()

    def progress(rows_done: int, result: ImportResult) -> None:
        _copy_result(job, result)
        job.rows_done = rows_done
        if job.rows_total is not None and rows_done > job.rows_total:
            job.rows_total = rows_done
        boundary.commit()  # visible: the progress bar moves; the batch's rows are kept
        statistics.kept(result.created)

    result = _import(job, company, progress)
    _copy_result(job, result)
    job.rows_total = job.rows_done
    job.status = CatalogImportStatus.DONE
    job.finished_at = utcnow()
    record_audit("catalog.imported", job, changes={**result.summary(), "file": job.original_name})
    boundary.commit()  # visible: the counts and the row report; the files go after
    remove_stored(job.file_path, job.images_path)


class _Statistics:
    """PostgreSQL: the statistics of products and their price tiers brought up to date
    each time the import has doubled the rows it created (200, 400, 800...: about ten
    ANALYZEs for 100,000 rows, each a sample of at most 30,000 rows). Each batch looks
    its SKUs up by company and SKU, and its products' tiers by product; while the
    statistics say the company has few products (a new catalog, or one grown by this
    import since they were taken), the planner reads them through the company's index
    and filters every product of the company by SKU, and without any it scans the
    whole tiers table for 200 products' tiers: each batch read all the rows imported
    before it (a 100,000-row import grew quadratically). Autovacuum analyzes the
    tables too, but a minute later at best."""

    def __init__(self) -> None:
        self.next_at = BATCH_ROWS

    def kept(self, created: int) -> None:
        if created < self.next_at or db.session.get_bind().dialect.name != "postgresql":
            return
        self.next_at = 2 * created
        db.session.execute(text(f"ANALYZE {Product.__tablename__}, {PriceTier.__tablename__}"))
        boundary.commit()  # its own short transaction, between two batches


def _import(job: CatalogImport, company: Company, progress) -> ImportResult:
    """The stored file's rows, then the images of its zip; progress after each batch."""
    with ExitStack() as files:
        stream = files.enter_context(open_stored(job.file_path))
        catalog = open_catalog_file(stream)
        files.callback(catalog.close)
        images = files.enter_context(
            open_stored(job.images_path) if job.images_path else nullcontext())
        archive = open_images_zip(images) if images is not None else None
        importer = CatalogImporter(company, catalog, on_batch=progress,
                                   keep_skus=archive is not None)
        result = importer.run()
        if archive is not None:
            attach_images(company, archive, importer.skus, result)
    return result


def _fail(job: CatalogImport, error: Exception) -> None:
    """The job stopped: say why on its page (rows committed before stay), and let the
    uploaded files go."""
    job.status = CatalogImportStatus.FAILED
    job.detail = (error.detail if isinstance(error, DomainError) else str(_l(
        "The import stopped on an unexpected error; rows saved before it are kept. Upload "
        "the file again to import the rest.")))[:500]
    job.finished_at = utcnow()
    boundary.commit()  # visible: the page shows the job failed, and why
    remove_stored(job.file_path, job.images_path)


def _copy_result(job: CatalogImport, result: ImportResult) -> None:
    job.created, job.updated, job.unchanged = result.created, result.updated, result.unchanged
    job.failed_rows, job.images_attached = result.failed_rows, result.images_attached
    job.error_count = result.error_count
    job.errors = list(result.errors)

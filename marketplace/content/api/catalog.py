"""Content api: the offline catalog. The template and the export of the caller's
products (xlsx or csv), the import of a filled-in file within the request (up to
SYNC_MAX_ROWS rows), and import jobs for bigger files."""

from __future__ import annotations

from flask import send_file, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE

from marketplace.content import api_bp
from marketplace.content.catalog import importer
from marketplace.content.catalog.sniffing import SYNC_MAX_ROWS
from marketplace.content.queries import catalog as queries
from marketplace.content.schemas.catalog import (
    CatalogFormatArgsSchema,
    CatalogImportArgsSchema,
    ImportJobBriefSchema,
    ImportJobSchema,
    ImportResultSchema,
)
from marketplace.core.api import idempotent, problem_responses
from marketplace.core.guards import company_actor
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.core.types import utcnow
from marketplace.infrastructure.auth import api_auth
from marketplace.infrastructure.models import Company

MIMETYPES = {"xlsx": queries.XLSX_MIMETYPE, "csv": "text/csv; charset=utf-8"}
_BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_RESPONSES = {"200": {"description": "The file, as an attachment",
                          "content": {queries.XLSX_MIMETYPE: _BINARY, "text/csv": _BINARY}}}


NO_CATALOG = _l("The platform operator keeps no product catalog.")


def own_company() -> Company:
    """The caller's company; the operator, who has none, is refused (403)."""
    return company_actor(NO_CATALOG).company


def send_catalog(fmt: str, rows, name: str):
    return send_file(queries.render(fmt, rows), mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=f"{name}.{fmt}", max_age=0)


@api_bp.route("/catalog/template")
@api_auth()
@api_bp.arguments(CatalogFormatArgsSchema, location="query")
@api_bp.doc(responses={**FILE_RESPONSES, **problem_responses(422)})
def get_catalog_template(args):
    """The blank template: a header row, an Instructions sheet (English and Traditional
    Chinese), an Example sheet and drop-down lists (categories, currencies, units,
    statuses); or the same header as CSV (UTF-8 with BOM). docs/CATALOG_TEMPLATE.md
    describes every column."""
    return send_catalog(args["format"], [], "catalog-template")


@api_bp.route("/catalog/export")
@api_auth()
@api_bp.arguments(CatalogFormatArgsSchema, location="query")
@api_bp.doc(responses={**FILE_RESPONSES, **problem_responses(422)})
def export_catalog(args):
    """The caller's own products (every status) in the template, by SKU: edit and
    import it again (``POST /catalog/import``)."""
    company = own_company()
    name = f"catalog-{company.id}-{utcnow():%Y%m%d}"
    return send_catalog(args["format"], queries.export_rows(company), name)


IMPORT_DESCRIPTION = (
    "Multipart ``file`` (the spreadsheet) and optional ``images`` (a zip of images named "
    "by SKU). Good rows are saved; each bad row is reported with its row number, column "
    "and reason and leaves nothing behind. A file that is no catalog at all is refused "
    "whole: 415 (not .xlsx or UTF-8 CSV), 422 (required columns missing, unknown columns), "
    f"413 (more than {SYNC_MAX_ROWS} rows: use ``POST /catalog/imports``; an "
    "images zip that would unpack too large).")


@api_bp.route("/catalog/import", methods=["POST"])
@api_auth(permission="catalog.edit")
@idempotent
@api_bp.arguments(CatalogImportArgsSchema, location="files", unknown=RAISE)
@api_bp.response(200, ImportResultSchema)
@api_bp.doc(description=IMPORT_DESCRIPTION, responses=problem_responses(413, 415, 422))
def import_catalog(args):
    """Create or update the caller's products by SKU from a filled-in template."""
    images = args.get("images")
    return importer.import_catalog(own_company(), args["file"].stream,
                                     images.stream if images else None,
                                     filename=args["file"].filename)


@api_bp.route("/catalog/imports", methods=["POST"])
@api_auth(permission="catalog.edit")
@idempotent
@api_bp.arguments(CatalogImportArgsSchema, location="files", unknown=RAISE)
@api_bp.response(202, ImportJobSchema)
@api_bp.doc(responses=problem_responses(413, 415, 422))
def queue_catalog_import(args):
    """Import a big file in the background: the file is checked now (415, 413, 422 as
    for ``POST /catalog/import``), then 202 with the job; follow its ``url`` (Location)
    until ``status`` is done or failed for the counts and the row report."""
    images = args.get("images")
    upload = args["file"]
    actor = company_actor(NO_CATALOG)
    job = importer.queue_import(actor.company, actor.user, upload.stream,
                                upload.filename or "", images.stream if images else None)
    return job, 202, {
        "Location": url_for("content_api.get_catalog_import", import_id=job.id)}


@api_bp.route("/catalog/imports")
@api_auth(permission="catalog.edit")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(ImportJobBriefSchema))
def list_catalog_imports(pagination):
    """The caller's company's import jobs, newest first."""
    return paginate(queries.import_jobs(own_company()), **pagination)


@api_bp.route("/catalog/imports/<int:import_id>")
@api_auth(permission="catalog.edit")
@api_bp.response(200, ImportJobSchema)
@api_bp.doc(responses=problem_responses(404))
def get_catalog_import(import_id):
    """An import job: status, progress (rows_done of rows_total), counts, and the row
    report once done. Another company's job: 404."""
    own_company()
    return queries.import_job(import_id)

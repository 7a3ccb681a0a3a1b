"""Content schemas: the offline catalog (template, export, import and import jobs).
``...ArgsSchema`` for input (unknown fields rejected), the others for output."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate

from marketplace.content.catalog.report import MAX_REPORTED_ERRORS
from marketplace.content.catalog.sniffing import SYNC_MAX_ROWS
from marketplace.content.models import CatalogImportStatus
from marketplace.content.schemas.profiles import FileUpload, MultipartArgsSchema


class CatalogFormatArgsSchema(Schema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")),
                           metadata={"description": "xlsx (default) or csv (UTF-8 with BOM)"})


class CatalogImportArgsSchema(MultipartArgsSchema):
    file = FileUpload(required=True, metadata={
        "description": "The spreadsheet in the template: .xlsx, or .csv in UTF-8; the "
                       "format is recognised by the content, never the name (another: 415)"})
    images = FileUpload(metadata={
        "description": "Optional: a .zip of images named by SKU (ABC-123.jpg is the first "
                       "picture of SKU ABC-123, ABC-123-2.png the second); folders inside "
                       "are ignored"})


class ImportErrorSchema(Schema):
    row = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The row number as the spreadsheet shows it (the header is row 1); "
                       "null for a problem with an image that matches no row"})
    field = fields.String(required=True, allow_none=True, metadata={
        "description": "The column (or 'images'); null for the row as a whole",
        "example": "tier1_unit_price"})
    message = fields.String(required=True)


class _CountsSchema(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True, metadata={
        "description": "Rows equal to the stored product: nothing written"})
    failed_rows = fields.Integer(required=True, metadata={
        "description": "Rows not imported (each is in errors)"})
    images_attached = fields.Integer(required=True)
    error_count = fields.Integer(required=True, metadata={
        "description": f"All errors; the errors list holds the first {MAX_REPORTED_ERRORS}"})


class ImportResultSchema(_CountsSchema):
    errors = fields.List(fields.Nested(ImportErrorSchema), required=True)
    rows = fields.Integer(required=True, metadata={
        "description": f"Data rows read (blank rows are skipped); at most {SYNC_MAX_ROWS} "
                       "in one request"})


def _percent(job) -> int:
    if job.status == CatalogImportStatus.DONE:
        return 100
    if not job.rows_total:
        return 0
    return min(99, job.rows_done * 100 // job.rows_total)


class ImportJobBriefSchema(_CountsSchema):
    id = fields.Integer(required=True)
    status = fields.Enum(CatalogImportStatus, by_value=True, required=True)
    file_name = fields.String(attribute="original_name", required=True)
    file_format = fields.String(required=True, metadata={"example": "xlsx"})
    rows_total = fields.Integer(required=True, allow_none=True, metadata={
        "description": "An estimate from the file's size until the job is done"})
    rows_done = fields.Integer(required=True)
    percent = fields.Function(_percent, required=True, metadata={"type": "integer"})
    detail = fields.String(required=True, allow_none=True, metadata={
        "description": "Why a failed job stopped"})
    url = fields.Function(lambda job: url_for("content_api.get_catalog_import",
                                              import_id=job.id), required=True,
                          metadata={"type": "string"})
    created_at = fields.AwareDateTime(required=True)
    started_at = fields.AwareDateTime(required=True, allow_none=True)
    finished_at = fields.AwareDateTime(required=True, allow_none=True)


class ImportJobSchema(ImportJobBriefSchema):
    errors = fields.List(fields.Nested(ImportErrorSchema), required=True, metadata={
        "description": "The row report, complete once the job is done"})


class ImportProgressSchema(Schema):
    """What the portal's progress bar polls (no error list: it is shown at the end)."""

    id = fields.Integer(required=True)
    status = fields.Enum(CatalogImportStatus, by_value=True, required=True)
    rows_total = fields.Integer(allow_none=True)
    rows_done = fields.Integer(required=True)
    percent = fields.Function(_percent, required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    failed_rows = fields.Integer(required=True)
    error_count = fields.Integer(required=True)
    finished = fields.Function(lambda job: job.status in (CatalogImportStatus.DONE,
                                                          CatalogImportStatus.FAILED))

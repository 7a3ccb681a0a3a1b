"""Trading api: a trade document as a file (``GET /documents/{id}/export``).

Both parties may download it; anyone else gets 404, as if the document did not exist.
The files are rendered by ``trading.exports``; the portal's download buttons answer the
same files (``trading/views/documents.py``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.core.api import problem_responses
from marketplace.infrastructure.auth import api_auth, current_actor
from marketplace.trading import api_bp
from marketplace.trading import exports as exporting
from marketplace.trading.downloads import file_response
from marketplace.trading.queries.documents import visible_document
from marketplace.trading.renders import cached_export

_BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_RESPONSES = {"200": {
    "description": "The file, as an attachment named after the document's number",
    "content": {mimetype: _BINARY for mimetype in exporting.FORMATS.values()}}}


class ExportArgsSchema(Schema):
    format = fields.String(required=True, validate=validate.OneOf(tuple(exporting.FORMATS)),
                           metadata={"description": "docx (Word), pdf or xlsx (Excel)"})
    paper = fields.String(validate=validate.OneOf(exporting.PAPERS),
                          metadata={"description": "PDF and Word page size: a4 (default) "
                                                   "or letter"})
    lang = fields.String(validate=validate.OneOf(exporting.LANGUAGES),
                         metadata={"description": "Language of the labels: en or zh_Hant "
                                                  "(default: the caller's)"})


@api_bp.route("/documents/<int:document_id>/export")
@api_auth(permission="documents.view")
@api_bp.arguments(ExportArgsSchema, location="query")
@api_bp.doc(responses={**FILE_RESPONSES, **problem_responses(404, 422)})
def export_document(args, document_id):
    """The document as Word, PDF or Excel: letterhead with both parties, number and
    dates, terms, lines with totals; a Word or PDF file embeds the products' pictures
    and links to their pages and videos."""
    document = visible_document(document_id, current_actor())
    return file_response(cached_export(
        document, args["format"], paper=args.get("paper"), language=args.get("lang")))

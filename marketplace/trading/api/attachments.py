"""Trading api: a document's attachments (images and PDFs on the issuer's draft): upload,
download (either party), remove."""

from __future__ import annotations

from flask import url_for

from marketplace.core.api import problem_responses
from marketplace.infrastructure.auth import api_auth
from marketplace.trading import api_bp
from marketplace.trading.api.documents import trade_actor
from marketplace.trading.downloads import attachment_response
from marketplace.trading.operations import attachments as attachment_operations
from marketplace.trading.queries import attachments, documents
from marketplace.trading.schemas import AttachmentSchema, AttachmentUploadArgsSchema


@api_bp.route("/documents/<int:document_id>/attachments", methods=["POST"])
@api_auth(permission="documents.edit")
@api_bp.arguments(AttachmentUploadArgsSchema, location="files")
@api_bp.response(201, AttachmentSchema)
@api_bp.doc(responses=problem_responses(404, 409, 413, 415, 422))
def upload_attachment(args, document_id):
    """Attach an image or PDF (multipart ``file``) to your draft: a drawing, a spec
    sheet, an L/C draft. The other party downloads it once the document is sent."""
    actor = trade_actor()
    document = documents.visible_document(document_id, actor)
    upload = args["file"]
    item = attachment_operations.attach_file(document, actor, upload.stream,
                                             upload.filename or "")
    url = url_for("trading_api.get_attachment", document_id=document.id, media_id=item["id"])
    return {**item, "url": url}, 201, {"Location": url}


@api_bp.route("/documents/<int:document_id>/attachments/<int:media_id>")
@api_auth(permission="documents.view")
@api_bp.doc(responses=problem_responses(404))
def get_attachment(document_id, media_id):
    """Download one of the document's attachments (either party)."""
    document = documents.visible_document(document_id, trade_actor())
    return attachment_response(attachments.attachment(document, media_id))


@api_bp.route("/documents/<int:document_id>/attachments/<int:media_id>", methods=["DELETE"])
@api_auth(permission="documents.edit")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404, 409))
def delete_attachment(document_id, media_id):
    """Remove an attachment from your draft (its file is deleted)."""
    actor = trade_actor()
    document = documents.visible_document(document_id, actor)
    attachments.attachment(document, media_id)
    attachment_operations.detach_file(document, actor, media_id)

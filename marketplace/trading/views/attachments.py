"""Trading views: a document's attachments in the portal. The issuer adds images and
PDFs to its draft from the editor and removes them there; both parties download them
from the document page. The same operations and checks as the API."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import DomainError
from marketplace.core.guards import company_member_required
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import post_with_csrf
from marketplace.trading import bp
from marketplace.trading.downloads import attachment_response
from marketplace.trading.operations import attachments as attachment_operations
from marketplace.trading.queries import attachments as attachment_queries
from marketplace.trading.queries import documents as document_queries
from marketplace.trading.views.context import NO_COMPANY, refused
from marketplace.workflow import engine


def _back(document) -> str:
    """The editor's attachments while a draft; else the document page (no editor)."""
    if document.status == engine.DRAFT:
        return url_for("trading.edit_document", document_id=document.id) + "#attachments"
    return url_for("trading.document_page", document_id=document.id)


@bp.route("/documents/<int:document_id>/attachments", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def upload_attachment(document_id):
    post_with_csrf()
    actor = current_actor()
    document = document_queries.visible_document(document_id, actor)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_l("Choose a file to attach (an image or a PDF)."), "danger")
        return redirect(_back(document), 303)
    try:
        item = attachment_operations.attach_file(document, actor, upload.stream, upload.filename)
    except DomainError as error:
        return refused(error, _back(document))
    flash(_l("%(name)s is attached.", name=item["name"]), "success")
    return redirect(_back(document), 303)


@bp.route("/documents/<int:document_id>/attachments/<int:media_id>")
@company_member_required("documents.view", message=NO_COMPANY)
def download_attachment(document_id, media_id):
    document = document_queries.visible_document(document_id, current_actor())
    return attachment_response(attachment_queries.attachment(document, media_id))


@bp.route("/documents/<int:document_id>/attachments/<int:media_id>/delete", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def delete_attachment(document_id, media_id):
    post_with_csrf()
    actor = current_actor()
    document = document_queries.visible_document(document_id, actor)
    media = attachment_queries.attachment(document, media_id)
    name = media.original_name
    try:
        attachment_operations.detach_file(document, actor, media_id)
    except DomainError as error:
        return refused(error, _back(document))
    flash(_l("%(name)s is removed.", name=name), "success")
    return redirect(_back(document), 303)

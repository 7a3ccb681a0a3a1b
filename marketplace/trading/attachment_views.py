"""Trading views: a document's attachments in the portal. The issuer adds images and
PDFs to its draft from the editor and removes them there; both parties download them
from the document page. The same operations and checks as the API."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import DomainError
from marketplace.infrastructure.auth import current_actor
from marketplace.trading import bp, operations, queries
from marketplace.trading.files import attachment_response
from marketplace.trading.views import _csrf_checked, _refused, member_with
from marketplace.workflow import engine


def _back(document) -> str:
    """The editor's attachments while a draft; else the document page (no editor)."""
    if document.status == engine.DRAFT:
        return url_for("trading.edit_document", document_id=document.id) + "#attachments"
    return url_for("trading.document_page", document_id=document.id)


@bp.route("/documents/<int:document_id>/attachments", methods=["POST"])
@member_with("documents.edit")
def upload_attachment(document_id):
    _csrf_checked()
    actor = current_actor()
    document = queries.visible_document(document_id, actor)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_l("Choose a file to attach (an image or a PDF)."), "danger")
        return redirect(_back(document), 303)
    try:
        item = operations.attach_file(document, actor, upload.stream, upload.filename)
    except DomainError as error:
        return _refused(error, _back(document))
    flash(_l("%(name)s is attached.", name=item["name"]), "success")
    return redirect(_back(document), 303)


@bp.route("/documents/<int:document_id>/attachments/<int:media_id>")
@member_with("documents.view")
def download_attachment(document_id, media_id):
    document = queries.visible_document(document_id, current_actor())
    return attachment_response(queries.attachment(document, media_id))


@bp.route("/documents/<int:document_id>/attachments/<int:media_id>/delete", methods=["POST"])
@member_with("documents.edit")
def delete_attachment(document_id, media_id):
    _csrf_checked()
    actor = current_actor()
    document = queries.visible_document(document_id, actor)
    media = queries.attachment(document, media_id)
    name = media.original_name
    try:
        operations.detach_file(document, actor, media_id)
    except DomainError as error:
        return _refused(error, _back(document))
    flash(_l("%(name)s is removed.", name=name), "success")
    return redirect(_back(document), 303)

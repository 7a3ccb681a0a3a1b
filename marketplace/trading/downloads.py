"""How a document's files leave the server, for the portal and the API alike: its
attachments (content's stored media) and the document itself as Word, PDF or Excel
(``trading.exports``). Always a download, never cached publicly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response
from flask_babel import lazy_gettext as _l

from marketplace.content.operations.media import serve_media
from marketplace.core.errors import NotFound

if TYPE_CHECKING:
    from marketplace.trading.exports import ExportedFile


def attachment_response(media) -> Response:
    """One of content's stored files (``MediaFile``), as the type the upload was
    recognised as."""
    try:
        response = serve_media(media, as_attachment=True)
    except FileNotFoundError as error:
        raise NotFound(str(_l("Attachment %(id)s was not found.", id=media.id))) from error
    response.cache_control.private = True
    response.vary.add("Cookie")
    response.vary.add("Authorization")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(exported: ExportedFile) -> Response:
    """An exported document, as an attachment named after its number."""
    response = Response(exported.content, mimetype=exported.mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=exported.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response

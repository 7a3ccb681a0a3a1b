"""Serving a document's attachment to its parties (portal and API alike): always as a
download, never cached publicly, the content type the upload was recognised as."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import send_file
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import NotFound

if TYPE_CHECKING:
    from marketplace.content.models import MediaFile


def attachment_response(media: MediaFile):
    from marketplace.content.operations.media import download_name, media_path

    path = media_path(media.storage_path)
    if not path.is_file():
        raise NotFound(str(_l("Attachment %(id)s was not found.", id=media.id)))
    response = send_file(path, mimetype=media.content_type, as_attachment=True,
                         download_name=download_name(media), conditional=True,
                         etag=media.sha256)
    response.cache_control.private = True
    response.vary.add("Cookie")
    response.vary.add("Authorization")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

"""How a claim's photos leave the server, for the portal and the API alike: the image
(or its thumbnail) to the two parties of the discrepancy only, never cached publicly."""

from __future__ import annotations

from flask import Response, send_file
from flask_babel import lazy_gettext as _l

from marketplace.content.operations.media import download_name, media_path
from marketplace.core.errors import NotFound
from marketplace.supplier_link.models import ClaimPhoto


def photo_response(photo: ClaimPhoto, *, thumbnail: bool = False) -> Response:
    """The photo shown in the page (inline), as the type its content was recognised as;
    the thumbnail is a JPEG."""
    media = photo.media
    stored = media.thumbnail_path if thumbnail else media.storage_path
    path = media_path(stored) if stored else None
    if path is None or not path.is_file():
        raise NotFound(str(_l("Photo %(id)s was not found.", id=photo.id)))
    name = download_name(media)
    if thumbnail:
        name = name.rsplit(".", 1)[0] + "-thumbnail.jpg"
    response = send_file(path, mimetype="image/jpeg" if thumbnail else media.content_type,
                         as_attachment=False, download_name=name, conditional=True,
                         etag=f"{media.sha256}{'-t' if thumbnail else ''}")
    response.cache_control.private = True  # the answer depends on who asks
    response.vary.add("Cookie")
    response.vary.add("Authorization")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

"""How a claim's photos leave the server, for the portal and the API alike: the image
(or its thumbnail) to the two parties of the discrepancy only, never cached publicly."""

from __future__ import annotations

from flask import Response
from flask_babel import lazy_gettext as _l

from marketplace.content.operations.media import serve_media
from marketplace.core.errors import NotFound
from marketplace.supplier_link.models import ClaimPhoto


def photo_response(photo: ClaimPhoto, *, thumbnail: bool = False) -> Response:
    """The photo shown in the page (inline), as the type its content was recognised as;
    the thumbnail is a JPEG."""
    try:
        response = serve_media(photo.media, thumbnail=thumbnail)
    except FileNotFoundError as error:
        raise NotFound(str(_l("Photo %(id)s was not found.", id=photo.id))) from error
    response.cache_control.private = True  # the answer depends on who asks
    response.vary.add("Cookie")
    response.vary.add("Authorization")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

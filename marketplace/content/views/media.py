"""Content views: serving uploaded files through the permission check.

``GET /media/<id>`` and ``/media/<id>/thumbnail`` answer a file to whoever may see it
(queries.media: its own company; everyone when it is public, e.g. shown with a
published product of an active company); anyone else gets 404, as if it did not
exist. The content type is the one found in the file's content at upload, never
guessed again; ranges are served (video seeking).
"""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l

from marketplace.content import bp
from marketplace.content.operations.media import serve_media
from marketplace.content.queries import media as queries
from marketplace.core.errors import NotFound
from marketplace.infrastructure.auth import actor_from_bearer, bind_actor

PUBLIC_MAX_AGE = 3600


@bp.route("/media/<int:media_id>")
def media_file(media_id):
    return _serve(media_id, thumbnail=False)


@bp.route("/media/<int:media_id>/thumbnail")
def media_thumbnail(media_id):
    return _serve(media_id, thumbnail=True)


def _serve(media_id: int, *, thumbnail: bool):
    if request.headers.get("Authorization"):  # a partner system following an API url
        bind_actor(actor_from_bearer(request.headers["Authorization"]))
    media = queries.visible_media(media_id)
    public = queries.media_visible_to_public(media)
    try:
        response = serve_media(media, thumbnail=thumbnail,
                               max_age=PUBLIC_MAX_AGE if public else None)
    except FileNotFoundError as error:
        raise NotFound(str(_l("File %(id)s was not found.", id=media_id))) from error
    if not public:  # the answer depends on who asks
        response.cache_control.private = True
        response.vary.add("Cookie")
        response.vary.add("Authorization")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

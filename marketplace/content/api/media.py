"""Content api: media.

Files are served by the portal routes ``GET /media/{id}`` and ``/media/{id}/thumbnail``
(content/views/media.py), which the API's ``url`` and ``thumbnail_url`` fields name:
one permission check for browsers and partner systems alike (a bearer token works there
too). Uploads go through the owning resource (``POST /products/{id}/media``, the
factory tour, certifications)."""

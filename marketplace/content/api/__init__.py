"""The content module's api routes, one file per area; importing registers them."""

from marketplace.content.api import (
    bulletins,  # noqa: F401
    catalog,  # noqa: F401
    media,  # noqa: F401
    products,  # noqa: F401
    profiles,  # noqa: F401
    search,  # noqa: F401
)

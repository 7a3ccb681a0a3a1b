"""The content module's views routes, one file per area; importing registers them."""

from marketplace.content.views import products  # noqa: F401
from marketplace.content.views import media  # noqa: F401
from marketplace.content.views import catalog  # noqa: F401
from marketplace.content.views import profiles  # noqa: F401
from marketplace.content.views import bulletins  # noqa: F401
from marketplace.content.views import search  # noqa: F401

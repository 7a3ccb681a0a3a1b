"""The content module's api routes, one file per area; importing registers them."""

from marketplace.content.api import products  # noqa: F401
from marketplace.content.api import media  # noqa: F401
from marketplace.content.api import catalog  # noqa: F401
from marketplace.content.api import profiles  # noqa: F401
from marketplace.content.api import bulletins  # noqa: F401
from marketplace.content.api import search  # noqa: F401

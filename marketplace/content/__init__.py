"""Content: company profiles and factory tours, product lines, products and their
media, the e-catalog, search (English and Chinese), bulletins, the offline catalog.

The module has grown past one file per room: each room is a package with one
file per area (products, media, catalog, profiles, bulletins, search)."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

# Tells core which currencies a company uses (its lists put them first, in every module).
from marketplace.content.queries import currencies as _currencies  # noqa: F401

# Search follows the catalog: its signal receivers (light: Whoosh loads on first use).
from marketplace.content.search import receivers as _search_receivers  # noqa: F401

bp = Blueprint("content", __name__, template_folder="templates")
api_bp = ApiBlueprint("content_api", __name__, url_prefix="",
                      description="Catalog, products and media, search, bulletins, profiles")

API_BLUEPRINTS = (api_bp,)

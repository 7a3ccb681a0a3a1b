"""Favourites and saved searches, per member: the products and suppliers a member
starred, the searches it saved, and the alerts of new products matching them (the bell
at each run, a daily mail digest the member can turn off).

Above content (it reads the catalog and its search); it shows its stars on content's
pages through slots (product page, supplier profile, search results)."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

from marketplace.favourites import notifications, tasks  # noqa: F401 - declare on import

bp = Blueprint("favourites", __name__, template_folder="templates")
api_bp = ApiBlueprint("favourites_api", __name__, url_prefix="",
                      description="A member's favourites and saved searches with alerts")

API_BLUEPRINTS = (api_bp,)

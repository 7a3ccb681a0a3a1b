"""The trading module. Its portal and API blueprints are registered by the app
factory; its routes arrive with the module's issue."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("trading", __name__, template_folder="templates", url_prefix="/trading")
api_bp = ApiBlueprint("trading_api", __name__, url_prefix="", description="trading")

API_BLUEPRINTS = (api_bp,)

# The export route lives beside the engine's api (trading/api.py), in its own file.
from marketplace.trading import api_exports as _api_exports  # noqa: E402, F401

"""The supplier link module. Its portal and API blueprints are registered by the app
factory; it tells of goods received (``notifications``), and listens to the engine and
answers fulfillment through ``receivers``, hooked up when the package is imported."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

from marketplace.supplier_link import notifications, receivers  # noqa: F401 - declare on import

bp = Blueprint("supplier_link", __name__, template_folder="templates", url_prefix="/supplier_link")
api_bp = ApiBlueprint("supplier_link_api", __name__, url_prefix="", description="supplier link")

API_BLUEPRINTS = (api_bp,)

receivers.connect()

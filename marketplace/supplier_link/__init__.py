"""The supplier link module. Its portal and API blueprints are registered by the app
factory; its routes arrive with the module's issue."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("supplier_link", __name__, template_folder="templates", url_prefix="/supplier_link")
api_bp = ApiBlueprint("supplier_link_api", __name__, url_prefix="", description="supplier link")

API_BLUEPRINTS = (api_bp,)

"""The fulfillment module. Its portal and API blueprints are registered by the app
factory; its routes arrive with the module's issue."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("fulfillment", __name__, template_folder="templates", url_prefix="/fulfillment")
api_bp = ApiBlueprint("fulfillment_api", __name__, url_prefix="", description="fulfillment")

API_BLUEPRINTS = (api_bp,)

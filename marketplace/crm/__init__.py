"""The crm module. Its portal and API blueprints are registered by the app
factory; its routes arrive with the module's issue."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("crm", __name__, template_folder="templates", url_prefix="/crm")
api_bp = ApiBlueprint("crm_api", __name__, url_prefix="", description="crm")

API_BLUEPRINTS = (api_bp,)

"""The content module. Its portal and API blueprints are registered by the app
factory; its routes arrive with the module's issue."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("content", __name__, template_folder="templates", url_prefix="/content")
api_bp = ApiBlueprint("content_api", __name__, url_prefix="", description="content")

API_BLUEPRINTS = (api_bp,)

"""Service cases: one window for complaints and questions between two companies, or a
company and the operator, with response and resolution targets and their figures; and
the departments' shared box (the documents and cases dispatch rules route to them).

Above fulfillment (a case links documents and orders)."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

from marketplace.service import notifications  # noqa: F401 - declares its events

bp = Blueprint("service", __name__, template_folder="templates")
api_bp = ApiBlueprint("service_api", __name__, url_prefix="",
                      description="Service cases between companies and with the operator")

API_BLUEPRINTS = (api_bp,)


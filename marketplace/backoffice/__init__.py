"""The operator's back office: the dashboard, the audit trail as a page, moderation.

At the top: it reads every module's figures through their queries."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("back_office", __name__, template_folder="templates")
api_bp = ApiBlueprint("back_office_api", __name__, url_prefix="",
                      description="The operator's back office: statistics, audit, moderation")

API_BLUEPRINTS = (api_bp,)

from marketplace.backoffice import notifications, office  # noqa: E402,F401 - events, receivers, work items

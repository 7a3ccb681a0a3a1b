"""The trading module: the trade document types (``doctypes``), their API and portal,
and the notifications they cause. Its portal and API blueprints are registered by the
app factory."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("trading", __name__, template_folder="templates", url_prefix="/trading")
api_bp = ApiBlueprint("trading_api", __name__, url_prefix="",
                      description="Trade documents: inquiries, quotations, orders, invoices... "
                                  "their actions, history, boxes, and the document settings")

API_BLUEPRINTS = (api_bp,)

# The types are declared once, on import; the notifications follow the engine's signal.
from marketplace.trading import doctypes as _doctypes  # noqa: E402, F401
from marketplace.trading import notifications as _notifications  # noqa: E402, F401

"""The trading module: the trade document types (``doctypes``), their API and portal,
and the notifications they cause. Its portal and API blueprints are registered by the
app factory, which loads the ``api`` and ``views`` rooms (one file a subject).

Trade documents are the engine's documents (``workflow.models``): trading has no
tables of its own. The types are declared, and the notifications follow the engine's
signal, as soon as the package is imported; the office asks it for work items."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

from marketplace.trading import doctypes, notifications, tasks  # noqa: F401 - they declare on import
from marketplace.trading.queries import office

bp = Blueprint("trading", __name__, template_folder="templates", url_prefix="/trading")
api_bp = ApiBlueprint("trading_api", __name__, url_prefix="",
                      description="Trade documents: inquiries, quotations, orders, invoices... "
                                  "their actions, history, boxes, and the document settings")

API_BLUEPRINTS = (api_bp,)

office.register_work_items()

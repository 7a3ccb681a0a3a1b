"""Sourcing: sealed requests for quotation, the side-by-side comparison of their bids,
the award (purchase orders for the winners, regrets for the others) and revisions
shown as differences.

It sits on top of the trade modules: the rfq and the quotation are the engine's
document types (declared in ``trading/doctypes.py``); sourcing keeps the sealing
(``closes_at``), the opening, the award and the diff, and reads the supplier
scorecards through crm's queries. The sealing is enforced where the engine's readers
load a document's lines (one place, ``sealing.py``), so every route that shows a
price hears the same answer.
"""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

# The sealing is told to the engine (and hears of sent rfqs), and the events are
# declared, when sourcing is imported; neither imports the blueprints.
from marketplace.sourcing import notifications, print_changes, sealing  # noqa: F401

bp = Blueprint("sourcing", __name__, template_folder="templates", url_prefix="/sourcing")
api_bp = ApiBlueprint("sourcing_api", __name__, url_prefix="", description="sourcing")

API_BLUEPRINTS = (api_bp,)

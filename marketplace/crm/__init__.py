"""Customer analytics and trade speed, computed from the trade records.

The crm module sits on top of the others: it reads the trade records of trading,
fulfillment and the supplier link in its own queries room (read-only joins, the one
room that may import another module's models) and through their operations and
signals, and writes only its own snapshot tables. Its rooms are packages, one file a
subject (customers, treatments, associations, speed, scorecards, work list); each
package's ``__init__`` loads every file in it (``core.rooms.load_all``), so a new
subject is a new file and nothing else.
"""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("crm", __name__, template_folder="templates", url_prefix="/crm")
api_bp = ApiBlueprint("crm_api", __name__, url_prefix="", description="analytics")

API_BLUEPRINTS = (api_bp,)

"""Conversations: messages between two companies outside the formal documents
(questions before an inquiry, samples, artwork), and the first contact with a supplier
in one box (an inquiry sent in one step from a product page or a supplier profile).

Why a module of its own, above trading: a conversation is no trade document (no type,
number, state or lines; the engine knows nothing of it), yet it is turned into one (an
inquiry draft through trading's operations) and starts from content's products and
trading's documents. Sitting above both, it uses their operations and queries and fills
their pages' slots (the product page's contact box, the supplier profile's button, a
document's link back) without either knowing it.
"""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

from marketplace.conversations import notifications  # noqa: F401 - declares its events

bp = Blueprint("conversations", __name__, template_folder="templates", url_prefix="/messages")
api_bp = ApiBlueprint("conversations_api", __name__, url_prefix="",
                      description="Conversations between two companies: messages with "
                                  "attachments, read receipts, search, and the inquiry "
                                  "a conversation becomes")

API_BLUEPRINTS = (api_bp,)

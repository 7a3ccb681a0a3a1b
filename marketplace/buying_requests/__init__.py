"""Public buying requests: a buyer posts what it needs (product, quantity, target price,
destination, closing date); approved suppliers in the matching categories see it and
answer with quotations; the buyer compares and awards through sourcing. Suppliers
subscribe to categories to hear of new requests.

Above sourcing (it reuses the comparison and the award)."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

# The events are declared, and the engine told what to refuse after closing, when the
# module is imported; neither imports the blueprints.
from marketplace.buying_requests import notifications, operations  # noqa: F401

bp = Blueprint("buying_requests", __name__, template_folder="templates")
api_bp = ApiBlueprint("buying_requests_api", __name__, url_prefix="",
                      description="Public buying requests, answered with quotations")

API_BLUEPRINTS = (api_bp,)


@bp.record_once
def _closing_interval(state) -> None:
    """Closing after requests every minute without a worker (tests close it themselves)."""
    state.app.config.setdefault("BUYING_REQUEST_CLOSING_SECONDS",
                                None if state.app.testing else 60)

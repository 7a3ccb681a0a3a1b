"""Fulfillment: orders (from accepted purchase orders, merged and split), shipments and
their timeline, shipping documents, receivables and payments (Stripe for cards).

The portal blueprint is ``bp`` (``/fulfillment``), the JSON API ``api_bp``; an accepted
purchase order opens its order through the engine's signal (``receivers``)."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

# They declare on import: the events it tells, its office notice, its signal receivers.
from marketplace.fulfillment import notifications, office, receivers  # noqa: F401

bp = Blueprint("fulfillment", __name__, template_folder="templates", url_prefix="/fulfillment")
api_bp = ApiBlueprint("fulfillment_api", __name__, url_prefix="",
                      description="Orders, shipments, shipping documents, receivables, payments")

API_BLUEPRINTS = (api_bp,)

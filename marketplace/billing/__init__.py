"""Member plans and billing: plans with limits, subscriptions through Stripe Checkout
and webhooks, the platform's own membership invoices.

Near the top: it counts what the modules below hold to enforce each plan's limits,
and they ask it through hooks they own (core/limits.py: no lower module imports
billing). docs/BILLING.md."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

from marketplace.billing import limits, notifications  # noqa: F401 - register on import

bp = Blueprint("billing", __name__, template_folder="templates")
api_bp = ApiBlueprint("billing_api", __name__, url_prefix="",
                      description="Member plans, subscriptions and membership invoices")

API_BLUEPRINTS = (api_bp,)

"""The supplier link module. Its portal and API blueprints are registered by the app
factory; its routes arrive with the module's issue."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("supplier_link", __name__, template_folder="templates", url_prefix="/supplier_link")
api_bp = ApiBlueprint("supplier_link_api", __name__, url_prefix="", description="supplier link")

API_BLUEPRINTS = (api_bp,)


def _on_document_transitioned(document, **details) -> None:
    """A credit or debit note of a discrepancy accepted in the engine closes it."""
    from marketplace.supplier_link.operations.discrepancies import on_document_transitioned

    on_document_transitioned(document, **details)


from marketplace.core.signals import document_transitioned  # noqa: E402
from marketplace.supplier_link import notifications as _notifications  # noqa: E402, F401

document_transitioned.connect(_on_document_transitioned)


def _accepted_quantity(shipment_line):
    from marketplace.supplier_link.queries.receipts import accepted_quantity

    return accepted_quantity(shipment_line)


def _count_acceptance() -> None:
    """Fulfillment asks what the buyer accepted of a shipped line (the rest may be shipped
    again); goods receipts are this module's, so it answers through fulfillment's hook."""
    from marketplace.fulfillment.queries import register_acceptance_count

    register_acceptance_count(_accepted_quantity)


_count_acceptance()

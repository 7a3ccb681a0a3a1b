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

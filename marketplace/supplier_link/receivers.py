"""The supplier link listens to the engine, and answers fulfillment's question: both
hooked up by ``connect()``, which the package calls when it is imported."""

from __future__ import annotations

from decimal import Decimal

from marketplace.core.signals import document_transitioned
from marketplace.fulfillment.queries import register_acceptance_count


def _on_document_transitioned(document, **details) -> None:
    """A credit or debit note of a discrepancy accepted in the engine closes it."""
    from marketplace.supplier_link.operations.discrepancies import on_document_transitioned

    on_document_transitioned(document, **details)


def _accepted_quantity(shipment_line) -> Decimal:  # a fulfillment ShipmentLine
    from marketplace.supplier_link.queries.receipts import accepted_quantity

    return accepted_quantity(shipment_line)


def connect() -> None:
    """Fulfillment asks what the buyer accepted of a shipped line (the rest may be shipped
    again); goods receipts are this module's, so it answers through fulfillment's hook."""
    document_transitioned.connect(_on_document_transitioned)
    register_acceptance_count(_accepted_quantity)

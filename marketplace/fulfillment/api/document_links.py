"""API: ``GET /documents/{id}`` of a purchase order names the order its acceptance
opened (``order``), through trading's ``document.api`` slot (issue 17.9)."""

from __future__ import annotations

from marketplace.core import slots
from marketplace.fulfillment import queries


@slots.fill("document.api")
def _order_of_purchase_order(document, actor) -> dict | None:
    if document.type != "purchase_order" or actor is None or actor.company is None:
        return None
    order = queries.order_of_purchase_order(document.id, document)
    if order is not None and actor.company.id not in (order.buyer_company_id,
                                                      order.supplier_company_id):
        order = None
    return {"order": None if order is None else {
        "id": order.id, "number": order.number, "status": str(order.status)}}

"""A small trade history with known timestamps, for the trade speed tests.

Written straight into the tables (documents, events, orders, shipping documents) so
every interval is exactly what the test says; the figures are worked out by hand in
the tests that use it.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal

from marketplace.extensions import db
from marketplace.fulfillment.models import (
    Order,
    OrderLine,
    Shipment,
    ShipmentLine,
    ShippingDocument,
)
from marketplace.workflow.models import Document, DocumentEvent, DocumentThread

_numbers = itertools.count(1)


def at(month: int, day: int, hour: int = 8) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def document(doctype: str, issuer: int, recipient: int, sent_at: datetime | None, *,
             thread: DocumentThread | None = None, parent: Document | None = None,
             created_by: int | None = None, assigned_to: int | None = None,
             status: str = "sent") -> Document:
    thread = thread or (parent.thread if parent else DocumentThread(subject=doctype))
    doc = Document(type=doctype, number=f"{doctype[:3].upper()}-{next(_numbers):05}",
                   status=status, issuer_company_id=issuer, recipient_company_id=recipient,
                   thread=thread, parent=parent, sent_at=sent_at, created_by_id=created_by,
                   assigned_to_id=assigned_to, currency="USD")
    db.session.add(doc)
    db.session.flush()
    return doc


def accept(doc: Document, moment: datetime, actor: int | None = None) -> None:
    doc.status = "accepted"
    db.session.add(DocumentEvent(document_id=doc.id, action="accept", from_status="sent",
                                 to_status="accepted", actor_id=actor, at=moment))
    db.session.flush()


def order_with_papers(po: Document, product_id: int | None, papers_at: datetime | None) -> Order:
    """The order an accepted purchase order made, shipped with a packing list printed at
    ``papers_at`` (no shipment when None)."""
    order = Order(number=f"ORD-{next(_numbers):05}", currency="USD",
                  buyer_company_id=po.issuer_company_id,
                  supplier_company_id=po.recipient_company_id, purchase_order_id=po.id)
    line = OrderLine(order=order, product_id=product_id, description="Goods",
                     quantity=Decimal(10), unit_price=Decimal(5))
    db.session.add_all([order, line])
    db.session.flush()
    if papers_at is not None:
        shipment = Shipment(number=f"SHP-{next(_numbers):05}", currency="USD",
                            buyer_company_id=order.buyer_company_id,
                            supplier_company_id=order.supplier_company_id)
        db.session.add(shipment)
        db.session.flush()
        db.session.add(ShipmentLine(shipment_id=shipment.id, order_line_id=line.id,
                                    quantity=Decimal(10)))
        db.session.add(ShippingDocument(shipment_id=shipment.id, kind="packing-list",
                                        revision=1, created_at=papers_at))
        db.session.flush()
    return order

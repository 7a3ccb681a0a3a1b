"""A small known trade between one buyer and two suppliers (and a second buyer whose
records must never show), built with the models so every date is the test's own.
tests/crm/test_scorecards.py works each scorecard figure out by hand from it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.fulfillment.models import (
    Order,
    OrderLine,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
)
from marketplace.supplier_link.models import (
    Discrepancy,
    GoodsReceipt,
    GoodsReceiptLine,
)
from marketplace.workflow.models import Document, DocumentThread

_numbers = itertools.count(1)
PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class ScorecardTrade:
    buyer: object
    other_buyer: object
    alpha: object  # supplier "Alpha Fasteners"
    beta: object  # supplier "Beta Textiles"


class Builder:
    def __init__(self, buyer_id: int, supplier_id: int):
        self.buyer_id, self.supplier_id = buyer_id, supplier_id

    def order(self, created: str, lines) -> Order:
        """``lines``: (sku, quantity, unit price, requested date or None)."""
        order = Order(number=f"ORD-S-{next(_numbers):04d}", buyer_company_id=self.buyer_id,
                      supplier_company_id=self.supplier_id, currency="USD", status="open",
                      created_at=at(created))
        for position, (sku, quantity, price, requested) in enumerate(lines):
            order.lines.append(OrderLine(
                position=position, sku=sku, description=f"Item {sku}", unit="pcs",
                quantity=Decimal(quantity), unit_price=Decimal(price),
                requested_delivery_date=requested and date.fromisoformat(requested)))
        db.session.add(order)
        db.session.flush()
        return order

    def shipment(self, lines, events=()) -> Shipment:
        """``lines``: (order line, quantity); ``events``: (status, when)."""
        shipment = Shipment(number=f"SH-S-{next(_numbers):04d}", buyer_company_id=self.buyer_id,
                            supplier_company_id=self.supplier_id, currency="USD", status="booked")
        for order_line, quantity in lines:
            shipment.lines.append(ShipmentLine(order_line=order_line,
                                               quantity=Decimal(quantity)))
            order_line.shipped_quantity = (order_line.shipped_quantity or 0) + Decimal(quantity)
        for status, when in events:
            shipment.events.append(ShipmentEvent(status=status, at=at(when)))
            shipment.status = status
        db.session.add(shipment)
        db.session.flush()
        return shipment

    def receipt(self, order: Order, shipment: Shipment, received_on: str, lines) -> None:
        """``lines``: (shipment line, received, rejected, reason)."""
        receipt = GoodsReceipt(order_id=order.id, shipment_id=shipment.id,
                               buyer_company_id=self.buyer_id,
                               supplier_company_id=self.supplier_id,
                               received_on=date.fromisoformat(received_on))
        for shipment_line, received, rejected, reason in lines:
            receipt.lines.append(GoodsReceiptLine(
                order_line_id=shipment_line.order_line_id, shipment_line_id=shipment_line.id,
                quantity_received=Decimal(received), quantity_rejected=Decimal(rejected),
                reason=reason))
        db.session.add(receipt)
        db.session.flush()

    def document(self, type_: str, sent: str | None, *, thread=None, from_buyer=True,
                 status="sent") -> Document:
        issuer, recipient = ((self.buyer_id, self.supplier_id) if from_buyer
                             else (self.supplier_id, self.buyer_id))
        document = Document(type=type_, number=f"{type_[:3].upper()}-S-{next(_numbers):04d}",
                            status=status, issuer_company_id=issuer,
                            recipient_company_id=recipient,
                            thread=thread or DocumentThread(subject=type_),
                            sent_at=sent and at(sent), created_at=at(sent or "2026-01-01"))
        db.session.add(document)
        db.session.flush()
        return document

    def claim(self, order: Order, shipment_line: ShipmentLine, status: str, created: str):
        claim = self.document("claim", created)
        db.session.add(Discrepancy(
            order_id=order.id, order_line_id=shipment_line.order_line_id,
            shipment_line_id=shipment_line.id, buyer_company_id=self.buyer_id,
            supplier_company_id=self.supplier_id, status=status,
            claim_document_id=claim.id, created_at=at(created)))
        db.session.flush()


def build_scorecard_trade(make, app) -> ScorecardTrade:
    trade = ScorecardTrade(
        buyer=make.company_with_admin("Nordic Tools", roles=("buyer",)),
        other_buyer=make.company_with_admin("Other Buyer", roles=("buyer",)),
        alpha=make.company_with_admin("Alpha Fasteners", roles=("supplier",)),
        beta=make.company_with_admin("Beta Textiles", roles=("supplier",)))
    with app.test_request_context():
        alpha = Builder(trade.buyer.company_id, trade.alpha.company_id)
        # Order 1: BOLT on time (arrived 27 Feb, asked for 1 Mar), NUT late (asked 20 Feb).
        o1 = alpha.order("2026-02-01T09:00", [("BOLT", "100", "2.00", "2026-03-01"),
                                              ("NUT", "50", "1.00", "2026-02-20")])
        sh1 = alpha.shipment([(o1.lines[0], "100"), (o1.lines[1], "50")],
                             [("shipped", "2026-02-10T08:00"), ("arrived", "2026-02-27T10:00")])
        alpha.receipt(o1, sh1, "2026-02-28", [(sh1.lines[0], "96", "4", "damaged"),
                                             (sh1.lines[1], "50", "0", None)])
        # Order 2: BOLT again at 2.20 (delivered 30 Apr, asked 1 May); WASHER never shipped,
        # asked for 15 May: overdue.
        o2 = alpha.order("2026-04-01T09:00", [("BOLT", "100", "2.20", "2026-05-01"),
                                              ("WASHER", "10", "0.50", "2026-05-15")])
        sh2 = alpha.shipment([(o2.lines[0], "100")], [("delivered", "2026-04-30T16:00")])
        alpha.receipt(o2, sh2, "2026-05-02", [(sh2.lines[0], "100", "5", "quality")])
        # Before the period: not counted anywhere.
        alpha.order("2025-12-01T09:00", [("BOLT", "100", "1.00", "2025-12-20")])
        # Inquiries: answered in 6 h (a revision later does not count), in 24 h, and not.
        i1 = alpha.document("inquiry", "2026-01-10T08:00")
        alpha.document("quotation", "2026-01-10T14:00", thread=i1.thread, from_buyer=False)
        alpha.document("quotation", "2026-01-12T14:00", thread=i1.thread, from_buyer=False)
        i2 = alpha.document("inquiry", "2026-03-01T09:00")
        alpha.document("quotation", "2026-03-02T09:00", thread=i2.thread, from_buyer=False)
        alpha.document("inquiry", "2026-05-01T09:00")
        # Claims: one closed, one still claimed.
        alpha.claim(o1, sh1.lines[0], "closed", "2026-03-01T09:00")
        alpha.claim(o2, sh2.lines[0], "claimed", "2026-05-03T09:00")

        beta = Builder(trade.buyer.company_id, trade.beta.company_id)
        o3 = beta.order("2026-03-01T09:00", [("SILK", "20", "12.00", "2026-03-20")])
        # No arrival event: the buyer's receipt on 18 Mar says when it arrived.
        sh3 = beta.shipment([(o3.lines[0], "20")], [("shipped", "2026-03-05T08:00")])
        beta.receipt(o3, sh3, "2026-03-18", [(sh3.lines[0], "20", "0", None)])

        # Another buyer's trade with Alpha: never in Nordic Tools' scorecards.
        other = Builder(trade.other_buyer.company_id, trade.alpha.company_id)
        o4 = other.order("2026-02-01T09:00", [("BOLT", "100", "9.00", "2026-02-02")])
        sh4 = other.shipment([(o4.lines[0], "100")], [("arrived", "2026-03-30T10:00")])
        other.receipt(o4, sh4, "2026-03-30", [(sh4.lines[0], "10", "10", "damaged")])
        commit()
    return trade

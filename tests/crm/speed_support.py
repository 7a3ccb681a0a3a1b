"""A small trade history with known timestamps, for the trade speed tests; its medians,
90th percentiles, response and win rates are worked out by hand below.

"Mar" and "Apr" are the history's two months (eight and seven months ago, MARCH and
APRIL below), so that the default period, the last 12 months, holds them.

Supplier S answers buyer B's inquiries (members M1 and M2 in charge):

    inquiry  sent         first quotation  hours  member
    I1       Mar 2 08:00  Mar 2 10:00        2    M1   (a revision follows on Mar 4)
    I2       Mar 3 08:00  Mar 3 14:00        6    M1
    I3       Mar 10 08:00 Mar 11 08:00      24    M2
    I4       Apr 1 08:00  Apr 1 12:00        4    M2
    I5       Apr 2 08:00  never              -    M2
    I0       Mar 4 08:00  cancelled by B: left out

inquiry → quotation, sorted 2 4 6 24: median (4+6)/2 = 5; p90 at 0.9×3 = 2.7 →
6 + 0.7×(24−6) = 18.6; answered 4 of 5 = 0.8.
March 2 6 24: median 6, p90 at 1.8 → 6 + 0.8×18 = 20.4; April 4: median 4, rate 1/2.
M1 2 6: median 4, p90 2 + 0.9×4 = 5.6; M2 4 24: median 14, p90 4 + 0.9×20 = 22, rate 2/3.

Purchase orders: P1 (thread I1, from the revision) sent Mar 5 08:00, accepted Mar 5
20:00 (12 h), its packing list Mar 7 20:00 (48 h after acceptance); P2 (thread I3)
sent Mar 20 08:00, accepted Mar 21 08:00 (24 h), no papers yet.
inquiry → order days: I1 3, I3 10 → median 6.5, p90 3 + 0.9×7 = 9.3.
PO → accepted 12 24 → median 18, p90 12 + 0.9×12 = 22.8; accepted → papers 48.
Quotations: Q1, Q1b, Q3 won (an order followed in their thread), Q2, Q4 not → 3/5 = 0.6.

Another supplier S2 answers B's inquiry I6 (Mar 15) in 1 hour: the platform's
inquiry → quotation is 1 2 4 6 24 → median 4, p90 at 3.6 → 6 + 0.6×18 = 16.8, rate 5/6.

Written straight into the tables (documents, events, orders, shipping documents) so
every interval is exactly what the test says.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from marketplace.core.boundary import commit
from marketplace.crm.operations.speed import refresh_response_facts
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


def _history_months() -> tuple[date, date]:
    """The history's "March" and "April": the months starting eight and seven months
    before this one, so the default period (the last 12 months) always holds them."""
    first = datetime.now(UTC).date().replace(day=1)
    for _ in range(8):
        first = (first - timedelta(days=1)).replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1)


MARCH, APRIL = _history_months()
FROM, TO = MARCH, (APRIL + timedelta(days=32)).replace(day=1) - timedelta(days=1)
PERIOD = f"from={FROM.isoformat()}&to={TO.isoformat()}"
MONTHS = (MARCH.strftime("%Y-%m"), APRIL.strftime("%Y-%m"))


def at(month: int, day: int, hour: int = 8) -> datetime:
    """A moment of the history: ``month`` 3 is its first month, 4 its second."""
    base = MARCH if month == 3 else APRIL
    return datetime(base.year, base.month, day, hour, tzinfo=UTC)


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


@pytest.fixture
def history(app, make):
    s = make.company("Speedy Supplier", roles=("supplier",))
    s2 = make.company("Other Supplier", roles=("supplier",))
    b = make.company("Buyer One", roles=("buyer",))
    m1 = make.member(s, "sales", full_name="Ann Answer")
    m2 = make.member(s, "sales", full_name="Ben Later")
    bm = make.member(b, "purchasing", full_name="Bea Buyer")
    with app.test_request_context():
        def inquiry(month, day, member, supplier=s, status="sent"):
            return document("inquiry", b, supplier, at(month, day), created_by=bm.user_id,
                            assigned_to=member.user_id, status=status)

        def quote(parent, moment, member):
            issuer = parent.issuer_company_id if parent.type == "quotation" else \
                parent.recipient_company_id
            return document("quotation", issuer, b, moment,
                            parent=parent, created_by=member.user_id)

        i1 = inquiry(3, 2, m1)
        q1 = quote(i1, at(3, 2, 10), m1)
        q1b = quote(q1, at(3, 4, 9), m1)
        i2 = inquiry(3, 3, m1)
        quote(i2, at(3, 3, 14), m1)
        i3 = inquiry(3, 10, m2)
        q3 = quote(i3, at(3, 11, 8), m2)
        i4 = inquiry(4, 1, m2)
        quote(i4, at(4, 1, 12), m2)
        inquiry(4, 2, m2)
        inquiry(3, 4, m1, status="cancelled")
        draft = quote(i4, None, m2)  # a draft quotation counts nowhere
        assert draft.sent_at is None
        p1 = document("purchase_order", b, s, at(3, 5), parent=q1b, created_by=bm.user_id,
                      assigned_to=m1.user_id)
        accept(p1, at(3, 5, 20), m1.user_id)
        order_with_papers(p1, None, at(3, 7, 20))
        p2 = document("purchase_order", b, s, at(3, 20), parent=q3, created_by=bm.user_id,
                      assigned_to=m2.user_id)
        accept(p2, at(3, 21, 8), m2.user_id)
        order_with_papers(p2, None, None)
        i6 = document("inquiry", b, s2, at(3, 15), created_by=bm.user_id)
        quote(i6, at(3, 15, 9), m1)  # issued by s2's side: the issuer is what counts
        refresh_response_facts()
        commit()
    return {"s": s, "s2": s2, "b": b, "m1": m1, "m2": m2, "bm": bm}

"""A small known trade history for customer analytics, built with the models (fast),
every record dated so many days before today (noon UTC). The figures it must give are
worked out by hand in tests/crm/test_customers_figures.py; other crm tests may reuse it.

One supplier "Formosa Fasteners" (reporting currency USD) with two products in one
category: BOLT (price 10, cost price 6) and NUT (no cost price known). Its five
customers, and a competitor "Rival Screws" selling in the same category:

  A  steady and large: 100 BOLT @10 = 1000 at 400, 300, 200, 100 and 10 days ago;
     invoices for the orders of 300, 200 and 100 days ago, paid in 10, 40 and 20 days
     (the second after its due date).
  B  growing, costs unknown: 10 NUT @50 = 500 at 500 days ago, 20 NUT @50 = 1000 at 60
     and 30 days ago; quotations in the last year: accepted, ordered (a purchase order
     made from it), declined, and one still open.
  C  small and troublesome: 10 BOLT @10 = 100 at 50 and 40 days ago; a claim (35 days
     ago), a return (30) and a discrepancy (30).
  D  lapsed: 60 BOLT @10 = 600 at 800, 700, 600, 500 and 400 days ago, none since.
  E  new, and buying mostly elsewhere: 60 BOLT @10 = 600 at 20 days ago, while buying
     2400 of the same category from Rival Screws 15 days ago; two quotations sent 40
     and 25 days ago, never answered. An invoice issued 20 days ago, due in 10 days.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from marketplace.content.models import Product, ProductStatus
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import Invoice, Order, OrderLine, Payment, Shipment
from marketplace.infrastructure.models import Category
from marketplace.supplier_link.models import Discrepancy, ReturnRequest
from marketplace.workflow.models import Document, DocumentThread
from tests.factories import Member

_numbers = itertools.count(1)


def today() -> date:
    return utcnow().date()


def days_ago(days: int) -> datetime:
    """Noon UTC, ``days`` days before today."""
    return datetime.combine(today() - timedelta(days=days), time(12), tzinfo=UTC)


def day(days: int) -> date:
    return today() - timedelta(days=days)


# ----- record builders (inside a request context; the caller commits) ------------------------


def product(company_id: int, sku: str, category: Category | None, cost: str | None,
            currency: str = "USD") -> Product:
    item = Product(company_id=company_id, sku=sku, name=f"Item {sku}", currency=currency,
                   category=category, status=ProductStatus.PUBLISHED,
                   cost_price=Decimal(cost) if cost is not None else None)
    db.session.add(item)
    db.session.flush()
    return item


def order(supplier_id: int, buyer_id: int, ago: int, lines: list[tuple[Product, str, str]],
          *, currency: str = "USD", status: str = "open") -> Order:
    placed = Order(number=f"ORD-{next(_numbers):05d}", supplier_company_id=supplier_id,
                   buyer_company_id=buyer_id, currency=currency, status=status,
                   created_at=days_ago(ago), updated_at=days_ago(ago))
    for position, (item, quantity, price) in enumerate(lines, start=1):
        placed.lines.append(OrderLine(position=position, product_id=item.id, sku=item.sku,
                                      description=item.name, quantity=Decimal(quantity),
                                      unit_price=Decimal(price)))
    db.session.add(placed)
    db.session.flush()
    return placed


def invoice(placed: Order, issued_ago: int, due_ago: int, paid_ago: int | None) -> Invoice:
    """An invoice over the whole order, paid in one payment ``paid_ago`` days ago."""
    shipment = Shipment(number=f"SHP-{next(_numbers):05d}", currency=placed.currency,
                        supplier_company_id=placed.supplier_company_id,
                        buyer_company_id=placed.buyer_company_id)
    db.session.add(shipment)
    db.session.flush()
    amount = sum((line.quantity * line.unit_price for line in placed.lines), Decimal(0))
    bill = Invoice(number=f"INV-{next(_numbers):05d}", shipment_id=shipment.id,
                   supplier_company_id=placed.supplier_company_id,
                   buyer_company_id=placed.buyer_company_id, amount=amount,
                   currency=placed.currency, issued_on=day(issued_ago), due_date=day(due_ago),
                   status="open")
    db.session.add(bill)
    db.session.flush()
    if paid_ago is not None:
        db.session.add(Payment(invoice_id=bill.id, amount=amount, currency=placed.currency,
                               method="tt", received_at=days_ago(paid_ago)))
        bill.paid_amount, bill.status = amount, "paid"
        db.session.flush()
    return bill


def document(doctype: str, issuer_id: int, recipient_id: int, ago: int, status: str = "sent",
             *, parent: Document | None = None, valid_until: date | None = None) -> Document:
    sent = Document(type=doctype, number=f"{doctype[:3].upper()}-{next(_numbers):05d}",
                    status=status, issuer_company_id=issuer_id,
                    recipient_company_id=recipient_id, thread=DocumentThread(subject=doctype),
                    sent_at=days_ago(ago), valid_until=valid_until,
                    parent_id=parent.id if parent else None)
    db.session.add(sent)
    db.session.flush()
    return sent


def return_request(placed: Order, ago: int) -> ReturnRequest:
    request = ReturnRequest(order_id=placed.id, supplier_company_id=placed.supplier_company_id,
                            buyer_company_id=placed.buyer_company_id, created_at=days_ago(ago),
                            updated_at=days_ago(ago))
    db.session.add(request)
    db.session.flush()
    return request


def discrepancy(placed: Order, ago: int) -> Discrepancy:
    case = Discrepancy(order_id=placed.id, order_line_id=placed.lines[0].id,
                       supplier_company_id=placed.supplier_company_id,
                       buyer_company_id=placed.buyer_company_id, created_at=days_ago(ago),
                       updated_at=days_ago(ago))
    db.session.add(case)
    db.session.flush()
    return case


# ----- the known world -----------------------------------------------------------------------


@dataclass
class CustomerWorld:
    supplier: Member
    rival: Member
    buyers: dict[str, int] = field(default_factory=dict)  # "A".."E" → company id
    buyer_members: dict[str, Member] = field(default_factory=dict)
    products: dict[str, int] = field(default_factory=dict)

    @property
    def supplier_id(self) -> int:
        return self.supplier.company_id


def build_customer_world(make) -> CustomerWorld:
    """The five customers above, committed (incremental updates off while building)."""
    supplier = make.member(make.company("Formosa Fasteners", roles=("supplier",)), "admin")
    rival = make.member(make.company("Rival Screws", roles=("supplier",)), "admin")
    world = CustomerWorld(supplier=supplier, rival=rival)
    for name in "ABCDE":
        member = make.member(make.company(f"Buyer {name}", roles=("buyer",), country="SE"),
                             "admin")
        world.buyer_members[name], world.buyers[name] = member, member.company_id
    app = make.app
    saved = app.config.get("CRM_INCREMENTAL_UPDATES", True)
    app.config["CRM_INCREMENTAL_UPDATES"] = False
    try:
        make._run(lambda: _trade(world))
    finally:
        app.config["CRM_INCREMENTAL_UPDATES"] = saved
    return world


def _trade(world: CustomerWorld) -> None:
    s, r, b = world.supplier_id, world.rival.company_id, world.buyers
    fasteners = Category(code=f"fasteners-{next(_numbers)}", name="Fasteners")
    db.session.add(fasteners)
    bolt = product(s, "BOLT", fasteners, "6")
    nut = product(s, "NUT", fasteners, None)
    screw = product(r, "SCREW", fasteners, None)
    world.products = {"BOLT": bolt.id, "NUT": nut.id, "SCREW": screw.id}

    a_orders = {ago: order(s, b["A"], ago, [(bolt, "100", "10")])
                for ago in (400, 300, 200, 100, 10)}
    invoice(a_orders[300], 300, 270, 290)  # paid in 10 days, on time
    invoice(a_orders[200], 200, 170, 160)  # paid in 40 days, 10 days late
    invoice(a_orders[100], 100, 70, 80)  # paid in 20 days, on time

    order(s, b["B"], 500, [(nut, "10", "50")])
    order(s, b["B"], 60, [(nut, "20", "50")])
    order(s, b["B"], 30, [(nut, "20", "50")])
    document("quotation", s, b["B"], 90, "accepted")
    ordered = document("quotation", s, b["B"], 80, "sent")
    document("purchase_order", b["B"], s, 75, "sent", parent=ordered)
    document("quotation", s, b["B"], 70, "declined")
    document("quotation", s, b["B"], 5, "sent", valid_until=day(-20))

    c_first = order(s, b["C"], 50, [(bolt, "10", "10")])
    order(s, b["C"], 40, [(bolt, "10", "10")])
    document("claim", b["C"], s, 35, "sent")
    return_request(c_first, 30)
    discrepancy(c_first, 30)

    for ago in (800, 700, 600, 500, 400):
        order(s, b["D"], ago, [(bolt, "60", "10")])

    e_order = order(s, b["E"], 20, [(bolt, "60", "10")])
    order(r, b["E"], 15, [(screw, "240", "10")])
    invoice(e_order, 20, -10, None)
    document("quotation", s, b["E"], 40, "sent")
    document("quotation", s, b["E"], 25, "sent")

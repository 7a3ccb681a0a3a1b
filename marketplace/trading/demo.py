"""The demo negotiation ``flask seed-demo`` loads: Northwind Retail asks Taiwan
Precision Fasteners for bolts and nuts, gets a quotation, accepts it and orders; the
order passes Northwind's approval and waits for the supplier to accept it. Made
through the engine, as the two companies' members would have made it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.infrastructure.auth import ensure_may_act
from marketplace.infrastructure.models import Company, User
from marketplace.trading.queries.products import products_by_sku
from marketplace.workflow import engine
from marketplace.workflow.models import ApprovalRule, ApprovalStep, Document

BUYER, SUPPLIER = "Northwind Retail Inc.", "Taiwan Precision Fasteners"
# sku, quantity asked, unit price quoted
ITEMS = [("HB-M8-30", "50000", "0.072"), ("HN-M8", "50000", "0.0098"),
         ("FW-M8", "50000", "0.0049")]


def _actor(email: str):
    return ensure_may_act(db.session.scalar(select(User).where(User.email == email)))


def _company(name_part: str) -> Company | None:
    return db.session.scalar(select(Company).where(Company.name.contains(name_part)))


def load_demo_negotiation() -> Document | None:
    """The negotiation, once (None when documents exist already or a party is missing)."""
    buyer, supplier = _company(BUYER), _company(SUPPLIER)
    if buyer is None or supplier is None or db.session.scalar(
            select(func.count()).select_from(Document)):
        return None
    db.session.add(ApprovalRule(company_id=buyer.id, type="purchase_order", direction="send",
                                min_total=Decimal("1000"), currency="USD",
                                steps=[ApprovalStep(position=0, role="approver")]))
    products = products_by_sku(supplier.id)
    james, lin = _actor("james@northwind.example.com"), _actor("lin@tpf.example.com")
    olivia = _actor("olivia@northwind.example.com")
    inquiry = engine.create_document(
        "inquiry", actor=james, recipient_company_id=supplier.id,
        header={"subject": "Stainless fasteners for the spring DIY range", "currency": "USD",
                "incoterm": "FOB", "incoterm_place": "Kaohsiung",
                "notes": "Please quote your best price for 50,000 sets and the lead time."},
        lines=[{"product_id": products[sku].id, "quantity": quantity}
               for sku, quantity, _ in ITEMS if sku in products])
    engine.perform(inquiry, "send", james)
    quotation = engine.derive(inquiry, "quotation", actor=lin)
    prices = {sku: price for sku, _, price in ITEMS}
    engine.update_draft(quotation, actor=lin, header={"payment_terms": "tt",
                                                      "port_of_loading": "Kaohsiung"},
                        lines=[{"product_id": line.product_id, "quantity": line.quantity,
                                "unit_price": prices.get(line.sku, "0.10")}
                               for line in quotation.lines], expected_version=None)
    engine.perform(quotation, "send", lin, "Lead time 35 days after deposit.")
    engine.perform(quotation, "accept", james)
    order = engine.derive(quotation, "purchase_order", actor=james)
    engine.perform(order, "send", james)  # over 1,000 USD: waits for Olivia
    engine.perform(order, "approve", olivia, "Within the spring budget.")
    return order

"""The demo's fulfillment (``flask seed-demo``): Hanse Import orders towels from
Anatolia Home Textiles, who accepts; the order it opens has one shipment on the water
with its timeline, its documents and a 30 % T/T deposit paid, and the rest left to ship,
invoice and pay by hand. Made through the engine and fulfillment's own operations, as
the two companies' members would have made it (the trading demo's negotiation between
the two other companies stays as it is)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import g
from sqlalchemy import select

from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment import queries
from marketplace.fulfillment.models import Order, ShippingDocumentKind
from marketplace.fulfillment.operations import (
    letters_of_credit,
    receivables,
    shipments,
    shipping_documents,
)
from marketplace.infrastructure.auth import bind_actor, ensure_may_act
from marketplace.infrastructure.models import Company, User
from marketplace.workflow import engine

BUYER, SUPPLIER = "Hanse Import", "Anatolia Home Textiles"
BUYER_EMAIL, SUPPLIER_EMAIL = "anna@hanse.example.com", "murat@anatolia.example.com"


def _actor(email: str):
    user = db.session.scalar(select(User).where(User.email == email))
    return ensure_may_act(user) if user else None


def load_demo_fulfillment() -> Order | None:
    """The order, once (None when orders exist already or a party is missing)."""
    buyer = db.session.scalar(select(Company).where(Company.name.contains(BUYER)))
    supplier = db.session.scalar(select(Company).where(Company.name.contains(SUPPLIER)))
    anna, murat = _actor(BUYER_EMAIL), _actor(SUPPLIER_EMAIL)
    if None in (buyer, supplier, anna, murat) or queries.any_order():
        return None
    products = queries.priced_products(supplier.id)
    if not products:
        return None
    purchase_order = engine.create_document(
        "purchase_order", actor=anna, recipient_company_id=supplier.id,
        header={"subject": "Towels for the winter catalogue", "currency": "EUR",
                "incoterm": "CIF", "incoterm_place": "Hamburg", "payment_terms": "tt",
                "port_of_loading": "Izmir", "port_of_discharge": "Hamburg"},
        lines=[{"product_id": p.id, "quantity": "2000",
                "unit_price": str(p.price_tiers[-1].unit_price)} for p in products])
    engine.perform(purchase_order, "send", anna)
    engine.perform(purchase_order, "accept", murat)  # opens the order (fulfillment.receivers)
    order = queries.order_of_purchase_order(purchase_order.id)
    if order is not None:
        saved = g.get("actor")
        bind_actor(murat)
        try:
            _open_letter_of_credit(order, murat)
            _ship_part_of(order, murat)
        finally:
            bind_actor(saved)
    return order


def _open_letter_of_credit(order: Order, supplier) -> None:
    """Hanse Import's bank opened a documentary credit for the order (the papers are
    made out to the order of Commerzbank): it prints on this order's papers only."""
    today = utcnow().date()
    letters_of_credit.create_letter_of_credit([order], {
        "number": "LC-CBK-2611-0042", "issuing_bank": "Commerzbank AG, Hamburg",
        "advising_bank": "Türkiye İş Bankası, Denizli", "issue_date": today - timedelta(days=20),
        "expiry_date": today + timedelta(days=100), "expiry_place": "Hamburg",
        "latest_shipment_date": today + timedelta(days=70),
        "amount": order.total_amount, "currency": order.currency, "tolerance_pct": Decimal(5),
        "partial_shipments": True, "transhipment": False, "presentation_days": 21,
        "required_documents": [
            {"kind": "commercial-invoice", "originals": 3, "copies": 2},
            {"kind": "packing-list", "originals": 1, "copies": 2},
            {"kind": "bill-of-lading", "originals": 3, "copies": 0},
            {"kind": "certificate-of-origin", "originals": 1, "copies": 1},
            {"kind": "beneficiary-certificate", "originals": 1, "copies": 0}],
        "clauses": ["All documents must show the L/C number and the order number.",
                    "Shipment in seaworthy export cartons, marked as per buyer's order."]},
        supplier)


def _ship_part_of(order: Order, supplier) -> None:
    shipment = shipments.create_shipment([order], {
        "carrier": "Arkas Line", "mode": "sea", "vessel": "Arkas Ege", "voyage": "2611N",
        "tracking_number": "ARKU2611004211", "container_numbers": ["ARKU4211007"],
        "bill_of_lading": "ARKU2611IZMHAM0042", "on_board_date": utcnow().date(),
        "consignee": "TO ORDER OF COMMERZBANK AG, HAMBURG",
        "notify_party": "Hanse Import GmbH, Großer Burstah 31, 20457 Hamburg, Germany",
        "lines": [{"order_line_id": line.id, "quantity": Decimal(1200), "packages": 60,
                   "gross_weight": Decimal("610"), "net_weight": Decimal("580"),
                   "volume": Decimal("3.6")} for line in order.lines]}, supplier)
    for status, location in (("packed", "Denizli"), ("shipped", "Izmir"),
                             ("in_transit", "Strait of Gibraltar")):
        shipments.record_shipment_event(shipment, {"status": status, "location": location,
                                                   "at": utcnow()}, supplier)
    for kind in (ShippingDocumentKind.PACKING_LIST, ShippingDocumentKind.SHIPPING_ADVICE):
        shipping_documents.generate_document(shipment, kind, supplier)
    invoice, _ = shipping_documents.issue_commercial_invoice(shipment, supplier)
    for kind in (ShippingDocumentKind.CERTIFICATE_OF_ORIGIN,
                 ShippingDocumentKind.BENEFICIARY_CERTIFICATE):  # what the credit asks for
        shipping_documents.generate_document(shipment, kind, supplier)
    deposit = (invoice.amount * Decimal("0.3")).quantize(Decimal("0.01"))
    receivables.record_payment(invoice, {"amount": deposit, "method": "tt",
                                         "reference": "Deposit 30%"}, supplier)

"""The demo's supplier link (``flask seed-demo``): Northwind Retail maps its own SKUs to
the products of both demo suppliers and reports eight weeks of sales and stock, so each
supplier sees its own goods' sell-through, cover and a replenishment suggestion."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Company
from marketplace.supplier_link.models import SkuCrossReference
from marketplace.supplier_link.operations.stock_reports import import_stock_report
from marketplace.supplier_link.queries.cross_references import products_of_companies

BUYER = "Northwind Retail"
SUPPLIERS = ("Taiwan Precision Fasteners", "Anatolia Home Textiles")
WEEKS = 8


def load_demo_stock_reports() -> int:
    """Cross-references and weekly rows, once; the number of rows saved."""
    buyer = db.session.scalar(select(Company).where(Company.name.contains(BUYER)))
    if buyer is None or db.session.scalar(select(func.count()).select_from(
            SkuCrossReference).where(SkuCrossReference.buyer_company_id == buyer.id)):
        return 0
    suppliers = db.session.scalars(select(Company.id).where(
        Company.name.contains(SUPPLIERS[0]) | Company.name.contains(SUPPLIERS[1]))).all()
    products = products_of_companies(suppliers)
    for product in products:
        db.session.add(SkuCrossReference(buyer_company_id=buyer.id,
                                         supplier_company_id=product.company_id,
                                         buyer_sku=f"NW-{product.sku}", product=product))
    db.session.flush()
    today = utcnow().date()
    last_sunday = today - timedelta(days=today.weekday() + 1)
    rows, number = [], 0
    for index, product in enumerate(products):
        for week in range(WEEKS):
            end = last_sunday - timedelta(weeks=WEEKS - 1 - week)
            sold = 40 + (index * 17 + week * (5 + index % 3) * 3) % 90
            number += 1
            rows.append((number, {"sku": f"NW-{product.sku}",
                                  "period_start": end - timedelta(days=6), "period_end": end,
                                  "quantity_sold": Decimal(sold),
                                  "quantity_on_hand": Decimal(60 + (index * 31 + week * 7)
                                                              % 240)}))
    return import_stock_report(buyer, None, rows, "json").accepted


# ----- Northwind's order from Anatolia -------------------------------------------------------
# One supplier only: the trading demo leaves Taiwan Precision Fasteners' order waiting for
# its acceptance, and the fulfillment demo keeps Anatolia's one invoice (to Hanse Import).

BUYER_EMAIL, APPROVER_EMAIL = "james@northwind.example.com", "olivia@northwind.example.com"
SELLER, SELLER_EMAIL = SUPPLIERS[1], "murat@anatolia.example.com"


def load_demo_trade():
    """Northwind orders towels from Anatolia, once, so the supplier-link views of goods
    have rows: two shipments arrived; Northwind counted the first (one line 20 short,
    15 of another rejected as damaged: two open discrepancies to claim), the second waits
    to be received from its shipping notice. Made through the engine and fulfillment's
    own operations, as the members would have made them."""
    from flask import g

    from marketplace.fulfillment import queries as fulfillment
    from marketplace.fulfillment.demo import _actor
    from marketplace.infrastructure.auth import bind_actor

    buyer = db.session.scalar(select(Company).where(Company.name.contains(BUYER)))
    supplier = db.session.scalar(select(Company).where(Company.name.contains(SELLER)))
    james, seller = _actor(BUYER_EMAIL), _actor(SELLER_EMAIL)
    if None in (buyer, supplier, james, seller) or fulfillment.any_order(buyer.id):
        return None
    order = _order(supplier, james, seller)
    if order is None:
        return None
    saved = g.get("actor")
    try:
        bind_actor(seller)
        first = _ship_and_arrive(order, seller, Decimal(600), "ARKU2612000481")
        _ship_and_arrive(order, seller, Decimal(200), "ARKU2612000733")
        bind_actor(james)
        _count_short_and_damaged(order, first, james)
    finally:
        bind_actor(saved)
    return order


def _order(supplier: Company, james, seller):
    """A purchase order for the supplier's first three priced products, accepted."""
    from marketplace.fulfillment import queries as fulfillment
    from marketplace.fulfillment.demo import _actor
    from marketplace.workflow import engine

    products = fulfillment.priced_products(supplier.id)
    if not products:
        return None
    purchase_order = engine.create_document(
        "purchase_order", actor=james, recipient_company_id=supplier.id,
        header={"subject": "Towels for the spring season",
                "currency": products[0].currency or "USD", "incoterm": "FOB",
                "payment_terms": "tt", "delivery_date": utcnow().date() - timedelta(days=3)},
        lines=[{"product_id": p.id, "quantity": "1000",
                "unit_price": str(p.price_tiers[-1].unit_price)} for p in products])
    engine.perform(purchase_order, "send", james)
    if purchase_order.status == "pending_approval":  # Northwind's rule: Olivia approves
        engine.perform(purchase_order, "approve", _actor(APPROVER_EMAIL), "Spring budget.")
    engine.perform(purchase_order, "accept", seller)  # opens the order (fulfillment.receivers)
    return fulfillment.order_of_purchase_order(purchase_order.id)


def _ship_and_arrive(order, seller, quantity: Decimal, tracking: str):
    """``quantity`` of every line on the water and arrived (the rest is short past the
    requested date)."""
    from marketplace.fulfillment.operations import shipments

    shipment = shipments.create_shipment([order], {
        "carrier": "Arkas Line", "mode": "sea", "tracking_number": tracking,
        "lines": [{"order_line_id": line.id, "quantity": quantity, "packages": 30}
                  for line in order.lines]}, seller)
    for status in ("shipped", "in_transit", "arrived"):
        shipments.record_shipment_event(shipment, {"status": status, "at": utcnow()}, seller)
    return shipment


def _count_short_and_damaged(order, shipment, james) -> None:
    """The first line came 20 short, the second with 15 damaged: two discrepancies."""
    from marketplace.supplier_link.operations.receipts import record_receipt

    lines = []
    for index, line in enumerate(order.lines):
        received = Decimal(580) if index == 0 else Decimal(600)
        rejected = Decimal(15) if index == 1 else Decimal(0)
        lines.append({"order_line_id": line.id, "quantity_received": received,
                      "quantity_rejected": rejected,
                      "reason": "damaged" if rejected else None})
    record_receipt(james, {"order_id": order.id, "shipment_id": shipment.id, "lines": lines},
                   source="portal")

"""The reads the demo's history (``crm/demo.py``) makes while it replays two years of
trade through the other modules' operations: which order a purchase order became,
the discrepancy cases of an order, a supplier's products by SKU. Here, in crm's queries
room, because they read other modules' models (read only)."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.content.models import Product
from marketplace.extensions import db
from marketplace.fulfillment.models import Order, ShippingDocumentKind
from marketplace.supplier_link.models import Discrepancy

# The papers a recent shipment gets besides its commercial invoice.
LATER_PAPERS = (ShippingDocumentKind.PACKING_LIST, ShippingDocumentKind.SHIPPING_ADVICE)


def order_of(purchase_order_id: int) -> Order | None:
    """The order made from a purchase order (None before it is accepted)."""
    return db.session.scalar(select(Order).where(Order.purchase_order_id == purchase_order_id))


def discrepancy_cases(order_id: int) -> list[Discrepancy]:
    """An order's discrepancy cases, oldest first."""
    return list(db.session.scalars(select(Discrepancy).where(
        Discrepancy.order_id == order_id).order_by(Discrepancy.id)))


def products_by_sku(company_id: int) -> dict[str, Product]:
    """A supplier's products, by SKU."""
    return {product.sku: product for product in db.session.scalars(select(Product).where(
        Product.company_id == company_id))}


def any_orders_of(buyer_ids: list[int]) -> bool:
    """True when any of these buyers has an order (the history is loaded already)."""
    return bool(db.session.scalar(select(func.count()).select_from(Order).where(
        Order.buyer_company_id.in_(buyer_ids))))

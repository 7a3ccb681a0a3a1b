"""Reading the association rules (what is often ordered with a product), and the
baskets they are counted from (``crm/operations/associations.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select, true

from marketplace.content.models import Product
from marketplace.crm.models.associations import ProductAssociation
from marketplace.extensions import db
from marketplace.fulfillment.models import Order, OrderLine, OrderStatus

LIMIT = 10


@dataclass
class Recommendation:
    """A product often ordered with the one asked about, and how strongly."""

    product_id: int
    name: str
    name_zh: str | None
    sku: str | None
    support: float
    confidence: float
    lift: float
    orders_together: int


def basket_items(supplier_id: int | None = None) -> Select:
    """Each product of each basket, once: (supplier_id, order_id, product_id) of the
    orders that count (not cancelled, not merged into another), every supplier's or
    one's. Lines without a product are left out."""
    scope = true() if supplier_id is None else Order.supplier_company_id == supplier_id
    return (select(Order.supplier_company_id.label("supplier_id"),
                   OrderLine.order_id.label("order_id"),
                   OrderLine.product_id.label("product_id"))
            .join(Order, Order.id == OrderLine.order_id)
            .where(scope, OrderLine.product_id.is_not(None),
                   Order.status != OrderStatus.CANCELLED, Order.merged_into_id.is_(None))
            .distinct())


def own_products(supplier_id: int, product_ids: list[int]) -> dict[int, Product]:
    """The supplier's own products among ``product_ids``, by id (its catalog only)."""
    if not product_ids:
        return {}
    return {product.id: product for product in db.session.scalars(select(Product).where(
        Product.id.in_(product_ids), Product.company_id == supplier_id))}


def published_product(product_id: int) -> Product | None:
    """The product when it is published by an active company (what anyone may see)."""
    return db.session.scalar(select(Product).where(Product.id == product_id,
                                                   Product.publicly_visible()))


def often_ordered_with(product_id: int, limit: int = LIMIT) -> list[Recommendation]:
    """The published products most often ordered with ``product_id``: strongest lift
    first, then confidence (one indexed query)."""
    stmt = (select(Product.id, Product.name, Product.name_zh, Product.sku,
                   ProductAssociation.support, ProductAssociation.confidence,
                   ProductAssociation.lift, ProductAssociation.orders_together)
            .join(Product, Product.id == ProductAssociation.other_product_id)
            .where(ProductAssociation.product_id == product_id, Product.publicly_visible())
            .order_by(ProductAssociation.lift.desc(), ProductAssociation.confidence.desc(),
                      Product.id)
            .limit(limit))
    return [Recommendation(*row) for row in db.session.execute(stmt)]


def ordered_with_any(product_ids: list[int], limit: int = LIMIT) -> list[Recommendation]:
    """For a quotation's lines: products often ordered with any of them and not among
    them, each once (its strongest rule), strongest first."""
    if not product_ids:
        return []
    stmt = (select(Product.id, Product.name, Product.name_zh, Product.sku,
                   ProductAssociation.support, ProductAssociation.confidence,
                   ProductAssociation.lift, ProductAssociation.orders_together)
            .join(Product, Product.id == ProductAssociation.other_product_id)
            .where(ProductAssociation.product_id.in_(product_ids),
                   ProductAssociation.other_product_id.not_in(product_ids),
                   Product.publicly_visible())
            .order_by(ProductAssociation.lift.desc(), ProductAssociation.confidence.desc(),
                      Product.id))
    seen: dict[int, Recommendation] = {}
    for row in db.session.execute(stmt):
        if row[0] not in seen:
            seen[row[0]] = Recommendation(*row)
        if len(seen) >= limit:
            break
    return list(seen.values())

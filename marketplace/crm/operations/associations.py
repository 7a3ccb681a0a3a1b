"""Association rules over order lines ("often ordered together"), pairs of products.

A basket is one order (cancelled orders and orders merged into another left out; a
product counted once per order). Baskets are a supplier's own orders, since an order
holds one supplier's goods: for products A and B of supplier S, with N orders of S,
n(A) orders holding A and n(AB) holding both,

    support(A → B)    = n(AB) / N
    confidence(A → B) = n(AB) / n(A)
    lift(A → B)       = confidence(A → B) / (n(B) / N)

Rules below ``CRM_ASSOCIATION_MIN_SUPPORT``, ``CRM_ASSOCIATION_MIN_CONFIDENCE`` or
``CRM_ASSOCIATION_MIN_ORDERS`` orders together are not kept. The pairs are counted in
one ``INSERT … SELECT`` (a self-join of the order's distinct products, grouped), so the
database does the counting without moving a line to Python.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Float, and_, cast, delete, func, insert, literal, select, true

from marketplace.core.types import UTCDateTime, utcnow
from marketplace.crm.models.associations import ProductAssociation
from marketplace.crm.queries import associations as association_queries
from marketplace.extensions import db

DEFAULTS = {"CRM_ASSOCIATION_MIN_SUPPORT": "0.01", "CRM_ASSOCIATION_MIN_CONFIDENCE": "0.1",
            "CRM_ASSOCIATION_MIN_ORDERS": 2}


def setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


def compute_associations(supplier_id: int | None = None) -> int:
    """Recompute the rules (every supplier's, or one supplier's): delete, then count the
    pairs in the database. Returns the number of rules kept. Flushes, never commits."""
    db.session.flush()
    own_rules = true() if supplier_id is None else \
        ProductAssociation.supplier_company_id == supplier_id
    db.session.execute(delete(ProductAssociation).where(own_rules))
    items = association_queries.basket_items(supplier_id).cte("basket_items")
    baskets = (select(items.c.supplier_id, func.count(func.distinct(items.c.order_id))
                      .label("orders"))
               .group_by(items.c.supplier_id).cte("baskets"))
    singles = (select(items.c.product_id, func.count().label("orders"))
               .group_by(items.c.product_id).cte("product_orders"))
    first, second = items.alias("first_item"), items.alias("second_item")
    pairs = (select(first.c.supplier_id, first.c.product_id.label("product_id"),
                    second.c.product_id.label("other_id"), func.count().label("together"))
             .join(second, and_(second.c.order_id == first.c.order_id,
                                second.c.product_id != first.c.product_id))
             .group_by(first.c.supplier_id, first.c.product_id, second.c.product_id)
             .having(func.count() >= int(setting("CRM_ASSOCIATION_MIN_ORDERS")))
             .cte("pairs"))
    own, other = singles.alias("own_orders"), singles.alias("other_orders")
    together = cast(pairs.c.together, Float)
    support = together / baskets.c.orders
    confidence = together / own.c.orders
    lift = confidence / (cast(other.c.orders, Float) / baskets.c.orders)
    rules = (select(pairs.c.supplier_id, pairs.c.product_id, pairs.c.other_id,
                    pairs.c.together, support, confidence, lift,
                    literal(utcnow(), UTCDateTime()))
             .join(baskets, baskets.c.supplier_id == pairs.c.supplier_id)
             .join(own, own.c.product_id == pairs.c.product_id)
             .join(other, other.c.product_id == pairs.c.other_id)
             .where(support >= float(setting("CRM_ASSOCIATION_MIN_SUPPORT")),
                    confidence >= float(setting("CRM_ASSOCIATION_MIN_CONFIDENCE"))))
    db.session.execute(insert(ProductAssociation).from_select(
        ["supplier_company_id", "product_id", "other_product_id", "orders_together", "support",
         "confidence", "lift", "computed_at"], rules))
    # (SQLite reports no rowcount for an INSERT with a WITH clause: count instead.)
    return db.session.scalar(select(func.count()).select_from(ProductAssociation).where(
        own_rules))

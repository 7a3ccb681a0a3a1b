"""The catalog's products a document line names: trading tells the engine how to find
them (``workflow/registry.py``), so the engine itself never reads the catalog."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from marketplace.content.models import Product
from marketplace.core.scoping import visibility_clause
from marketplace.extensions import db


def line_products(product_ids: Collection[int], company_id: int | None) -> dict[int, Product]:
    """The products with these ids, by id: those ``company_id`` may see, or any when
    None (auto-dispatch matches the products already on a sent document)."""
    stmt = select(Product).where(Product.id.in_(list(product_ids)))
    if company_id is not None:
        stmt = stmt.where(visibility_clause(Product, company_id))
    return {product.id: product for product in db.session.scalars(stmt)}

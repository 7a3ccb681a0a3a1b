"""The catalog's products as trade documents name them (content's products, read here in
trading's queries room): the editor's product picker, an open inquiry about a product,
the demo's products by SKU. The engine's line resolver is ``lines.py``."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from marketplace.content.models import Product
from marketplace.content.schemas.products import money_text, quantity_text
from marketplace.core.scoping import acting_company_id
from marketplace.extensions import db
from marketplace.workflow.models import Document, DocumentLine

PICKER_LIMIT = 20


def picker_products(supplier_id: int, q: str | None) -> list[dict]:
    """The supplier's products a line may name, as the editor's picker shows them: all
    of them for the supplier itself, its published ones (of an active company) for
    anyone else; ``q`` in SKU or names."""
    stmt = select(Product).where(Product.company_id == supplier_id).options(
        selectinload(Product.price_tiers))
    if supplier_id != acting_company_id():
        stmt = stmt.where(Product.publicly_visible())
    if q and q.strip():
        pattern = f"%{q.strip()[:100]}%"
        stmt = stmt.where(or_(Product.sku.ilike(pattern), Product.name.ilike(pattern),
                              Product.name_zh.ilike(pattern)))
    products = db.session.scalars(stmt.order_by(Product.sku).limit(PICKER_LIMIT))
    return [_picked(product) for product in products]


def _picked(product: Product) -> dict:
    quantity = product.moq or (product.price_tiers[0].min_qty if product.price_tiers
                               else Decimal(1))
    return {"id": product.id, "sku": product.sku, "name": product.name,
            "name_zh": product.name_zh, "unit": product.unit, "currency": product.currency,
            "moq": quantity_text(product.moq), "quantity": quantity_text(quantity),
            "unit_price": money_text(product.unit_price_for(quantity)),
            "price_tiers": [{"min_qty": quantity_text(t.min_qty),
                             "unit_price": money_text(t.unit_price)}
                            for t in product.price_tiers]}


def open_inquiry(product_id: int, supplier_id: int, company_id: int) -> Document | None:
    """The company's newest inquiry draft to the product's supplier naming the product."""
    return db.session.scalar(select(Document).join(DocumentLine).where(
        Document.type == "inquiry", Document.status == "draft",
        Document.issuer_company_id == company_id,
        Document.recipient_company_id == supplier_id,
        DocumentLine.product_id == product_id).order_by(Document.id.desc()).limit(1))


def products_by_sku(company_id: int) -> dict:
    """The company's products by SKU (the demo negotiation names them so)."""
    return {product.sku: product for product in db.session.scalars(
        select(Product).where(Product.company_id == company_id))}

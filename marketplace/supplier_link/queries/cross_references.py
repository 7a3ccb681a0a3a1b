"""The buyer's SKU cross-references (its SKU → a supplier's product) and the products it
may map: a supplier's published product, or one it has ordered."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from marketplace.content.models import Product, ProductStatus
from marketplace.core.errors import NotFound, ValidationFailed
from marketplace.core.scoping import visible
from marketplace.extensions import db
from marketplace.fulfillment.queries import ordered_product_ids
from marketplace.infrastructure.models import Company
from marketplace.supplier_link.models import SkuCrossReference


def cross_references(*, with_details: bool = False) -> Select:
    """The acting buyer's mappings, by its SKU (``with_details``: product and supplier
    loaded at once)."""
    stmt = visible(SkuCrossReference, operator_sees_all=False)
    if with_details:
        stmt = stmt.options(selectinload(SkuCrossReference.product),
                            selectinload(SkuCrossReference.supplier))
    return stmt.order_by(SkuCrossReference.buyer_sku)


def cross_reference(xref_id: int) -> SkuCrossReference:
    """One of the acting buyer's mappings; else 404."""
    xref = db.session.scalar(visible(SkuCrossReference, operator_sees_all=False)
                             .where(SkuCrossReference.id == xref_id))
    if xref is None:
        raise NotFound(str(_l("SKU cross-reference %(id)s was not found.", id=xref_id)))
    return xref


def product_for_buyer(buyer: Company, product_id: int | None, supplier_id: int | None,
                      supplier_sku: str | None) -> Product:
    """A supplier's product the buyer may map: published, or one it has ordered; else
    422 on the field that named it."""
    stmt = select(Product).where(Product.company_id != buyer.id)
    if product_id is not None:
        stmt = stmt.where(Product.id == product_id)
    else:
        stmt = stmt.where(Product.company_id == supplier_id, Product.sku == supplier_sku)
    product = db.session.scalar(stmt.where(
        (Product.status == ProductStatus.PUBLISHED)
        | Product.id.in_(ordered_product_ids(buyer.id))))
    if product is None:
        field = "product_id" if product_id is not None else "supplier_sku"
        raise ValidationFailed(errors={field: [str(_l(
            "No such product of a supplier: name a published product, or one you ordered."))]})
    return product


def products_of_companies(company_ids: list[int]) -> list[Product]:
    """Every product of these suppliers, by supplier and SKU (the demo maps them all)."""
    return list(db.session.scalars(select(Product).where(Product.company_id.in_(company_ids))
                                   .order_by(Product.company_id, Product.sku)))

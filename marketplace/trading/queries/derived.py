"""What a derived draft starts from (``workflow.registry.register_derive_defaults``,
registered in trading's doctypes): its subject names what it answers ("Quotation for
inquiry INQ-2026-00042", not the inquiry's own "Inquiry: ..."), and its prices.

The price a quotation starts from: a quotation derived from a buyer's inquiry (or
rfq) takes, on each line naming one of the supplier's own products, the product's price
tier for the line's quantity (``Product.unit_price_for``). 
A line gets no price (left empty for the supplier to fill, never zero) when its product
is not the supplier's, has no tiers, is priced in another currency than the document, or
the quantity is below the first tier. The buyer's agreed terms (crm's segment
treatment: a discount) are applied afterwards, on ``document_derived``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.content.models import Product
from marketplace.extensions import db
from marketplace.workflow import doctypes

# new type -> the parent types whose lines it prices from the catalog
PRICED_FROM_CATALOG = {"quotation": ("inquiry", "rfq")}


def derived_defaults(doctype: str, parent, company_id: int, header: dict,
                     lines: list[dict]) -> None:
    """The engine's question for every derived draft: its subject, then its prices."""
    header["subject"] = reply_subject(doctype, parent, header.get("subject"))
    tier_prices(doctype, parent, company_id, lines)


def reply_subject(doctype: str, parent, carried: str | None) -> str | None:
    """A reply names the document it answers, in the words of the member deriving it; a
    revision (the same type) keeps its subject."""
    if doctype == parent.type or not doctypes.is_known(parent.type):
        return carried
    return _("%(type)s for %(parent_type)s %(number)s", type=doctypes.label(doctype),
             parent_type=doctypes.label(parent.type).lower(), number=parent.number)[:300]


def tier_prices(doctype: str, parent, company_id: int, lines: list[dict]) -> None:
    """Fill ``unit_price`` of the carried ``lines`` that have none from the tiers of the
    issuing company's own products (one query however many lines)."""
    if getattr(parent, "type", None) not in PRICED_FROM_CATALOG.get(doctype, ()):
        return
    wanted = {line["product_id"] for line in lines
              if line.get("product_id") is not None and line.get("unit_price") is None}
    if not wanted:
        return
    products = {product.id: product for product in db.session.scalars(
        select(Product).where(Product.id.in_(wanted), Product.company_id == company_id)
        .options(selectinload(Product.price_tiers)))}
    currency = getattr(parent, "currency", None)
    for line in lines:
        product = products.get(line.get("product_id"))
        if product is None or line.get("unit_price") is not None \
                or product.currency != currency:
            continue
        try:
            quantity = Decimal(str(line.get("quantity")))
        except (InvalidOperation, ValueError):
            continue
        price = product.unit_price_for(quantity)
        if price is not None:
            line["unit_price"] = price

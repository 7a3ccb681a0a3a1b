""""Often ordered together" in the portal, through the slots of lower modules' pages:
the product page's aside (buyers: "often ordered with") and the quotation editor
(the supplier: "add what this customer's peers order with it", each suggestion added as
a line by the editor's own line rows)."""

from __future__ import annotations

from decimal import Decimal

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from marketplace.core import slots
from marketplace.crm.queries import associations as association_queries
from marketplace.infrastructure.auth import current_actor

SHOWN = 5


def _chinese() -> bool:
    return str(get_locale() or "en").startswith("zh")


def _name(row) -> str:
    return (row.name_zh or row.name) if _chinese() else row.name


@slots.fill("product_page.aside")
def often_ordered_with(product=None, **_context) -> Markup | None:
    """The product page's "often ordered with" card (nothing when no rule is known)."""
    if product is None:
        return None
    rows = association_queries.often_ordered_with(product.id, limit=SHOWN)
    if not rows:
        return None
    return Markup(render_template("crm/_often_ordered_with.html", rows=rows, name=_name))


def _quantity_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _line_data(product) -> dict:
    """What the editor's line row needs of a (content) product: the fields its product
    picker fills."""
    quantity = product.moq or (product.price_tiers[0].min_qty if product.price_tiers
                               else Decimal(1))
    price = product.unit_price_for(quantity)
    return {"id": product.id, "sku": product.sku,
            "description": product.name + (f" / {product.name_zh}" if product.name_zh else ""),
            "quantity": _quantity_text(quantity), "unit": product.unit,
            "unit_price": "" if price is None else f"{price:.2f}",
            "price_tiers": [{"min_qty": _quantity_text(t.min_qty),
                             "unit_price": f"{t.unit_price:.2f}"} for t in product.price_tiers]}


@slots.fill("document_editor.lines")
def peers_order_with_it(document=None, **_context) -> Markup | None:
    """The supplier's quotation draft: products its customers often order with the
    quotation's products, with an "Add" that fills a line row."""
    actor = current_actor()
    if document is None or document.type != "quotation" or actor is None \
            or actor.company is None or document.issuer_company_id != actor.company.id:
        return None
    on_quotation = sorted({line.product_id for line in document.lines if line.product_id})
    rows = [row for row in association_queries.ordered_with_any(on_quotation, limit=SHOWN)]
    if not rows:
        return None
    products = association_queries.own_products(actor.company.id,
                                                [row.product_id for row in rows])
    rows = [row for row in rows if row.product_id in products]  # its own catalog only
    if not rows:
        return None
    return Markup(render_template("crm/_peers_order_with_it.html", rows=rows, name=_name,
                                  lines={pid: _line_data(p) for pid, p in products.items()}))

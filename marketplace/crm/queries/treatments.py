"""Reads of differentiated treatment: a supplier's terms per segment, a buyer's segment,
and what a derived quotation got. Always for the acting supplier's own rows."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from marketplace.content.models import Product
from marketplace.crm.models.treatments import SEGMENTS, AppliedTreatment, SegmentTreatment
from marketplace.extensions import db


def treatments_of(supplier_id: int) -> list[SegmentTreatment]:
    """One row per segment, in SEGMENTS order; a segment never set is an unsaved row
    with nothing to apply (so a page and the API always show all four)."""
    stored = {row.segment: row for row in db.session.scalars(select(SegmentTreatment).where(
        SegmentTreatment.supplier_company_id == supplier_id))}
    return [stored.get(segment) or SegmentTreatment(
        supplier_company_id=supplier_id, segment=segment, discount_pct=Decimal(0),
        currency="USD", version=0) for segment in SEGMENTS]


def catalog_products(product_ids: list[int | None]) -> dict[int, Product]:
    """The catalog products these ids name, by id: an unpriced line's list price is its
    product's tier price (read here, where crm may join the catalog)."""
    ids = {product_id for product_id in product_ids if product_id is not None}
    if not ids:
        return {}
    return {product.id: product for product in db.session.scalars(
        select(Product).where(Product.id.in_(ids)))}


def treatment_for(supplier_id: int, segment: str) -> SegmentTreatment | None:
    return db.session.scalar(select(SegmentTreatment).where(
        SegmentTreatment.supplier_company_id == supplier_id,
        SegmentTreatment.segment == segment))


def segment_of(supplier_id: int, buyer_id: int) -> str:
    """The buyer's segment among the supplier's customers, from the customer figures
    (helper H1's snapshot); a buyer without figures yet (a first inquiry) is "other"."""
    from marketplace.crm.queries import customers

    figures = customers.customer_figures(supplier_id, buyer_id)
    if figures is None:
        return "other"
    segment = figures.get("segment") if isinstance(figures, dict) \
        else getattr(figures, "segment", None)
    return segment if segment in SEGMENTS else "other"


def applied_to(document_id: int, supplier_id: int) -> AppliedTreatment | None:
    """What the supplier's quotation got from the buyer's segment (None for others)."""
    return db.session.scalar(select(AppliedTreatment).where(
        AppliedTreatment.document_id == document_id,
        AppliedTreatment.supplier_company_id == supplier_id))


def response_target_hours(supplier_id: int, buyer_id: int) -> int | None:
    """The hours the supplier means to answer this buyer's inquiries in (its segment's
    response target), None when the supplier set none: the work list ages inquiries
    against it."""
    treatment = treatment_for(supplier_id, segment_of(supplier_id, buyer_id))
    return treatment.response_hours if treatment is not None else None


def applied_summary(record: AppliedTreatment) -> list[str]:
    """What the segment's terms did to the quotation, in the reader's language."""
    from flask_babel import gettext as _

    from marketplace.trading.doctypes import PAYMENT_TERMS

    applied, parts = record.applied or {}, []
    if applied.get("payment_terms"):
        terms = applied["payment_terms"]
        parts.append(_("payment terms %(terms)s", terms=PAYMENT_TERMS.get(terms, terms)))
    if applied.get("discount_pct"):
        pct = f"{Decimal(applied['discount_pct']).normalize():f}"
        if applied.get("discounted_lines"):
            parts.append(_("%(pct)s %% off the list price on %(n)d line(s)", pct=pct,
                           n=applied["discounted_lines"]))
        elif not applied.get("unpriced_lines"):  # no lines yet (a win-back quotation)
            parts.append(_("a discount of %(pct)s %% on the prices you enter", pct=pct))
        if applied.get("unpriced_lines"):
            parts.append(_("%(n)d line(s) without a price: enter the net price with the "
                           "discount", n=applied["unpriced_lines"]))
    if applied.get("lead_time_days") is not None:
        parts.append(_("lead time %(days)d days", days=applied["lead_time_days"]))
    if applied.get("surcharge"):
        parts.append(_("small-order surcharge %(amount)s (total below %(minimum)s)",
                       amount=applied["surcharge"], minimum=applied["min_order_value"]))
    if applied.get("response_hours") is not None:
        parts.append(_("answer within %(hours)d hours", hours=applied["response_hours"]))
    return parts

"""Differentiated treatment: the supplier sets its terms per customer segment, and a
quotation derived for a buyer gets the terms of that buyer's segment.

How a derived quotation is treated (docs/ANALYTICS.md, "Differentiated treatment"):
only a quotation answering an inquiry or an RFQ (a revision keeps the terms already
offered, so a discount is never taken twice). Payment terms and lead time replace the
carried-over ones. The discount is taken off each priced line's unit price, as a trader
quotes a customer's net price; the list price and the discount stay on the line
(``extras.list_price``, ``extras.discount_pct``) so both sides see what was given. An
unpriced line of a catalog product is first priced from the product's price tiers (when
they are in the quotation's currency). When every line is priced and the total is below
the segment's minimum order value, the small-order surcharge is added as its own line,
which the member may delete. Everything stays a draft the member changes before sending.
Flush, never commit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.core.audit import pending_changes, record_audit
from marketplace.core.errors import Forbidden, ValidationFailed
from marketplace.core.schemas import money_text
from marketplace.core.validation import currency_codes
from marketplace.crm.models.treatments import SEGMENTS, AppliedTreatment, SegmentTreatment
from marketplace.crm.queries import treatments as treatment_queries
from marketplace.extensions import db
from marketplace.workflow import engine
from marketplace.workflow.models import Document, DocumentLine

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

SEGMENT_LABELS = {"MVC": _l("MVC (most valuable)"), "MGC": _l("MGC (most growable)"),
                  "BZ": _l("BZ (below zero)"), "other": _l("Other customers")}
FIELD_LABELS = {"payment_terms": _l("Payment terms"), "discount_pct": _l("Discount %"),
                "lead_time_days": _l("Lead time (days)"),
                "response_hours": _l("Response target (hours)"),
                "min_order_value": _l("Minimum order value"),
                "small_order_surcharge": _l("Small-order surcharge"),
                "currency": _l("Currency")}
FIELDS = tuple(FIELD_LABELS)
SURCHARGE = "small_order_surcharge"  # the marker on the surcharge line's extras
CENT = Decimal("0.0001")


# ----- the supplier's settings ------------------------------------------------------------


def _supplier_id(actor: Actor) -> int:
    if actor.company is None or not actor.company.is_supplier:
        raise Forbidden(str(_l("Only a supplier sets terms for its customer segments.")))
    return actor.company.id


def _number(value: Any) -> Decimal | None | bool:
    """None for empty, False for not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return False
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return False
    return number if number.is_finite() else False


def _whole(number: Decimal | None | bool) -> bool:
    return number is not None and number is not False and number == number.to_integral_value()


def _check_amount(number, label: str, places: str = "0.0001") -> str | None:
    if number is False:
        return _("%(field)s: a number.", field=label)
    if number is None:
        return None
    if number < 0:
        return _("%(field)s: must not be negative.", field=label)
    if number >= engine.MAX_AMOUNT:
        return _("%(field)s: too large.", field=label)
    if number != number.quantize(Decimal(places)):
        return _("%(field)s: at most %(n)d decimal places.", field=label,
                 n=len(places.split(".")[1]))
    return None


def _check_count(number, label: str, low: int, high: int) -> str | None:
    if number is None:
        return None
    if number is False or not _whole(number) or not low <= number <= high:
        return _("%(field)s: a whole number from %(low)d to %(high)d.", field=label, low=low,
                 high=high)
    return None


def _checked(raw: dict, errors: dict, where: str) -> dict | None:
    """One segment's values, parsed; refusals go to ``errors`` under ``where.field``,
    each naming the field as the form labels it, with the segment."""
    from marketplace.trading.doctypes import PAYMENT_TERMS

    segment = raw.get("segment")
    name = str(SEGMENT_LABELS.get(segment, segment))

    def label(field: str) -> str:
        return f"{FIELD_LABELS[field]} ({name})"

    for unknown in sorted(set(raw) - set(FIELDS) - {"segment"}):
        errors[f"{where}.{unknown}"] = [_("Unknown field.")]
    values = {field: _number(raw.get(field)) for field in
              ("discount_pct", "lead_time_days", "response_hours", "min_order_value",
               "small_order_surcharge")}
    terms = (raw.get("payment_terms") or "").strip() or None
    currency = (raw.get("currency") or "USD").strip().upper()
    problems = {
        "payment_terms": None if terms is None or terms in PAYMENT_TERMS else _(
            "%(field)s: one of %(terms)s.", field=label("payment_terms"),
            terms=", ".join(str(t) for t in PAYMENT_TERMS.values())),
        "discount_pct": _check_amount(values["discount_pct"], label("discount_pct"), "0.01")
        or (_("%(field)s: from 0 to 100.", field=label("discount_pct"))
            if values["discount_pct"] and values["discount_pct"] >= 100 else None),
        "lead_time_days": _check_count(values["lead_time_days"], label("lead_time_days"),
                                       0, 3650),
        "response_hours": _check_count(values["response_hours"], label("response_hours"),
                                       1, 8760),
        "min_order_value": _check_amount(values["min_order_value"], label("min_order_value")),
        "small_order_surcharge": _check_amount(values["small_order_surcharge"],
                                               label("small_order_surcharge"))
        or (_("%(field)s: give the minimum order value below which it applies.",
              field=label("small_order_surcharge"))
            if values["small_order_surcharge"] and not values["min_order_value"] else None),
        "currency": None if currency in currency_codes() else _(
            "%(field)s: an ISO 4217 code such as USD.", field=label("currency")),
    }
    for field, problem in problems.items():
        if problem:
            errors[f"{where}.{field}"] = [problem]
    if any(key.startswith(f"{where}.") for key in errors):
        return None
    return {"payment_terms": terms,
            "discount_pct": (values["discount_pct"] or Decimal(0)).quantize(Decimal("0.01")),
            "lead_time_days": int(values["lead_time_days"])
            if values["lead_time_days"] is not None else None,
            "response_hours": int(values["response_hours"])
            if values["response_hours"] is not None else None,
            "min_order_value": values["min_order_value"],
            "small_order_surcharge": values["small_order_surcharge"], "currency": currency}


def set_treatments(actor: Actor, rows: list[dict]) -> list[SegmentTreatment]:
    """Store the terms of the segments given (others stay). Every row is checked first:
    one refusal changes nothing, and each error names its segment and field."""
    supplier_id = _supplier_id(actor)
    errors: dict = {}
    clean: dict[str, dict] = {}
    for raw in rows:
        segment = raw.get("segment")
        if segment not in SEGMENTS:
            errors[f"{segment}.segment"] = [_("Segment: one of %(segments)s.",
                                              segments=", ".join(SEGMENTS))]
            continue
        if segment in clean:
            errors[f"{segment}.segment"] = [_("Segment %(segment)s is given twice.",
                                              segment=segment)]
            continue
        values = _checked(raw, errors, segment)
        if values is not None:
            clean[segment] = values
    if errors:
        raise ValidationFailed(_("Check the terms marked below; nothing was saved."),
                               errors=errors)
    changed = []
    for segment, values in clean.items():
        row = treatment_queries.treatment_for(supplier_id, segment)
        if row is None:
            row = SegmentTreatment(supplier_company_id=supplier_id, segment=segment)
            db.session.add(row)
        for field, value in values.items():
            setattr(row, field, value)
        if changes := pending_changes(row):
            changed.append((row, changes))
    db.session.flush()
    for row, changes in changed:  # who changed which terms, and from what
        record_audit("crm.treatment_changed", row, company_id=supplier_id,
                     changes={**changes, "segment": row.segment})
    return treatment_queries.treatments_of(supplier_id)


# ----- applied to a derived quotation -----------------------------------------------------


def _list_price(line: DocumentLine, currency: str, products: dict) -> Decimal | None:
    """The line's price, or for an unpriced catalog product its tier price (``products``:
    the lines' catalog products, by id)."""
    if line.unit_price is not None:
        return line.unit_price
    product = products.get(line.product_id)
    if product is None or product.currency != currency:
        return None
    return product.unit_price_for(line.quantity)


def _discount(document: Document, pct: Decimal) -> int:
    """Take ``pct`` off each priced line; the number of lines given the discount."""
    given = 0
    products = treatment_queries.catalog_products(
        [line.product_id for line in document.lines if line.unit_price is None])
    for line in document.lines:
        price = _list_price(line, document.currency, products)
        if price is None:
            continue
        if pct > 0:
            net = (price * (100 - pct) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
            line.extras = {**(line.extras or {}), "list_price": f"{price:f}",
                           "discount_pct": f"{pct:f}"}
            line.unit_price = net
            given += 1
        line.compute_amount()
    return given


def _surcharge(document: Document, treatment: SegmentTreatment) -> Decimal | None:
    """Add the small-order surcharge line when every line is priced and the total is
    below the minimum (in the quotation's currency only: no exchange rate is guessed)."""
    minimum, surcharge = treatment.min_order_value, treatment.small_order_surcharge
    if not minimum or not surcharge or treatment.currency != document.currency:
        return None
    if any(line.unit_price is None for line in document.lines) or not document.lines:
        return None
    if document.compute_total() >= minimum:
        return None
    line = DocumentLine(position=len(document.lines), quantity=Decimal(1), unit="lot",
                        unit_price=surcharge, extras={SURCHARGE: True},
                        description=_("Small-order surcharge (orders below %(amount)s "
                                      "%(currency)s)", amount=f"{minimum:,.2f}",
                                      currency=document.currency))
    line.compute_amount()
    document.lines.append(line)
    return surcharge


def apply_segment_treatment(document: Document, *, parent: Document, actor: Actor,
                            **_ignored) -> AppliedTreatment | None:
    """Receiver of ``document_derived``: a quotation answering a buyer's inquiry or RFQ
    gets the terms of the buyer's segment, recorded for the supplier to see."""
    if document.type != "quotation" or parent.type not in ("inquiry", "rfq") \
            or document.recipient_company_id is None:
        return None
    return apply_to_quotation(document)


def apply_to_quotation(document: Document) -> AppliedTreatment | None:
    """Give a quotation draft its buyer's segment terms and record what they did."""
    supplier_id = document.issuer_company_id
    segment = treatment_queries.segment_of(supplier_id, document.recipient_company_id)
    treatment = treatment_queries.treatment_for(supplier_id, segment)
    if treatment is None:
        return None
    applied: dict[str, Any] = {}
    if treatment.payment_terms:
        document.payment_terms = applied["payment_terms"] = treatment.payment_terms
    if treatment.lead_time_days is not None:
        document.extras = {**(document.extras or {}),
                           "lead_time_days": treatment.lead_time_days}
        applied["lead_time_days"] = treatment.lead_time_days
    if treatment.discount_pct:
        applied["discount_pct"] = f"{treatment.discount_pct:f}"
        applied["discounted_lines"] = _discount(document, treatment.discount_pct)
        applied["unpriced_lines"] = sum(1 for line in document.lines
                                        if line.unit_price is None)
    surcharge = _surcharge(document, treatment)
    if surcharge is not None:
        applied["surcharge"] = money_text(surcharge)
        applied["min_order_value"] = money_text(treatment.min_order_value)
    if treatment.response_hours is not None:
        applied["response_hours"] = treatment.response_hours
    if not applied:
        return None
    document.compute_total()
    engine.index_for_search(document)
    record = AppliedTreatment(document_id=document.id, supplier_company_id=supplier_id,
                              segment=segment, applied=applied)
    db.session.add(record)
    db.session.flush()
    return record

"""A supplier's customers in the portal: the customer table, the fifths (80/20), the
segments and their movement, and the at-risk list with one-click win-back. Thin: the
figures come from the customer queries (``crm/queries/customers.py``), the writes from
``crm/operations/outreach.py``."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import ValidationFailed
from marketplace.core.schemas import decimal_text
from marketplace.crm import bp
from marketplace.crm.charts import customers as charts
from marketplace.crm.charts.customers import row_get
from marketplace.crm.models.treatments import SEGMENTS
from marketplace.crm.operations import outreach
from marketplace.crm.operations.treatments import SEGMENT_LABELS
from marketplace.crm.views.treatments import supplier_member
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import EmptyForm

PER_PAGE = 20
# The columns a member sorts the table by (the customer queries' sort keys).
SORTS = {"lifetime_value": _l("Lifetime value"), "monetary": _l("Revenue"),
         "recency_days": _l("Days since last order"), "frequency": _l("Orders"),
         "growth_pct": _l("Growth"), "buyer_name": _l("Customer")}
FIFTHS = (_l("1st fifth"), _l("2nd fifth"), _l("3rd fifth"), _l("4th fifth"),
          _l("5th fifth"))


@bp.app_template_filter("crm_amount")
def _amount(value) -> str:
    """12345.5 → "12,345.50": figures read at a glance (exact values are in the exports)."""
    if value is None:
        return "—"
    return f"{Decimal(str(value)).quantize(Decimal('0.01')):,.2f}"


@bp.app_template_filter("crm_share")
def _share(value) -> str:
    """0.8123 → "81.2 %"."""
    if value is None:
        return "—"
    return f"{(Decimal(str(value)) * 100).quantize(Decimal('0.1'))} %"


def _queries():
    from marketplace.crm.queries import customers

    return customers


def _period():
    """The period asked for, or the last 12 months with the refusal to show."""
    from marketplace.crm.periods import last_12_months, parse_period

    try:
        return parse_period(request.args), {}
    except ValidationFailed as refusal:
        return last_12_months(), refusal.errors


def _first(row, *names):
    for name in names:
        value = row_get(row, name)
        if value is not None:
            return value
    return None


def _customer(row) -> dict:
    """A customer row under API.md's names, whatever shape the query gives."""
    return {"buyer_id": _first(row, "buyer_id", "buyer_company_id"),
            "buyer_name": _first(row, "buyer_name"),
            "recency_days": _first(row, "recency_days"),
            "frequency": _first(row, "frequency", "orders_12m"),
            "monetary": _first(row, "monetary", "revenue_12m"),
            "margin": _first(row, "margin", "margin_12m"),
            "payment_days_median": _first(row, "payment_days_median"),
            "growth_pct": _first(row, "growth_pct"),
            "lifetime_value": _first(row, "lifetime_value"),
            "quintile": _first(row, "quintile"), "segment": _first(row, "segment"),
            "at_risk": bool(_first(row, "at_risk")),
            "value_at_risk": _first(row, "value_at_risk"),
            "currency": _first(row, "currency")}


def _export_links(path: str, params: dict) -> dict[str, str]:
    kept = {k: v for k, v in params.items() if v not in (None, "", False)}
    return {fmt: f"/api/v1/analytics/{path}?{urlencode({**kept, 'format': fmt})}"
            for fmt in ("csv", "xlsx")}


def _ltv_method(supplier_id: int) -> dict:
    """The lifetime-value parameters as percentages, with this supplier's observed
    retention and the resulting multiple of yearly margin."""
    config = current_app.config
    shown = {name: decimal_text(Decimal(str(config.get(key, default))) * 100)
             for name, key, default in (
        ("margin_rate", "CRM_DEFAULT_MARGIN_RATE", "0.25"),
        ("retention", "CRM_DEFAULT_RETENTION", "0.6"),
        ("max_retention", "CRM_MAX_RETENTION", "0.9"),
        ("discount", "CRM_DISCOUNT_RATE", "0.1"))}
    used = _queries().ltv_parameters(supplier_id)
    shown["observed_retention"] = decimal_text((used["retention"] * 100).quantize(
        Decimal("0.1")))
    shown["multiple"] = decimal_text(used["multiple"].quantize(Decimal("0.01")))
    return shown


FILTER_LABELS = {"segment": _l("Segment"), "quintile": _l("Fifth"), "sort": _l("Sort by")}
MAX_PAGE = 100_000  # far beyond any list; a larger offset would overflow the database


def _choice(name: str, allowed) -> str | None:
    """A filter from its list, or a clear refusal naming it (a hand-edited address)."""
    value = request.args.get(name) or None
    if value is None or value in allowed:
        return value
    raise ValidationFailed(_("%(field)s: choose one from the list.",
                             field=FILTER_LABELS[name]))


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


def _common(period, period_errors) -> dict:
    return {"period": period, "period_errors": period_errors,
            "segment_labels": SEGMENT_LABELS, "segments": SEGMENTS}


@bp.route("/customers")
@supplier_member
def customers():
    supplier_id = current_actor().company.id
    period, period_errors = _period()
    segment = _choice("segment", SEGMENTS)
    quintile = _choice("quintile", ("1", "2", "3", "4", "5"))
    at_risk = request.args.get("at_risk") == "1"
    sort = _choice("sort", SORTS) or "lifetime_value"
    page = _page()
    rows, total = _queries().customer_rows(
        supplier_id, period, segment=segment, quintile=int(quintile) if quintile else None,
        at_risk=True if at_risk else None, sort=sort, page=page, per_page=PER_PAGE)
    filters = {"from": request.args.get("from") or None, "to": request.args.get("to") or None,
               "segment": segment, "quintile": quintile, "at_risk": "1" if at_risk else None,
               "sort": sort}
    return render_template(
        "crm/customers.html", rows=[_customer(row) for row in rows], total=total,
        page=page, per_page=PER_PAGE, filters=filters, sorts=SORTS,
        exports=_export_links("customers", {
            **filters, "at_risk": "true" if at_risk else None}),
        ltv=_ltv_method(supplier_id),
        **_common(period, period_errors)), 422 if period_errors else 200


@bp.route("/quintiles")
@supplier_member
def quintiles():
    supplier_id = current_actor().company.id
    period, period_errors = _period()
    rows = _queries().quintile_rows(supplier_id, period)
    chart = charts.fifths_shares(
        rows, label=_("Share of revenue and margin held by each fifth of your customers"),
        fifth_labels=[str(name) for name in FIFTHS], revenue_label=_("Revenue"),
        margin_label=_("Margin"))
    return render_template(
        "crm/quintiles.html", rows=rows, chart=chart, fifths=FIFTHS, row_get=row_get,
        exports=_export_links("quintiles", {"from": request.args.get("from"),
                                            "to": request.args.get("to")}),
        ltv=_ltv_method(supplier_id),
        **_common(period, period_errors)), 422 if period_errors else 200


@bp.route("/segments")
@supplier_member
def segments():
    period, period_errors = _period()
    current, history = _queries().segment_summary(current_actor().company.id, period)
    chart = charts.segment_history(
        history, label=_("Customers in each segment, month by month"),
        segment_labels={code: str(label) for code, label in SEGMENT_LABELS.items()})
    return render_template(
        "crm/segments.html", current=current, history=history, chart=chart,
        row_get=row_get, exports=_export_links("segments", {
            "from": request.args.get("from"), "to": request.args.get("to")}),
        **_common(period, period_errors)), 422 if period_errors else 200


@bp.route("/at-risk")
@supplier_member
def at_risk():
    period, period_errors = _period()
    page = _page()
    rows, total = _queries().at_risk_rows(current_actor().company.id, period, page,
                                          PER_PAGE)
    items = [{"buyer_id": _first(row, "buyer_id", "buyer_company_id"),
              "buyer_name": _first(row, "buyer_name"),
              "days_since_last_order": _first(row, "days_since_last_order", "recency_days"),
              "usual_interval_days": _first(row, "usual_interval_days"),
              "value_at_risk": _first(row, "value_at_risk"),
              "reason": _first(row, "reason", "at_risk_reason"),
              "currency": _first(row, "currency")} for row in rows]
    return render_template(
        "crm/at_risk.html", rows=items, total=total, page=page, per_page=PER_PAGE,
        filters={"from": request.args.get("from") or None,
                 "to": request.args.get("to") or None},
        exports=_export_links("at-risk", {"from": request.args.get("from"),
                                          "to": request.args.get("to")}),
        **_common(period, period_errors)), 422 if period_errors else 200


@bp.route("/customers/<int:buyer_id>/quotation", methods=["POST"])
@supplier_member
def start_quotation(buyer_id):
    EmptyForm().validate_on_submit() or abort(400)
    document = outreach.start_quotation(current_actor(), buyer_id)
    flash(_("Draft quotation %(number)s to this customer started: add the lines and send "
            "it.", number=document.number), "success")
    return redirect(url_for("trading.edit_document", document_id=document.id))


@bp.route("/customers/<int:buyer_id>/message", methods=["GET", "POST"])
@supplier_member
def write_message(buyer_id):
    actor = current_actor()
    # Not a customer: 404 before anything is shown.
    buyer = outreach.customer_of(actor, buyer_id).buyer
    errors, text, status = {}, "", 200
    if request.method == "POST":
        EmptyForm().validate_on_submit() or abort(400)
        text = request.form.get("message", "")
        try:
            told = outreach.send_message(actor, buyer_id, text)
        except ValidationFailed as refusal:
            errors, status = refusal.errors, 422
        else:
            flash(_("Your message went to %(buyer)s (%(n)d member(s)).", buyer=buyer.name,
                    n=told), "success")
            return redirect(url_for("crm.at_risk"))
    return render_template("crm/customers_message.html", buyer=buyer, text=text, errors=errors,
                           limit=outreach.MESSAGE_LENGTH), status

"""Trade speed in the portal: how fast the company answers (supplier) or is answered
(buyer), per month and per member, beside the platform's median, with trend charts.
Thin: period and side → query → template. Also fills the supplier profile's facts
slot with its median response time and response rate."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from marketplace.core import slots
from marketplace.core.errors import Forbidden, ValidationFailed
from marketplace.core.guards import login_required
from marketplace.crm import bp
from marketplace.crm.charts import speed as charts
from marketplace.crm.periods import last_12_months, parse_period
from marketplace.crm.queries import speed as speed_queries
from marketplace.infrastructure.auth import current_actor


def _reader() -> tuple[int | None, bool, bool]:
    """(company id or None for the operator, sells, buys)."""
    actor = current_actor()
    if actor.is_operator:
        return None, True, False
    if not actor.can("documents.view"):
        raise Forbidden(str(_l("Your role does not allow this.")))
    return actor.company.id, actor.company.is_supplier, actor.company.is_buyer


def _pictures(report: speed_queries.SpeedReport) -> dict[str, Markup]:
    months, platform = report.months, report.platform
    nothing = _("Nothing measured in this period yet.")
    return {
        "quotation": charts.monthly_trend(
            [(m.month, m.inquiry_to_quotation_hours_median) for m in months],
            label=_("Median hours from inquiry to first quotation, per month, against the "
                    "platform median"),
            series_label=_("Median hours"), platform=platform.inquiry_to_quotation_hours_median,
            platform_label=_("Platform"), unit=_("h"), empty_label=nothing),
        "order": charts.monthly_trend(
            [(m.month, m.inquiry_to_order_days_median) for m in months],
            label=_("Median days from inquiry to purchase order, per month, against the "
                    "platform median"),
            series_label=_("Median days"), platform=platform.inquiry_to_order_days_median,
            platform_label=_("Platform"), unit=_("d"), empty_label=nothing),
        "win": charts.monthly_trend(
            [(m.month, m.quotation_win_rate) for m in months],
            label=_("Quotation win rate per month, against the platform's"),
            series_label=_("Win rate"), platform=platform.quotation_win_rate,
            platform_label=_("Platform"), unit="%", empty_label=nothing),
    }


@bp.route("/speed")
@login_required
def speed():
    company_id, sells, buys = _reader()
    errors = {}
    try:
        period = parse_period(request.args)
    except ValidationFailed as error:  # shown beside the form's fields, with the default
        errors, period = error.errors, last_12_months()
    side = request.args.get("side")
    if side not in speed_queries.SIDES:
        side = speed_queries.SUPPLIER if sells else speed_queries.BUYER
    report = speed_queries.response_times(company_id, period.start, period.end, side=side)
    return render_template(
        "crm/speed.html", report=report, period=period, errors=errors, side=side,
        sides=[s for s, ok in ((speed_queries.SUPPLIER, sells), (speed_queries.BUYER, buys))
               if ok], charts=_pictures(report),
        values={"from": request.args.get("from", period.start.isoformat()),
                "to": request.args.get("to", period.end.isoformat())}), \
        422 if errors else 200


@slots.fill("company_profile.facts")
def profile_speed(company=None, **_context) -> Markup | None:
    """A supplier's median response time and response rate on its public profile."""
    if company is None or not getattr(company, "is_supplier", False):
        return None
    figures = speed_queries.supplier_profile_speed(company.id)
    return Markup(render_template("crm/_profile_speed.html", figures=figures))


@slots.fill("company_profile.api")
def profile_speed_fields(company=None, **_context) -> dict | None:
    """The same two figures in ``GET /companies/{id}`` (decimal strings, null while
    nothing was measured)."""
    if company is None or not getattr(company, "is_supplier", False):
        return None
    figures = speed_queries.supplier_profile_speed(company.id)
    hours, rate = figures.response_hours_median, figures.response_rate
    return {"response_hours_median": None if hours is None else f"{hours:.2f}",
            "response_rate": None if rate is None else f"{rate:.4f}"}

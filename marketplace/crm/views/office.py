"""crm's panels in the personal office (``core.slots``, so infrastructure imports no
crm): the member's figures of this month with a small chart, and the operator's
platform totals. Importing ``crm.queries.work_list`` registers crm's work items."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from marketplace.core import slots
from marketplace.crm.charts import scorecards as charts
from marketplace.crm.queries import work_list


@slots.fill("office.figures")
def member_figures(actor, company=None, **_context):
    if actor is None or actor.company is None:
        return None
    figures = work_list.office_figures(actor.company)
    label = _("Orders received per month") if figures.side == "supplier" \
        else _("Orders placed per month")
    chart = charts.month_bars(figures.orders_by_month,
                              label=f"{label}: " + ", ".join(
                                  f"{month} {count}" for month, count in
                                  figures.orders_by_month))
    return render_template("crm/_office_figures.html", figures=figures, chart=chart,
                           chart_title=label)


@slots.fill("office.platform_figures")
def operator_figures(actor, **_context):
    if actor is None or not actor.is_operator:
        return None
    figures = work_list.platform_figures()
    label = _("Orders on the platform per month")
    chart = charts.month_bars(figures.orders_by_month, label=f"{label}: " + ", ".join(
        f"{month} {count}" for month, count in figures.orders_by_month))
    return render_template("crm/_platform_figures.html", figures=figures, chart=chart,
                           chart_title=label)

"""The buyer's supplier scorecards in the portal: a period form, a table per supplier,
small charts and the CSV/Excel downloads. Thin: period → query → template."""

from __future__ import annotations

import functools

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.core import guards
from marketplace.core.errors import Forbidden, ValidationFailed
from marketplace.crm import bp
from marketplace.crm.charts import scorecards as charts
from marketplace.crm.periods import last_12_months, parse_period
from marketplace.crm.queries import scorecards as scorecard_queries
from marketplace.infrastructure.auth import current_actor

PER_PAGE = 20


BUYERS_ONLY = _l("Supplier scorecards are for buyers about their own suppliers.")


def buyer_member(view):
    """A page about the buyer's own suppliers: members of a buyer company who may read
    documents; a supplier-only company or the operator is refused with 403 (company,
    buyer, then the role's permission)."""
    allowed = guards.permission_required("documents.view")(view)

    @functools.wraps(view)
    def buyers_only(*args, **kwargs):
        if not guards.current_actor().company.is_buyer:
            raise Forbidden(str(BUYERS_ONLY))
        return allowed(*args, **kwargs)

    return guards.company_member_required(message=BUYERS_ONLY)(buyers_only)


@bp.route("/supplier-scorecards")
@buyer_member
def scorecards():
    errors = {}
    try:
        period = parse_period(request.args)
    except ValidationFailed as error:  # shown beside the form's fields, with the default
        errors, period = error.errors, last_12_months()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    company_id = current_actor().company.id
    cards = scorecard_queries.scorecards(company_id, period.start, period.end)
    shown = cards[(page - 1) * PER_PAGE: page * PER_PAGE]
    names = [card.supplier_name for card in shown]
    pictures = {
        "on_time": charts.rate_bars(
            list(zip(names, [c.on_time_rate for c in shown], strict=True)),
            label=_("On-time delivery rate per supplier"), none_label=_("nothing measured")),
        "shortage": charts.rate_bars(
            list(zip(names, [c.shortage_rate for c in shown], strict=True)),
            label=_("Shortage rate per supplier"), none_label=_("nothing measured"),
            good_high=False),
    }
    return render_template("crm/scorecards.html", cards=shown, total=len(cards), page=page,
                           pages=max((len(cards) + PER_PAGE - 1) // PER_PAGE, 1),
                           period=period, errors=errors, charts=pictures,
                           values={"from": request.args.get("from", period.start.isoformat()),
                                   "to": request.args.get("to", period.end.isoformat())}), \
        422 if errors else 200

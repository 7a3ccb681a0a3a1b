"""``GET /analytics/supplier-scorecards``: the buyer's scorecard of each of its
suppliers (API.md, Analytics). Thin: period and page in → query → schema or export."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE

from marketplace.core.api import problem_responses
from marketplace.core.errors import Forbidden
from marketplace.core.pagination import Page, PaginationArgsSchema, page_schema
from marketplace.crm import api_bp, exports
from marketplace.crm.exports import FormatArgsSchema
from marketplace.crm.periods import PeriodArgsSchema
from marketplace.crm.queries import scorecards as scorecard_queries
from marketplace.crm.schemas.scorecards import EXPORT_COLUMNS, SupplierScorecardSchema
from marketplace.infrastructure.auth import api_auth, current_actor


class ScorecardArgsSchema(PeriodArgsSchema, PaginationArgsSchema, FormatArgsSchema):
    pass


def buyer_id() -> int:
    """The acting company, when it buys; a supplier-only company (or the operator, who
    keeps no trade of its own) is refused."""
    actor = current_actor()
    if actor is None or actor.company is None or not actor.company.is_buyer:
        raise Forbidden(str(_l("Supplier scorecards are for buyers about their own "
                               "suppliers.")))
    if not actor.can("documents.view"):
        raise Forbidden(str(_l("Your role does not allow this.")))
    return actor.company.id


@api_bp.route("/analytics/supplier-scorecards")
@api_auth()
# A misspelt filter (or another company's id) is refused, never silently ignored.
@api_bp.arguments(ScorecardArgsSchema, location="query", unknown=RAISE)
@api_bp.response(200, page_schema(SupplierScorecardSchema))
@api_bp.doc(responses={**problem_responses(401, 403, 422),
                       **exports.export_responses(page_schema(SupplierScorecardSchema))})
def supplier_scorecards(args):
    """Buyer: per supplier, on-time delivery, shortage and damage rates from its goods
    receipts, median response time, price trend of repeated items and claims resolved
    (formulas: docs/ANALYTICS.md). ``?format=csv|xlsx`` answers the whole list as a file."""
    company_id, period = buyer_id(), args["period"]
    if args["format"] != "json":
        rows = scorecard_queries.scorecards(company_id, period.start, period.end)
        return export(rows, args["format"], period)
    rows, total = scorecard_queries.scorecard_rows(
        company_id, period.start, period.end, page=args["page"], per_page=args["per_page"])
    return Page(items=rows, total=total, page=args["page"], per_page=args["per_page"])


def export(rows, fmt: str, period):
    """The scorecards as a CSV or Excel file, through crm's one exporter."""
    data = SupplierScorecardSchema(only=EXPORT_COLUMNS).dump(rows, many=True)
    return exports.export_response(data, EXPORT_COLUMNS, fmt,
                                   f"supplier-scorecards-{period.start}-{period.end}")

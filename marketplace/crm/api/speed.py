"""``GET /analytics/response-times``: how fast a company answers (as a supplier) or is
answered (as a buyer), beside the platform's median (API.md, Analytics). Thin: period
and side in → query → schema or export."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE

from marketplace.core.api import problem_responses
from marketplace.core.errors import Forbidden, NotFound
from marketplace.crm import api_bp, exports
from marketplace.crm.queries import speed as speed_queries
from marketplace.crm.schemas.speed import (
    EXPORT_COLUMNS,
    ResponseTimesArgsSchema,
    ResponseTimesSchema,
    SpeedFiguresSchema,
)
from marketplace.crm.tasks import speed as _jobs  # noqa: F401 - keeps the facts in step
from marketplace.infrastructure import queries as infrastructure_queries
from marketplace.infrastructure.auth import api_auth, current_actor


def reader(company_id: int | None, side: str | None) -> tuple[int | None, str]:
    """Whose figures the caller reads, on which side: a member reads its own company's
    only (another id is not found, as if it did not exist); the operator any company,
    or the whole platform."""
    actor = current_actor()
    if actor.is_operator:
        if company_id is not None:
            infrastructure_queries.company_for_operator(company_id)  # or NotFound
        return company_id, side or speed_queries.SUPPLIER
    if not actor.can("documents.view"):
        raise Forbidden(str(_l("Your role does not allow this.")))
    company = actor.company
    if company_id is not None and company_id != company.id:
        raise NotFound(str(_l("Company %(id)s was not found.", id=company_id)))
    return company.id, side or (speed_queries.SUPPLIER if company.is_supplier
                                else speed_queries.BUYER)


@api_bp.route("/analytics/response-times")
@api_auth()
# A misspelt argument (or a field another route takes) is refused, never ignored.
@api_bp.arguments(ResponseTimesArgsSchema, location="query", unknown=RAISE)
@api_bp.response(200, ResponseTimesSchema)
@api_bp.doc(responses={**problem_responses(401, 403, 404, 422),
                       **exports.export_responses(ResponseTimesSchema)})
def response_times(args):
    """Supplier or buyer: its response times from the documents' own timestamps (median
    and 90th percentile), quotation win rate and response rate, per month and per member,
    beside the platform's figures (method: docs/ANALYTICS.md). ``?format=csv|xlsx``
    answers the same figures as a file."""
    company_id, side = reader(args.get("company_id"), args.get("side"))
    period = args["period"]
    report = speed_queries.response_times(company_id, period.start, period.end, side=side,
                                          period=args["period_kind"])
    if args["format"] != "json":
        return export(report, args["format"])
    return answer(report)


def answer(report: speed_queries.SpeedReport) -> dict:
    return {**report.company.as_dict(), "period": report.period,
            "date_from": report.date_from, "date_to": report.date_to, "side": report.side,
            "company_id": report.company_id, "platform": report.platform,
            "months": report.months, "members": report.members}


def export_rows(report: speed_queries.SpeedReport) -> list[dict]:
    """One row per month, per member, then the company's and the platform's totals."""
    figures = SpeedFiguresSchema()
    rows = [{"scope": "month", "month": row.month, **figures.dump(row)}
            for row in report.months]
    rows += [{"scope": "member", "member_id": row.member_id, "member_name": row.member_name,
              **figures.dump(row)} for row in report.members]
    rows.append({"scope": "company", **figures.dump(report.company)})
    rows.append({"scope": "platform", **figures.dump(report.platform)})
    return rows


def export(report: speed_queries.SpeedReport, fmt: str):
    return exports.export_response(
        export_rows(report), EXPORT_COLUMNS, fmt,
        f"response-times-{report.date_from}-{report.date_to}")

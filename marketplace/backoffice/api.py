"""The back office's JSON API (operator only, but for a member's report):
``GET /admin/stats``, ``GET /admin/audit-events``, ``POST /reports``,
``GET /admin/reports``, hide / dismiss / restore of a product or bulletin, and a
company's reinstatement with a reason (its suspension stays infrastructure's
``POST /admin/companies/{id}/suspend``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.backoffice import api_bp, operations, queries
from marketplace.backoffice.models import ReportKind, ReportStatus
from marketplace.backoffice.schemas import (
    AuditArgsSchema,
    AuditEntrySchema,
    CompanyReasonArgsSchema,
    ModeratedSchema,
    NoteArgsSchema,
    OperatorReportSchema,
    PeriodArgsSchema,
    ReasonArgsSchema,
    ReportArgsSchema,
    ReportQueryArgsSchema,
    ReportSchema,
    StandingSchema,
    StatsSchema,
)
from marketplace.core.api import problem_responses
from marketplace.core.errors import Forbidden, NotFound
from marketplace.core.guards import company_actor
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.infrastructure.auth import api_auth, current_actor


@api_bp.route("/admin/stats")
@api_auth(operator=True)
@api_bp.arguments(PeriodArgsSchema, location="query")
@api_bp.response(200, StatsSchema)
@api_bp.doc(responses=problem_responses(403, 422))
def stats(args):
    """The dashboard's figures for a period (default: this month and the five before)."""
    figures = queries.dashboard(queries.period_of(args.get("start"), args.get("end")))
    return stats_answer(figures)


def stats_answer(figures: queries.Dashboard) -> dict:
    def counts(rows):
        return [{"key": key, "count": count} for key, count in rows]

    plans = None
    if figures.plans is not None:
        plans = {"companies_per_plan": figures.plans.companies_per_plan,
                 "revenue_per_month": figures.plans.months}
    return {
        "period": {"from": figures.period.start.isoformat(),
                   "to": figures.period.end.isoformat()},
        "companies_by_status": figures.companies_by_status,
        "companies_by_country": counts(figures.companies_by_country),
        "registrations_per_week": counts(figures.registrations_per_week),
        "registrations_per_month": counts(figures.registrations_per_month),
        "members": figures.members, "active_members": figures.active_members,
        "documents_per_day": counts(figures.documents_per_day),
        "orders_per_day": counts(figures.orders_per_day),
        "trade_value_per_month": [
            {"month": month, "currency": currency, "value": value}
            for currency, points in figures.trade_value_per_month.items()
            for month, value in points],
        "plans": plans,
    }


@api_bp.route("/admin/audit-events")
@api_auth(operator=True)
@api_bp.arguments(AuditArgsSchema, location="query")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(AuditEntrySchema))
@api_bp.doc(responses=problem_responses(403, 422))
def audit_events(args, pagination):
    """The whole audit trail, filtered by company, member, action, object and dates
    (company admins read their own company's at ``GET /audit-events``)."""
    filters = queries.AuditFilters(company=args.get("company"), member=args.get("member"),
                                   action=args.get("action"),
                                   object_type=args.get("object_type"),
                                   object_id=args.get("object_id"), start=args.get("start"),
                                   end=args.get("end"))
    return paginate(queries.audit_trail(filters), **pagination)


@api_bp.route("/reports", methods=["POST"])
@api_auth(write=True)
@api_bp.arguments(ReportArgsSchema)
@api_bp.response(201, ReportSchema)
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def create_report(args):
    """A member reports another company's product or bulletin to the operator (one open
    report per member and object: 409 for a second)."""
    actor = company_actor()
    if actor.user is None:
        raise Forbidden(str(_l("Reports come from a member, not from an API key.")))
    return operations.report_content(actor.user, actor.company, args["kind"],
                                     args["object_id"], args["reason"], args.get("text"))


@api_bp.route("/admin/reports")
@api_auth(operator=True)
@api_bp.arguments(ReportQueryArgsSchema, location="query")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(OperatorReportSchema))
def list_reports(args, pagination):
    """Every report, newest first; ``status=open`` is the queue."""
    status = ReportStatus(args["status"]) if args.get("status") else None
    return paginate(queries.reports(status), **pagination)


def _kind(kind: str) -> ReportKind:
    try:
        return ReportKind(kind)
    except ValueError:
        raise NotFound(str(_l("Only products and bulletins are moderated here."))) from None


def _moderated(kind: ReportKind, target) -> dict:
    return {"kind": kind.value, "id": target.id,
            "title": getattr(target, "name", None) or target.title,
            "hidden": target.hidden_at is not None, "hidden_reason": target.hidden_reason}


@api_bp.route("/admin/moderation/<kind>/<int:object_id>/hide", methods=["POST"])
@api_auth(operator=True)
@api_bp.arguments(ReasonArgsSchema)
@api_bp.response(200, ModeratedSchema)
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def hide(args, kind, object_id):
    """Hide a product (``kind`` product) or bulletin: out of search, lists and its page
    for all but its owner, who is told the reason; its open reports are decided."""
    kind = _kind(kind)
    return _moderated(kind, operations.hide(kind, object_id, args["reason"],
                                            current_actor().user))


@api_bp.route("/admin/moderation/<kind>/<int:object_id>/dismiss", methods=["POST"])
@api_auth(operator=True)
@api_bp.arguments(NoteArgsSchema)
@api_bp.response(200, OperatorReportSchema(many=True))
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def dismiss(args, kind, object_id):
    """Nothing wrong: the object's open reports are dismissed (409 when none waits)."""
    return operations.dismiss(_kind(kind), object_id, current_actor().user, args.get("note"))


@api_bp.route("/admin/moderation/<kind>/<int:object_id>/restore", methods=["POST"])
@api_auth(operator=True)
@api_bp.response(200, ModeratedSchema)
@api_bp.doc(responses=problem_responses(403, 404, 409))
def restore(kind, object_id):
    """Show a hidden product or bulletin again (409 when it is not hidden)."""
    kind = _kind(kind)
    return _moderated(kind, operations.restore(kind, object_id))


@api_bp.route("/admin/companies/<int:company_id>/reinstate", methods=["POST"])
@api_auth(operator=True)
@api_bp.arguments(CompanyReasonArgsSchema)
@api_bp.response(200, StandingSchema)
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def reinstate(args, company_id):
    """Reinstate a suspended company with a reason its admins are told (mail and bell)
    and its office shows."""
    company = operations.reinstate_company(queries.company(company_id), args["reason"])
    return {"id": company.id, "name": company.name, "status": company.status.value,
            "status_reason": company.status_reason}

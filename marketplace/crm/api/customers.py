"""Customer analytics API for suppliers: ``/analytics/customers``, ``/quintiles``,
``/segments``, ``/at-risk``. Thin: parse the period and filters → query → schema, or a
CSV / Excel file of every row (``?format=csv|xlsx``).

Who may ask: a member of a supplier company, about its own customers. A company that
is not a supplier gets 403; so does the platform operator (it has no customers of its
own, and these figures are a supplier's business). Nobody sees another supplier's
customers: every query is bound to the acting company.
"""

from __future__ import annotations

from flask import jsonify
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE

from marketplace.core import outbox
from marketplace.core.api import problem_responses
from marketplace.core.errors import Forbidden
from marketplace.core.pagination import page_schema
from marketplace.crm import api_bp
from marketplace.crm.exports import export_response, export_responses, schema_columns
from marketplace.crm.operations.customers import set_reporting_currency
from marketplace.crm.queries import customers as queries
from marketplace.crm.queries.customer_facts import reporting_currency, setting
from marketplace.crm.schemas.customers import (
    AnalyticsListArgsSchema,
    AnalyticsSettingsArgsSchema,
    AnalyticsSettingsSchema,
    AtRiskSchema,
    CustomerArgsSchema,
    CustomerSchema,
    PeriodOnlyArgsSchema,
    QuintileListSchema,
    QuintileSchema,
    SegmentMonthSchema,
    SegmentsSchema,
)
from marketplace.crm.tasks import customers as _jobs  # noqa: F401 - queues recomputations
from marketplace.infrastructure.auth import api_auth, current_actor

BASE = "/analytics"
PERMISSION = "fulfillment.view"


def acting_supplier_id() -> int:
    """The acting company's id when it is a supplier; 403 otherwise."""
    actor = current_actor()
    if actor.company is None:
        raise Forbidden(str(_l("Customer analytics belong to a supplier; the platform "
                               "operator has no customers of its own.")))
    if not actor.company.is_supplier:
        raise Forbidden(str(_l("Customer analytics are for suppliers: your company does "
                               "not sell on this marketplace.")))
    return actor.company.id


def _page(rows, total: int, args: dict, schema) -> dict:
    return {"items": schema(many=True).dump(rows), "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@api_bp.route(f"{BASE}/customers")
@api_auth(permission=PERMISSION)
@api_bp.arguments(CustomerArgsSchema, location="query", unknown=RAISE)
@api_bp.doc(responses={**export_responses(page_schema(CustomerSchema)),
                       **problem_responses(403, 422)})
def list_customers(args):
    """Supplier: each buyer company with its figures (recency, frequency, monetary,
    margin, payment speed, growth, lifetime value, fifth, segment, at risk), most
    valuable first. Filters: ``segment``, ``quintile``, ``at_risk``; ``sort``. The
    period (``from``, ``to``; default the last 12 months) sets ``frequency``,
    ``monetary`` and ``margin``; the other figures are as of ``as_of``."""
    supplier_id = acting_supplier_id()
    filters = {name: args.get(name) for name in ("segment", "quintile", "at_risk")}
    if args["format"] != "json":
        rows, _ = queries.customer_rows(supplier_id, args["period"], **filters,
                                        sort=args["sort"], per_page=None)
        return export_response(CustomerSchema(many=True).dump(rows),
                               schema_columns(CustomerSchema()), args["format"], "customers")
    rows, total = queries.customer_rows(supplier_id, args["period"], **filters,
                                        sort=args["sort"], page=args["page"],
                                        per_page=args["per_page"])
    return jsonify(_page(rows, total, args, CustomerSchema))


@api_bp.route(f"{BASE}/quintiles")
@api_auth(permission=PERMISSION)
@api_bp.arguments(PeriodOnlyArgsSchema, location="query", unknown=RAISE)
@api_bp.doc(responses={**export_responses(QuintileListSchema), **problem_responses(403, 422)})
def list_quintiles(args):
    """Supplier: customers ranked by lifetime value into five fifths (1 = most
    valuable): how many, their revenue and margin in the period, each fifth's share
    of the whole (the 80/20 picture) and its lowest and highest lifetime value."""
    supplier_id = acting_supplier_id()
    rows = queries.quintile_rows(supplier_id, args["period"])
    if args["format"] != "json":
        return export_response(QuintileSchema(many=True).dump(rows),
                               schema_columns(QuintileSchema()), args["format"], "quintiles")
    return jsonify(QuintileListSchema().dump(
        {"items": rows, "currency": reporting_currency(supplier_id)}))


@api_bp.route(f"{BASE}/segments")
@api_auth(permission=PERMISSION)
@api_bp.arguments(PeriodOnlyArgsSchema, location="query", unknown=RAISE)
@api_bp.doc(responses={**export_responses(SegmentsSchema), **problem_responses(403, 422)})
def list_segments(args):
    """Supplier: MVC, MGC, BZ and other now (customers, revenue and margin in the
    period), and ``history``: customers per segment at each month's end in the period.
    The file export holds the history, one row per month and segment."""
    supplier_id = acting_supplier_id()
    current, history = queries.segment_summary(supplier_id, args["period"])
    if args["format"] != "json":
        return export_response(SegmentMonthSchema(many=True).dump(history),
                               schema_columns(SegmentMonthSchema()), args["format"],
                               "segments")
    return jsonify(SegmentsSchema().dump({"current": current, "history": history,
                                          "currency": reporting_currency(supplier_id)}))


@api_bp.route(f"{BASE}/at-risk")
@api_auth(permission=PERMISSION)
@api_bp.arguments(AnalyticsListArgsSchema, location="query", unknown=RAISE)
@api_bp.doc(responses={**export_responses(page_schema(AtRiskSchema)),
                       **problem_responses(403, 422)})
def list_at_risk(args):
    """Supplier: customers longer without an order than their own usual interval
    (1.5 × their median gap) or who stopped answering quotations, most value at risk
    first; customers who switch suppliers often and poor payers are left out."""
    supplier_id = acting_supplier_id()
    if args["format"] != "json":
        rows, _ = queries.at_risk_rows(supplier_id, args["period"], per_page=None)
        return export_response(AtRiskSchema(many=True).dump(rows),
                               schema_columns(AtRiskSchema()), args["format"], "at-risk")
    rows, total = queries.at_risk_rows(supplier_id, args["period"], args["page"],
                                       args["per_page"])
    return jsonify(_page(rows, total, args, AtRiskSchema))



def _settings_answer(supplier_id: int) -> dict:
    rates = setting("CRM_EXCHANGE_RATES")
    return {"reporting_currency": reporting_currency(supplier_id),
            "exchange_rates": {code: str(rate) for code, rate in sorted(rates.items())},
            "lifetime_value": queries.ltv_parameters(supplier_id)}


@api_bp.route(f"{BASE}/settings")
@api_auth(permission=PERMISSION)
@api_bp.response(200, AnalyticsSettingsSchema)
@api_bp.doc(responses=problem_responses(403))
def get_analytics_settings():
    """Supplier: the reporting currency its figures are in, the exchange rates used to
    convert other currencies, and the lifetime-value method's parameters
    (docs/ANALYTICS.md)."""
    return _settings_answer(acting_supplier_id())


@api_bp.route(f"{BASE}/settings", methods=["PUT"])
@api_auth(permission="company.edit")
@api_bp.arguments(AnalyticsSettingsArgsSchema)
@api_bp.response(200, AnalyticsSettingsSchema)
@api_bp.doc(responses=problem_responses(403, 422))
def put_analytics_settings(values):
    """Supplier admin: choose the reporting currency (one with an exchange rate). Every
    customer's figures are recomputed in it by a background job."""
    supplier_id = acting_supplier_id()
    set_reporting_currency(supplier_id, values["reporting_currency"])
    outbox.enqueue("crm.recompute_supplier", supplier_id=supplier_id)
    return _settings_answer(supplier_id)

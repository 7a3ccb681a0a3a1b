"""Schemas of the back office's API: arguments in (unknown fields refused), answers out."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.backoffice.models import ReportKind, ReportReason, ReportStatus
from marketplace.core.schemas import Id, OptionalText, Text


class PeriodArgsSchema(Schema):
    start = fields.Date(data_key="from", metadata={
        "description": "first day (UTC), YYYY-MM-DD; default: the first of the month five "
                       "months ago"})
    end = fields.Date(data_key="to", metadata={"description": "last day (UTC); default today"})


class CountSchema(Schema):
    key = fields.String(required=True, metadata={"description": "a day, a week's Monday "
                                                 "(YYYY-MM-DD), a month (YYYY-MM), a status, "
                                                 "a country"})
    count = fields.Integer(required=True)


class MoneyPointSchema(Schema):
    month = fields.String(required=True)
    currency = fields.String(required=True)
    value = fields.Decimal(as_string=True, required=True)


class PlanMonthSchema(Schema):
    month = fields.String(required=True)
    plan = fields.String(required=True)
    plan_name = fields.String(required=True)
    currency = fields.String(required=True)
    subscriptions = fields.Integer(required=True)
    revenue = fields.Decimal(as_string=True, required=True)


class PlansSchema(Schema):
    companies_per_plan = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                     required=True)
    revenue_per_month = fields.List(fields.Nested(PlanMonthSchema), required=True)


class StatsSchema(Schema):
    period = fields.Dict(required=True, metadata={"description": "{from, to}"})
    companies_by_status = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                      required=True)
    companies_by_country = fields.List(fields.Nested(CountSchema), required=True)
    registrations_per_week = fields.List(fields.Nested(CountSchema), required=True)
    registrations_per_month = fields.List(fields.Nested(CountSchema), required=True)
    members = fields.Integer(required=True)
    active_members = fields.Integer(required=True, metadata={
        "description": "members who logged in (portal or token) in the last 30 days"})
    documents_per_day = fields.List(fields.Nested(CountSchema), required=True, metadata={
        "description": "trade documents made per day, drafts never sent left out"})
    orders_per_day = fields.List(fields.Nested(CountSchema), required=True, metadata={
        "description": "orders opened by accepted purchase orders per day"})
    trade_value_per_month = fields.List(fields.Nested(MoneyPointSchema), required=True,
                                        metadata={"description": (
                                            "GMV: accepted purchase orders' totals (orders "
                                            "not cancelled) by the month the order opened, "
                                            "per currency, never converted")})
    plans = fields.Nested(PlansSchema, allow_none=True, required=True, metadata={
        "description": "null until billing offers plans"})


class AuditArgsSchema(Schema):
    company = fields.String(validate=validate.Length(max=200),
                            metadata={"description": "a company's id or words of its name"})
    member = fields.String(validate=validate.Length(max=254),
                           metadata={"description": "a member's id, or words of its name "
                                                    "or e-mail"})
    action = fields.String(validate=validate.Length(max=80), metadata={
        "description": "an action ('product.hidden'), or its start ending in a dot "
                       "('product.')"})
    object_type = fields.String(validate=validate.Length(max=60))
    object_id = Id()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")


class AuditEntrySchema(Schema):
    id = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)
    company_id = fields.Integer(allow_none=True)
    actor_user_id = fields.Integer(allow_none=True)
    action = fields.String(required=True)
    object_type = fields.String(required=True)
    object_id = fields.Integer(allow_none=True)
    changes = fields.Dict(required=True)


class ReportArgsSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ReportKind]))
    object_id = Id(required=True)
    reason = fields.String(required=True,
                           validate=validate.OneOf([r.value for r in ReportReason]))
    text = OptionalText(2000, metadata={"description": "required when the reason is 'other'"})


class ReportSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    object_id = fields.Integer(required=True)
    title = fields.String(required=True)
    reason = fields.String(required=True)
    text = fields.String(allow_none=True)
    status = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class OperatorReportSchema(ReportSchema):
    owner_company_id = fields.Integer(allow_none=True)
    reporter_user_id = fields.Integer(allow_none=True)
    reporter_company_id = fields.Integer(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)


class ReportQueryArgsSchema(Schema):
    status = fields.String(validate=validate.OneOf([s.value for s in ReportStatus]))


class ReasonArgsSchema(Schema):
    reason = Text(300, required=True)


class CompanyReasonArgsSchema(Schema):
    reason = Text(500, required=True)


class NoteArgsSchema(Schema):
    note = OptionalText(300)


class ModeratedSchema(Schema):
    kind = fields.String(required=True)
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    hidden = fields.Boolean(required=True)
    hidden_reason = fields.String(allow_none=True)


class StandingSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    status_reason = fields.String(allow_none=True)

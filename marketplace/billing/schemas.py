"""Billing's API shapes: plans with their limits, a company's subscription with its
usage, membership invoices; the checkout's argument (unknown fields refused)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.billing.models import LIMIT_COLUMNS


def _limits(plan) -> dict:
    return {kind: plan.limit(kind) for kind in LIMIT_COLUMNS}


class PlanSchema(Schema):
    code = fields.String(required=True, metadata={"example": "standard"})
    name = fields.String(required=True)
    name_zh = fields.String(allow_none=True)
    monthly_price = fields.Decimal(as_string=True, required=True, metadata={"example": "49.00"})
    currency = fields.String(required=True)
    limits = fields.Function(_limits, required=True, metadata={"type": "object"})


class PlanUsageSchema(Schema):
    used = fields.Integer(required=True)
    allowed = fields.Integer(required=True, allow_none=True, metadata={
        "description": "null: unlimited"})


class BillingSubscriptionSchema(Schema):
    plan = fields.Nested(PlanSchema, allow_none=True, required=True)
    status = fields.String(required=True, metadata={
        "enum": ["free", "active", "past_due", "cancelled"]})
    limits_plan = fields.String(required=True, metadata={
        "description": "The plan whose limits apply now: the free plan's once a payment is "
                       "overdue past the grace period"})
    grace_until = fields.DateTime(allow_none=True)
    read_only_beyond_free = fields.Boolean(required=True)
    read_only = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                            metadata={"description": (
                                "how many are read-only beyond the plan (0 unless "
                                "read_only_beyond_free): products, the published products "
                                "past the allowance, published last; members, the members "
                                "past it who joined last (admins never)")})
    current_period_end = fields.DateTime(allow_none=True)
    cancel_at_period_end = fields.Boolean(required=True)
    usage = fields.Dict(keys=fields.String(), values=fields.Nested(PlanUsageSchema),
                        required=True, metadata={
                            "description": "per limit: products, members, "
                                           "buying_request_answers (this month), "
                                           "analytics_views (this month), api_calls (today)"})


class MembershipInvoiceSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True, metadata={"example": "MEM-2026-00001"})
    plan = fields.String(attribute="plan_name", required=True)
    amount = fields.Decimal(as_string=True, required=True)
    currency = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    issued_at = fields.DateTime(required=True)
    pdf_url = fields.Function(lambda i: f"/api/v1/billing/invoices/{i.id}/pdf", required=True,
                              metadata={"type": "string"})


class PlanCheckoutArgsSchema(Schema):
    plan = fields.String(required=True, validate=validate.Length(min=1, max=30),
                         metadata={"description": "A paid plan's code", "example": "standard"})


class PlanCheckoutSchema(Schema):
    checkout_url = fields.String(required=True)


class BillingPortalSchema(Schema):
    portal_url = fields.String(required=True)


class BillingStripeReceiptSchema(Schema):
    received = fields.Boolean(required=True)
    outcome = fields.String(required=True, metadata={"enum": ["applied", "replayed",
                                                              "ignored"]})

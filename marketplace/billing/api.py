"""Billing's API: the plans, the company's subscription with its usage, its membership
invoices (and their PDF), a checkout for a paid plan, the customer portal, and Stripe's
webhook. Thin: auth → operation or query → schema."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.billing import api_bp, exports, operations, queries
from marketplace.billing.models import Plan
from marketplace.billing.schemas import (
    BillingPortalSchema,
    BillingStripeReceiptSchema,
    BillingSubscriptionSchema,
    MembershipInvoiceSchema,
    PlanCheckoutArgsSchema,
    PlanCheckoutSchema,
    PlanSchema,
)
from marketplace.core.api import problem_responses
from marketplace.core.errors import ValidationFailed
from marketplace.core.guards import company_actor
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.infrastructure.auth import api_auth

MANAGE = "company.edit"  # an administrator of the company
OPERATOR_HAS_NO_PLAN = _l("Plans belong to companies; the platform operator has none.")

PDF = {"200": {"description": "The invoice, as a PDF attachment", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}


def subscription_answer(company_id: int) -> dict:
    standing = queries.standing(company_id, with_usage=True)
    subscription = standing.subscription
    return {"plan": standing.plan, "status": standing.status.value,
            "limits_plan": standing.limits_plan.code if standing.limits_plan else "",
            "grace_until": standing.grace_until,
            "read_only_beyond_free": standing.read_only_beyond_free,
            "read_only": {kind: standing.read_only.get(kind, 0)
                          for kind in ("products", "members")},
            "current_period_end": subscription.current_period_end if subscription else None,
            "cancel_at_period_end": bool(subscription and subscription.cancel_at_period_end),
            "usage": {kind: {"used": usage.used, "allowed": usage.allowed}
                      for kind, usage in standing.usage.items()}}


@api_bp.route("/plans")
@api_auth(optional=True)
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(PlanSchema))
def list_plans(pagination):
    """The plans offered, cheapest first, with their monthly price and limits (null:
    unlimited). Anyone may read them."""
    return paginate(select(Plan).where(Plan.active.is_(True))
                    .order_by(Plan.position, Plan.monthly_price, Plan.id), **pagination)


@api_bp.route("/billing/subscription")
@api_auth()
@api_bp.response(200, BillingSubscriptionSchema)
@api_bp.doc(responses=problem_responses(403))
def get_subscription():
    """Your company's plan, its status (``free``, ``active``, ``past_due``,
    ``cancelled``), the plan whose limits apply now and what is used of each limit."""
    return subscription_answer(company_actor(OPERATOR_HAS_NO_PLAN).company.id)


@api_bp.route("/billing/invoices")
@api_auth(permission=MANAGE)
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(MembershipInvoiceSchema))
@api_bp.doc(responses=problem_responses(403))
def list_invoices(pagination):
    """Company admin: the platform's membership invoices, newest first (one per paid
    period), each with its PDF."""
    return paginate(queries.invoices(company_actor(OPERATOR_HAS_NO_PLAN).company.id),
                    **pagination)


@api_bp.route("/billing/invoices/<int:invoice_id>/pdf")
@api_auth(permission=MANAGE)
@api_bp.doc(responses={**PDF, **problem_responses(403, 404)})
def invoice_pdf(invoice_id):
    """Company admin: a membership invoice as PDF (another company's: 404)."""
    company = company_actor(OPERATOR_HAS_NO_PLAN).company
    return exports.invoice_pdf_response(queries.invoice(company.id, invoice_id),
                                        str(get_locale()))


@api_bp.route("/billing/checkout", methods=["POST"])
@api_auth(permission=MANAGE)
@api_bp.arguments(PlanCheckoutArgsSchema)
@api_bp.response(201, PlanCheckoutSchema)
@api_bp.doc(responses=problem_responses(403, 409, 422, 503))
def post_checkout(args):
    """Company admin: subscribe to (or change to) a paid plan through Stripe Checkout in
    subscription mode; send the payer to ``checkout_url``. The plan changes when Stripe's
    webhook says it is paid. Stripe unreachable → 503, the plan unchanged: try again."""
    actor = company_actor(OPERATOR_HAS_NO_PLAN)
    plan = queries.plan_by_code(args["plan"])
    if plan is None or not plan.active:
        raise ValidationFailed(errors={"plan": [str(_l("No such plan."))]})
    back = url_for("billing.billing_page", _external=True)
    url = operations.open_checkout(actor.company, plan, email=actor.user.email if actor.user
                                   else None, success_url=back + "?checkout=done",
                                   cancel_url=back)
    return {"checkout_url": url}, 201


@api_bp.route("/billing/portal", methods=["POST"])
@api_auth(permission=MANAGE)
@api_bp.response(201, BillingPortalSchema)
@api_bp.doc(responses=problem_responses(403, 409, 503))
def post_portal():
    """Company admin: a link to Stripe's customer portal (card, Stripe's invoices,
    subscription)."""
    actor = company_actor(OPERATOR_HAS_NO_PLAN)
    url = operations.open_portal(actor.company,
                                 return_url=url_for("billing.billing_page", _external=True))
    return {"portal_url": url}, 201


@api_bp.route("/billing/webhooks/stripe", methods=["POST"])
@api_bp.response(200, BillingStripeReceiptSchema)
@api_bp.doc(security=[], responses=problem_responses(400))
def stripe_webhook():
    """Stripe's subscription events, verified by ``Stripe-Signature`` (forged or stale →
    400, nothing written); each event id is applied once (a replay: ``replayed``)."""
    event = operations.construct_event(request.get_data(),
                                       request.headers.get("Stripe-Signature"))
    return {"received": True, "outcome": operations.handle_event(event)}

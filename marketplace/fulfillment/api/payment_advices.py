"""Payment advices (remittance advices) in the API: the buyer records one on its
invoice, the supplier confirms it (a T/T payment is recorded) or declines it."""

from __future__ import annotations

from marketplace.core.api import idempotent, problem_responses
from marketplace.core.guards import company_actor
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.fulfillment import api_bp, queries
from marketplace.fulfillment.api import OPERATOR_ONLY_READS
from marketplace.fulfillment.operations import payment_advices as advice_ops
from marketplace.fulfillment.schemas import (
    PaymentAdviceArgsSchema,
    PaymentAdviceConfirmArgsSchema,
    PaymentAdviceDeclineArgsSchema,
    PaymentAdviceQueryArgsSchema,
    PaymentAdviceSchema,
)
from marketplace.infrastructure.auth import api_auth


@api_bp.route("/invoices/<int:invoice_id>/payment-advices")
@api_auth(permission="fulfillment.view")
@api_bp.response(200, PaymentAdviceSchema(many=True))
@api_bp.doc(responses=problem_responses(404))
def list_invoice_payment_advices(invoice_id):
    """Both parties: the payment advices of one invoice."""
    return queries.invoice(invoice_id).advices


@api_bp.route("/invoices/<int:invoice_id>/payment-advices", methods=["POST"])
@api_auth(permission="payments.pay")
@idempotent
@api_bp.arguments(PaymentAdviceArgsSchema)
@api_bp.response(201, PaymentAdviceSchema)
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def record_payment_advice(args, invoice_id):
    """Buyer: we paid this invoice by T/T (amount, value date, the bank's reference). More
    than is open → 422 with the amount that fits; the supplier is told."""
    invoice = queries.invoice(invoice_id)
    return advice_ops.record_advice(invoice, args, company_actor(OPERATOR_ONLY_READS)), 201


@api_bp.route("/payment-advices")
@api_auth(permission="fulfillment.view")
@api_bp.arguments(PaymentAdviceQueryArgsSchema, location="query")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(PaymentAdviceSchema))
def list_payment_advices(query, pagination):
    """Your payment advices: ``role=supplier`` those your buyers sent (default),
    ``role=buyer`` those you sent; waiting ones first."""
    return paginate(queries.payment_advices(side=query.pop("role"), **query), **pagination)


@api_bp.route("/payment-advices/<int:advice_id>")
@api_auth(permission="fulfillment.view")
@api_bp.response(200, PaymentAdviceSchema)
@api_bp.doc(responses=problem_responses(404))
def get_payment_advice(advice_id):
    return queries.payment_advice(advice_id)


@api_bp.route("/payment-advices/<int:advice_id>/confirm", methods=["POST"])
@api_auth(permission="payments.record")
@api_bp.arguments(PaymentAdviceConfirmArgsSchema)
@api_bp.response(200, PaymentAdviceSchema)
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def confirm_payment_advice(args, advice_id):
    """Supplier: the money arrived. A T/T payment is recorded on the invoice (``amount``:
    what arrived, if not what was advised); a decided advice → 409."""
    advice = queries.payment_advice(advice_id)
    return advice_ops.confirm_advice(advice, company_actor(OPERATOR_ONLY_READS),
                                     amount=args.get("amount"))


@api_bp.route("/payment-advices/<int:advice_id>/decline", methods=["POST"])
@api_auth(permission="payments.record")
@api_bp.arguments(PaymentAdviceDeclineArgsSchema)
@api_bp.response(200, PaymentAdviceSchema)
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def decline_payment_advice(args, advice_id):
    """Supplier: not received (say why); the buyer is told."""
    advice = queries.payment_advice(advice_id)
    return advice_ops.decline_advice(advice, company_actor(OPERATOR_ONLY_READS),
                                     args["reason"])

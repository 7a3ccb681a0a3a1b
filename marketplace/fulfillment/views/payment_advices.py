"""Portal: paying by T/T. The buyer sees the supplier's bank details and sends a
payment advice (the form comes back with what was typed when refused); the supplier
confirms each advice against its invoice, or declines it with the reason."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import DomainError, ValidationFailed
from marketplace.core.guards import company_actor, permission_required
from marketplace.core.pagination import paginate
from marketplace.core.types import utcnow
from marketplace.fulfillment import bp, queries
from marketplace.fulfillment.forms import DeclineAdviceForm, PaymentAdviceForm
from marketplace.fulfillment.operations import payment_advices as advice_ops
from marketplace.fulfillment.views import OPERATOR_ONLY_READS, _context, _csrf
from marketplace.infrastructure.banking.queries import bank_account_of
from marketplace.infrastructure.forms import show_errors


@bp.route("/invoices/<int:invoice_id>/payment-advice", methods=["GET", "POST"])
@permission_required("payments.pay")
def payment_advice(invoice_id):
    actor = company_actor(OPERATOR_ONLY_READS)
    invoice = queries.invoice(invoice_id)
    form = PaymentAdviceForm()
    if request.method == "GET":
        form.amount.data = invoice.balance if invoice.balance > 0 else None
        form.paid_on.data = utcnow().date()
    elif form.validate_on_submit():
        try:
            advice = advice_ops.record_advice(invoice, {
                "amount": form.amount.data, "paid_on": form.paid_on.data,
                "reference": form.reference.data, "payer_bank": form.payer_bank.data or None,
                "note": form.note.data or None}, actor)
        except DomainError as error:
            show_errors(error, form)
        else:
            flash(_l("Payment advice sent: %(supplier)s confirms it once the money arrives.",
                     supplier=invoice.supplier.name), "success")
            return redirect(url_for("fulfillment.payment_advices", role="buyer",
                                    _anchor=f"advice-{advice.id}"))
    return render_template("fulfillment/payment_advice.html", form=form, invoice=invoice,
                           account=bank_account_of(invoice.supplier_company_id),
                           **_context())


@bp.route("/payment-advices")
@permission_required("fulfillment.view")
def payment_advices():
    company_actor(OPERATOR_ONLY_READS)
    role = "buyer" if request.args.get("role") == "buyer" else "supplier"
    page = paginate(queries.payment_advices(side=role, status=request.args.get("status")
                                            or None),
                    page=request.args.get("page", 1, type=int), per_page=50)
    return render_template("fulfillment/payment_advices.html", role=role, page=page,
                           decline_form=DeclineAdviceForm(), status_words=advice_ops.STATUS_WORDS,
                           **_context())


@bp.route("/payment-advices/<int:advice_id>/confirm", methods=["POST"])
@permission_required("payments.record")
def confirm_payment_advice(advice_id):
    _csrf()
    advice = queries.payment_advice(advice_id)
    advice_ops.confirm_advice(advice, company_actor(OPERATOR_ONLY_READS))
    flash(_l("Confirmed: %(amount)s %(currency)s recorded on %(number)s.",
             amount=advice_ops.money(advice.amount), currency=advice.currency,
             number=advice.invoice.number), "success")
    return redirect(url_for("fulfillment.payment_advices"))


@bp.route("/payment-advices/<int:advice_id>/decline", methods=["POST"])
@permission_required("payments.record")
def decline_payment_advice(advice_id):
    advice = queries.payment_advice(advice_id)
    form = DeclineAdviceForm()
    if not form.validate_on_submit():
        raise ValidationFailed(str(_l("Say why the payment was not received.")),
                               errors={"reason": [str(_l("Required."))]})
    advice_ops.decline_advice(advice, company_actor(OPERATOR_ONLY_READS), form.reason.data)
    flash(_l("Declined; the buyer is told why."), "info")
    return redirect(url_for("fulfillment.payment_advices"))

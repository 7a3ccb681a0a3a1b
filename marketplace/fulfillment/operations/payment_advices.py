"""Payment advices (remittance advices): the buyer tells the supplier it paid an
invoice by T/T (amount, value date, the bank's reference); the supplier confirms it
against the invoice once the money is in (a payment is recorded, under the invoice's
row lock like any other) or declines it with the reason. Both are told (bell)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core.audit import record_audit
from marketplace.core.errors import Conflict, Forbidden, ValidationFailed
from marketplace.core.locking import lock_for_update
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import AdviceStatus, Invoice, PaymentAdvice
from marketplace.fulfillment.operations.notes import money
from marketplace.fulfillment.operations.receivables import record_payment
from marketplace.infrastructure.notifications import N_, notify


def _check_fits(invoice: Invoice, amount) -> None:
    if amount > invoice.balance:
        fits = money(max(invoice.balance, 0))
        raise ValidationFailed(
            str(_l("%(amount)s is more than the %(fits)s %(currency)s still open on invoice "
                   "%(number)s.", amount=money(amount), fits=fits, currency=invoice.currency,
                   number=invoice.number)),
            errors={"amount": [str(_l("At most %(fits)s.", fits=fits))]}, fits=fits)


def record_advice(invoice: Invoice, values: dict, actor) -> PaymentAdvice:
    """The buyer's advice of a T/T on ``invoice`` (its own invoices only)."""
    if actor.company is None or actor.company.id != invoice.buyer_company_id:
        raise Forbidden(str(_l("Only the buyer the invoice was issued to sends a payment "
                               "advice for it.")))
    if invoice.balance <= 0:
        raise Conflict(str(_l("Invoice %(number)s is settled: nothing is left to pay.",
                              number=invoice.number)), allowed_actions=[])
    _check_fits(invoice, values["amount"])
    if values["paid_on"] > utcnow().date():
        raise ValidationFailed(errors={"paid_on": [str(_l("Not in the future."))]})
    advice = PaymentAdvice(invoice=invoice, buyer_company_id=invoice.buyer_company_id,
                           supplier_company_id=invoice.supplier_company_id,
                           amount=values["amount"], currency=invoice.currency,
                           paid_on=values["paid_on"], reference=values["reference"].strip(),
                           payer_bank=values.get("payer_bank"), note=values.get("note"),
                           status=AdviceStatus.RECORDED,
                           recorded_by_id=actor.user.id if actor.user else None)
    db.session.add(advice)
    db.session.flush()
    record_audit("payment_advice.recorded", advice, company_id=invoice.buyer_company_id,
                 changes={"invoice": invoice.number, "amount": advice.amount,
                          "reference": advice.reference})
    notify("payment_advice.recorded", company_id=invoice.supplier_company_id,
           message=N_("%(company)s advises a T/T of %(amount)s %(currency)s on invoice "
                      "%(number)s (reference %(reference)s): confirm it once received."),
           params={"company": actor.company.name, "amount": money(advice.amount),
                   "currency": advice.currency, "number": invoice.number,
                   "reference": advice.reference},
           link="/fulfillment/payment-advices", payload=_payload(advice))
    return advice


def _payload(advice: PaymentAdvice) -> dict:
    return {"payment_advice_id": advice.id, "invoice_id": advice.invoice_id,
            "invoice_number": advice.invoice.number, "amount": str(advice.amount),
            "currency": advice.currency, "paid_on": advice.paid_on.isoformat(),
            "reference": advice.reference, "status": advice.status,
            "payment_id": advice.payment_id}


def _decidable(advice: PaymentAdvice, actor) -> PaymentAdvice:
    if actor.company is None or actor.company.id != advice.supplier_company_id:
        raise Forbidden(str(_l("Only the supplier who issued the invoice confirms or "
                               "declines its payment advices.")))
    # Two clicks at once: the second waits on the row and finds it decided.
    locked = db.session.scalar(lock_for_update(select(PaymentAdvice).where(
        PaymentAdvice.id == advice.id)).execution_options(populate_existing=True))
    if locked.status != AdviceStatus.RECORDED:
        raise Conflict(str(_l("This payment advice is %(status)s already.",
                              status=STATUS_WORDS.get(locked.status, locked.status))),
                       allowed_actions=[])
    return locked


STATUS_WORDS = {"recorded": _l("waiting for confirmation"), "confirmed": _l("confirmed"),
                "declined": _l("declined")}


def confirm_advice(advice: PaymentAdvice, actor, *, amount=None) -> PaymentAdvice:
    """The supplier received the money: a T/T payment of the advised amount (or of what
    actually arrived, ``amount``) is recorded on the invoice."""
    advice = _decidable(advice, actor)
    payment = record_payment(advice.invoice, {
        "amount": amount or advice.amount, "method": "tt", "reference": advice.reference,
        "received_at": None}, actor)
    advice.status = AdviceStatus.CONFIRMED
    advice.payment_id = payment.id
    _decided(advice, actor)
    notify("payment_advice.decided", company_id=advice.buyer_company_id,
           message=N_("%(company)s confirmed your payment of %(amount)s %(currency)s on "
                      "invoice %(number)s."),
           params={"company": actor.company.name, "amount": money(payment.amount),
                   "currency": advice.currency, "number": advice.invoice.number},
           link="/fulfillment/payables", payload=_payload(advice))
    return advice


def decline_advice(advice: PaymentAdvice, actor, reason: str) -> PaymentAdvice:
    advice = _decidable(advice, actor)
    advice.status = AdviceStatus.DECLINED
    advice.decline_reason = reason.strip()
    _decided(advice, actor)
    notify("payment_advice.decided", company_id=advice.buyer_company_id,
           message=N_("%(company)s has not received your payment of %(amount)s %(currency)s "
                      "on invoice %(number)s: %(reason)s"),
           params={"company": actor.company.name, "amount": money(advice.amount),
                   "currency": advice.currency, "number": advice.invoice.number,
                   "reason": advice.decline_reason[:300]},
           link="/fulfillment/payables", payload=_payload(advice))
    return advice


def _decided(advice: PaymentAdvice, actor) -> None:
    advice.decided_by_id = actor.user.id if actor.user else None
    advice.decided_at = utcnow()
    db.session.flush()
    record_audit(f"payment_advice.{advice.status}", advice,
                 company_id=advice.supplier_company_id,
                 changes={"status": [AdviceStatus.RECORDED, advice.status],
                          "payment_id": advice.payment_id,
                          "reason": advice.decline_reason})

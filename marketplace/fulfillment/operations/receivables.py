"""Receivables: the invoice a shipment's commercial invoice records, and the payments
against it (recorded by the supplier, or by card through Stripe Checkout)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.core.audit import record_audit
from marketplace.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from marketplace.core.locking import lock_for_update
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.labels import PAYMENT_METHOD
from marketplace.fulfillment.models import (
    CardCheckout,
    Invoice,
    InvoiceStatus,
    Order,
    Payment,
    PaymentMethod,
    Shipment,
)
from marketplace.fulfillment.operations.notes import apply_on_account, restatus
from marketplace.fulfillment.operations.orders import plain_number, record_event, refresh_orders
from marketplace.infrastructure.notifications import N_, notify

log = logging.getLogger(__name__)


class PaymentServiceUnavailable(DomainError):
    """Stripe could not be reached (network, DNS, timeout): nothing was charged."""

    status, title, slug = 503, _l("Payment service unavailable"), "payment-service-unavailable"


def due_date_for(payment_terms: str | None, issued_on: date) -> date:
    days = current_app.config["PAYMENT_TERM_DAYS"].get(
        payment_terms or "", current_app.config["DEFAULT_PAYMENT_TERM_DAYS"])
    return issued_on + timedelta(days=days)


def invoice_amount(total: Decimal, currency: str) -> Decimal:
    """What is invoiced: the lines' exact total rounded half-up to the currency's
    smallest unit (cents; whole units for JPY and the like), as it can be paid."""
    unit = Decimal(1) if currency.upper() in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    return total.quantize(unit, rounding=ROUND_HALF_UP)


def record_invoice(shipment: Shipment, *, number: str, document_id: int | None,
                   payment_terms: str | None) -> Invoice:
    """The receivable of ``shipment`` (one per shipment: a second one is refused)."""
    if shipment.invoice is not None:
        raise Conflict(str(_l("Shipment %(number)s is invoiced already (%(invoice)s).",
                              number=shipment.number, invoice=shipment.invoice.number)),
                       allowed_actions=[])
    issued_on = utcnow().date()
    invoice = Invoice(shipment=shipment, number=number, document_id=document_id,
                      buyer_company_id=shipment.buyer_company_id,
                      supplier_company_id=shipment.supplier_company_id,
                      amount=invoice_amount(shipment.total_amount, shipment.currency),
                      paid_amount=Decimal(0),
                      currency=shipment.currency, payment_terms=payment_terms,
                      issued_on=issued_on, due_date=due_date_for(payment_terms, issued_on),
                      status=InvoiceStatus.OPEN)
    db.session.add(invoice)
    db.session.flush()
    # Credit notes held on account (a claim on goods not invoiced yet) come off it now.
    apply_on_account(invoice)
    record_audit("invoice.issued", invoice, company_id=invoice.supplier_company_id,
                 changes={"number": invoice.number, "amount": invoice.amount,
                          "due_date": invoice.due_date})
    notify("invoice.issued", company_id=invoice.buyer_company_id,
           message=N_("Invoice %(number)s of %(amount)s %(currency)s is due on %(due)s."),
           params={"number": invoice.number, "amount": str(invoice.amount.quantize(
               Decimal("0.01"))), "currency": invoice.currency,
               "due": invoice.due_date.isoformat()},
           link="/fulfillment/payables",
           payload=_invoice_payload(invoice))
    return invoice


def _invoice_payload(invoice: Invoice) -> dict:
    return {"invoice_id": invoice.id, "number": invoice.number, "amount": str(invoice.amount),
            "paid": str(invoice.paid_amount), "credited": str(invoice.credited_amount or 0),
            "debited": str(invoice.debited_amount or 0), "balance": str(invoice.balance),
            "currency": invoice.currency, "due_date": invoice.due_date.isoformat(),
            "shipment_id": invoice.shipment_id}


# ----- payments -------------------------------------------------------------------------------


def _check_amount(invoice: Invoice, amount: Decimal) -> None:
    if amount <= 0:
        raise ValidationFailed(errors={"amount": [str(_l("Must be more than zero."))]})
    if amount > invoice.balance:
        balance = plain_number(invoice.balance)
        raise ValidationFailed(
            str(_l("%(amount)s is more than the %(balance)s %(currency)s still open on "
                   "invoice %(number)s.", amount=plain_number(amount), balance=balance,
                   currency=invoice.currency, number=invoice.number)),
            errors={"amount": [str(_l("At most %(balance)s.", balance=balance))]})


def record_payment(invoice: Invoice, values: dict, actor) -> Payment:
    """A payment the supplier received (T/T, L/C, card, other); partial payments are
    fine, paying more than the balance is refused (422)."""
    if actor.company is None or actor.company.id != invoice.supplier_company_id:
        raise Forbidden(str(_l("Only the supplier who issued the invoice records its "
                               "payments; a buyer pays by card (checkout).")))
    # Payments on one invoice queue on its row (SELECT ... FOR UPDATE on PostgreSQL) and
    # each is checked against the balance the one before it left.
    invoice = db.session.scalar(lock_for_update(select(Invoice).where(Invoice.id == invoice.id))
                                .execution_options(populate_existing=True))
    _check_amount(invoice, values["amount"])
    payment = Payment(invoice=invoice, amount=values["amount"], currency=invoice.currency,
                      method=PaymentMethod(values["method"]), reference=values.get("reference"),
                      received_at=values.get("received_at") or utcnow(),
                      recorded_by_id=actor.user.id if actor.user else None)
    db.session.add(payment)
    _apply(invoice, payment, actor)
    return payment


def _apply(invoice: Invoice, payment: Payment, actor=None) -> None:
    record_audit("payment.recorded", invoice, company_id=invoice.supplier_company_id,
                 changes={"amount": payment.amount, "method": payment.method,
                          "reference": payment.reference,
                          "stripe_session_id": payment.stripe_session_id})
    invoice.paid_amount += payment.amount
    restatus(invoice)
    db.session.flush()
    orders = {line.order_line.order for line in invoice.shipment.lines}
    for order in orders:
        record_event(order, "payment", actor, invoice=invoice.number, amount=str(payment.amount),
                     method=payment.method)
    refresh_orders(orders)
    for company_id in (invoice.supplier_company_id, invoice.buyer_company_id):
        notify("payment.received", company_id=company_id,
               message=N_("%(amount)s %(currency)s paid on invoice %(number)s (%(method)s)."),
               params={"amount": plain_number(payment.amount), "currency": invoice.currency,
                       "number": invoice.number,
                       "method": N_(PAYMENT_METHOD.msgid(payment.method))},
               link="/fulfillment/receivables" if company_id == invoice.supplier_company_id
               else "/fulfillment/payables",
               payload={**_invoice_payload(invoice), "payment_id": payment.id,
                        "payment_amount": str(payment.amount), "method": payment.method},
               email=company_id == invoice.supplier_company_id)


def orders_of(invoice: Invoice) -> list[Order]:
    return sorted({line.order_line.order for line in invoice.shipment.lines},
                  key=lambda order: order.id)


# ----- card payments (Stripe Checkout) --------------------------------------------------------

# Stripe counts these currencies in whole units; every other one in cents.
ZERO_DECIMAL_CURRENCIES = frozenset({
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
    "XAF", "XOF", "XPF"})


def to_minor_units(amount: Decimal, currency: str) -> int:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    scaled = amount.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise ValidationFailed(errors={"amount": [str(_l(
            "A card payment in %(currency)s has at most %(digits)s decimals.",
            currency=currency, digits=exponent))]})
    return int(scaled)


def from_minor_units(value: int, currency: str) -> Decimal:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return Decimal(value).scaleb(-exponent)


def open_checkout(invoice: Invoice, actor, *, amount: Decimal | None, success_url: str,
                  cancel_url: str) -> CardCheckout:
    """A Stripe Checkout session for (part of) the invoice's balance, opened by the
    buyer; the payment is recorded when Stripe's webhook says it is paid."""
    import stripe

    if actor.company is None or actor.company.id != invoice.buyer_company_id:
        raise Forbidden(str(_l("Only the buyer pays an invoice by card.")))
    if invoice.balance <= 0:
        raise Conflict(str(_l("Invoice %(number)s is paid in full.", number=invoice.number)),
                       allowed_actions=[])
    amount = invoice.balance if amount is None else amount
    _check_amount(invoice, amount)
    client = _stripe_client()
    try:
        session = client.v1.checkout.sessions.create(params={
            "mode": "payment",
            "client_reference_id": str(invoice.id),
            "success_url": success_url,
            "cancel_url": cancel_url,
            "metadata": {"invoice_id": str(invoice.id), "invoice_number": invoice.number},
            "line_items": [{"quantity": 1, "price_data": {
                "currency": invoice.currency.lower(),
                "unit_amount": to_minor_units(amount, invoice.currency),
                "product_data": {"name": f"Invoice {invoice.number}"}}}],
        })
    except stripe.APIConnectionError as error:
        # The library's own text names support@stripe.com and a stack of socket errors:
        # the buyer needs to know only that nothing was charged and what to do instead.
        log.warning("Stripe checkout for invoice %s: %s", invoice.number, error)
        raise PaymentServiceUnavailable(str(_l(
            "The card payment service cannot be reached right now, so nothing was charged. "
            "Try again in a few minutes, or pay invoice %(number)s by bank transfer.",
            number=invoice.number))) from error
    except stripe.StripeError as error:
        raise Conflict(str(_l("The card payment service refused: %(reason)s",
                              reason=error.user_message or str(error))),
                       allowed_actions=[]) from error
    checkout = CardCheckout(invoice=invoice, session_id=session.id, url=session.url,
                            amount=amount, currency=invoice.currency,
                            created_by_id=actor.user.id if actor.user else None)
    db.session.add(checkout)
    db.session.flush()
    record_audit("payment.checkout_opened", invoice, company_id=invoice.buyer_company_id,
                 changes={"session_id": checkout.session_id, "amount": amount})
    return checkout


def _stripe_client():
    import stripe

    key = current_app.config.get("STRIPE_SECRET_KEY")
    if not key:
        # A buyer can do nothing about a setting: they read what to do instead. The
        # operator reads the setting's name here (the log) and in the office (office.py).
        log.error("Card checkout refused: STRIPE_SECRET_KEY is not set")
        raise Conflict(str(_l("Card payments are not available on this marketplace: "
                              "please pay by bank transfer.")), allowed_actions=[])
    base = current_app.config.get("STRIPE_API_BASE") or stripe.DEFAULT_API_BASE
    # A buyer waits on this call: a short timeout, never Stripe's default 80 seconds.
    http = stripe.RequestsClient(timeout=current_app.config.get("STRIPE_TIMEOUT", 15))
    return stripe.StripeClient(key, base_addresses={"api": base}, max_network_retries=0,
                               http_client=http)


def construct_stripe_event(payload: bytes, signature: str | None):
    """The event, if Stripe signed it with our webhook secret (else ValidationFailed
    as a 400: forged, altered or too old to be a fresh delivery)."""
    import stripe

    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise Conflict(str(_l("Stripe webhooks are not set up (STRIPE_WEBHOOK_SECRET).")),
                       allowed_actions=[])
    try:
        return stripe.Webhook.construct_event(payload.decode("utf-8"), signature or "", secret)
    except (ValueError, UnicodeDecodeError, stripe.SignatureVerificationError) as error:
        raise BadSignature(str(_l("The Stripe signature does not match: nothing was "
                                  "recorded."))) from error


class BadSignature(ValidationFailed):
    status = 400
    title = _l("Bad signature")
    slug = "bad-signature"


def handle_stripe_event(event) -> Payment | None:
    """Record the card payment a completed checkout session carries, once: a replayed
    event finds the session's payment there already and changes nothing."""
    event = event.to_dict() if hasattr(event, "to_dict") else event  # plain dicts below
    if event["type"] not in ("checkout.session.completed",
                             "checkout.session.async_payment_succeeded"):
        return None
    session = event["data"]["object"]
    if session.get("payment_status") != "paid":
        return None
    checkout = db.session.scalar(
        select(CardCheckout).where(CardCheckout.session_id == session["id"]))
    if checkout is None:
        return None  # a session opened elsewhere: not ours to record
    existing = db.session.scalar(select(Payment).where(
        Payment.stripe_session_id == session["id"]))
    if existing is not None:
        return existing
    invoice = db.session.scalar(lock_for_update(select(Invoice).where(
        Invoice.id == checkout.invoice_id)).execution_options(populate_existing=True))
    amount = from_minor_units(int(session.get("amount_total") or 0), invoice.currency)
    if amount > invoice.balance:
        # Paid by card after the rest came by T/T (or twice): record what was owed; the
        # difference is for the supplier to refund, and the log says so.
        log.warning("card payment %s of %s %s exceeds the balance %s of invoice %s",
                    session["id"], amount, invoice.currency, invoice.balance, invoice.number)
        amount = invoice.balance
    if amount <= 0:
        return None
    payment = Payment(invoice_id=invoice.id, amount=amount, currency=invoice.currency,
                      method=PaymentMethod.CARD, reference=session.get("payment_intent"),
                      received_at=_event_time(event), stripe_session_id=session["id"],
                      stripe_payment_intent_id=session.get("payment_intent"))
    try:
        with db.session.begin_nested():  # a replay at the same moment: the unique id decides
            db.session.add(payment)
            db.session.flush()
    except IntegrityError:
        return db.session.scalar(select(Payment).where(
            Payment.stripe_session_id == session["id"]))
    checkout.completed_at = utcnow()
    db.session.expire(invoice, ["payments"])
    _apply(invoice, payment)
    return payment


def _event_time(event) -> datetime:
    from datetime import UTC

    created = event.get("created")
    return datetime.fromtimestamp(int(created), UTC) if created else utcnow()

"""Billing's writes: the plans (seeded, edited by the operator), the use counted per
period, a company's checkout and customer-portal sessions at Stripe, and what Stripe's
webhook events do to its subscription (paid, past due, cancelled) and its membership
invoices. Each checks, changes and flushes; the request commits."""

from __future__ import annotations

import functools
import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from marketplace.billing import queries
from marketplace.billing.models import (
    FREE,
    LIMIT_COLUMNS,
    MembershipInvoice,
    Plan,
    StripeEvent,
    Subscription,
    SubscriptionStatus,
    UsageCounter,
)
from marketplace.core import currencies
from marketplace.core.apart import engine_apart
from marketplace.core.audit import pending_changes, record_audit
from marketplace.core.errors import Conflict, DomainError, ValidationFailed
from marketplace.core.locking import lock_for_update
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Company
from marketplace.infrastructure.notifications import N_, notify

log = logging.getLogger(__name__)

# The plans a new marketplace starts with (the operator edits them in the back office).
DEFAULT_PLANS = (
    {"code": FREE, "name": "Free", "name_zh": "免費方案", "monthly_price": Decimal("0"),
     "max_products": 10, "max_members": 3, "max_buying_request_answers": 5,
     "max_analytics_views": 30, "max_api_calls": 1000, "position": 0},
    {"code": "standard", "name": "Standard", "name_zh": "標準方案",
     "monthly_price": Decimal("49.00"), "max_products": 100, "max_members": 10,
     "max_buying_request_answers": 50, "max_analytics_views": 500, "max_api_calls": 10000,
     "position": 1},
    {"code": "premium", "name": "Premium", "name_zh": "進階方案",
     "monthly_price": Decimal("199.00"), "max_products": None, "max_members": 50,
     "max_buying_request_answers": None, "max_analytics_views": None,
     "max_api_calls": 100000, "position": 2},
)


class PaymentServiceUnavailable(DomainError):
    """Stripe could not be reached: nothing changed, the company keeps its plan."""

    status, title, slug = 503, _l("Payment service unavailable"), "payment-service-unavailable"


class BadSignature(ValidationFailed):
    status, title, slug = 400, _l("Bad signature"), "bad-signature"


# ----- plans ------------------------------------------------------------------------------


def ensure_default_plans() -> list[Plan]:
    """The three plans, made when missing (a plan the operator changed stays as it is)."""
    made = []
    for values in DEFAULT_PLANS:
        if queries.plan_by_code(values["code"]) is None:
            plan = Plan(currency="USD", active=True, **values)
            db.session.add(plan)
            made.append(plan)
    db.session.flush()
    return made


PLAN_FIELDS = ("name", "name_zh", "monthly_price", "currency", "stripe_price_id",
               "max_products", "max_members", "max_buying_request_answers",
               "max_analytics_views", "max_api_calls", "position", "active")


def update_plan(plan: Plan, values: dict[str, Any]) -> Plan:
    """The operator changes a plan's names, price or limits (a limit left empty:
    unlimited). Lower limits apply at once to new additions; nothing is deleted."""
    errors: dict[str, list[str]] = {}
    for name in values:
        if name not in PLAN_FIELDS:
            errors.setdefault(name, []).append(str(_l("Unknown field.")))
    price = values.get("monthly_price", plan.monthly_price)
    if price is None or Decimal(price) < 0:
        errors.setdefault("monthly_price", []).append(str(_l("Must be 0 or more.")))
    if plan.is_free and price and Decimal(price) != 0:
        errors.setdefault("monthly_price", []).append(str(_l(
            "The free plan costs nothing: it is what a company has without a subscription.")))
    if plan.is_free and values.get("active") is False:
        errors.setdefault("active", []).append(str(_l("The free plan is always offered.")))
    for name in ("max_products", "max_members", "max_buying_request_answers",
                 "max_analytics_views", "max_api_calls"):
        value = values.get(name)
        if value is not None and value < 0:
            errors.setdefault(name, []).append(str(_l("Must be 0 or more, or empty for "
                                                      "unlimited.")))
    if not (values.get("name", plan.name) or "").strip():
        errors.setdefault("name", []).append(str(_l("Give the plan a name.")))
    currency = (values.get("currency") or plan.currency or "").upper()
    if currency != plan.currency and currency not in currencies.active_codes():
        errors.setdefault("currency", []).append(str(_l("Choose a currency.")))
    if errors:
        raise ValidationFailed(errors=errors)
    for name, value in values.items():
        if name == "currency":
            value = currency
        elif isinstance(value, str):
            value = value.strip() or None if name in ("name_zh", "stripe_price_id") \
                else value.strip()
        setattr(plan, name, value)
    changes = pending_changes(plan)
    db.session.flush()
    if changes:
        record_audit("plan.changed", plan, company_id=None, changes=changes)
    return plan


# ----- use counted per period ---------------------------------------------------------------


def _add_to_count(kind: str, company_id: int, adding: int):
    """The UPDATE adding ``adding`` (taking back, when negative) to the company's count of
    ``kind`` this period, in one statement: two requests at once each add theirs."""
    return (update(UsageCounter)
            .where(UsageCounter.company_id == company_id, UsageCounter.kind == kind,
                   UsageCounter.period == queries.period_key(kind))
            .values(count=UsageCounter.count + adding)
            .execution_options(synchronize_session=False))


def count_use(kind: str, company_id: int, adding: int = 1) -> None:
    """Add ``adding`` to the company's count of ``kind`` this period."""
    if adding <= 0:
        return
    if db.session.execute(_add_to_count(kind, company_id, adding)).rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.add(UsageCounter(company_id=company_id, kind=kind,
                                        period=queries.period_key(kind), count=adding))
    except IntegrityError:  # another request made the row meanwhile
        db.session.execute(_add_to_count(kind, company_id, adding))


def count_read_apart(kind: str, company_id: int
                     ) -> tuple[int | None, queries.Standing] | None:
    """Count one read (an API call, an analytics view) apart from the request's
    transaction (core/apart.py), and read the company's standing with it: one statement
    that commits itself, so the company's counter row is locked for that statement only,
    not until the request commits, and a partner's parallel calls do not queue on it.

    Returns what was used before this read (None: nothing counted, as the marketplace has
    no plans) and the standing (its plans known by their allowance of ``kind`` only:
    ``queries.PlanLimit``). A read the caller refuses is taken back
    (``uncount_read_apart``). None where no transaction apart is at hand (the caller
    counts in its own)."""
    engine = engine_apart()
    if engine is None:
        return None
    values = {"counted_company": company_id, "counted_kind": kind,
              "counted_period": queries.period_key(kind)}
    try:
        with engine.connect() as connection:
            row = connection.execute(_counting(kind), values).first()
    except IntegrityError:  # a company new in the caller's transaction: count there
        return None
    if row is None:  # no plans on this marketplace: nothing limited, nothing counted
        return None, queries.standing_of(None, None, None, None)
    chosen = queries.PlanLimit(kind, row.chosen_allowance) if row.chosen_id else None
    free = queries.PlanLimit(kind, row.free_allowance) if row.free_id else None
    return row.count_now - 1, queries.standing_of(row.status, row.grace_until, chosen, free)


def uncount_read_apart(kind: str, company_id: int) -> None:
    """Take back a read counted apart that was refused (or that nothing limits)."""
    with engine_apart().connect() as connection:
        connection.execute(_add_to_count(kind, company_id, -1))


@functools.cache
def _counting(kind: str):
    """The statement that counts one read of ``kind`` and reads, with it, what decides
    the company's allowance (its subscription, the allowance of the plan it chose and of
    the free plan), built once a kind: every partner API call runs one."""
    table = UsageCounter.__table__
    # Nothing is counted on a marketplace without plans (no row, nothing limited).
    one_read = select(bindparam("counted_company"), bindparam("counted_kind"),
                      bindparam("counted_period"), literal(1)).where(select(Plan.id).exists())
    counted = (postgresql_insert(table)
               .from_select(["company_id", "kind", "period", "count"], one_read)
               .on_conflict_do_update(constraint="uq_usage_counters_period",
                                      set_={"count": table.c.count + 1})
               .returning(table.c.count).cte("counted"))
    chosen, free = aliased(Plan, name="chosen_plan"), aliased(Plan, name="free_plan")
    column = LIMIT_COLUMNS[kind]
    return (select(counted.c.count.label("count_now"), Subscription.status,
                   Subscription.grace_until,
                   chosen.id.label("chosen_id"),
                   getattr(chosen, column).label("chosen_allowance"),
                   free.id.label("free_id"), getattr(free, column).label("free_allowance"))
            .select_from(counted)
            .outerjoin(Subscription, Subscription.company_id == bindparam("counted_company"))
            .outerjoin(chosen, chosen.id == Subscription.plan_id)
            .outerjoin(free, free.code == FREE))


# ----- checkout and the customer portal -----------------------------------------------------


def _client():
    import stripe

    key = current_app.config.get("STRIPE_SECRET_KEY")
    if not key:
        log.error("Plan checkout refused: STRIPE_SECRET_KEY is not set")
        raise Conflict(str(_l("Paid plans are not available on this marketplace yet: "
                              "the operator has not set up card payments.")),
                       allowed_actions=[])
    base = current_app.config.get("STRIPE_API_BASE") or stripe.DEFAULT_API_BASE
    http = stripe.RequestsClient(timeout=current_app.config.get("STRIPE_TIMEOUT", 15))
    return stripe.StripeClient(key, base_addresses={"api": base}, max_network_retries=0,
                               http_client=http)


def _calling_stripe(what: str):
    """Stripe's errors as the company reads them: unreachable → 503 "try again", a
    refusal → 409 with Stripe's reason. Nothing of the request is kept either way."""
    import stripe

    class Guard:
        def __enter__(self):
            return self

        def __exit__(self, kind, error, traceback):
            if isinstance(error, stripe.APIConnectionError):
                log.warning("Stripe unreachable (%s): %s", what, error)
                raise PaymentServiceUnavailable(str(_l(
                    "The payment service cannot be reached right now: nothing changed and "
                    "your plan stays as it is. Please try again in a few minutes."))
                ) from error
            if isinstance(error, stripe.StripeError):
                log.warning("Stripe refused (%s): %s", what, error)
                raise Conflict(str(_l("The payment service refused: %(reason)s",
                                      reason=error.user_message or str(error))),
                               allowed_actions=[]) from error
            return False

    return Guard()


def _subscription_row(company: Company) -> Subscription:
    subscription = queries.subscription_of(company.id)
    if subscription is None:
        subscription = Subscription(company_id=company.id, status=SubscriptionStatus.FREE)
        db.session.add(subscription)
        db.session.flush()
    return subscription


def _customer(client, company: Company, subscription: Subscription, email: str | None) -> str:
    if subscription.stripe_customer_id:
        return subscription.stripe_customer_id
    with _calling_stripe("customer"):
        customer = client.v1.customers.create(params={
            "name": company.name, "email": email or "",
            "metadata": {"company_id": str(company.id)}})
    subscription.stripe_customer_id = customer.id
    return customer.id


def open_checkout(company: Company, plan: Plan, *, email: str | None, success_url: str,
                  cancel_url: str) -> str:
    """A Stripe Checkout session (subscription mode) for ``plan``; its URL. The plan
    changes only when Stripe's webhook says the subscription is paid."""
    if not plan.active or plan.is_free or plan.monthly_price <= 0:
        raise ValidationFailed(errors={"plan": [str(_l(
            "Choose a paid plan; to go back to the free plan, cancel your subscription."))]})
    standing = queries.standing(company.id)
    if (standing.plan is not None and standing.plan.id == plan.id
            and standing.status == SubscriptionStatus.ACTIVE):
        raise Conflict(str(_l("Your company is on the %(plan)s plan already.",
                              plan=plan.name)), allowed_actions=[])
    client = _client()
    subscription = _subscription_row(company)
    customer = _customer(client, company, subscription, email)
    if plan.stripe_price_id:
        item: dict[str, Any] = {"price": plan.stripe_price_id, "quantity": 1}
    else:
        from marketplace.fulfillment.operations.receivables import to_minor_units

        item = {"quantity": 1, "price_data": {
            "currency": plan.currency.lower(),
            "unit_amount": to_minor_units(plan.monthly_price, plan.currency),
            "recurring": {"interval": "month"},
            "product_data": {"name": f"Marketplace {plan.name}"}}}
    metadata = {"company_id": str(company.id), "plan": plan.code}
    with _calling_stripe("checkout"):
        session = client.v1.checkout.sessions.create(params={
            "mode": "subscription", "customer": customer,
            "client_reference_id": str(company.id),
            "success_url": success_url, "cancel_url": cancel_url,
            "line_items": [item], "metadata": metadata,
            "subscription_data": {"metadata": metadata}})
    subscription.pending_plan_id = plan.id
    subscription.checkout_session_id = session.id
    db.session.flush()
    record_audit("billing.checkout_opened", subscription, company_id=company.id,
                 changes={"plan": plan.code, "session_id": session.id})
    return session.url


def open_portal(company: Company, *, return_url: str) -> str:
    """Stripe's customer portal for the company (its card, its Stripe invoices, its
    subscription); refused before the company ever subscribed."""
    subscription = queries.subscription_of(company.id)
    if subscription is None or not subscription.stripe_customer_id:
        raise Conflict(str(_l("Your company has no paid subscription yet: choose a plan "
                              "first.")), allowed_actions=["checkout"])
    client = _client()
    with _calling_stripe("portal"):
        session = client.v1.billing_portal.sessions.create(params={
            "customer": subscription.stripe_customer_id, "return_url": return_url})
    return session.url


def cancel_subscription(company: Company) -> Subscription:
    """Back to the free plan at the end of the paid period (Stripe tells when, by
    webhook); the company keeps its plan until then."""
    subscription = queries.subscription_of(company.id)
    if (subscription is None or not subscription.stripe_subscription_id
            or subscription.status not in (SubscriptionStatus.ACTIVE,
                                           SubscriptionStatus.PAST_DUE)):
        raise Conflict(str(_l("Your company has no paid subscription to cancel.")),
                       allowed_actions=[])
    if subscription.cancel_at_period_end:
        raise Conflict(str(_l("The subscription ends at the end of the paid period "
                              "already.")), allowed_actions=[])
    client = _client()
    with _calling_stripe("cancel"):
        client.v1.subscriptions.update(subscription.stripe_subscription_id,
                                       params={"cancel_at_period_end": True})
    subscription.cancel_at_period_end = True
    db.session.flush()
    record_audit("billing.cancel_requested", subscription, company_id=company.id)
    return subscription


# ----- Stripe's webhook ---------------------------------------------------------------------


def construct_event(payload: bytes, signature: str | None) -> dict:
    """The event, if Stripe signed it with the billing webhook's secret; else 400."""
    import stripe

    secret = (current_app.config.get("STRIPE_BILLING_WEBHOOK_SECRET")
              or current_app.config.get("STRIPE_WEBHOOK_SECRET"))
    if not secret:
        raise Conflict(str(_l("Stripe webhooks are not set up "
                              "(STRIPE_BILLING_WEBHOOK_SECRET).")), allowed_actions=[])
    try:
        event = stripe.Webhook.construct_event(payload.decode("utf-8"), signature or "",
                                               secret)
    except (ValueError, UnicodeDecodeError, stripe.SignatureVerificationError) as error:
        raise BadSignature(str(_l("The Stripe signature does not match: nothing was "
                                  "recorded."))) from error
    return event.to_dict() if hasattr(event, "to_dict") else dict(event)


HANDLED = ("checkout.session.completed", "invoice.paid", "invoice.payment_succeeded",
           "invoice.payment_failed", "customer.subscription.created",
           "customer.subscription.updated", "customer.subscription.deleted")


def handle_event(event: dict) -> str:
    """Apply a verified event once: ``applied``, ``replayed`` (its id was seen: nothing
    changes) or ``ignored`` (not a billing event, or not about a company here)."""
    if event.get("type") not in HANDLED:
        return "ignored"
    obj = event["data"]["object"]
    if event["type"] == "checkout.session.completed" and obj.get("mode") != "subscription":
        return "ignored"  # a card payment of an invoice: fulfillment's
    subscription = _subscription_for(obj)
    if subscription is None:
        return "ignored"
    try:
        with db.session.begin_nested():
            db.session.add(StripeEvent(event_id=event["id"], type=event["type"],
                                       company_id=subscription.company_id))
    except IntegrityError:
        return "replayed"
    at = datetime.fromtimestamp(int(event.get("created") or utcnow().timestamp()), UTC)
    kind = event["type"]
    if kind == "checkout.session.completed":
        _checkout_completed(subscription, obj, at)
    elif kind in ("invoice.paid", "invoice.payment_succeeded"):
        _invoice_paid(subscription, obj, at)
    elif kind == "invoice.payment_failed":
        _payment_failed(subscription, obj, at)
    elif kind == "customer.subscription.deleted":
        _subscription_ended(subscription, obj, at)
    else:
        _subscription_changed(subscription, obj, at)
    db.session.flush()
    return "applied"


def _metadata(obj: dict) -> dict:
    """The metadata our checkout gave, wherever this object carries it."""
    found = dict(obj.get("metadata") or {})
    for path in (("subscription_details", "metadata"),
                 ("parent", "subscription_details", "metadata")):
        value: Any = obj
        for step in path:
            value = (value or {}).get(step) if isinstance(value, dict) else None
        if isinstance(value, dict):
            found = {**value, **found}
    lines = ((obj.get("lines") or {}).get("data") or []) if obj.get("object") == "invoice" \
        else []
    for line in lines:
        found = {**(line.get("metadata") or {}), **found}
    return found


def _stripe_subscription_id(obj: dict) -> str | None:
    if obj.get("object") == "subscription":
        return obj.get("id")
    sub = obj.get("subscription")
    if sub is None:
        parent = obj.get("parent") or {}
        sub = (parent.get("subscription_details") or {}).get("subscription")
    return sub.get("id") if isinstance(sub, dict) else sub


def _subscription_for(obj: dict) -> Subscription | None:
    customer = obj.get("customer")
    customer = customer.get("id") if isinstance(customer, dict) else customer
    subscription = None
    if customer:
        subscription = db.session.scalar(lock_for_update(select(Subscription).where(
            Subscription.stripe_customer_id == customer)))
    if subscription is None:
        company_id = _metadata(obj).get("company_id") or obj.get("client_reference_id")
        if company_id and str(company_id).isdigit():
            subscription = db.session.scalar(lock_for_update(select(Subscription).where(
                Subscription.company_id == int(company_id))))
    return subscription


def _plan_of(obj: dict, subscription: Subscription) -> Plan | None:
    code = _metadata(obj).get("plan")
    plan = queries.plan_by_code(code) if code else None
    if plan is None:
        prices = [item.get("price") for item in
                  ((obj.get("items") or {}).get("data") or [])] + [
            line.get("price") for line in ((obj.get("lines") or {}).get("data") or [])]
        for price in prices:
            price_id = price.get("id") if isinstance(price, dict) else price
            if price_id:
                plan = db.session.scalar(select(Plan).where(Plan.stripe_price_id == price_id))
                if plan is not None:
                    break
    return plan or subscription.pending_plan or subscription.plan


def _newer(subscription: Subscription, at: datetime) -> bool:
    """Whether an event of ``at`` is not older than the last one applied."""
    if subscription.last_event_at is not None and at < subscription.last_event_at:
        return False
    subscription.last_event_at = at
    return True


def _is_current(subscription: Subscription, stripe_id: str | None) -> bool:
    return not subscription.stripe_subscription_id or \
        stripe_id == subscription.stripe_subscription_id


def _activate(subscription: Subscription, plan: Plan | None, at: datetime) -> None:
    old_plan, old_status = subscription.plan, subscription.status
    if plan is not None:
        subscription.plan = plan
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.past_due_since = subscription.grace_until = None
    subscription.cancelled_at = None
    if subscription.pending_plan_id == (plan.id if plan else None):
        subscription.pending_plan = None
    if old_status != SubscriptionStatus.ACTIVE or old_plan is not subscription.plan:
        record_audit("billing.plan_active", subscription, company_id=subscription.company_id,
                     changes={"plan": [old_plan.code if old_plan else FREE,
                                       subscription.plan.code if subscription.plan else FREE],
                              "status": [old_status.value, "active"]})
        name = subscription.plan.name if subscription.plan else ""
        notify("billing.plan_changed", company_id=subscription.company_id, user_ids=None,
               message=N_("Your company is now on the %(plan)s plan."),
               params={"plan": name}, link="/billing", payload={"plan": name})


def _checkout_completed(subscription: Subscription, session: dict, at: datetime) -> None:
    stripe_id = _stripe_subscription_id(session)
    previous = subscription.stripe_subscription_id
    if session.get("customer") and not subscription.stripe_customer_id:
        subscription.stripe_customer_id = session["customer"]
    if previous and stripe_id and previous != stripe_id and subscription.status in (
            SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE):
        _cancel_at_stripe(previous)  # a change of plan through Checkout: one subscription
    subscription.stripe_subscription_id = stripe_id or previous
    subscription.cancel_at_period_end = False
    if session.get("payment_status") in ("paid", "no_payment_required"):
        _newer(subscription, at)
        _activate(subscription, _plan_of(session, subscription), at)


def _cancel_at_stripe(stripe_id: str) -> None:
    """The company's former subscription ends now that the new one is paid. Stripe away:
    the event fails (503) and Stripe delivers it again later."""
    client = _client()
    try:
        with _calling_stripe("cancel previous"):
            client.v1.subscriptions.cancel(stripe_id)
    except Conflict:  # Stripe refused (ended already, unknown): nothing left to end
        log.warning("Stripe refused to cancel the former subscription %s", stripe_id)


def _period(invoice: dict) -> tuple[date, date]:
    lines = (invoice.get("lines") or {}).get("data") or []
    period = (lines[0].get("period") if lines else None) or {}
    start = period.get("start") or invoice.get("period_start") or invoice.get("created")
    end = period.get("end") or invoice.get("period_end") or start
    as_date = lambda value: datetime.fromtimestamp(int(value), UTC).date()  # noqa: E731
    return as_date(start), as_date(end)


def _invoice_paid(subscription: Subscription, invoice: dict, at: datetime) -> None:
    stripe_id = _stripe_subscription_id(invoice)
    if not _is_current(subscription, stripe_id):
        return  # an old subscription's last invoice: nothing to change
    subscription.stripe_subscription_id = stripe_id or subscription.stripe_subscription_id
    plan = _plan_of(invoice, subscription)
    start, end = _period(invoice)
    if subscription.status != SubscriptionStatus.CANCELLED and _newer(subscription, at):
        subscription.current_period_end = datetime(end.year, end.month, end.day, tzinfo=UTC)
        _activate(subscription, plan, at)
    amount_paid = int(invoice.get("amount_paid") or 0)
    if amount_paid <= 0:
        return
    from marketplace.fulfillment.operations.receivables import from_minor_units

    currency = (invoice.get("currency") or (plan.currency if plan else "USD")).upper()
    issue_invoice(subscription.company_id, plan, amount=from_minor_units(amount_paid, currency),
                  currency=currency, period_start=start, period_end=end,
                  stripe_invoice_id=invoice.get("id"))


def issue_invoice(company_id: int, plan: Plan | None, *, amount: Decimal, currency: str,
                  period_start: date, period_end: date,
                  stripe_invoice_id: str | None) -> MembershipInvoice:
    """The platform's numbered membership invoice of a paid period (once per Stripe
    invoice: the same one again answers the first)."""
    if stripe_invoice_id:
        existing = db.session.scalar(select(MembershipInvoice).where(
            MembershipInvoice.stripe_invoice_id == stripe_invoice_id))
        if existing is not None:
            return existing
    issued_at = utcnow()
    prefix = f"MEM-{issued_at.year}-"
    last = db.session.scalar(select(func.max(MembershipInvoice.number)).where(
        MembershipInvoice.number.like(prefix + "%")))
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    invoice = MembershipInvoice(company_id=company_id, number=f"{prefix}{sequence:05d}",
                                plan_id=plan.id if plan else None,
                                plan_name=plan.name if plan else "", amount=amount,
                                currency=currency, period_start=period_start,
                                period_end=period_end, issued_at=issued_at,
                                stripe_invoice_id=stripe_invoice_id)
    db.session.add(invoice)
    db.session.flush()  # a number taken at the same moment: unique → 409, Stripe retries
    record_audit("billing.invoice_issued", invoice, company_id=company_id,
                 changes={"number": invoice.number, "amount": amount})
    notify("billing.invoice_issued", company_id=company_id,
           user_ids=None, message=N_("Membership invoice %(number)s is ready (%(amount)s "
                                     "%(currency)s)."),
           params={"number": invoice.number, "amount": f"{amount:.2f}", "currency": currency},
           link="/billing#invoices", payload={"number": invoice.number}, email=False)
    return invoice


def _payment_failed(subscription: Subscription, invoice: dict, at: datetime) -> None:
    if not _is_current(subscription, _stripe_subscription_id(invoice)) \
            or subscription.status == SubscriptionStatus.CANCELLED or not _newer(subscription, at):
        return
    _past_due(subscription, at)


def _past_due(subscription: Subscription, at: datetime) -> None:
    if subscription.status == SubscriptionStatus.PAST_DUE:
        return
    days = current_app.config.get("BILLING_GRACE_DAYS", 7)
    subscription.status = SubscriptionStatus.PAST_DUE
    subscription.past_due_since = at
    subscription.grace_until = at + timedelta(days=days)
    record_audit("billing.past_due", subscription, company_id=subscription.company_id,
                 changes={"grace_until": subscription.grace_until})
    notify("billing.payment_failed", company_id=subscription.company_id, user_ids=None,
           message=N_("The payment for your %(plan)s plan failed. Update your card by "
                      "%(date)s to keep the plan; after that, what exceeds the free plan "
                      "becomes read-only (nothing is deleted)."),
           params={"plan": subscription.plan.name if subscription.plan else "",
                   "date": subscription.grace_until.date().isoformat()},
           link="/billing", payload={"grace_until": subscription.grace_until.isoformat()})


def _subscription_changed(subscription: Subscription, obj: dict, at: datetime) -> None:
    stripe_id = obj.get("id")
    if not _is_current(subscription, stripe_id) or not _newer(subscription, at):
        return
    subscription.stripe_subscription_id = stripe_id
    subscription.cancel_at_period_end = bool(obj.get("cancel_at_period_end"))
    items = (obj.get("items") or {}).get("data") or []
    period_end = obj.get("current_period_end") or (items[0].get("current_period_end")
                                                   if items else None)
    if period_end:
        subscription.current_period_end = datetime.fromtimestamp(int(period_end), UTC)
    status = obj.get("status")
    if status in ("active", "trialing"):
        _activate(subscription, _plan_of(obj, subscription), at)
    elif status in ("past_due", "unpaid"):
        _past_due(subscription, at)
    elif status in ("canceled", "incomplete_expired"):
        _subscription_ended(subscription, obj, at, checked=True)


def _subscription_ended(subscription: Subscription, obj: dict, at: datetime, *,
                        checked: bool = False) -> None:
    if not checked and (not _is_current(subscription, obj.get("id"))
                        or not _newer(subscription, at)):
        return
    if subscription.status == SubscriptionStatus.CANCELLED:
        return
    old = subscription.plan
    subscription.status = SubscriptionStatus.CANCELLED
    subscription.plan = None
    subscription.cancelled_at = at
    subscription.cancel_at_period_end = False
    subscription.past_due_since = subscription.grace_until = None
    record_audit("billing.cancelled", subscription, company_id=subscription.company_id,
                 changes={"plan": [old.code if old else FREE, FREE]})
    notify("billing.cancelled", company_id=subscription.company_id, user_ids=None,
           message=N_("Your %(plan)s subscription has ended: your company is on the free "
                      "plan. Nothing is deleted; what exceeds the free plan is read-only."),
           params={"plan": old.name if old else ""}, link="/billing",
           payload={"plan": FREE})


# ----- the demo ---------------------------------------------------------------------------


def subscribe_for_demo(company_id: int, plan: Plan, *, paid_on: date) -> Subscription:
    """A paid subscription as the webhooks would have left it (the demo has no Stripe)."""
    subscription = queries.subscription_of(company_id) or Subscription(company_id=company_id)
    db.session.add(subscription)
    subscription.plan = plan
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.stripe_customer_id = f"cus_demo_{company_id}"
    subscription.stripe_subscription_id = f"sub_demo_{company_id}"
    end = paid_on + timedelta(days=30)
    subscription.current_period_end = datetime(end.year, end.month, end.day, tzinfo=UTC)
    db.session.flush()
    issue_invoice(company_id, plan, amount=plan.monthly_price, currency=plan.currency,
                  period_start=paid_on, period_end=end,
                  stripe_invoice_id=f"in_demo_{company_id}_{paid_on.isoformat()}")
    return subscription


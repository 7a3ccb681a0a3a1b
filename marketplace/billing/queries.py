"""Billing's reads: the plans, a company's plan as it applies now (paid, in its grace
period, or back to the free plan's limits), what it uses of each limit, its membership
invoices, every subscription for the operator, and the figures the back office charts
(``subscriptions_and_revenue_per_month``).

The one room of billing that reads other modules' tables (published products, members
and invitations), read-only, to count what a plan limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased

from marketplace.billing.models import (
    FREE,
    LIMIT_COLUMNS,
    MembershipInvoice,
    Plan,
    Subscription,
    SubscriptionStatus,
    UsageCounter,
)
from marketplace.content.models import Product, ProductStatus
from marketplace.core.errors import NotFound
from marketplace.core.limits import (
    ANALYTICS_VIEWS,
    API_CALLS,
    BUYING_REQUEST_ANSWERS,
    KINDS,
    MEMBERS,
    PRODUCTS,
)
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, Invitation, MemberRole, Membership

# The kinds counted per period, and their period: a month or a day (UTC).
MONTHLY = frozenset({BUYING_REQUEST_ANSWERS, ANALYTICS_VIEWS})
DAILY = frozenset({API_CALLS})


def period_key(kind: str, now: datetime | None = None) -> str:
    now = now or utcnow()
    return now.strftime("%Y-%m-%d") if kind in DAILY else now.strftime("%Y-%m")


# ----- plans ------------------------------------------------------------------------------


def plans(*, offered_only: bool = True) -> list[Plan]:
    query = select(Plan).order_by(Plan.position, Plan.monthly_price, Plan.id)
    if offered_only:
        query = query.where(Plan.active.is_(True))
    return list(db.session.scalars(query))


def plan(plan_id: int) -> Plan:
    found = db.session.get(Plan, plan_id)
    if found is None:
        raise NotFound()
    return found


def plan_by_code(code: str) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.code == code))


def free_plan() -> Plan | None:
    return plan_by_code(FREE)


# ----- a company's plan, as it applies now --------------------------------------------------


@dataclass
class Standing:
    """A company's plan now: ``plan`` what it subscribed to (the free plan without a
    subscription); ``limits_plan`` whose limits apply (the free plan's once a payment is
    overdue past the grace period: what exceeds them is read-only, nothing deleted)."""

    subscription: Subscription | None
    plan: Plan | None
    limits_plan: Plan | None
    status: SubscriptionStatus
    grace_until: datetime | None = None
    read_only_beyond_free: bool = False
    usage: dict[str, Usage] = field(default_factory=dict)
    # with_usage, read_only_beyond_free: how many published products and members lie
    # beyond the allowance (read-only), per kind
    read_only: dict[str, int] = field(default_factory=dict)

    @property
    def on_paid_plan(self) -> bool:
        return self.plan is not None and not self.plan.is_free


@dataclass
class Usage:
    kind: str
    used: int
    allowed: int | None  # None: unlimited

    @property
    def share(self) -> float:
        """0..1 of the allowance used (0 when unlimited), for the usage bar."""
        if not self.allowed:
            return 0.0 if self.allowed is None else 1.0
        return min(1.0, self.used / self.allowed)

    @property
    def full(self) -> bool:
        return self.allowed is not None and self.used >= self.allowed


def subscription_of(company_id: int) -> Subscription | None:
    return db.session.scalar(select(Subscription).where(Subscription.company_id == company_id))


_STANDING: list[Select] = []  # the statement below, built once (aliases cost ~0.8 ms a build)


def _standing_statement() -> Select:
    if not _STANDING:
        chosen, free = aliased(Plan, name="chosen_plan"), aliased(Plan, name="free_plan")
        _STANDING.append(
            select(Subscription, chosen, free).select_from(Company)
            .outerjoin(Subscription, Subscription.company_id == Company.id)
            .outerjoin(chosen, chosen.id == Subscription.plan_id)
            .outerjoin(free, free.code == FREE)
            .where(Company.id == bindparam("company_id")))
    return _STANDING[0]


def _subscription_and_free_plan(company_id: int) -> tuple[Subscription | None, Plan | None]:
    """The company's subscription (with its plan) and the free plan in one statement:
    asked on every partner API call."""
    row = db.session.execute(_standing_statement(), {"company_id": company_id}).first()
    if row is None:  # no such company (yet): as if it had no subscription
        return None, free_plan()
    return row[0], row[2]  # the subscription's plan is in the session: no second read


def standing(company_id: int, *, with_usage: bool = False) -> Standing:
    subscription, free = _subscription_and_free_plan(company_id)
    result = standing_of(subscription.status if subscription else None,
                         subscription.grace_until if subscription else None,
                         subscription.plan if subscription else None, free, subscription)
    if with_usage:
        result.usage = {kind: Usage(kind, used(kind, company_id), allowed(result, kind))
                        for kind in KINDS}
        if result.read_only_beyond_free:
            for kind in (PRODUCTS, MEMBERS):
                allowance = result.usage[kind].allowed
                result.read_only[kind] = 0 if allowance is None else len(
                    beyond_allowance(kind, company_id, allowance))
    return result


def standing_of(status: SubscriptionStatus | None, grace_until: datetime | None,
                chosen: Plan | PlanLimit | None, free: Plan | PlanLimit | None,
                subscription: Subscription | None = None) -> Standing:
    """Whose limits apply, from the subscription's status, its grace period, the plan it
    chose and the free plan (None: no such plan): the free plan's without a subscription
    or once cancelled; the free plan's too once a payment is overdue past the grace
    period (what exceeds them is read-only)."""
    status = status or SubscriptionStatus.FREE
    if status in (SubscriptionStatus.FREE, SubscriptionStatus.CANCELLED) or chosen is None:
        chosen = free
    result = Standing(subscription, chosen, chosen, status)
    if status == SubscriptionStatus.PAST_DUE:
        result.grace_until = grace_until
        if grace_until is not None and grace_until <= utcnow():
            result.limits_plan, result.read_only_beyond_free = free, True
    return result


@dataclass(frozen=True)
class PlanLimit:
    """A plan as the count of one read knows it (operations.count_read_apart): its
    allowance of that one kind, read with the count instead of the whole plan."""

    kind: str
    allowance: int | None  # None: unlimited

    def limit(self, kind: str) -> int | None:
        if kind != self.kind:
            raise ValueError(f"read with its {self.kind} allowance only, not {kind}")
        return self.allowance


def beyond_allowance(kind: str, company_id: int, allowed_: int) -> list[int]:
    """What of a stock lies beyond ``allowed_`` (read-only while the company is held to
    the free plan's limits): ``products`` — the ids of the published products past the
    ``allowed_`` published first (the ones published last); ``members`` — the user ids of
    the members past the ``allowed_`` first, admins counted first and never beyond (they
    pay for the plan and remove members), then the others by the day they joined.
    Other kinds hold no stock: nothing."""
    if kind == PRODUCTS:
        return list(db.session.scalars(
            select(Product.id).where(Product.company_id == company_id,
                                     Product.status == ProductStatus.PUBLISHED)
            .order_by(Product.published_at.is_not(None), Product.published_at, Product.id)
            .offset(allowed_)))
    if kind == MEMBERS:
        rows = db.session.execute(
            select(Membership.user_id, Membership.role).where(
                Membership.company_id == company_id)
            .order_by((Membership.role != MemberRole.ADMIN), Membership.created_at,
                      Membership.id)
            .offset(allowed_)).all()
        return [user_id for user_id, role in rows if role != MemberRole.ADMIN]
    return []


def lapsed(company_id: int) -> bool:
    """Past due and the grace period over (one small read: asked before every change a
    member makes, so most companies answer no at this cost only)."""
    row = db.session.execute(select(Subscription.status, Subscription.grace_until).where(
        Subscription.company_id == company_id)).first()
    return row is not None and row.status == SubscriptionStatus.PAST_DUE and \
        row.grace_until is not None and row.grace_until <= utcnow()


def allowed(standing_: Standing, kind: str) -> int | None:
    """What the plan allows of ``kind`` now (None: unlimited; no plans at all: none)."""
    plan_ = standing_.limits_plan
    if plan_ is None:
        return None
    limit = plan_.limit(kind)
    if standing_.read_only_beyond_free and standing_.plan is not None:
        # Never more than the plan paid for, nor than the free plan after the grace period.
        paid = standing_.plan.limit(kind)
        limit = paid if limit is None else (limit if paid is None else min(limit, paid))
    return limit


def used(kind: str, company_id: int, now: datetime | None = None, *,
         invited: bool = True) -> int:
    """What the company uses of ``kind`` now (members: with the open invitations unless
    ``invited`` is False)."""
    if kind == PRODUCTS:
        return db.session.scalar(select(func.count()).select_from(Product).where(
            Product.company_id == company_id, Product.status == ProductStatus.PUBLISHED)) or 0
    if kind == MEMBERS:
        members = db.session.scalar(select(func.count()).select_from(Membership).where(
            Membership.company_id == company_id)) or 0
        if not invited:
            return members
        invitations = db.session.scalar(select(func.count()).select_from(Invitation).where(
            Invitation.company_id == company_id, Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow())) or 0
        return members + invitations
    return db.session.scalar(select(UsageCounter.count).where(
        UsageCounter.company_id == company_id, UsageCounter.kind == kind,
        UsageCounter.period == period_key(kind, now))) or 0


# ----- membership invoices ------------------------------------------------------------------


def invoices(company_id: int) -> Select:
    return (select(MembershipInvoice).where(MembershipInvoice.company_id == company_id)
            .order_by(MembershipInvoice.issued_at.desc(), MembershipInvoice.id.desc()))


def invoice(company_id: int, invoice_id: int) -> MembershipInvoice:
    """One of the company's membership invoices (another company's: 404)."""
    found = db.session.get(MembershipInvoice, invoice_id)
    if found is None or found.company_id != company_id:
        raise NotFound()
    return found


# ----- the operator's views -----------------------------------------------------------------


def all_subscriptions() -> list[tuple[Company, Subscription | None]]:
    """Every company that has or had a subscription, newest change first."""
    rows = db.session.execute(
        select(Subscription, Company).join(Company, Company.id == Subscription.company_id)
        .order_by(Subscription.updated_at.desc(), Subscription.id.desc())).all()
    return [(company, subscription) for subscription, company in rows]


def companies_per_plan() -> dict[str, int]:
    """Companies per plan code as their plan stands now (companies without a paid
    subscription on the free plan)."""
    paying = dict(db.session.execute(
        select(Plan.code, func.count()).select_from(Subscription)
        .join(Plan, Plan.id == Subscription.plan_id)
        .where(Subscription.status.in_([SubscriptionStatus.ACTIVE,
                                        SubscriptionStatus.PAST_DUE]))
        .group_by(Plan.code)).all())
    companies = db.session.scalar(select(func.count()).select_from(Company)) or 0
    return {FREE: companies - sum(paying.values()), **paying}


@dataclass
class PlanMonth:
    month: str  # YYYY-MM
    plan_code: str
    plan_name: str
    currency: str
    subscriptions: int  # companies invoiced for the plan that month
    revenue: Decimal


def subscriptions_and_revenue_per_month(months: int = 12, today: datetime | None = None
                                        ) -> list[PlanMonth]:
    """Subscriptions and revenue per plan per month, from the membership invoices
    issued (paid periods), oldest month first, the last ``months`` months."""
    today = today or utcnow()
    start = (today.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
             - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = db.session.execute(
        select(MembershipInvoice.issued_at, MembershipInvoice.company_id,
               MembershipInvoice.plan_name, MembershipInvoice.currency,
               MembershipInvoice.amount, Plan.code)
        .outerjoin(Plan, Plan.id == MembershipInvoice.plan_id)
        .where(MembershipInvoice.issued_at >= start.astimezone(UTC))).all()
    grouped: dict[tuple[str, str, str], PlanMonth] = {}
    companies: dict[tuple[str, str, str], set[int]] = {}
    for issued_at, company_id, plan_name, currency, amount, code in rows:
        key = (issued_at.strftime("%Y-%m"), code or plan_name, currency)
        entry = grouped.setdefault(key, PlanMonth(key[0], key[1], plan_name, currency, 0,
                                                  Decimal(0)))
        entry.revenue += amount
        companies.setdefault(key, set()).add(company_id)
        entry.subscriptions = len(companies[key])
    return sorted(grouped.values(), key=lambda e: (e.month, e.plan_code, e.currency))


def limit_kinds() -> tuple[str, ...]:
    return tuple(LIMIT_COLUMNS)

"""Billing's tables: the plans the operator sells, each company's subscription (one row
a company, none for a company that never subscribed: it is on the free plan), the
Stripe events already applied (replays change nothing), the use counted per period
(analytics views, API calls, buying-request answers) and the platform's own membership
invoices."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.limits import (
    ANALYTICS_VIEWS,
    API_CALLS,
    BUYING_REQUEST_ANSWERS,
    MEMBERS,
    PRODUCTS,
)
from marketplace.core.models import CompanyOwnedMixin, TimestampMixin, VersionedMixin
from marketplace.core.types import Money, UTCDateTime, utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import enum_column

FREE = "free"  # the code of the plan a company has without a paid subscription

# The plan's column of each limited kind (None in a column: unlimited).
LIMIT_COLUMNS = {PRODUCTS: "max_products", MEMBERS: "max_members",
                 BUYING_REQUEST_ANSWERS: "max_buying_request_answers",
                 ANALYTICS_VIEWS: "max_analytics_views", API_CALLS: "max_api_calls"}


class Plan(TimestampMixin, VersionedMixin, db.Model):
    """A plan a company may subscribe to: its monthly price and its limits."""

    __tablename__ = "plans"
    __label__ = "Plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str | None] = mapped_column(String(80))
    monthly_price: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # A Stripe Price of the plan (price_...); without one Checkout is given the amount.
    stripe_price_id: Mapped[str | None] = mapped_column(String(255))
    max_products: Mapped[int | None] = mapped_column(Integer)
    max_members: Mapped[int | None] = mapped_column(Integer)
    max_buying_request_answers: Mapped[int | None] = mapped_column(Integer)  # a month
    max_analytics_views: Mapped[int | None] = mapped_column(Integer)  # a month
    max_api_calls: Mapped[int | None] = mapped_column(Integer)  # a day
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # offered to companies

    @property
    def is_free(self) -> bool:
        return self.code == FREE

    def limit(self, kind: str) -> int | None:
        return getattr(self, LIMIT_COLUMNS[kind])

    def label(self, locale: str | None) -> str:
        return self.name_zh if locale and locale.startswith("zh") and self.name_zh \
            else self.name


class SubscriptionStatus(enum.StrEnum):
    FREE = "free"  # never subscribed, or a checkout not yet paid
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELLED = "cancelled"


class Subscription(CompanyOwnedMixin, TimestampMixin, VersionedMixin, db.Model):
    """A company's subscription as Stripe's webhooks told it (one row a company)."""

    __tablename__ = "subscriptions"
    __label__ = "Subscription"
    __table_args__ = (UniqueConstraint("company_id", name="uq_subscriptions_company"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    status: Mapped[SubscriptionStatus] = mapped_column(
        enum_column(SubscriptionStatus, name="subscription_status"),
        default=SubscriptionStatus.FREE)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # The plan of the latest checkout opened (until its webhook tells the outcome).
    pending_plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"))
    checkout_session_id: Mapped[str | None] = mapped_column(String(255))
    current_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False)
    past_due_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    grace_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The creation time of the latest Stripe event applied: an older one arriving late
    # (Stripe does not keep their order) does not undo a newer state.
    last_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    plan: Mapped[Plan | None] = relationship(foreign_keys=[plan_id])
    pending_plan: Mapped[Plan | None] = relationship(foreign_keys=[pending_plan_id])
    company = relationship("Company")


class StripeEvent(db.Model):
    """A Stripe event billing applied, by its id: the same event again changes nothing."""

    __tablename__ = "billing_stripe_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UsageCounter(CompanyOwnedMixin, db.Model):
    """What a company used of a kind counted per period (``2026-12`` a month,
    ``2026-12-06`` a day)."""

    __tablename__ = "usage_counters"
    __table_args__ = (UniqueConstraint("company_id", "kind", "period",
                                       name="uq_usage_counters_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(10))
    count: Mapped[int] = mapped_column(Integer, default=0)


class MembershipInvoice(CompanyOwnedMixin, db.Model):
    """The platform's invoice for a paid period of a company's plan (MEM-2026-00001),
    made from Stripe's "invoice paid" event, once per Stripe invoice."""

    __tablename__ = "membership_invoices"
    __label__ = "Membership invoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    plan_name: Mapped[str] = mapped_column(String(80))  # as it was called then
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    stripe_invoice_id: Mapped[str | None] = mapped_column(String(255), unique=True)

    company = relationship("Company")

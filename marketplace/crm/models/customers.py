"""A supplier's customer figures, written by the background recomputation
(``crm/operations/customers.py``) and read by the customer table, the fifths, the
segments and the at-risk list. Nothing here is typed in: every column comes from the
trade records (orders, invoices, payments, claims, returns, quotations).

- ``CustomerFigures``: one row per (supplier, buyer) as of the last recomputation.
- ``CustomerSegmentSnapshot``: one row per (supplier, buyer, month): the customer's
  fifth and segment at the end of that month, so movement between segments shows.
- ``AnalyticsSettings``: a supplier's own choices (reporting currency) over the
  platform defaults in ``config/crm.py``.

Methods and parameters: ``docs/ANALYTICS.md``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import TimestampMixin
from marketplace.core.types import Money, UTCDateTime, utcnow
from marketplace.extensions import db

MVC, MGC, BZ, OTHER = "MVC", "MGC", "BZ", "other"
SEGMENTS = (MVC, MGC, BZ, OTHER)
# Why a customer is on the at-risk list.
OVERDUE_ORDER = "overdue_order"  # longer without an order than its own usual interval
UNANSWERED_QUOTATIONS = "unanswered_quotations"  # stopped answering our quotations


def Ratio() -> Numeric:  # noqa: N802 - a column type factory reads like a type
    """A share or rate (0.2500 = 25 %), exact like money."""
    return Numeric(9, 4)


def _company_fk(**kwargs):
    return mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), **kwargs)


class CustomerFigures(db.Model):
    """What one buyer company is worth to one supplier, as of ``as_of``. Amounts are in
    ``currency`` (the supplier's reporting currency at the time of computing)."""

    __tablename__ = "crm_customer_figures"
    __label__ = "Customer figures"
    __table_args__ = (
        UniqueConstraint("supplier_company_id", "buyer_company_id"),
        # The customer table's default order and its filters read these.
        Index("ix_crm_customer_figures_value", "supplier_company_id", "lifetime_value"),
        Index("ix_crm_customer_figures_segment", "supplier_company_id", "segment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_company_id: Mapped[int] = _company_fk()
    buyer_company_id: Mapped[int] = _company_fk(index=True)
    as_of: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    currency: Mapped[str] = mapped_column(String(3))

    # Recency, frequency, monetary
    first_order_on: Mapped[date | None] = mapped_column(Date)
    last_order_on: Mapped[date | None] = mapped_column(Date)
    recency_days: Mapped[int | None] = mapped_column(Integer)
    orders_12m: Mapped[int] = mapped_column(Integer, default=0)
    orders_lifetime: Mapped[int] = mapped_column(Integer, default=0)
    revenue_12m: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    revenue_prev_12m: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    revenue_lifetime: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    average_order_value: Mapped[Decimal | None] = mapped_column(Money())
    growth_pct: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    # Margin: only over lines whose product has a cost price; null where none has.
    margin_12m: Mapped[Decimal | None] = mapped_column(Money())
    margin_lifetime: Mapped[Decimal | None] = mapped_column(Money())
    # Share of the 12 months' revenue whose cost is known (0..1).
    margin_coverage: Mapped[Decimal | None] = mapped_column(Ratio())

    # Payment speed
    invoices_paid: Mapped[int] = mapped_column(Integer, default=0)
    payment_days_median: Mapped[Decimal | None] = mapped_column(Numeric(9, 1))
    late_payment_share: Mapped[Decimal | None] = mapped_column(Ratio())

    # Trouble and negotiation
    claims_12m: Mapped[int] = mapped_column(Integer, default=0)
    returns_12m: Mapped[int] = mapped_column(Integer, default=0)
    discrepancies_12m: Mapped[int] = mapped_column(Integer, default=0)
    small_orders_12m: Mapped[int] = mapped_column(Integer, default=0)
    late_payments_12m: Mapped[int] = mapped_column(Integer, default=0)
    claims_rate: Mapped[Decimal | None] = mapped_column(Ratio())
    returns_rate: Mapped[Decimal | None] = mapped_column(Ratio())
    quotations_12m: Mapped[int] = mapped_column(Integer, default=0)
    quotations_won_12m: Mapped[int] = mapped_column(Integer, default=0)
    quotations_lost_12m: Mapped[int] = mapped_column(Integer, default=0)
    quotation_win_rate: Mapped[Decimal | None] = mapped_column(Ratio())

    # Share of what the buyer bought on the platform in the supplier's categories
    share_of_wallet: Mapped[Decimal | None] = mapped_column(Ratio())
    suppliers_in_categories: Mapped[int] = mapped_column(Integer, default=0)

    # Value, cost to serve, lifetime value
    margin_basis_12m: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    cost_to_serve_12m: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    lifetime_value: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    quintile: Mapped[int] = mapped_column(Integer, default=5)  # 1 = most valuable
    segment: Mapped[str] = mapped_column(String(10), default=OTHER)

    # At risk
    usual_interval_days: Mapped[Decimal | None] = mapped_column(Numeric(9, 1))
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    at_risk_reason: Mapped[str | None] = mapped_column(String(30))
    value_at_risk: Mapped[Decimal | None] = mapped_column(Money())
    switches_often: Mapped[bool] = mapped_column(Boolean, default=False)
    pays_poorly: Mapped[bool] = mapped_column(Boolean, default=False)

    buyer = relationship("Company", foreign_keys=[buyer_company_id])

    @classmethod
    def visible_to(cls, company_id: int):
        """A supplier's figures about its customers: the supplier's alone."""
        return cls.supplier_company_id == company_id

    @property
    def buyer_name(self) -> str:
        """The buyer's name: read with the row by the customer table's query, else
        loaded from the company."""
        name = self.__dict__.get("_buyer_name")
        return name if name is not None else self.buyer.name


class CustomerSegmentSnapshot(db.Model):
    """A customer's fifth and segment at the end of a month (``month`` is its first
    day). Written by every recomputation for the current month and by
    ``backfill_segment_history`` for past months."""

    __tablename__ = "crm_segment_snapshots"
    __table_args__ = (
        UniqueConstraint("supplier_company_id", "buyer_company_id", "month"),
        Index("ix_crm_segment_snapshots_month", "supplier_company_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_company_id: Mapped[int] = _company_fk()
    buyer_company_id: Mapped[int] = _company_fk(index=True)
    month: Mapped[date] = mapped_column(Date)
    segment: Mapped[str] = mapped_column(String(10))
    quintile: Mapped[int] = mapped_column(Integer)
    lifetime_value: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    revenue_12m: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3))

    @classmethod
    def visible_to(cls, company_id: int):
        return cls.supplier_company_id == company_id


class AnalyticsSettings(TimestampMixin, db.Model):
    """A supplier's analytics choices. Without a row, the platform defaults apply
    (``CRM_REPORTING_CURRENCY``)."""

    __tablename__ = "crm_analytics_settings"
    __label__ = "Analytics settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company_fk(unique=True)
    reporting_currency: Mapped[str] = mapped_column(String(3))

    @classmethod
    def visible_to(cls, company_id: int):
        return cls.company_id == company_id

"""Reads of a supplier's customer figures: the customer table, the fifths, the segments
(now and month by month) and the at-risk list. Other crm subjects (the portal pages,
the work list, the bench) import these functions; their names and results are a
contract (see CRM_PLAN.md).

Scoped: inside a request, a company reads only its own customers (another supplier's
id gives nothing); without one (a job, the CLI, the bench) the caller names the
supplier. Figures are read from the snapshot rows the recomputation writes; for the
default period (the last 12 months) that is all, for another period the figures of
the period (orders, revenue, margin) are summed from the orders at read time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import has_request_context
from sqlalchemy import Select, and_, distinct, func, select

from marketplace.content.models import Product
from marketplace.core.scoping import acting_as_operator, acting_company_id
from marketplace.core.types import utcnow
from marketplace.crm.models.customers import (
    SEGMENTS,
    CustomerFigures,
    CustomerSegmentSnapshot,
)
from marketplace.crm.periods import Period
from marketplace.crm.queries.customer_facts import (
    CENT,
    RATIO,
    ZERO,
    Converter,
    Windows,
    as_amount,
    counted_orders,
    decimal_setting,
    line_amount,
    line_cost,
    observed_retention,
    sum_if,
)
from marketplace.extensions import db
from marketplace.fulfillment.models import Order, OrderLine
from marketplace.infrastructure.models import Company

# Sort keys of the customer table: column, and whether the largest comes first.
SORTS = {
    "lifetime_value": ("lifetime_value", True),
    "monetary": ("revenue_12m", True),
    "frequency": ("orders_12m", True),
    "margin": ("margin_12m", True),
    "growth_pct": ("growth_pct", True),
    "recency_days": ("recency_days", False),
    "payment_days_median": ("payment_days_median", False),
    "value_at_risk": ("value_at_risk", True),
    "buyer_name": ("buyer_name", False),
}


def _may_read(supplier_id: int) -> bool:
    """A company reads only its own figures; the operator reads none through these
    (the API refuses it first). With no one acting (a job, the CLI, the bench), the
    caller has named the supplier itself."""
    if not has_request_context():
        return True
    company = acting_company_id()
    if company is None:
        return not acting_as_operator()
    return company == supplier_id


# ----- the period's own figures ---------------------------------------------------------


@dataclass
class PeriodFigures:
    orders: int = 0
    revenue: Decimal = ZERO
    margin: Decimal | None = None


def period_figures(supplier_id: int, period: Period, buyer_ids: list[int] | None = None
                   ) -> dict[int, PeriodFigures]:
    """Orders, revenue and known margin per buyer in ``period`` (days included), in
    the supplier's reporting currency: two aggregate queries over the orders."""
    money = Converter.for_supplier(supplier_id)
    start = datetime.combine(period.start, time(), tzinfo=UTC)
    end = datetime.combine(period.end + timedelta(days=1), time(), tzinfo=UTC)
    where = [*counted_orders(supplier_id, end), Order.created_at >= start]
    if buyer_ids is not None:
        where.append(Order.buyer_company_id.in_(buyer_ids))
    found: dict[int, PeriodFigures] = {}
    for buyer_id, count in db.session.execute(
            select(Order.buyer_company_id, func.count(Order.id)).where(*where)
            .group_by(Order.buyer_company_id)):
        found[buyer_id] = PeriodFigures(orders=count)
    known = Product.cost_price.is_not(None)
    stmt = (select(Order.buyer_company_id, Order.currency, Product.currency,
                   as_amount(func.sum(line_amount())),
                   as_amount(sum_if(known, line_amount())),
                   as_amount(sum_if(known, line_cost())),
                   func.count(Product.cost_price))
            .join(OrderLine, OrderLine.order_id == Order.id)
            .outerjoin(Product, Product.id == OrderLine.product_id)
            .where(*where).group_by(Order.buyer_company_id, Order.currency, Product.currency))
    for buyer_id, currency, cost_currency, revenue, covered, cost, costed in \
            db.session.execute(stmt):
        figures = found.setdefault(buyer_id, PeriodFigures())
        figures.revenue += money(revenue, currency)
        if costed:
            figures.margin = (figures.margin or ZERO) + money(covered, currency) \
                - money(cost, cost_currency)
    for figures in found.values():
        figures.revenue = figures.revenue.quantize(CENT)
        if figures.margin is not None:
            figures.margin = figures.margin.quantize(CENT)
    return found


def _with_period(rows: list[CustomerFigures], supplier_id: int, period: Period,
                 live: dict[int, PeriodFigures] | None = None) -> list[CustomerFigures]:
    """Give each row ``frequency``, ``monetary``, ``margin`` and ``average_value`` of
    the period: the stored 12 months for the default period, else summed now."""
    if period.is_default:
        for row in rows:
            row.frequency, row.monetary, row.margin = row.orders_12m, row.revenue_12m, \
                row.margin_12m
            row.average_value = row.average_order_value
        return rows
    if live is None:
        live = period_figures(supplier_id, period, [row.buyer_company_id for row in rows])
    for row in rows:
        figures = live.get(row.buyer_company_id, PeriodFigures())
        row.frequency, row.monetary, row.margin = figures.orders, figures.revenue, \
            figures.margin
        row.average_value = (figures.revenue / figures.orders).quantize(CENT) \
            if figures.orders else None
    return rows


# ----- the customer table -----------------------------------------------------------------


def _figures(supplier_id: int) -> Select:
    """Figures with the buyer's name as a plain column (not a second object per row)
    and the count of every matching row (one round trip for a page and its total)."""
    return (select(CustomerFigures, Company.name, func.count().over())
            .join(Company, Company.id == CustomerFigures.buyer_company_id)
            .where(CustomerFigures.supplier_company_id == supplier_id))


def _named(result) -> tuple[list[CustomerFigures], int | None]:
    rows, total = [], None
    for figures, name, count in result:
        figures._buyer_name, total = name, count
        rows.append(figures)
    return rows, total


def _filtered(stmt: Select, segment: str | None, quintile: int | None,
              at_risk: bool | None) -> Select:
    if segment is not None:
        stmt = stmt.where(CustomerFigures.segment == segment)
    if quintile is not None:
        stmt = stmt.where(CustomerFigures.quintile == quintile)
    if at_risk is not None:
        stmt = stmt.where(CustomerFigures.at_risk.is_(at_risk))
    return stmt


def _order_by(sort: str):
    name, largest_first = SORTS.get(sort, SORTS["lifetime_value"])
    column = Company.name if name == "buyer_name" else getattr(CustomerFigures, name)
    ordered = column.desc() if largest_first else column.asc()
    return [ordered.nulls_last(), CustomerFigures.buyer_company_id.asc()]


_PERIOD_SORTS = {"monetary": "monetary", "frequency": "frequency", "margin": "margin"}


def customer_rows(supplier_id: int, period: Period, *, segment: str | None = None,
                  quintile: int | None = None, at_risk: bool | None = None,
                  sort: str = "lifetime_value", page: int = 1, per_page: int | None = 20
                  ) -> tuple[list[CustomerFigures], int]:
    """One page of a supplier's customers with their figures, and how many there are.
    Each row is a ``CustomerFigures`` with the period's ``frequency``, ``monetary``,
    ``margin`` and ``average_value`` added. ``per_page=None``: every row (exports)."""
    if not _may_read(supplier_id):
        return [], 0
    stmt = _filtered(_figures(supplier_id), segment, quintile, at_risk)
    if period.is_default or sort not in _PERIOD_SORTS:
        stmt = stmt.order_by(*_order_by(sort))
        if per_page is not None:
            stmt = stmt.limit(per_page).offset((page - 1) * per_page)
        rows, total = _named(db.session.execute(stmt))
        if total is None:  # a page past the end: count apart
            total = db.session.scalar(select(func.count()).select_from(
                _filtered(select(CustomerFigures.id).where(
                    CustomerFigures.supplier_company_id == supplier_id),
                    segment, quintile, at_risk).subquery()))
        return _with_period(rows, supplier_id, period), total or 0
    # Sorted by a figure of another period: every row gets it, then the page is cut.
    rows, _ = _named(db.session.execute(stmt))
    rows = _with_period(rows, supplier_id, period, period_figures(supplier_id, period))
    key = _PERIOD_SORTS[sort]
    rows.sort(key=lambda row: (getattr(row, key) is None,
                               -(getattr(row, key) or 0), row.buyer_company_id))
    total = len(rows)
    if per_page is not None:
        rows = rows[(page - 1) * per_page:page * per_page]
    return rows, total


def customer_figures(supplier_id: int, buyer_id: int) -> CustomerFigures | None:
    """One buyer's figures for this supplier (None when it is no customer, or when the
    acting company is not this supplier)."""
    if not _may_read(supplier_id):
        return None
    row = db.session.scalar(select(CustomerFigures).where(
        CustomerFigures.supplier_company_id == supplier_id,
        CustomerFigures.buyer_company_id == buyer_id))
    return _with_period([row], supplier_id, _default_period())[0] if row else None


def _default_period() -> Period:
    from marketplace.crm.periods import last_12_months

    return last_12_months()


def customer_segment_history(supplier_id: int, buyer_id: int) -> list[CustomerSegmentSnapshot]:
    """One customer's segment and fifth month by month, oldest first."""
    if not _may_read(supplier_id):
        return []
    return list(db.session.scalars(select(CustomerSegmentSnapshot).where(
        CustomerSegmentSnapshot.supplier_company_id == supplier_id,
        CustomerSegmentSnapshot.buyer_company_id == buyer_id)
        .order_by(CustomerSegmentSnapshot.month)))


def ltv_parameters(supplier_id: int, as_of: date | None = None) -> dict[str, Decimal]:
    """What the lifetime value was computed with, to show beside the figure: the
    observed retention, the discount rate, the default margin rate and the multiple
    of yearly margin (r / (1 + d − r))."""
    retention = observed_retention(supplier_id, Windows(as_of or utcnow().date()))
    discount = decimal_setting("CRM_DISCOUNT_RATE")
    return {"retention": retention.quantize(RATIO), "discount_rate": discount,
            "default_margin_rate": decimal_setting("CRM_DEFAULT_MARGIN_RATE"),
            "multiple": (retention / (1 + discount - retention)).quantize(RATIO)}


# ----- fifths ----------------------------------------------------------------------------------


@dataclass
class _Member:
    buyer_id: int
    quintile: int
    segment: str
    lifetime_value: Decimal
    revenue: Decimal
    margin: Decimal | None


def _members(supplier_id: int, period: Period) -> list[_Member]:
    """Each customer's fifth, segment and value with its revenue and margin in the
    period: plain tuples from the snapshot (no objects), the period's sums when it is
    not the default one."""
    members = [_Member(*row) for row in db.session.execute(
        select(CustomerFigures.buyer_company_id, CustomerFigures.quintile,
               CustomerFigures.segment, CustomerFigures.lifetime_value,
               CustomerFigures.revenue_12m, CustomerFigures.margin_12m)
        .where(CustomerFigures.supplier_company_id == supplier_id))]
    if not period.is_default:
        live = period_figures(supplier_id, period)
        for member in members:
            figures = live.get(member.buyer_id, PeriodFigures())
            member.revenue, member.margin = figures.revenue, figures.margin
    return members


@dataclass
class QuintileRow:
    quintile: int
    customers: int = 0
    revenue: Decimal = ZERO
    margin: Decimal | None = None
    revenue_share: Decimal | None = None
    margin_share: Decimal | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None


def quintile_rows(supplier_id: int, period: Period) -> list[QuintileRow]:
    """The five fifths (1 = most valuable by lifetime value): how many customers, their
    revenue and known margin in the period, each one's share of the whole, and the
    lifetime values at its bounds."""
    fifths = {q: QuintileRow(q) for q in range(1, 6)}
    if not _may_read(supplier_id):
        return list(fifths.values())
    for row in _members(supplier_id, period):
        fifth = fifths[row.quintile]
        fifth.customers += 1
        fifth.revenue += row.revenue
        if row.margin is not None:
            fifth.margin = (fifth.margin or ZERO) + row.margin
        value = row.lifetime_value
        fifth.min_value = value if fifth.min_value is None else min(fifth.min_value, value)
        fifth.max_value = value if fifth.max_value is None else max(fifth.max_value, value)
    revenue = sum((f.revenue for f in fifths.values()), ZERO)
    margins = [f.margin for f in fifths.values() if f.margin is not None]
    margin = sum(margins, ZERO) if margins else None
    for fifth in fifths.values():
        fifth.revenue_share = (fifth.revenue / revenue).quantize(RATIO) if revenue else None
        if margin:
            fifth.margin_share = ((fifth.margin or ZERO) / margin).quantize(RATIO)
    return list(fifths.values())


# ----- segments ------------------------------------------------------------------------------


@dataclass
class SegmentRow:
    segment: str
    customers: int = 0
    revenue: Decimal = ZERO
    margin: Decimal | None = None
    lifetime_value: Decimal = ZERO


@dataclass
class SegmentMonth:
    month: date
    segment: str
    customers: int


def segment_summary(supplier_id: int, period: Period
                    ) -> tuple[list[SegmentRow], list[SegmentMonth]]:
    """Now: each segment's customers, revenue and margin in the period and lifetime
    value. History: customers per segment at each month's end within the period."""
    current = {name: SegmentRow(name) for name in SEGMENTS}
    if not _may_read(supplier_id):
        return list(current.values()), []
    for row in _members(supplier_id, period):
        summary = current[row.segment]
        summary.customers += 1
        summary.revenue += row.revenue
        summary.lifetime_value += row.lifetime_value
        if row.margin is not None:
            summary.margin = (summary.margin or ZERO) + row.margin
    first_month = period.start.replace(day=1)
    snapshot = CustomerSegmentSnapshot
    history = [SegmentMonth(month, segment, count) for month, segment, count in
               db.session.execute(
                   select(snapshot.month, snapshot.segment, func.count(distinct(snapshot.id)))
                   .where(snapshot.supplier_company_id == supplier_id,
                          and_(snapshot.month >= first_month, snapshot.month <= period.end))
                   .group_by(snapshot.month, snapshot.segment)
                   .order_by(snapshot.month, snapshot.segment))]
    return list(current.values()), history


# ----- at risk -------------------------------------------------------------------------------


def at_risk_rows(supplier_id: int, period: Period, page: int = 1, per_page: int | None = 20
                 ) -> tuple[list[CustomerFigures], int]:
    """Customers at risk (as of the last recomputation), most value at risk first;
    switchers and poor payers are never on it (docs/ANALYTICS.md)."""
    return customer_rows(supplier_id, period, at_risk=True, sort="value_at_risk",
                         page=page, per_page=per_page)

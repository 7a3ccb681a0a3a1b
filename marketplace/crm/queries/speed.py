"""Trade speed read from the facts table: a company's median and 90th percentile per
measure, per month and per member, beside the platform's.

Medians and percentiles are the continuous kind (``percentile_cont``: linear
interpolation between the two middle values), computed in SQL on PostgreSQL and by the
same rule in Python on SQLite, so both give the same figures.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from sqlalchemy import Select, and_, func, or_, select, true

from marketplace.crm.models.speed import (
    ACCEPTED_TO_DOCUMENTS,
    INQUIRY_TO_ORDER,
    INQUIRY_TO_QUOTATION,
    MEASURES,
    PO_TO_ACCEPTED,
    QUOTATION_WON,
    ResponseFact,
    ResponseMonth,
)
from marketplace.extensions import db
from marketplace.fulfillment.models import Order, OrderLine, ShipmentLine, ShippingDocument
from marketplace.infrastructure.models import User
from marketplace.workflow.models import Document

SUPPLIER, BUYER = "supplier", "buyer"
SIDES = (SUPPLIER, BUYER)
# The platform's figures change slowly and cost a scan of every fact in the period:
# each process keeps them this long per period.
PLATFORM_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Scope:
    """Which facts to recompute: all (nothing set), a supplier's, a buyer's, a pair's,
    or those of a few threads (what one document action can change)."""

    supplier_id: int | None = None
    buyer_id: int | None = None
    thread_ids: tuple[int, ...] | None = None

    def where(self, supplier_column, buyer_column, thread_column=None):
        clauses = []
        if self.supplier_id is not None:
            clauses.append(supplier_column == self.supplier_id)
        if self.buyer_id is not None:
            clauses.append(buyer_column == self.buyer_id)
        if self.thread_ids is not None and thread_column is not None:
            clauses.append(thread_column.in_(self.thread_ids))
        return and_(true(), *clauses)


def first_shipping_documents(scope: Scope) -> Select:
    """(po_id, at): for each purchase order an order was made from, when the first
    shipping document (commercial invoice, packing list or shipping advice) of a shipment
    carrying the order's goods was made, for the orders in ``scope``."""
    return (select(Order.purchase_order_id.label("po_id"),
                   func.min(ShippingDocument.created_at).label("at"))
            .select_from(ShippingDocument)
            .join(ShipmentLine, ShipmentLine.shipment_id == ShippingDocument.shipment_id)
            .join(OrderLine, OrderLine.id == ShipmentLine.order_line_id)
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.purchase_order_id.is_not(None),
                   scope.where(Order.supplier_company_id, Order.buyer_company_id),
                   true() if scope.thread_ids is None else Order.purchase_order_id.in_(
                       select(Document.id).where(Document.thread_id.in_(scope.thread_ids),
                                                 Document.type == "purchase_order")))
            .group_by(Order.purchase_order_id))


@dataclass
class SpeedFigures:
    """One company's (or member's, or month's, or the platform's) trade speed."""

    inquiries: int = 0
    inquiries_answered: int = 0
    response_rate: float | None = None  # share of inquiries answered with a quotation
    inquiry_to_quotation_hours_median: float | None = None
    inquiry_to_quotation_hours_p90: float | None = None
    inquiry_to_order_days_median: float | None = None
    inquiry_to_order_days_p90: float | None = None
    purchase_orders: int = 0
    po_to_accepted_hours_median: float | None = None
    po_to_accepted_hours_p90: float | None = None
    po_to_documents_hours_median: float | None = None
    po_to_documents_hours_p90: float | None = None
    quotations: int = 0
    quotations_won: int = 0
    quotation_win_rate: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class MonthSpeed(SpeedFigures):
    month: str = ""  # "2026-03"


@dataclass
class MemberSpeed(SpeedFigures):
    member_id: int | None = None
    member_name: str = ""


@dataclass
class SpeedReport:
    """What ``GET /analytics/response-times`` answers."""

    company_id: int | None
    side: str
    period: str
    date_from: date
    date_to: date
    company: SpeedFigures
    platform: SpeedFigures
    months: list[MonthSpeed] = field(default_factory=list)
    members: list[MemberSpeed] = field(default_factory=list)


# ----- percentiles -----------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float | None:
    """``percentile_cont``: the value at ``fraction`` of the sorted values, interpolated."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@dataclass
class _Stats:
    count: int = 0
    measured: int = 0
    mean: float | None = None
    median: float | None = None
    p90: float | None = None


def _stats_rows(keys: list, where) -> dict[tuple, dict[str, _Stats]]:
    """{group key: {measure: stats}} for the facts matching ``where``, grouped by ``keys``."""
    found: dict[tuple, dict[str, _Stats]] = {}
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = (select(*keys, ResponseFact.measure, func.count(), func.count(ResponseFact.value),
                       func.avg(ResponseFact.value),
                       func.percentile_cont(0.5).within_group(ResponseFact.value),
                       func.percentile_cont(0.9).within_group(ResponseFact.value))
                .where(where).group_by(*keys, ResponseFact.measure))
        for row in db.session.execute(stmt):
            key, (measure, count, measured, mean, median, p90) = tuple(row[:len(keys)]), \
                row[len(keys):]
            found.setdefault(key, {})[measure] = _Stats(count, measured, mean, median, p90)
        return found
    values: dict[tuple, dict[str, list]] = {}
    for row in db.session.execute(select(*keys, ResponseFact.measure, ResponseFact.value)
                                  .where(where)):
        key, measure, value = tuple(row[:len(keys)]), row[-2], row[-1]
        values.setdefault(key, {}).setdefault(measure, []).append(value)
    for key, measures in values.items():
        for measure, listed in measures.items():
            found.setdefault(key, {})[measure] = _stats_of(listed)
    return found


def _stats_of(listed: list) -> _Stats:
    known = [value for value in listed if value is not None]
    return _Stats(len(listed), len(known), sum(known) / len(known) if known else None,
                  percentile(known, 0.5), percentile(known, 0.9))


def _rounded(value: float | None, places: int = 2, scale: float = 1.0) -> float | None:
    return None if value is None else round(float(value) / scale, places)


def _figures(stats: dict[str, _Stats], into: SpeedFigures) -> SpeedFigures:
    asked = stats.get(INQUIRY_TO_QUOTATION, _Stats())
    into.inquiries, into.inquiries_answered = asked.count, asked.measured
    into.response_rate = _rounded(asked.measured / asked.count, 4) if asked.count else None
    into.inquiry_to_quotation_hours_median = _rounded(asked.median)
    into.inquiry_to_quotation_hours_p90 = _rounded(asked.p90)
    ordered = stats.get(INQUIRY_TO_ORDER, _Stats())
    into.inquiry_to_order_days_median = _rounded(ordered.median, scale=24.0)
    into.inquiry_to_order_days_p90 = _rounded(ordered.p90, scale=24.0)
    accepted = stats.get(PO_TO_ACCEPTED, _Stats())
    into.purchase_orders = accepted.count
    into.po_to_accepted_hours_median = _rounded(accepted.median)
    into.po_to_accepted_hours_p90 = _rounded(accepted.p90)
    papers = stats.get(ACCEPTED_TO_DOCUMENTS, _Stats())
    into.po_to_documents_hours_median = _rounded(papers.median)
    into.po_to_documents_hours_p90 = _rounded(papers.p90)
    won = stats.get(QUOTATION_WON, _Stats())
    into.quotations = won.count
    into.quotations_won = round((won.mean or 0) * won.measured)
    into.quotation_win_rate = _rounded(won.mean, 4)
    return into


# ----- the report ------------------------------------------------------------------------


def _in_period(date_from: date, date_to: date):
    start = datetime.combine(date_from, clock.min, tzinfo=UTC)
    end = datetime.combine(date_to + timedelta(days=1), clock.min, tzinfo=UTC)
    return and_(ResponseFact.started_at >= start, ResponseFact.started_at < end)


def _of_company(company_id: int | None, side: str):
    """The company's facts on one side of the trade (every fact when ``company_id`` is
    None: the platform, as the operator sees it)."""
    if company_id is None:
        return true()
    column = ResponseFact.supplier_company_id if side == SUPPLIER else \
        ResponseFact.buyer_company_id
    return column == company_id


def _member_column(side: str):
    return ResponseFact.supplier_member_id if side == SUPPLIER else ResponseFact.buyer_member_id


def company_figures(company_id: int | None, date_from: date, date_to: date,
                    side: str = SUPPLIER) -> SpeedFigures:
    """The company's figures over the period, on one side of the trade."""
    where = and_(_of_company(company_id, side), _in_period(date_from, date_to))
    return _figures(_stats_rows([], where).get((), {}), SpeedFigures())


def monthly_figures(company_id: int | None, date_from: date, date_to: date,
                    side: str = SUPPLIER) -> list[MonthSpeed]:
    """One row per month of the period (months without facts included, empty)."""
    where = and_(_of_company(company_id, side), _in_period(date_from, date_to))
    found = {key[0]: stats for key, stats in _stats_rows([ResponseFact.month], where).items()}
    rows = []
    for first in months_between(date_from, date_to):
        stats = found.get(first) or found.get(first.isoformat()) or {}
        rows.append(_figures(stats, MonthSpeed(month=first.strftime("%Y-%m"))))
    return rows


def member_figures(company_id: int, date_from: date, date_to: date,
                   side: str = SUPPLIER) -> list[MemberSpeed]:
    """One row per member of the company who had a part in the period's facts (the
    member in charge of the inquiry or order, the maker of the quotation), by name."""
    if company_id is None:
        return []
    member = _member_column(side)
    where = and_(_of_company(company_id, side), _in_period(date_from, date_to))
    return _member_rows({key[0]: stats for key, stats in _stats_rows([member], where).items()})


_platform_cache: dict[tuple, tuple[float, SpeedFigures]] = {}
_platform_lock = threading.Lock()


def platform_figures(date_from: date, date_to: date, *, fresh: bool = False) -> SpeedFigures:
    """Every company's facts together: the platform-wide median beside a company's own
    (cached per period for ``PLATFORM_CACHE_SECONDS`` in this process)."""
    # The engine (a session may be bound to one connection, as the tests share one).
    key = (db.session.get_bind().engine.url.render_as_string(), date_from, date_to)
    now = time.monotonic()
    with _platform_lock:
        cached = _platform_cache.get(key)
    if cached and not fresh and now - cached[0] < PLATFORM_CACHE_SECONDS:
        return cached[1]
    figures = _figures(_stats_rows([], _in_period(date_from, date_to)).get((), {}),
                       SpeedFigures())
    with _platform_lock:
        _platform_cache[key] = (now, figures)
    return figures


def forget_platform_figures() -> None:
    """The facts were recomputed: the next read computes the platform's figures again."""
    with _platform_lock:
        _platform_cache.clear()


def response_times(company_id: int | None, date_from: date, date_to: date, *, side: str = SUPPLIER,
                   period: str = "month") -> SpeedReport:
    """The whole response-time view for one company: its figures, the platform's, one
    row per month and one per member. One read of the company's facts (on PostgreSQL
    from the covering index, grouped three ways at once); the platform's is cached."""
    if company_id is None:
        company = company_figures(None, date_from, date_to, side)
        months = monthly_figures(None, date_from, date_to, side)
        members: list[MemberSpeed] = []
    else:
        company, months, members = _company_report(company_id, date_from, date_to, side)
    return SpeedReport(
        company_id=company_id, side=side, period=period, date_from=date_from, date_to=date_to,
        company=company, platform=platform_figures(date_from, date_to), months=months,
        members=members)


def _company_report(company_id: int, date_from: date, date_to: date, side: str
                    ) -> tuple[SpeedFigures, list[MonthSpeed], list[MemberSpeed]]:
    """The company's figures, months and members over the period from the snapshot
    (``ResponseMonth``: each month's sorted values per member and measure) for the
    months the period covers whole, and from the facts for the one or two months it
    covers in part; the values are merged and the percentiles taken in Python (the same
    ``percentile_cont`` rule as SQL), so nothing is sorted in the database per request."""
    whole, parts = [], []
    for first in months_between(date_from, date_to):
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        if first >= date_from and last <= date_to:
            whole.append(first)
        else:
            parts.append(_in_period(max(first, date_from), min(last, date_to)))
    runs: dict[tuple, dict[str, list]] = {}

    def add(month, member_id, measure: str, count: int, values: list) -> None:
        for key in (("total",), ("month", month), ("member", member_id)):
            found = runs.setdefault(key, {}).setdefault(measure, [0, []])
            found[0] += count
            found[1].append(values)

    if whole:
        for row in db.session.execute(
                select(ResponseMonth.month, ResponseMonth.member_id, ResponseMonth.measure,
                       ResponseMonth.count, ResponseMonth.values)
                .where(ResponseMonth.company_id == company_id, ResponseMonth.side == side,
                       ResponseMonth.month.in_(whole))):
            add(*row)
    if parts:
        loose: dict[tuple, list] = {}
        for month, member_id, measure, value in db.session.execute(
                select(ResponseFact.month, _member_column(side), ResponseFact.measure,
                       ResponseFact.value)
                .where(_of_company(company_id, side), or_(*parts))):
            found = loose.setdefault((month, member_id, measure), [0, []])
            found[0] += 1
            if value is not None:
                found[1].append(value)
        for (month, member_id, measure), (count, values) in loose.items():
            add(month, member_id, measure, count, sorted(values))
    merged = {key: {measure: _merged_stats(count, listed)
                    for measure, (count, listed) in measures.items()}
              for key, measures in runs.items()}
    months = [_figures(merged.get(("month", first)) or {},
                       MonthSpeed(month=first.strftime("%Y-%m")))
              for first in months_between(date_from, date_to)]
    by_member = {key[1]: stats for key, stats in merged.items() if key[0] == "member"}
    return _figures(merged.get(("total",), {}), SpeedFigures()), months, _member_rows(by_member)


def _merged_stats(count: int, runs: list[list]) -> _Stats:
    """Count, mean, median and p90 of sorted runs of values (merged by one sort, which
    takes runs already in order in linear time)."""
    ordered = runs[0] if len(runs) == 1 else sorted(value for run in runs for value in run)
    if not ordered:
        return _Stats(count, 0)
    return _Stats(count, len(ordered), sum(ordered) / len(ordered),
                  _sorted_percentile(ordered, 0.5), _sorted_percentile(ordered, 0.9))


def _sorted_percentile(ordered: list, fraction: float) -> float:
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _member_rows(found: dict) -> list[MemberSpeed]:
    ids = [member_id for member_id in found if member_id is not None]
    names = dict(db.session.execute(select(User.id, User.full_name).where(
        User.id.in_(ids))).all()) if ids else {}
    rows = [_figures(stats, MemberSpeed(member_id=key, member_name=names.get(key, "")))
            for key, stats in found.items()]
    return sorted(rows, key=lambda row: (row.member_id is None, row.member_name.lower()))


def months_between(date_from: date, date_to: date) -> list[date]:
    first, rows = date_from.replace(day=1), []
    while first <= date_to:
        rows.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return rows


# ----- the public profile ----------------------------------------------------------------


@dataclass
class ProfileSpeed:
    """What a supplier's public profile shows: how fast and how often it answers."""

    response_hours_median: float | None
    response_rate: float | None
    inquiries: int


def supplier_profile_speed(supplier_id: int, today: date | None = None) -> ProfileSpeed:
    """The supplier's median inquiry → quotation time and response rate over the last
    12 months (as buyers see it on the public profile)."""
    today = today or datetime.now(UTC).date()
    figures = company_figures(supplier_id, today - timedelta(days=365), today, SUPPLIER)
    return ProfileSpeed(figures.inquiry_to_quotation_hours_median, figures.response_rate,
                        figures.inquiries)


__all__ = ["MEASURES", "SIDES", "SpeedFigures", "SpeedReport", "company_figures",
           "forget_platform_figures", "member_figures", "monthly_figures", "percentile",
           "platform_figures", "response_times", "supplier_profile_speed"]

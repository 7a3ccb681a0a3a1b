"""crm's part of the personal office: inquiries waiting for an answer, aged against the
response-time target of the buyer's segment, and the office's figures.

Trading lists the inquiries not yet quoted (``trading.queries.office.inquiries_waiting``); crm
knows each buyer's segment and the supplier's target for it (``SegmentTreatment.
response_hours``), else ``CRM_RESPONSE_TARGET_HOURS``, so the work item is made here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app, url_for
from sqlalchemy import func, select, true

from marketplace.core.types import utcnow
from marketplace.crm.models.treatments import SegmentTreatment
from marketplace.extensions import db
from marketplace.fulfillment.models import Order, OrderLine, OrderStatus
from marketplace.infrastructure.office import WorkItem, register_work_items
from marketplace.trading.queries import office as trading_queries
from marketplace.workflow.models import Document

DEFAULT_RESPONSE_TARGET_HOURS = 24


def default_target_hours() -> int:
    return int(current_app.config.get("CRM_RESPONSE_TARGET_HOURS",
                                      DEFAULT_RESPONSE_TARGET_HOURS))


def _segments(supplier_id: int, buyer_ids: set[int]) -> dict[int, str]:
    """Each buyer's current segment with this supplier (none before figures exist)."""
    try:
        from marketplace.crm.models.customers import CustomerFigures
    except ImportError:  # the customer figures are not built yet: every target the default
        return {}
    return dict(db.session.execute(
        select(CustomerFigures.buyer_company_id, CustomerFigures.segment).where(
            CustomerFigures.supplier_company_id == supplier_id,
            CustomerFigures.buyer_company_id.in_(buyer_ids))).all())


def response_targets(supplier_id: int, buyer_ids: set[int]) -> dict[int, int]:
    """Hours the supplier means to answer each buyer in: its segment's target, else the
    platform default."""
    if not buyer_ids:
        return {}
    segments = _segments(supplier_id, buyer_ids)
    by_segment = dict(db.session.execute(
        select(SegmentTreatment.segment, SegmentTreatment.response_hours).where(
            SegmentTreatment.supplier_company_id == supplier_id,
            SegmentTreatment.response_hours.is_not(None))).all())
    default = default_target_hours()
    return {buyer_id: by_segment.get(segments.get(buyer_id, "other")) or default
            for buyer_id in buyer_ids}


@register_work_items
def inquiries_to_answer(actor) -> list[WorkItem]:
    inquiries = trading_queries.inquiries_waiting(actor)
    if not inquiries:
        return []
    targets = response_targets(actor.company.id, {inq.issuer_company_id for inq in inquiries})
    return [WorkItem(kind="inquiry_to_answer", title=inquiry.number,
                     detail=f"{inquiry.issuer.name}" + (f" · {inquiry.subject}"
                                                       if inquiry.subject else ""),
                     link=url_for("trading.document_page", document_id=inquiry.id),
                     since=inquiry.sent_at, document_id=inquiry.id,
                     due_at=inquiry.sent_at + timedelta(hours=targets[inquiry.issuer_company_id]))
            for inquiry in inquiries]


# ----- the office's figures -----------------------------------------------------------------


def _month_start(day: date) -> datetime:
    return datetime.combine(day.replace(day=1), time.min, UTC)


def _months_back(today: date, count: int) -> list[date]:
    first, months = today.replace(day=1), []
    for _ in range(count):
        months.insert(0, first)
        first = (first - timedelta(days=1)).replace(day=1)
    return months


def _order_totals(where, since: datetime) -> tuple[dict[str, int], dict[str, Decimal]]:
    """Orders per month ("2026-03") and this period's value per currency."""
    rows = db.session.execute(
        select(Order.id, Order.created_at, Order.currency, OrderLine.quantity,
               OrderLine.unit_price)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(where, Order.created_at >= since, Order.status != OrderStatus.CANCELLED,
               Order.merged_into_id.is_(None))).all()
    orders: dict[str, set[int]] = defaultdict(set)
    value: dict[str, Decimal] = defaultdict(Decimal)
    for order_id, created_at, currency, quantity, unit_price in rows:
        month = created_at.strftime("%Y-%m")
        orders[month].add(order_id)
        value[(month, currency)] += quantity * unit_price
    return {month: len(ids) for month, ids in orders.items()}, value


@dataclass
class OfficeFigures:
    month: str  # "2026-12"
    orders: int
    value: dict[str, Decimal]  # this month's order value per currency
    orders_by_month: list[tuple[str, int]]  # the last six months
    response_hours_median: float | None = None
    customers_at_risk: int | None = None  # suppliers only
    side: str = "supplier"


def office_figures(company, today: date | None = None) -> OfficeFigures:
    """This month's figures of the member's company: orders received (a supplier) or
    placed (a buyer), their value, the median hours from inquiry to quotation, and for
    a supplier the customers at risk (crm's own figures where they exist)."""
    today = today or utcnow().date()
    side = "supplier" if company.is_supplier else "buyer"
    column = Order.supplier_company_id if side == "supplier" else Order.buyer_company_id
    months = _months_back(today, 6)
    per_month, value = _order_totals(column == company.id, _month_start(months[0]))
    this_month = today.strftime("%Y-%m")
    return OfficeFigures(
        month=this_month, orders=per_month.get(this_month, 0), side=side,
        value={currency: amount for (month, currency), amount in sorted(value.items())
               if month == this_month},
        orders_by_month=[(m.strftime("%Y-%m"), per_month.get(m.strftime("%Y-%m"), 0))
                         for m in months],
        response_hours_median=_response_hours(company.id, side, today),
        customers_at_risk=_at_risk(company.id) if side == "supplier" else None)


def _response_hours(company_id: int, side: str, today: date) -> float | None:
    """This month's median hours from inquiry to first quotation (crm's speed facts)."""
    try:
        from marketplace.crm.queries import speed
    except ImportError:
        return None
    figures = speed.company_figures(company_id, today.replace(day=1), today, side)
    return figures.inquiry_to_quotation_hours_median


def _at_risk(supplier_id: int) -> int | None:
    try:
        from marketplace.crm.periods import last_12_months
        from marketplace.crm.queries.customers import at_risk_rows
    except ImportError:
        return None
    return at_risk_rows(supplier_id, last_12_months(), 1, 1)[1]


@dataclass
class PlatformFigures:
    month: str
    documents: int
    orders: int
    value: dict[str, Decimal]
    orders_by_month: list[tuple[str, int]]


def platform_figures(today: date | None = None) -> PlatformFigures:
    """The operator's totals: documents and orders this month, trade value by currency."""
    today = today or utcnow().date()
    months = _months_back(today, 6)
    per_month, value = _order_totals(true(), _month_start(months[0]))
    this_month = today.strftime("%Y-%m")
    documents = db.session.scalar(select(func.count()).select_from(Document).where(
        Document.created_at >= _month_start(today))) or 0
    return PlatformFigures(
        month=this_month, documents=documents, orders=per_month.get(this_month, 0),
        value={currency: amount for (month, currency), amount in sorted(value.items())
               if month == this_month},
        orders_by_month=[(m.strftime("%Y-%m"), per_month.get(m.strftime("%Y-%m"), 0))
                         for m in months])

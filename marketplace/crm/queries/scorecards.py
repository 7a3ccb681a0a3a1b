"""Supplier scorecards: how each supplier served one buyer, from the trade records.

Every figure is computed from rows both parties produced (order lines, shipment
events, the buyer's goods receipts, inquiries and quotations, discrepancy claims),
for one buyer and one period; the formulas are in docs/ANALYTICS.md ("Supplier
scorecards"). A rate with nothing to measure is None (shown as "–"), never 0 or 1.

Rows are read per buyer in a handful of set queries (one per figure, all suppliers at
once) and reduced in Python, so SQLite and PostgreSQL give the same answers and no
supplier costs a query of its own.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import (
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShipmentStatus,
)
from marketplace.infrastructure.models import Company
from marketplace.supplier_link.models import (
    Discrepancy,
    DiscrepancyStatus,
    GoodsReceipt,
    GoodsReceiptLine,
    RejectionReason,
)
from marketplace.workflow.models import Document

ZERO = Decimal(0)
RATE = Decimal("0.0001")
HOURS = Decimal("0.01")
PERCENT = Decimal("0.01")
# Shipment statuses that say the goods reached the buyer's side.
ARRIVED = (ShipmentStatus.ARRIVED, ShipmentStatus.CUSTOMS_CLEARED, ShipmentStatus.DELIVERED)


@dataclass
class RepeatedItem:
    """One product ordered more than once from the supplier: first and last price."""

    key: str  # the product's SKU (or description when it has none)
    description: str
    currency: str
    times_ordered: int
    first_price: Decimal
    last_price: Decimal

    @property
    def change_pct(self) -> Decimal | None:
        if self.first_price <= 0:
            return None
        return ((self.last_price - self.first_price) * 100 / self.first_price).quantize(PERCENT)


@dataclass
class SupplierScorecard:
    supplier_id: int
    supplier_name: str
    orders: int = 0
    deliveries: int = 0  # order lines with a requested date, measured on time or late
    on_time_deliveries: int = 0
    shipped_quantity: Decimal = ZERO  # of the shipment lines the buyer counted
    short_quantity: Decimal = ZERO
    received_quantity: Decimal = ZERO
    damaged_quantity: Decimal = ZERO
    inquiries: int = 0
    inquiries_answered: int = 0
    response_hours: list[Decimal] = field(default_factory=list)
    claims: int = 0
    claims_resolved: int = 0
    repeated_items: list[RepeatedItem] = field(default_factory=list)

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.on_time_deliveries, self.deliveries)

    @property
    def shortage_rate(self) -> Decimal | None:
        return _rate(self.short_quantity, self.shipped_quantity)

    @property
    def damage_rate(self) -> Decimal | None:
        return _rate(self.damaged_quantity, self.received_quantity)

    @property
    def response_hours_median(self) -> Decimal | None:
        if not self.response_hours:
            return None
        return Decimal(statistics.median(self.response_hours)).quantize(HOURS)

    @property
    def claims_resolved_rate(self) -> Decimal | None:
        return _rate(self.claims_resolved, self.claims)

    @property
    def price_trend_pct(self) -> Decimal | None:
        """The mean change, first to last price, of the items ordered more than once."""
        changes = [item.change_pct for item in self.repeated_items if item.change_pct is not None]
        if not changes:
            return None
        return (sum(changes, ZERO) / len(changes)).quantize(PERCENT)


def _rate(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first and last day, as the instants [start 00:00, end+1 00:00) UTC."""
    return (datetime.combine(start, time.min, UTC),
            datetime.combine(end + timedelta(days=1), time.min, UTC))


# ----- the figures, each for every supplier of the buyer at once --------------------------


def _orders(buyer_id: int, since: datetime, until: datetime):
    """The buyer's order lines of orders placed in the period, with the requested
    date (the line's own, else the purchase order's delivery date)."""
    return db.session.execute(
        select(Order.id, Order.supplier_company_id, Order.status, Order.currency,
               Order.created_at, OrderLine.id, OrderLine.product_id, OrderLine.sku,
               OrderLine.description, OrderLine.unit_price,
               func.coalesce(OrderLine.requested_delivery_date, Document.delivery_date))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .outerjoin(Document, Document.id == Order.purchase_order_id)
        .where(Order.buyer_company_id == buyer_id, Order.created_at >= since,
               Order.created_at < until, Order.status != OrderStatus.CANCELLED,
               Order.merged_into_id.is_(None))
        .order_by(Order.created_at, Order.id, OrderLine.position, OrderLine.id)).all()


def _arrivals(order_line_ids: list[int]) -> dict[int, list[date]]:
    """Per order line, the day each shipment carrying it (replacements aside) reached
    the buyer: its first arrival/clearance/delivery event, else the buyer's first
    receipt of that shipment, when the supplier recorded no event."""
    if not order_line_ids:
        return {}
    event = (select(ShipmentEvent.shipment_id, func.min(ShipmentEvent.at).label("at"))
             .where(ShipmentEvent.status.in_([status.value for status in ARRIVED]))
             .group_by(ShipmentEvent.shipment_id).subquery())
    receipt = (select(GoodsReceipt.shipment_id, func.min(GoodsReceipt.received_on).label("on"))
               .where(GoodsReceipt.shipment_id.is_not(None))
               .group_by(GoodsReceipt.shipment_id).subquery())
    rows = db.session.execute(
        select(ShipmentLine.order_line_id, event.c.at, receipt.c.on)
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .outerjoin(event, event.c.shipment_id == Shipment.id)
        .outerjoin(receipt, receipt.c.shipment_id == Shipment.id)
        .where(ShipmentLine.order_line_id.in_(order_line_ids),
               ShipmentLine.replaces_line_id.is_(None))).all()
    arrivals: dict[int, list[date]] = defaultdict(list)
    for order_line_id, event_at, received_on in rows:
        if event_at is not None:
            arrivals[order_line_id].append(_as_utc(event_at).date())
        elif received_on is not None:
            arrivals[order_line_id].append(received_on)
    return arrivals


def _as_utc(value: datetime) -> datetime:
    """MIN() over a UTC column comes back without the column's type on SQLite."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _count_deliveries(cards, lines, today: date) -> None:
    """On time: a shipment carrying the line arrived on or before the requested date.
    Late: it arrived after, or nothing arrived and the requested date has passed."""
    dated = [line for line in lines if line[10] is not None]
    arrivals = _arrivals([line[5] for line in dated])
    for line in dated:
        card, requested = cards[line[1]], line[10]
        arrived = arrivals.get(line[5], [])
        for day in arrived:
            card.deliveries += 1
            card.on_time_deliveries += day <= requested
        if not arrived and requested < today and line[2] != OrderStatus.CLOSED:
            card.deliveries += 1  # overdue: counted late until it arrives


def _price_trends(cards, lines) -> None:
    """Items (the same product, in the same currency) ordered in more than one order."""
    prices: dict[tuple, list] = defaultdict(list)
    for (order_id, supplier_id, _status, currency, _at, _line_id, product_id, sku,
         description, unit_price, _requested) in lines:
        key = (supplier_id, product_id or sku or description.strip().lower(), currency)
        prices[key].append((order_id, sku or description, description, unit_price))
    for (supplier_id, _item, currency), seen in prices.items():
        if len({order_id for order_id, *_ in seen}) < 2:
            continue
        cards[supplier_id].repeated_items.append(RepeatedItem(
            key=seen[0][1], description=seen[0][2], currency=currency,
            times_ordered=len({order_id for order_id, *_ in seen}),
            first_price=seen[0][3], last_price=seen[-1][3]))


def _receipts(cards, buyer_id: int, start: date, end: date) -> None:
    """Short: shipped on a counted shipment line minus what the buyer received on it.
    Damaged: received but rejected as damaged."""
    rows = db.session.execute(
        select(GoodsReceipt.supplier_company_id, GoodsReceiptLine.shipment_line_id,
               ShipmentLine.quantity, GoodsReceiptLine.quantity_received,
               GoodsReceiptLine.quantity_rejected, GoodsReceiptLine.reason)
        .join(GoodsReceipt, GoodsReceipt.id == GoodsReceiptLine.receipt_id)
        .outerjoin(ShipmentLine, ShipmentLine.id == GoodsReceiptLine.shipment_line_id)
        .where(GoodsReceipt.buyer_company_id == buyer_id, GoodsReceipt.received_on >= start,
               GoodsReceipt.received_on <= end)).all()
    counted: dict[tuple[int, int], list[Decimal]] = {}
    for supplier_id, shipment_line_id, shipped, received, rejected, reason in rows:
        card = _card(cards, supplier_id)
        card.received_quantity += received
        if reason == RejectionReason.DAMAGED:
            card.damaged_quantity += rejected
        if shipment_line_id is not None:
            counted.setdefault((supplier_id, shipment_line_id), [shipped, ZERO])[1] += received
    for (supplier_id, _line), (shipped, received) in counted.items():
        cards[supplier_id].shipped_quantity += shipped
        cards[supplier_id].short_quantity += max(shipped - received, ZERO)


def _responses(cards, buyer_id: int, since: datetime, until: datetime) -> None:
    """Hours from the buyer's inquiry to the supplier's first quotation in its thread."""
    inquiries = db.session.execute(
        select(Document.id, Document.recipient_company_id, Document.thread_id, Document.sent_at)
        .where(Document.type == "inquiry", Document.issuer_company_id == buyer_id,
               Document.recipient_company_id.is_not(None), Document.sent_at >= since,
               Document.sent_at < until)).all()
    if not inquiries:
        return
    quotations: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for thread_id, supplier_id, sent_at in db.session.execute(
            select(Document.thread_id, Document.issuer_company_id, Document.sent_at)
            .where(Document.type == "quotation", Document.recipient_company_id == buyer_id,
                   Document.sent_at.is_not(None),
                   Document.thread_id.in_({row[2] for row in inquiries}))):
        quotations[(thread_id, supplier_id)].append(sent_at)
    for _id, supplier_id, thread_id, asked_at in inquiries:
        card = _card(cards, supplier_id)
        card.inquiries += 1
        answers = [at for at in quotations.get((thread_id, supplier_id), []) if at >= asked_at]
        if answers:
            card.inquiries_answered += 1
            seconds = Decimal((min(answers) - asked_at).total_seconds())
            card.response_hours.append(seconds / 3600)


def _claims(cards, buyer_id: int, since: datetime, until: datetime) -> None:
    """Discrepancies the buyer claimed in the period, and those of them now closed."""
    for supplier_id, status in db.session.execute(
            select(Discrepancy.supplier_company_id, Discrepancy.status)
            .where(Discrepancy.buyer_company_id == buyer_id,
                   Discrepancy.claim_document_id.is_not(None),
                   Discrepancy.created_at >= since, Discrepancy.created_at < until)):
        card = _card(cards, supplier_id)
        card.claims += 1
        card.claims_resolved += status == DiscrepancyStatus.CLOSED


def _card(cards: dict[int, SupplierScorecard], supplier_id: int) -> SupplierScorecard:
    if supplier_id not in cards:
        cards[supplier_id] = SupplierScorecard(supplier_id, "")
    return cards[supplier_id]


# ----- public interface --------------------------------------------------------------------


def scorecards(buyer_id: int, start: date, end: date, *,
               today: date | None = None) -> list[SupplierScorecard]:
    """Every supplier the buyer dealt with in the period (an order, an inquiry, a
    receipt or a claim), by name."""
    today = today or utcnow().date()
    since, until = _bounds(start, end)
    cards: dict[int, SupplierScorecard] = {}
    lines = _orders(buyer_id, since, until)
    for supplier_id, order_ids in _group(lines).items():
        _card(cards, supplier_id).orders = len(order_ids)
    _count_deliveries(cards, lines, today)
    _price_trends(cards, lines)
    _receipts(cards, buyer_id, start, end)
    _responses(cards, buyer_id, since, until)
    _claims(cards, buyer_id, since, until)
    names = dict(db.session.execute(
        select(Company.id, Company.name).where(Company.id.in_(list(cards)))).all())
    for card in cards.values():
        card.supplier_name = names.get(card.supplier_id, "")
    return sorted(cards.values(), key=lambda card: (card.supplier_name.lower(), card.supplier_id))


def _group(lines) -> dict[int, set[int]]:
    orders: dict[int, set[int]] = defaultdict(set)
    for line in lines:
        orders[line[1]].add(line[0])
    return orders


def scorecard_rows(buyer_id: int, start: date, end: date, *, page: int = 1,
                   per_page: int = 20) -> tuple[list[SupplierScorecard], int]:
    """One page of the buyer's scorecards and how many there are."""
    cards = scorecards(buyer_id, start, end)
    return cards[(page - 1) * per_page: page * per_page], len(cards)

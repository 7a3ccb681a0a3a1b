"""What the trade records say about a supplier's customers, as read for the figures.

The reads behind ``crm/operations/customers.py``: orders, their lines and products,
invoices and payments, claims, returns and discrepancies, and quotations, each read with
aggregate SQL grouped by buyer (and by currency, converted afterwards): one query per
family of figures for all of a supplier's customers, never a query per customer.
Medians (days to pay, gap between orders) and "the last N quotations" are taken from one
ordered query each, reduced per buyer while reading (SQLite has no median function).

They live in crm's queries room because they join other modules' tables (fulfillment,
supplier link, content) read-only; the operations turn the facts into figures and write
them. The methods and their parameters are described in ``docs/ANALYTICS.md``; the
parameters live in ``config/crm.py``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import and_, case, distinct, func, literal, select, type_coerce
from sqlalchemy.sql import ColumnElement

from config.crm import CrmSettings
from marketplace.content.models import Product
from marketplace.core.types import Money, ScaledDecimal
from marketplace.crm.models.customers import AnalyticsSettings
from marketplace.extensions import db
from marketplace.fulfillment.models import Invoice, Order, OrderLine, OrderStatus, Payment
from marketplace.supplier_link.models import Discrepancy, ReturnRequest
from marketplace.workflow.models import Document

log = logging.getLogger(__name__)

YEAR = timedelta(days=365)
CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
ZERO = Decimal(0)
# Line amounts are quantity × price: on SQLite both are integers of 1/10⁴, so the
# product is in 1/10⁸; on PostgreSQL a NUMERIC. This type reads either as a Decimal.
AMOUNT = ScaledDecimal(38, 8)
SENT_STATUSES = ("sent", "accepted", "declined", "cancelled", "closed")


# ----- settings and money ------------------------------------------------------------------


def setting(name: str) -> Any:
    """A crm setting: the app's value, else the default of ``config/crm.py``."""
    return current_app.config.get(name, getattr(CrmSettings, name))


def decimal_setting(name: str) -> Decimal:
    return Decimal(str(setting(name)))


def reporting_currency(supplier_id: int) -> str:
    chosen = db.session.scalar(select(AnalyticsSettings.reporting_currency).where(
        AnalyticsSettings.company_id == supplier_id))
    return chosen or setting("CRM_REPORTING_CURRENCY")


@dataclass
class Converter:
    """Amounts of any currency in the reporting currency, by the settings' rates."""

    currency: str
    rates: dict[str, Decimal]

    @classmethod
    def for_supplier(cls, supplier_id: int) -> Converter:
        rates = {code: Decimal(str(rate))
                 for code, rate in setting("CRM_EXCHANGE_RATES").items()}
        return cls(reporting_currency(supplier_id), rates)

    def knows(self, currency: str | None) -> bool:
        return currency in self.rates and self.currency in self.rates

    def __call__(self, amount: Decimal | None, currency: str | None) -> Decimal:
        """``amount`` of ``currency`` in the reporting currency; an unknown currency
        counts nothing (and is logged), a figure never mixes currencies."""
        if not amount:
            return ZERO
        if currency == self.currency:
            return Decimal(amount)
        if not self.knows(currency):
            log.warning("crm: no exchange rate for %s, %s left out", currency, amount)
            return ZERO
        return Decimal(amount) * self.rates[currency] / self.rates[self.currency]

    def from_platform(self, amount: Decimal) -> Decimal:
        """A settings amount (in the platform's CRM_REPORTING_CURRENCY) in ours."""
        return self(amount, setting("CRM_REPORTING_CURRENCY"))

    def into(self, amount: Decimal, currency: str) -> Decimal | None:
        """A reporting-currency amount in ``currency`` (None when no rate is known)."""
        if currency == self.currency:
            return amount
        if not self.knows(currency):
            return None
        return amount * self.rates[self.currency] / self.rates[currency]


# ----- the windows of time ----------------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    """As of the end of ``as_of`` (UTC): the last 12 months and the 12 before."""

    as_of: date

    @property
    def end(self) -> datetime:
        return datetime.combine(self.as_of + timedelta(days=1), time(), tzinfo=UTC)

    @property
    def start_12m(self) -> datetime:
        return self.end - YEAR

    @property
    def start_prev(self) -> datetime:
        return self.end - 2 * YEAR


def counted_orders(supplier_id: int, before: datetime) -> list[ColumnElement]:
    """The orders that count: the supplier's, not cancelled, not merged into another
    (the merged order carries their lines), placed before ``before``."""
    return [Order.supplier_company_id == supplier_id, Order.status != OrderStatus.CANCELLED,
            Order.merged_into_id.is_(None), Order.created_at < before]


def line_amount() -> ColumnElement:
    return OrderLine.quantity * OrderLine.unit_price


def line_cost() -> ColumnElement:
    return OrderLine.quantity * Product.cost_price


def sum_if(condition, value) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, value), else_=literal(0))), literal(0))


def as_amount(expr) -> ColumnElement:
    return type_coerce(expr, AMOUNT)


def count_if(condition, column) -> ColumnElement:
    return func.count(distinct(case((condition, column), else_=None)))


# ----- what the trade records say, per buyer ----------------------------------------------


@dataclass
class Raw:
    """One buyer's facts as read, before they become figures."""

    buyer_id: int
    orders_lifetime: int = 0
    orders_12m: int = 0
    orders_prev: int = 0
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None
    revenue_lifetime: Decimal = ZERO
    revenue_12m: Decimal = ZERO
    revenue_prev: Decimal = ZERO
    covered_lifetime: Decimal = ZERO  # revenue of lines whose cost is known
    covered_12m: Decimal = ZERO
    cost_lifetime: Decimal = ZERO
    cost_12m: Decimal = ZERO
    small_orders_12m: int = 0
    order_days: list[date] = field(default_factory=list)
    payment_days: list[int] = field(default_factory=list)
    invoices_due: int = 0
    invoices_late: int = 0
    late_payments_12m: int = 0
    claims_12m: int = 0
    returns_12m: int = 0
    discrepancies_12m: int = 0
    quotations_12m: int = 0
    quotations_won_12m: int = 0
    quotations_lost_12m: int = 0
    latest_quotations_unanswered: list[bool] = field(default_factory=list)
    own_in_categories: Decimal = ZERO
    all_in_categories: Decimal = ZERO
    suppliers_in_categories: int = 0


class Reader:
    """Reads one supplier's trade records as of a day, for all its buyers or one."""

    def __init__(self, supplier_id: int, windows: Windows, money: Converter,
                 buyer_id: int | None = None):
        self.supplier_id, self.windows, self.money = supplier_id, windows, money
        self.buyer_id = buyer_id
        self.raw: dict[int, Raw] = {}

    def _buyer(self, buyer_id: int) -> Raw:
        if buyer_id not in self.raw:
            self.raw[buyer_id] = Raw(buyer_id)
        return self.raw[buyer_id]

    def _only(self, column) -> list[ColumnElement]:
        return [column == self.buyer_id] if self.buyer_id is not None else []

    def read(self, *, segments_only: bool = False) -> dict[int, Raw]:
        """Every fact; ``segments_only`` leaves out what only the at-risk rule needs
        (the order dates), for the month-end snapshots of the past."""
        self._orders()
        if not self.raw:
            return {}
        self._order_lines()
        self._small_orders()
        if not segments_only:
            self._order_days()
        self._invoices()
        self._trouble()
        self._quotations()
        self._categories()
        return self.raw

    def _orders(self) -> None:
        w = self.windows
        in_12m = Order.created_at >= w.start_12m
        in_prev = and_(Order.created_at >= w.start_prev, Order.created_at < w.start_12m)
        stmt = (select(Order.buyer_company_id, func.count(Order.id),
                       count_if(in_12m, Order.id), count_if(in_prev, Order.id),
                       func.min(Order.created_at), func.max(Order.created_at))
                .where(*counted_orders(self.supplier_id, w.end),
                       *self._only(Order.buyer_company_id))
                .group_by(Order.buyer_company_id))
        for buyer_id, lifetime, last_12m, prev, first, last in db.session.execute(stmt):
            raw = self._buyer(buyer_id)
            raw.orders_lifetime, raw.orders_12m, raw.orders_prev = lifetime, last_12m, prev
            raw.first_order_at, raw.last_order_at = first, last

    def _order_lines(self) -> None:
        w = self.windows
        in_12m = Order.created_at >= w.start_12m
        in_prev = and_(Order.created_at >= w.start_prev, Order.created_at < w.start_12m)
        known = Product.cost_price.is_not(None)
        amount, cost = line_amount(), line_cost()
        stmt = (select(Order.buyer_company_id, Order.currency, Product.currency,
                       as_amount(func.sum(amount)),
                       as_amount(sum_if(in_12m, amount)),
                       as_amount(sum_if(in_prev, amount)),
                       as_amount(sum_if(known, amount)),
                       as_amount(sum_if(and_(known, in_12m), amount)),
                       as_amount(sum_if(known, cost)),
                       as_amount(sum_if(and_(known, in_12m), cost)))
                .join(OrderLine, OrderLine.order_id == Order.id)
                .outerjoin(Product, Product.id == OrderLine.product_id)
                .where(*counted_orders(self.supplier_id, w.end),
                       *self._only(Order.buyer_company_id))
                .group_by(Order.buyer_company_id, Order.currency, Product.currency))
        for (buyer_id, currency, cost_currency, lifetime, last_12m, prev, covered,
             covered_12m, cost, cost_12m) in db.session.execute(stmt):
            raw, money = self._buyer(buyer_id), self.money
            raw.revenue_lifetime += money(lifetime, currency)
            raw.revenue_12m += money(last_12m, currency)
            raw.revenue_prev += money(prev, currency)
            raw.covered_lifetime += money(covered, currency)
            raw.covered_12m += money(covered_12m, currency)
            raw.cost_lifetime += money(cost, cost_currency)
            raw.cost_12m += money(cost_12m, cost_currency)

    def _small_orders(self) -> None:
        """Orders of the last 12 months worth less than CRM_SMALL_ORDER_VALUE (the
        threshold turned into each order's currency, so the test stays in SQL)."""
        w = self.windows
        threshold = self.money.from_platform(decimal_setting("CRM_SMALL_ORDER_VALUE"))
        values = (select(Order.id.label("order_id"), Order.buyer_company_id.label("buyer"),
                         Order.currency.label("currency"),
                         func.coalesce(func.sum(line_amount()), literal(0)).label("value"))
                  .outerjoin(OrderLine, OrderLine.order_id == Order.id)
                  .where(*counted_orders(self.supplier_id, w.end),
                         Order.created_at >= w.start_12m, *self._only(Order.buyer_company_id))
                  .group_by(Order.id, Order.buyer_company_id, Order.currency).subquery())
        limits = {code: self.money.into(threshold, code) for code in self.money.rates}
        limit = case({code: literal(value, AMOUNT) for code, value in limits.items()
                      if value is not None}, value=values.c.currency, else_=None)
        stmt = (select(values.c.buyer, func.count())
                .where(values.c.value < limit).group_by(values.c.buyer))
        for buyer_id, count in db.session.execute(stmt):
            self._buyer(buyer_id).small_orders_12m = count

    def _order_days(self) -> None:
        stmt = (select(Order.buyer_company_id, Order.created_at)
                .where(*counted_orders(self.supplier_id, self.windows.end),
                       *self._only(Order.buyer_company_id))
                .order_by(Order.buyer_company_id, Order.created_at))
        for buyer_id, at in db.session.execute(stmt):
            self._buyer(buyer_id).order_days.append(at.date())

    def _invoices(self) -> None:
        """Each invoice issued by ``as_of``, with what was paid by then: days to pay
        (issued → the payment that settled it) and whether it was late."""
        w = self.windows
        paid = type_coerce(func.coalesce(func.sum(Payment.amount), literal(0)), Money())
        stmt = (select(Invoice.buyer_company_id, Invoice.issued_on, Invoice.due_date,
                       Invoice.amount, paid.label("paid"), func.max(Payment.received_at))
                .outerjoin(Payment, and_(Payment.invoice_id == Invoice.id,
                                         Payment.received_at < w.end))
                .where(Invoice.supplier_company_id == self.supplier_id,
                       Invoice.issued_on <= w.as_of, *self._only(Invoice.buyer_company_id))
                .group_by(Invoice.id, Invoice.buyer_company_id, Invoice.issued_on,
                          Invoice.due_date, Invoice.amount))
        start_12m = w.start_12m.date()
        for buyer_id, issued, due, amount, paid_sum, last_paid in db.session.execute(stmt):
            if buyer_id not in self.raw:
                continue
            raw = self.raw[buyer_id]
            settled = paid_sum >= amount and last_paid is not None
            if settled:
                raw.payment_days.append((last_paid.date() - issued).days)
                late = last_paid.date() > due
            else:
                late = due < w.as_of
            if settled or due < w.as_of:
                raw.invoices_due += 1
                raw.invoices_late += late
                if late and issued > start_12m:
                    raw.late_payments_12m += 1

    def _trouble(self) -> None:
        """Claims (documents the buyer sent), returns and discrepancies of 12 months."""
        w = self.windows
        claims = (select(Document.issuer_company_id, func.count())
                  .where(Document.type == "claim",
                         Document.recipient_company_id == self.supplier_id,
                         Document.status.in_(SENT_STATUSES),
                         Document.sent_at >= w.start_12m, Document.sent_at < w.end,
                         *self._only(Document.issuer_company_id))
                  .group_by(Document.issuer_company_id))
        for buyer_id, count in db.session.execute(claims):
            if buyer_id in self.raw:
                self.raw[buyer_id].claims_12m = count
        for model, name in ((ReturnRequest, "returns_12m"),
                            (Discrepancy, "discrepancies_12m")):
            stmt = (select(model.buyer_company_id, func.count())
                    .where(model.supplier_company_id == self.supplier_id,
                           model.created_at >= w.start_12m, model.created_at < w.end,
                           *self._only(model.buyer_company_id))
                    .group_by(model.buyer_company_id))
            for buyer_id, count in db.session.execute(stmt):
                if buyer_id in self.raw:
                    setattr(self.raw[buyer_id], name, count)

    def _quotations(self) -> None:
        """Quotations sent to each buyer, newest last: won (accepted, or a purchase
        order was made from it), lost (declined, withdrawn, or expired unanswered) or
        still open. Statuses are read as they stand today."""
        w = self.windows
        purchase_order = db.aliased(Document)
        has_order = (select(purchase_order.id)
                     .where(purchase_order.type == "purchase_order",
                            purchase_order.parent_id == Document.id,
                            purchase_order.status.in_(SENT_STATUSES))
                     .exists())
        stmt = (select(Document.recipient_company_id, Document.sent_at, Document.status,
                       Document.valid_until, has_order)
                .where(Document.type == "quotation", Document.issuer_company_id == self.supplier_id,
                       Document.sent_at.is_not(None), Document.sent_at < w.end,
                       *self._only(Document.recipient_company_id))
                .order_by(Document.recipient_company_id, Document.sent_at))
        answer_days = timedelta(days=int(setting("CRM_QUOTATION_ANSWER_DAYS")))
        for buyer_id, sent_at, status, valid_until, ordered in db.session.execute(stmt):
            if buyer_id not in self.raw:
                continue
            raw = self.raw[buyer_id]
            won = bool(ordered) or status in ("accepted", "closed")
            expired = valid_until is not None and valid_until < w.as_of
            lost = not won and (status in ("declined", "cancelled")
                                or (status == "sent" and expired))
            if sent_at >= w.start_12m:
                raw.quotations_12m += 1
                raw.quotations_won_12m += won
                raw.quotations_lost_12m += lost
            unanswered = status == "sent" and not won and sent_at <= w.end - answer_days
            raw.latest_quotations_unanswered.append(unanswered)

    def _categories(self) -> None:
        """What each buyer bought on the platform in the supplier's categories over 12
        months: from us and from anyone (share of wallet), and from how many suppliers.
        Only these totals are read; no other supplier's figures are kept or shown."""
        w = self.windows
        categories = (select(Product.category_id)
                      .where(Product.company_id == self.supplier_id,
                             Product.category_id.is_not(None)).distinct())
        if self.buyer_id is not None:
            buyers = [Order.buyer_company_id == self.buyer_id]
        else:  # our customers, as a sub-query (not thousands of bound ids)
            ours = select(Order.buyer_company_id).where(
                *counted_orders(self.supplier_id, w.end)).distinct()
            buyers = [Order.buyer_company_id.in_(ours)]
        stmt = (select(Order.buyer_company_id, Order.supplier_company_id, Order.currency,
                       as_amount(func.sum(line_amount())))
                .join(OrderLine, OrderLine.order_id == Order.id)
                .join(Product, Product.id == OrderLine.product_id)
                .where(Order.status != OrderStatus.CANCELLED, Order.merged_into_id.is_(None),
                       Order.created_at >= w.start_12m, Order.created_at < w.end, *buyers,
                       Product.category_id.in_(categories))
                .group_by(Order.buyer_company_id, Order.supplier_company_id, Order.currency))
        suppliers: dict[int, set[int]] = defaultdict(set)
        for buyer_id, supplier_id, currency, amount in db.session.execute(stmt):
            if buyer_id not in self.raw:
                continue
            raw, value = self.raw[buyer_id], self.money(amount, currency)
            raw.all_in_categories += value
            if supplier_id == self.supplier_id:
                raw.own_in_categories += value
            suppliers[buyer_id].add(supplier_id)
        for buyer_id, seen in suppliers.items():
            self.raw[buyer_id].suppliers_in_categories = len(seen)


# ----- across buyers: retention, the suppliers to recompute ------------------------------


def observed_retention(supplier_id: int, windows: Windows) -> Decimal:
    """The share of the buyers who ordered in the 12 months before the last 12 that
    ordered again in the last 12 (the default with nobody to observe), capped."""
    in_12m = Order.created_at >= windows.start_12m
    in_prev = and_(Order.created_at >= windows.start_prev, Order.created_at < windows.start_12m)
    per_buyer = (select(Order.buyer_company_id.label("buyer"),
                        count_if(in_prev, Order.id).label("prev"),
                        count_if(in_12m, Order.id).label("recent"))
                 .where(*counted_orders(supplier_id, windows.end))
                 .group_by(Order.buyer_company_id).subquery())
    before, kept = db.session.execute(select(
        func.count().filter(per_buyer.c.prev > 0),
        func.count().filter(and_(per_buyer.c.prev > 0, per_buyer.c.recent > 0)))).one()
    if not before:
        return decimal_setting("CRM_DEFAULT_RETENTION")
    return min(Decimal(kept) / Decimal(before), decimal_setting("CRM_MAX_RETENTION"))


def suppliers_with_orders() -> list[int]:
    """Every supplier with at least one order: the periodic run's work."""
    return list(db.session.scalars(select(Order.supplier_company_id).distinct()
                                   .order_by(Order.supplier_company_id)))


"""Recomputing a supplier's customer figures from the trade records.

Every figure is read with aggregate SQL grouped by buyer (and by currency, converted
afterwards): one query per family of figures for all of a supplier's customers, never a
query per customer. Medians (days to pay, gap between orders) and "the last N
quotations" are taken from one ordered query each, reduced per buyer while reading
(SQLite has no median function). The methods and their parameters are described in
``docs/ANALYTICS.md``; the parameters live in ``config/crm.py``.

Entry points:
- ``recompute_supplier(supplier_id, as_of=None)``: every customer's row, fifths,
  segments, and this month's segment snapshot.
- ``recompute_customer(supplier_id, buyer_id)``: one customer's row after an order,
  invoice or payment changed; its fifth is placed among the others' stored values.
- ``backfill_segment_history(supplier_id, months=18)``: segment snapshots of past
  month ends, each computed as of that day.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    and_,
    case,
    delete,
    distinct,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.sql import ColumnElement

from config.crm import CrmSettings
from marketplace.content.models import Product
from marketplace.core.errors import ValidationFailed
from marketplace.core.types import Money, ScaledDecimal, utcnow
from marketplace.crm.models.customers import (
    BZ,
    MGC,
    MVC,
    OTHER,
    OVERDUE_ORDER,
    UNANSWERED_QUOTATIONS,
    AnalyticsSettings,
    CustomerFigures,
    CustomerSegmentSnapshot,
)
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


def _sum_if(condition, value) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, value), else_=literal(0))), literal(0))


def _as_amount(expr) -> ColumnElement:
    return type_coerce(expr, AMOUNT)


def _count_if(condition, column) -> ColumnElement:
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
                       _count_if(in_12m, Order.id), _count_if(in_prev, Order.id),
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
                       _as_amount(func.sum(amount)),
                       _as_amount(_sum_if(in_12m, amount)),
                       _as_amount(_sum_if(in_prev, amount)),
                       _as_amount(_sum_if(known, amount)),
                       _as_amount(_sum_if(and_(known, in_12m), amount)),
                       _as_amount(_sum_if(known, cost)),
                       _as_amount(_sum_if(and_(known, in_12m), cost)))
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
                       _as_amount(func.sum(line_amount())))
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


# ----- from facts to figures -------------------------------------------------------------


def observed_retention(supplier_id: int, windows: Windows) -> Decimal:
    """The share of the buyers who ordered in the 12 months before the last 12 that
    ordered again in the last 12 (the default with nobody to observe), capped."""
    in_12m = Order.created_at >= windows.start_12m
    in_prev = and_(Order.created_at >= windows.start_prev, Order.created_at < windows.start_12m)
    per_buyer = (select(Order.buyer_company_id.label("buyer"),
                        _count_if(in_prev, Order.id).label("prev"),
                        _count_if(in_12m, Order.id).label("recent"))
                 .where(*counted_orders(supplier_id, windows.end))
                 .group_by(Order.buyer_company_id).subquery())
    before, kept = db.session.execute(select(
        func.count().filter(per_buyer.c.prev > 0),
        func.count().filter(and_(per_buyer.c.prev > 0, per_buyer.c.recent > 0)))).one()
    if not before:
        return decimal_setting("CRM_DEFAULT_RETENTION")
    return min(Decimal(kept) / Decimal(before), decimal_setting("CRM_MAX_RETENTION"))


def lifetime_value(yearly_margin: Decimal, retention: Decimal) -> Decimal:
    """Yearly margin × r / (1 + d − r): the margin of each coming year, kept with
    probability r per year and discounted at d (docs/ANALYTICS.md)."""
    discount = decimal_setting("CRM_DISCOUNT_RATE")
    return (yearly_margin * retention / (1 + discount - retention)).quantize(CENT)


def _ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(RATIO) if whole else None


def _cost_to_serve(raw: Raw, money: Converter) -> Decimal:
    weights = {name: money.from_platform(Decimal(str(value)))
               for name, value in setting("CRM_COST_TO_SERVE_WEIGHTS").items()}
    counts = {"small_order": raw.small_orders_12m, "claim": raw.claims_12m,
              "return": raw.returns_12m, "discrepancy": raw.discrepancies_12m,
              "late_payment": raw.late_payments_12m,
              "lost_quotation": raw.quotations_lost_12m}
    return sum((weights.get(name, ZERO) * count for name, count in counts.items()), ZERO)


def figures_of(raw: Raw, as_of: date, money: Converter, retention: Decimal) -> dict:
    """One buyer's figures (before fifths and segments), as CustomerFigures columns."""
    margin_12m = (raw.covered_12m - raw.cost_12m) if raw.covered_12m or raw.cost_12m else None
    margin_life = (raw.covered_lifetime - raw.cost_lifetime) \
        if raw.covered_lifetime or raw.cost_lifetime else None
    uncovered = raw.revenue_12m - raw.covered_12m
    margin_basis = (margin_12m or ZERO) + uncovered * decimal_setting("CRM_DEFAULT_MARGIN_RATE")
    days = sorted(raw.order_days)
    gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
    enough = raw.orders_lifetime >= int(setting("CRM_AT_RISK_MIN_ORDERS"))
    usual = Decimal(str(median(gaps))) if enough and gaps else None
    last_day = raw.last_order_at.date() if raw.last_order_at else None
    first_day = raw.first_order_at.date() if raw.first_order_at else None
    recency = (as_of - last_day).days if last_day else None
    growth = ((raw.revenue_12m - raw.revenue_prev) / raw.revenue_prev * 100).quantize(CENT) \
        if raw.revenue_prev else None
    cost_to_serve = _cost_to_serve(raw, money)
    share = _ratio(raw.own_in_categories, raw.all_in_categories)
    return {
        "buyer_company_id": raw.buyer_id, "as_of": as_of, "currency": money.currency,
        "first_order_on": first_day, "last_order_on": last_day, "recency_days": recency,
        "orders_12m": raw.orders_12m, "orders_lifetime": raw.orders_lifetime,
        "revenue_12m": raw.revenue_12m.quantize(CENT),
        "revenue_prev_12m": raw.revenue_prev.quantize(CENT),
        "revenue_lifetime": raw.revenue_lifetime.quantize(CENT),
        "average_order_value": (raw.revenue_12m / raw.orders_12m).quantize(CENT)
        if raw.orders_12m else None,
        "growth_pct": growth,
        "margin_12m": margin_12m.quantize(CENT) if margin_12m is not None else None,
        "margin_lifetime": margin_life.quantize(CENT) if margin_life is not None else None,
        "margin_coverage": _ratio(raw.covered_12m, raw.revenue_12m),
        "invoices_paid": len(raw.payment_days),
        "payment_days_median": Decimal(str(median(raw.payment_days))).quantize(Decimal("0.1"))
        if raw.payment_days else None,
        "late_payment_share": _ratio(raw.invoices_late, raw.invoices_due),
        "claims_12m": raw.claims_12m, "returns_12m": raw.returns_12m,
        "discrepancies_12m": raw.discrepancies_12m,
        "small_orders_12m": raw.small_orders_12m,
        "late_payments_12m": raw.late_payments_12m,
        "claims_rate": _ratio(raw.claims_12m, raw.orders_12m),
        "returns_rate": _ratio(raw.returns_12m, raw.orders_12m),
        "quotations_12m": raw.quotations_12m,
        "quotations_won_12m": raw.quotations_won_12m,
        "quotations_lost_12m": raw.quotations_lost_12m,
        "quotation_win_rate": _ratio(raw.quotations_won_12m,
                                     raw.quotations_won_12m + raw.quotations_lost_12m),
        "share_of_wallet": share,
        "suppliers_in_categories": raw.suppliers_in_categories,
        "margin_basis_12m": margin_basis.quantize(CENT),
        "cost_to_serve_12m": cost_to_serve.quantize(CENT),
        "lifetime_value": lifetime_value(margin_basis, retention),
        "usual_interval_days": usual.quantize(Decimal("0.1")) if usual is not None else None,
        **_risk(raw, recency, usual, first_day, as_of),
    }


def _risk(raw: Raw, recency: int | None, usual: Decimal | None, first_day: date | None,
          as_of: date) -> dict:
    """At risk, and why; switchers and poor payers are left off the list."""
    overdue = usual is not None and recency is not None \
        and recency > decimal_setting("CRM_AT_RISK_FACTOR") * usual
    needed = int(setting("CRM_AT_RISK_UNANSWERED_QUOTATIONS"))
    latest = raw.latest_quotations_unanswered[-needed:] if needed else []
    silent = needed > 0 and len(latest) == needed and all(latest)
    switches = raw.suppliers_in_categories >= int(setting("CRM_SWITCHER_MIN_SUPPLIERS"))
    late_share = decimal_setting("CRM_POOR_PAYER_LATE_SHARE")
    poor = raw.invoices_due >= int(setting("CRM_POOR_PAYER_MIN_INVOICES")) and \
        Decimal(raw.invoices_late) / raw.invoices_due >= late_share
    at_risk = (overdue or silent) and not switches and not poor
    value = None
    if at_risk and first_day is not None:
        # What the customer bought a year on average since its first order.
        days = max(365, (as_of - first_day).days)
        value = (raw.revenue_lifetime * 365 / days).quantize(CENT)
    return {"at_risk": at_risk,
            "at_risk_reason": (OVERDUE_ORDER if overdue else UNANSWERED_QUOTATIONS)
            if at_risk else None,
            "value_at_risk": value, "switches_often": switches, "pays_poorly": poor}


def quintile_of(rank: int, count: int) -> int:
    """Fifth of the customer ranked ``rank`` (1 = highest value) among ``count``."""
    return (rank - 1) * 5 // count + 1


def _value_key(row: dict) -> tuple:
    return (-row["lifetime_value"], -row["revenue_lifetime"], row["buyer_company_id"])


def segment_of(row: dict) -> str:
    """MVC, then BZ, then MGC, else other (docs/ANALYTICS.md)."""
    if row["quintile"] == 1 and row["lifetime_value"] > 0:
        return MVC
    if row["cost_to_serve_12m"] > 0 and row["cost_to_serve_12m"] > row["margin_basis_12m"]:
        return BZ
    if row["orders_12m"] > 0:
        growth, share = row["growth_pct"], row["share_of_wallet"]
        if growth is not None and growth >= decimal_setting("CRM_MGC_GROWTH_PCT"):
            return MGC
        if share is not None and share < decimal_setting("CRM_MGC_WALLET_SHARE"):
            return MGC
    return OTHER


def rank_and_segment(rows: list[dict]) -> list[dict]:
    rows.sort(key=_value_key)
    for rank, row in enumerate(rows, start=1):
        row["quintile"] = quintile_of(rank, len(rows))
        row["segment"] = segment_of(row)
    return rows


def compute_supplier(supplier_id: int, as_of: date, buyer_id: int | None = None, *,
                     segments_only: bool = False) -> list[dict]:
    """Every customer's figures as of ``as_of`` (or one buyer's, unranked)."""
    windows, money = Windows(as_of), Converter.for_supplier(supplier_id)
    raw = Reader(supplier_id, windows, money, buyer_id).read(segments_only=segments_only)
    retention = observed_retention(supplier_id, windows)
    return [figures_of(facts, as_of, money, retention) for facts in raw.values()]


# ----- writing -----------------------------------------------------------------------------


def _month(day: date) -> date:
    return day.replace(day=1)


def _write_snapshots(supplier_id: int, month: date, rows: Iterable[dict]) -> None:
    db.session.execute(delete(CustomerSegmentSnapshot).where(
        CustomerSegmentSnapshot.supplier_company_id == supplier_id,
        CustomerSegmentSnapshot.month == month))
    values = [{"supplier_company_id": supplier_id, "buyer_company_id": row["buyer_company_id"],
               "month": month, "segment": row["segment"], "quintile": row["quintile"],
               "lifetime_value": row["lifetime_value"], "revenue_12m": row["revenue_12m"],
               "currency": row["currency"]} for row in rows]
    if values:
        db.session.execute(insert(CustomerSegmentSnapshot), values)


def recompute_supplier(supplier_id: int, as_of: date | None = None) -> int:
    """Recompute every customer row of a supplier (and this month's segment snapshot)
    from the trade records; flushes, the caller commits. Returns the customer count."""
    as_of = as_of or utcnow().date()
    rows = rank_and_segment(compute_supplier(supplier_id, as_of))
    db.session.execute(delete(CustomerFigures).where(
        CustomerFigures.supplier_company_id == supplier_id))
    now = utcnow()
    if rows:
        db.session.execute(insert(CustomerFigures), [
            {**row, "supplier_company_id": supplier_id, "computed_at": now} for row in rows])
    _write_snapshots(supplier_id, _month(as_of), rows)
    db.session.flush()
    return len(rows)


def recompute_customer(supplier_id: int, buyer_id: int) -> CustomerFigures | None:
    """Recompute one customer's row after its trade changed. Its fifth is placed among
    the other customers' stored lifetime values (theirs stay until the periodic run,
    which ranks everyone again); its segment follows from it."""
    as_of = utcnow().date()
    computed = compute_supplier(supplier_id, as_of, buyer_id)
    existing = db.session.scalar(select(CustomerFigures).where(
        CustomerFigures.supplier_company_id == supplier_id,
        CustomerFigures.buyer_company_id == buyer_id))
    if not computed:
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
        return None
    row = computed[0]
    others = (CustomerFigures.supplier_company_id == supplier_id,
              CustomerFigures.buyer_company_id != buyer_id)
    count = db.session.scalar(select(func.count()).where(*others))
    higher = db.session.scalar(select(func.count()).where(
        *others, or_(CustomerFigures.lifetime_value > row["lifetime_value"],
                     and_(CustomerFigures.lifetime_value == row["lifetime_value"],
                          CustomerFigures.revenue_lifetime > row["revenue_lifetime"]))))
    row["quintile"] = quintile_of(higher + 1, count + 1)
    row["segment"] = segment_of(row)
    if existing is None:
        existing = CustomerFigures(supplier_company_id=supplier_id)
        db.session.add(existing)
    for name, value in row.items():
        setattr(existing, name, value)
    existing.computed_at = utcnow()
    _write_snapshots_for_one(supplier_id, _month(as_of), row)
    db.session.flush()
    return existing


def _write_snapshots_for_one(supplier_id: int, month: date, row: dict) -> None:
    db.session.execute(delete(CustomerSegmentSnapshot).where(
        CustomerSegmentSnapshot.supplier_company_id == supplier_id,
        CustomerSegmentSnapshot.buyer_company_id == row["buyer_company_id"],
        CustomerSegmentSnapshot.month == month))
    db.session.execute(insert(CustomerSegmentSnapshot), [{
        "supplier_company_id": supplier_id, "buyer_company_id": row["buyer_company_id"],
        "month": month, "segment": row["segment"], "quintile": row["quintile"],
        "lifetime_value": row["lifetime_value"], "revenue_12m": row["revenue_12m"],
        "currency": row["currency"]}])


def month_ends(today: date, months: int) -> list[date]:
    """The last day of each of the ``months`` months before today's, oldest first."""
    ends, first = [], today.replace(day=1)
    for _ in range(months):
        end = first - timedelta(days=1)
        ends.append(end)
        first = end.replace(day=1)
    return list(reversed(ends))


def backfill_segment_history(supplier_id: int, months: int = 18,
                             today: date | None = None) -> int:
    """Write the segment snapshot of each past month's end (computed as of that day),
    for the ``months`` months before the current one. Returns the rows written."""
    written = 0
    for end in month_ends(today or utcnow().date(), months):
        rows = rank_and_segment(compute_supplier(supplier_id, end, segments_only=True))
        _write_snapshots(supplier_id, _month(end), rows)
        written += len(rows)
    db.session.flush()
    return written


def suppliers_with_orders() -> list[int]:
    """Every supplier with at least one order: the periodic run's work."""
    return list(db.session.scalars(select(Order.supplier_company_id).distinct()
                                   .order_by(Order.supplier_company_id)))


def set_reporting_currency(supplier_id: int, currency: str) -> AnalyticsSettings:
    """A supplier's reporting currency: one with an exchange rate in the settings. The
    figures follow at the recomputation the caller queues."""
    if currency not in setting("CRM_EXCHANGE_RATES"):
        known = ", ".join(sorted(setting("CRM_EXCHANGE_RATES")))
        raise ValidationFailed(errors={"reporting_currency": [str(_l(
            "Choose a currency the platform has a rate for: %(known)s.", known=known))]})
    chosen = db.session.scalar(select(AnalyticsSettings).where(
        AnalyticsSettings.company_id == supplier_id))
    if chosen is None:
        chosen = AnalyticsSettings(company_id=supplier_id, reporting_currency=currency)
        db.session.add(chosen)
    chosen.reporting_currency = currency
    db.session.flush()
    return chosen

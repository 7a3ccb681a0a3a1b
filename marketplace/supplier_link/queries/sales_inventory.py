"""The supplier's sales and inventory statistics of one buyer, from the buyer's stock
reports: per SKU and period the sell-through and weeks of cover, per SKU the trend and
a suggested replenishment quantity.

Definitions (per SKU; a "rate" is units sold per week, sold ÷ days × 7):
- sell-through of a period = sold ÷ (sold + on hand at the end of the period);
- weekly sales = the rate over the last ``RATE_PERIODS`` reported periods together;
- weeks of cover = on hand (latest period) ÷ weekly sales;
- trend = latest period's rate ÷ the previous period's rate − 1 (up / down beyond ±5 %);
- suggested replenishment = target cover (weeks × weekly sales) − on hand − in transit,
  never below zero, rounded up to whole units.

A page's SKUs come from the stock series (one row per SKU a buyer reports, kept by
the import with its latest figures, so sorting by cover or sales is SQL over a few
thousand rows); the sums and ranks are then SQL aggregates over the (supplier, buyer,
product, period) index for that page's SKUs only, so a million report rows stay fast."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import Integer, case, func, select, type_coerce

from marketplace.content.models import Product
from marketplace.core.pagination import Page
from marketplace.core.types import Quantity
from marketplace.extensions import db
from marketplace.supplier_link.models import StockReportRow, StockSeries

RATE_PERIODS = 4
CHART_PERIODS = 12
TREND_THRESHOLD = Decimal("0.05")
ZERO = Decimal(0)
PLACES = Decimal("0.0001")


def suppliers_of_products(product_ids: list[int]) -> dict[int, int]:
    """The supplier (company id) of each product, by product id."""
    return dict(db.session.execute(select(Product.id, Product.company_id).where(
        Product.id.in_(product_ids))).all())


@dataclass
class PeriodFigures:
    period_start: date
    period_end: date
    days: int
    quantity_sold: Decimal
    quantity_on_hand: Decimal

    @property
    def weekly_rate(self) -> Decimal:
        return _q(self.quantity_sold * 7 / self.days)

    @property
    def sell_through(self) -> Decimal | None:
        moved = self.quantity_sold + self.quantity_on_hand
        return _q(self.quantity_sold / moved) if moved else None

    @property
    def weeks_of_cover(self) -> Decimal | None:
        rate = self.quantity_sold * 7 / self.days
        return _q(self.quantity_on_hand / rate) if rate else None


@dataclass
class SkuStatistics:
    product_id: int
    sku: str
    name: str
    buyer_sku: str
    unit: str
    latest: PeriodFigures
    previous_rate: Decimal | None
    weekly_sales: Decimal
    in_transit: Decimal
    target_cover_weeks: int
    periods: list[PeriodFigures] = field(default_factory=list)

    @property
    def sell_through(self) -> Decimal | None:
        return self.latest.sell_through

    @property
    def quantity_on_hand(self) -> Decimal:
        return self.latest.quantity_on_hand

    @property
    def quantity_sold(self) -> Decimal:
        return self.latest.quantity_sold

    @property
    def weeks_of_cover(self) -> Decimal | None:
        return _q(self.quantity_on_hand / self.weekly_sales) if self.weekly_sales else None

    @property
    def trend(self) -> Decimal | None:
        if not self.previous_rate:
            return None
        return _q(self.latest.weekly_rate / self.previous_rate - 1)

    @property
    def trend_direction(self) -> str:
        if self.previous_rate is None:
            return "new"
        if self.previous_rate == 0:
            return "up" if self.latest.quantity_sold > 0 else "flat"
        trend = self.trend
        return "up" if trend > TREND_THRESHOLD else "down" if trend < -TREND_THRESHOLD else "flat"

    @property
    def target_quantity(self) -> Decimal:
        return _q(self.weekly_sales * self.target_cover_weeks)

    @property
    def suggested_replenishment(self) -> Decimal:
        needed = self.target_quantity - self.quantity_on_hand - self.in_transit
        return max(needed, ZERO).to_integral_value(rounding=ROUND_CEILING)


def _q(value: Decimal) -> Decimal:
    return Decimal(value).quantize(PLACES)


def _pair(supplier_id: int, buyer_id: int):
    return (StockReportRow.supplier_company_id == supplier_id,
            StockReportRow.buyer_company_id == buyer_id)


SORTS = {
    "sku": lambda: (Product.sku, Product.id),
    "weeks_of_cover": lambda: (StockSeries.weeks_of_cover.asc().nulls_last(), Product.sku),
    "-weekly_sales": lambda: (StockSeries.weekly_sales.desc(), Product.sku),
}


def _products_page(supplier_id: int, buyer_id: int, page: int, per_page: int | None,
                   sort: str = "sku"):
    """The SKUs with reports, in the order asked, and how many: from the series (one row
    per SKU), never by scanning the pair's report rows."""
    pair = (StockSeries.supplier_company_id == supplier_id,
            StockSeries.buyer_company_id == buyer_id)
    total = db.session.scalar(select(func.count()).select_from(StockSeries).where(*pair)) or 0
    stmt = select(Product.id, Product.sku, Product.name, Product.unit).join(
        StockSeries, StockSeries.product_id == Product.id).where(*pair) \
        .order_by(*SORTS[sort]())
    if per_page is not None:
        stmt = stmt.limit(per_page).offset((page - 1) * per_page)
    return db.session.execute(stmt).all(), total


def series_figures(buyer_id: int, product_ids: list[int]) -> dict[int, dict]:
    """What a series keeps, per product of this buyer: periods, the latest period's end
    and stock, weekly sales over the last RATE_PERIODS periods, and weeks of cover."""
    ranked = _ranked(None, buyer_id, product_ids)
    first = ranked.c.rank == 1
    rows = db.session.execute(select(
        ranked.c.product_id, func.count(),
        func.max(ranked.c.period_end),
        type_coerce(func.sum(case((first, ranked.c.quantity_on_hand), else_=0)), Quantity()),
        type_coerce(func.sum(case((ranked.c.rank <= RATE_PERIODS, ranked.c.quantity_sold),
                                  else_=0)), Quantity()),
        func.sum(case((ranked.c.rank <= RATE_PERIODS, ranked.c.period_days), else_=0)),
    ).group_by(ranked.c.product_id)).all()
    figures = {}
    for product_id, periods, last_end, on_hand, sold, days in rows:
        weekly = _q(sold * 7 / days) if days else ZERO
        figures[product_id] = {"periods": periods, "last_period_end": last_end,
                               "last_quantity_on_hand": on_hand, "weekly_sales": weekly,
                               "weeks_of_cover": _q(on_hand / weekly) if weekly else None}
    return figures


def _ranked(supplier_id: int | None, buyer_id: int, product_ids: list[int]):
    """Each report row of these products with its rank, 1 for the newest period."""
    rank = func.row_number().over(partition_by=StockReportRow.product_id,
                                  order_by=StockReportRow.period_start.desc())
    where = _pair(supplier_id, buyer_id) if supplier_id is not None else (
        StockReportRow.buyer_company_id == buyer_id,)
    return select(StockReportRow.product_id, StockReportRow.buyer_sku,
                  StockReportRow.period_start, StockReportRow.period_end,
                  StockReportRow.period_days, StockReportRow.quantity_sold,
                  StockReportRow.quantity_on_hand, rank.label("rank")).where(
        *where, StockReportRow.product_id.in_(product_ids)).subquery()


def _rate_sums(ranked):
    """Per product: sold and days over the last RATE_PERIODS periods, and the rate of
    the previous period; summed in SQL."""
    within = ranked.c.rank <= RATE_PERIODS
    second = ranked.c.rank == 2
    return select(
        ranked.c.product_id,
        type_coerce(func.sum(case((within, ranked.c.quantity_sold), else_=0)), Quantity()),
        func.sum(case((within, ranked.c.period_days), else_=0)),
        type_coerce(func.sum(case((second, ranked.c.quantity_sold), else_=0)), Quantity()),
        type_coerce(func.sum(case((second, ranked.c.period_days), else_=0)), Integer()),
        func.count(),
    ).group_by(ranked.c.product_id)


def sales_inventory(supplier_id: int, buyer_id: int, *, target_cover_weeks: int,
                    in_transit: dict[int, Decimal], page: int = 1,
                    per_page: int | None = 20, chart_periods: int = CHART_PERIODS,
                    sort: str = "sku") -> Page:
    """One page of SKU statistics (``per_page=None``: every SKU, for exports), by SKU,
    by weeks of cover (the first to run out first) or by weekly sales (best first)."""
    products, total = _products_page(supplier_id, buyer_id, page, per_page, sort)
    if not products:
        return Page(items=[], total=total, page=page, per_page=per_page or total)
    ids = [product.id for product in products]
    ranked = _ranked(supplier_id, buyer_id, ids)
    sums = {row[0]: row[1:] for row in db.session.execute(_rate_sums(ranked))}
    series: dict[int, list] = {}
    for row in db.session.execute(select(ranked).where(ranked.c.rank <= chart_periods)
                                  .order_by(ranked.c.product_id, ranked.c.period_start)):
        series.setdefault(row.product_id, []).append(row)
    items = [_statistics(product, sums[product.id], series[product.id], target_cover_weeks,
                         in_transit.get(product.id, ZERO)) for product in products]
    return Page(items=items, total=total, page=page, per_page=per_page or total)


def _statistics(product, sums, rows, target_cover_weeks: int, in_transit: Decimal):
    sold, days, previous_sold, previous_days, count = sums
    periods = [PeriodFigures(r.period_start, r.period_end, r.period_days, r.quantity_sold,
                             r.quantity_on_hand) for r in rows]
    previous_rate = _q(previous_sold * 7 / previous_days) if count > 1 and previous_days \
        else None
    return SkuStatistics(
        product_id=product.id, sku=product.sku, name=product.name, buyer_sku=rows[-1].buyer_sku,
        unit=product.unit, latest=periods[-1], previous_rate=previous_rate,
        weekly_sales=_q(sold * 7 / days) if days else ZERO, in_transit=in_transit,
        target_cover_weeks=target_cover_weeks, periods=periods)

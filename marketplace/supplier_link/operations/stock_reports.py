"""Stock reports: quantity sold and on hand per buyer SKU per period, sent as JSON rows
or a CSV file by the buyer's systems, mapped to the suppliers' products through the
buyer's SKU cross-references. Good rows are kept; each bad row is reported with its
row number, field and reason, and writes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, User
from marketplace.supplier_link.models import (
    SkuCrossReference,
    StockReport,
    StockReportRow,
    StockSeries,
)
from marketplace.supplier_link.queries.sales_inventory import suppliers_of_products

COLUMNS = ("sku", "period_start", "period_end", "quantity_sold", "quantity_on_hand")
MAX_ROWS = 50_000
MAX_PERIOD_DAYS = 366
MAX_QUANTITY = Decimal("1e13")
MAX_REPORTED_ERRORS = 1000


@dataclass
class RowError:
    row: int
    field: str | None
    message: str


@dataclass
class StockReportResult:
    report: StockReport
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated

    @property
    def rejected(self) -> int:
        return self.rows - self.accepted


@dataclass
class _GoodRow:
    number: int
    xref: SkuCrossReference
    period_start: date
    period_end: date
    quantity_sold: Decimal
    quantity_on_hand: Decimal


class _CellError(Exception):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field, self.message = field_name, message


# ----- reading the input ----------------------------------------------------------------------


def read_csv(stream: IO[bytes]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV stock report as ``(row number, {column: text})``; the header is
    row 1. Not UTF-8: 415; missing or unknown columns: 422, nothing read."""
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnsupportedMediaType(str(_l(
            "This file is not UTF-8 CSV text. Save it as 'CSV UTF-8' and send it again.")
        )) from None
    if "\x00" in text:
        raise UnsupportedMediaType(str(_l("This file is not CSV text.")))
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if first.strip() else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower().replace(" ", "_") for cell in next(reader, [])]
        _check_header(header)
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, e.g. at the end of a spreadsheet's export
            rows.append((number, dict(zip(header, cells, strict=False))))
            _refuse_too_many(len(rows))
    except csv.Error as error:
        raise ValidationFailed(str(_l("The CSV file cannot be read: %(reason)s.",
                                      reason=str(error)))) from None
    return rows


def _check_header(header: list[str]) -> None:
    errors = {}
    for name in COLUMNS:
        if name not in header:
            errors[name] = [str(_l("This column is missing."))]
    for name in header:
        if name and name not in COLUMNS:
            errors[name] = [str(_l("Unknown column; the columns are %(columns)s.",
                                   columns=", ".join(COLUMNS)))]
    if errors:
        raise ValidationFailed(str(_l("The header row is not a stock report's.")),
                               errors=errors)


def _refuse_too_many(count: int) -> None:
    if count > MAX_ROWS:
        raise PayloadTooLarge(str(_l("A stock report may hold at most %(max)s rows; send "
                                     "it in parts.", max=MAX_ROWS)))


def _date(value: Any, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise _CellError(name, str(_l("Not a date: write it as YYYY-MM-DD."))) from None


def _quantity(value: Any, name: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "")) if not isinstance(
            value, Decimal) else value
    except InvalidOperation:
        raise _CellError(name, str(_l("Not a number."))) from None
    if not number.is_finite() or number < 0:
        raise _CellError(name, str(_l("Must be a number, zero or more.")))
    if number >= MAX_QUANTITY or number != number.quantize(Decimal("0.0001")):
        raise _CellError(name, str(_l("Too large, or more than 4 decimals.")))
    return number


# ----- checking and saving --------------------------------------------------------------------


class _Checker:
    def __init__(self, buyer: Company, rows: list[tuple[int, dict[str, Any]]]):
        skus = {str(cells.get("sku") or "").strip() for _, cells in rows}
        self.xrefs = {xref.buyer_sku: xref for xref in db.session.scalars(
            select(SkuCrossReference).where(SkuCrossReference.buyer_company_id == buyer.id,
                                            SkuCrossReference.buyer_sku.in_(skus)))} \
            if skus else {}

    def check(self, number: int, cells: dict[str, Any]) -> _GoodRow:
        sku = str(cells.get("sku") or "").strip()
        if not sku:
            raise _CellError("sku", str(_l("The SKU is missing.")))
        xref = self.xrefs.get(sku)
        if xref is None:
            raise _CellError("sku", str(_l(
                "Unknown SKU %(sku)s: map it to a supplier's product in your SKU "
                "cross-references first.", sku=sku)))
        start = _date(cells.get("period_start"), "period_start")
        end = _date(cells.get("period_end"), "period_end")
        if end < start:
            raise _CellError("period_end", str(_l("The period ends before it starts.")))
        if (end - start).days + 1 > MAX_PERIOD_DAYS:
            raise _CellError("period_end", str(_l("A period is at most %(days)s days.",
                                                  days=MAX_PERIOD_DAYS)))
        if end > date.today() + timedelta(days=1):
            raise _CellError("period_end", str(_l("The period has not ended yet.")))
        return _GoodRow(number, xref, start, end,
                        _quantity(cells.get("quantity_sold"), "quantity_sold"),
                        _quantity(cells.get("quantity_on_hand"), "quantity_on_hand"))


def _existing_periods(buyer: Company, good_rows: list[_GoodRow]) -> dict[int, list[StockReportRow]]:
    """The stored periods of these products that the new ones could touch (same dates
    or overlapping): only those within the report's span are read, so a report of new
    weeks reads next to nothing however long the history."""
    periods: dict[int, list[StockReportRow]] = {}
    if not good_rows:
        return periods
    first = min(good.period_start for good in good_rows)
    last = max(good.period_end for good in good_rows)
    product_ids = {good.xref.product_id for good in good_rows}
    for row in db.session.scalars(select(StockReportRow).where(
            StockReportRow.buyer_company_id == buyer.id,
            StockReportRow.product_id.in_(product_ids),
            StockReportRow.period_start <= last, StockReportRow.period_end >= first)):
        periods.setdefault(row.product_id, []).append(row)
    return periods


def _overlap(good: _GoodRow, stored: list[StockReportRow]) -> StockReportRow | None:
    for row in stored:
        same = (row.period_start, row.period_end) == (good.period_start, good.period_end)
        if not same and row.period_start <= good.period_end and good.period_start <= row.period_end:
            return row
    return None


def import_stock_report(buyer: Company, user: User | None,
                        rows: list[tuple[int, dict[str, Any]]],
                        source: str) -> StockReportResult:
    """Check every row, save the good ones (a period reported again replaces its
    figures), report the bad ones. Rows are ``(row number, {column: value})``."""
    _refuse_too_many(len(rows))
    report = StockReport(buyer_company_id=buyer.id, created_by_id=user.id if user else None,
                         source=source)
    db.session.add(report)
    db.session.flush()
    result = StockReportResult(report=report, rows=len(rows))
    checker = _Checker(buyer, rows)
    good_rows: list[_GoodRow] = []
    for number, cells in rows:
        try:
            good_rows.append(checker.check(number, cells))
        except _CellError as error:
            result.errors.append(RowError(number, error.field, error.message))
    _save(buyer, report, good_rows, result)
    result.errors.sort(key=lambda error: error.row)
    report.rows_accepted, report.rows_rejected = result.accepted, result.rejected
    db.session.flush()
    return result


def _save(buyer: Company, report: StockReport, good_rows: list[_GoodRow],
          result: StockReportResult) -> None:
    stored = _existing_periods(buyer, good_rows)
    seen: dict[tuple[int, date, date], int] = {}
    for good in good_rows:
        key = (good.xref.product_id, good.period_start, good.period_end)
        if key in seen:
            result.errors.append(RowError(good.number, "period_start", str(_l(
                "The same SKU and period are already in row %(row)s.", row=seen[key]))))
            continue
        periods = stored.setdefault(good.xref.product_id, [])
        clash = _overlap(good, periods)
        if clash is not None:
            result.errors.append(RowError(good.number, "period_start", str(_l(
                "This period overlaps the period %(start)s to %(end)s already reported for "
                "this SKU; report the same dates again to correct it.",
                start=clash.period_start.isoformat(), end=clash.period_end.isoformat()))))
            continue
        seen[key] = good.number
        row = next((r for r in periods if (r.period_start, r.period_end) == key[1:]), None)
        if row is None:
            row = StockReportRow(buyer_company_id=buyer.id, product_id=good.xref.product_id,
                                 period_start=good.period_start, period_end=good.period_end)
            db.session.add(row)
            periods.append(row)
            result.created += 1
        else:
            result.updated += 1
        row.report_id = report.id
        row.supplier_company_id = good.xref.supplier_company_id
        row.buyer_sku = good.xref.buyer_sku
        row.period_days = (good.period_end - good.period_start).days + 1
        row.quantity_sold = good.quantity_sold
        row.quantity_on_hand = good.quantity_on_hand
    db.session.flush()
    refresh_series(buyer.id, {product_id for product_id, _, _ in seen})


def refresh_series(buyer_id: int, product_ids: set[int]) -> None:
    """Bring the series of these products at this buyer up to date (grouped reads)."""
    from marketplace.supplier_link.queries.sales_inventory import series_figures

    if not product_ids:
        return
    ids = sorted(product_ids)
    figures = series_figures(buyer_id, ids)
    suppliers = suppliers_of_products(ids)
    series = {entry.product_id: entry for entry in db.session.scalars(select(StockSeries).where(
        StockSeries.buyer_company_id == buyer_id, StockSeries.product_id.in_(ids)))}
    for product_id, values in figures.items():
        entry = series.get(product_id)
        if entry is None:
            entry = StockSeries(buyer_company_id=buyer_id, product_id=product_id,
                                supplier_company_id=suppliers[product_id])
            db.session.add(entry)
        for name, value in values.items():
            setattr(entry, name, value)
    db.session.flush()


__all__ = ["COLUMNS", "StockReportResult", "import_stock_report", "read_csv"]

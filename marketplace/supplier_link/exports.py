"""Exports of the supplier's views: every row of a view as CSV (UTF-8 with a byte-order
mark, so Excel reads Chinese right) or as an Excel sheet. The columns are the view's
JSON fields; lists inside a row become rows of their own (the periods of a SKU) or one
cell (the payments of an invoice)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache
from typing import IO, Any

from openpyxl import Workbook

from marketplace.core.spreadsheets import PLAIN_NUMBER, csv_row, xlsx_cell, xlsx_row
from marketplace.supplier_link.models import VIEWS

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"  # the response adds "; charset=utf-8" (once)


def _flat(value: Any) -> Any:
    """A list inside a row (the payments of an invoice) as one cell."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


@cache
def numeric_columns(view: str) -> frozenset[str]:
    """The view's columns that hold numbers (quantities, amounts, ratios, counts), by
    its row schema: Excel gets them as numbers, so they sum and sort."""
    from marshmallow import fields

    from marketplace.supplier_link.schemas import (
        VIEW_SCHEMAS,
        MoneyText,
        PeriodRowSchema,
        QuantityText,
        RatioText,
    )

    kinds = (QuantityText, MoneyText, RatioText, fields.Integer)
    names = {name for name, field in VIEW_SCHEMAS[view][1]().fields.items()
             if isinstance(field, kinds) and not name.endswith("_id")}
    if view == "sales-inventory":
        periods = {name for name, field in PeriodRowSchema().fields.items()
                   if isinstance(field, kinds)}
        names |= periods | {f"latest_{name}" for name in periods}
    return frozenset(names)


def _xlsx_cell(sheet, name: str, value: Any, numeric: frozenset[str]) -> Any:
    """Numbers as numbers; text through core.spreadsheets (formulas made inert)."""
    if name in numeric and isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):
        return Decimal(value)
    return xlsx_cell(sheet, _flat(value))


def flat_rows(view: str, dumped: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for row in dumped:
        if view == "sales-inventory":
            periods = row.pop("periods")
            summary = {f"latest_{k}" if k in periods[0] else k: v for k, v in row.items()} \
                if periods else row
            for period in periods:
                yield {**period, **summary}
        elif view == "payables":
            payments = row.pop("payments")
            yield {**row, "payments": "; ".join(
                f"{p['received_at'][:10]} {p['amount']} {p['method']}" for p in payments)}
        else:
            yield row


def render(view: str, fmt: str, dumped: list[dict[str, Any]],
           empty_columns: list[str]) -> IO[bytes]:
    """The file; ``empty_columns`` heads it when there is no row at all."""
    rows = list(flat_rows(view, dumped))
    columns = list(rows[0]) if rows else empty_columns
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - sent
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(VIEWS[view])[:31])
        sheet.append(xlsx_row(sheet, columns))
        numeric = numeric_columns(view)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, name, row.get(name), numeric) for name in columns])
        book.save(out)
    else:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(csv_row(columns))
        for row in rows:
            writer.writerow(csv_row(_flat(row.get(name)) for name in columns))
        text.detach()
    out.seek(0)
    return out

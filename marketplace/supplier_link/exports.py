"""Exports of the supplier's views: every row of a view as CSV (UTF-8 with a byte-order
mark, so Excel reads Chinese right) or as an Excel sheet. The columns are the view's
JSON fields; lists inside a row become rows of their own (the periods of a SKU) or one
cell (the payments of an invoice)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from openpyxl import Workbook

from marketplace.supplier_link.models import VIEWS

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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
        sheet.append(columns)
        for row in rows:
            sheet.append([_cell(row.get(name)) for name in columns])
        book.save(out)
    else:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(name) is None else _cell(row.get(name))
                             for name in columns])
        text.detach()
    out.seek(0)
    return out

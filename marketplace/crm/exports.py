"""CSV and Excel exports of every analytics list (customers, fifths, segments, at risk,
response times, scorecards...): one writer, so each list's file looks the same.

A route calls ``export_response(rows, columns, fmt, name)`` with the rows as its JSON
schema dumps them. CSV is UTF-8 with a byte-order mark (Excel then reads Chinese
names right). Cells go through the marketplace's one escaping helper
(``core.spreadsheets``): text a spreadsheet would run as a formula (starting with
= + - @, a tab or a carriage return) is made inert; a plain number ("-12.5") stays a
number, and in Excel numbers written as decimal strings become real numbers, so they
sum and sort.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from flask import Response, send_file
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from openpyxl import Workbook

from marketplace.core.spreadsheets import PLAIN_NUMBER, csv_row, xlsx_row
from marketplace.core.types import utcnow

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"
FORMATS = ("json", "csv", "xlsx")

_BINARY = {"schema": {"type": "string", "format": "binary"}}


class FormatArgsSchema(Schema):
    """``?format=json|csv|xlsx`` (default json). Mix into a list's arguments schema."""

    format = fields.String(load_default="json", validate=validate.OneOf(
        FORMATS, error=_l("Choose one of: json, csv, xlsx.")),
        metadata={"description": "json (a page), or csv / xlsx (every row, as a file)"})


def export_responses(page_schema: type[Schema] | Schema) -> dict:
    """The OpenAPI 200 entry of a list that also answers as a file."""
    return {"200": {"description": str(_l("A page of rows, or every row as a file")),
                    "content": {"application/json": {"schema": page_schema},
                                CSV_MIMETYPE: _BINARY, XLSX_MIMETYPE: _BINARY}}}


def _flat(value: Any) -> Any:
    """A list in a row (rare) as one cell of text."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value


def _xlsx_value(value: Any) -> Any:
    """Decimal strings (money, shares) as numbers; everything else as it is."""
    value = _flat(value)
    if isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):
        return Decimal(value)
    return value


def render(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str,
           sheet_title: str = "export") -> io.BufferedIOBase:
    """The file (CSV or XLSX) of ``rows``, one column per name in ``columns``."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - sent
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(sheet_title[:31] or "export")
        sheet.append(list(columns))
        for row in rows:
            sheet.append(xlsx_row(sheet, [_xlsx_value(row.get(name)) for name in columns]))
        book.save(out)
    else:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(list(columns))
        for row in rows:
            writer.writerow(csv_row(_flat(row.get(name)) for name in columns))
        text.detach()
    out.seek(0)
    return out


def export_response(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str,
                    name: str) -> Response:
    """Send ``rows`` as ``<name>-<yyyymmdd>.<fmt>`` (``fmt`` is csv or xlsx)."""
    download = f"{name}-{utcnow():%Y%m%d}.{fmt}"
    return send_file(render(rows, columns, fmt, name), as_attachment=True,
                     download_name=download, max_age=0,
                     mimetype=XLSX_MIMETYPE if fmt == "xlsx" else CSV_MIMETYPE)


def schema_columns(schema: Schema) -> list[str]:
    """A row schema's flat columns (nested lists and objects left out)."""
    return [field.data_key or name for name, field in schema.fields.items()
            if not isinstance(field, fields.List | fields.Nested) and not field.load_only]

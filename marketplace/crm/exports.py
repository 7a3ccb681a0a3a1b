"""CSV and Excel exports of every analytics list (customers, fifths, segments, at risk,
response times, scorecards...): one writer, so each list's file looks the same.

A route calls ``export_response(rows, columns, fmt, name)`` with the rows as its JSON
schema dumps them. CSV is UTF-8 with a byte-order mark (Excel then reads Chinese
names right). Text a spreadsheet would run as a formula (starting with = + - @, a tab
or a carriage return) gets a leading apostrophe; a plain number ("-12.5") stays a
number, and in Excel numeric columns are real numbers, so they sum and sort.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from flask import Response, send_file
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from openpyxl import Workbook

from marketplace.core.types import utcnow

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"
FORMATS = ("json", "csv", "xlsx")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")

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


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet should see it: formula-leading text made inert."""
    if isinstance(value, list | tuple):
        value = ", ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) \
            and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str) and NUMBER.fullmatch(value):
        return Decimal(value)
    if isinstance(value, bool | int | float | Decimal) or value is None:
        return value
    return safe_cell(str(value) if not isinstance(value, list | tuple) else value)


def render(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str,
           sheet_title: str = "export") -> io.BufferedIOBase:
    """The file (CSV or XLSX) of ``rows``, one column per name in ``columns``."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - sent
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(sheet_title[:31] or "export")
        sheet.append(list(columns))
        for row in rows:
            sheet.append([_xlsx_cell(row.get(name)) for name in columns])
        book.save(out)
    else:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(list(columns))
        for row in rows:
            writer.writerow(["" if row.get(name) is None else safe_cell(row.get(name))
                             for name in columns])
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

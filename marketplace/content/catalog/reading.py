"""Reading a catalog file: a workbook (openpyxl, read-only) or a CSV (UTF-8, comma,
semicolon or tab), streamed a row at a time, with its header checked against the
template (queries/catalog.py). Rows are numbered as the spreadsheet shows them."""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

import openpyxl
from flask_babel import lazy_gettext as _l

from marketplace.content.catalog import sniffing
from marketplace.content.queries.catalog import (
    COLUMN_NAMES,
    COLUMNS_BY_NAME,
    PRODUCTS_SHEET,
    REQUIRED_COLUMNS,
)
from marketplace.core.errors import DomainError, UnsupportedMediaType, ValidationFailed
from marketplace.core.spreadsheets import unescape_csv_cell

log = logging.getLogger(__name__)


class UnreadableRow(Exception):
    """The rest of the file cannot be read from this row on (a broken CSV quote)."""

    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row
        self.message = message


@dataclass
class CatalogFile:
    """An opened, checked spreadsheet: its header and a stream of its rows."""

    format: str  # "xlsx" or "csv"
    header: list[str | None]
    rows_estimate: int | None
    _rows: Iterator[tuple[int, tuple]]
    _close: Callable[[], None] = lambda: None

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number as the spreadsheet shows it, cells) for every row below the header."""
        return self._rows

    def close(self) -> None:
        self._close()


def open_catalog_file(stream: IO[bytes]) -> CatalogFile:
    """Decide the format by the content (never the name), check it and its header.
    415: neither a workbook nor UTF-8 text; 413: a workbook that unpacks too large;
    422: unreadable, or the header lacks required columns or has unknown ones."""
    opener = _open_xlsx if sniffing.file_format(stream) == "xlsx" else _open_csv
    catalog = opener(stream)
    try:
        _check_header(catalog.header)
    except DomainError:
        catalog.close()
        raise
    return catalog


def _open_xlsx(stream: IO[bytes]) -> CatalogFile:
    _check_workbook_zip(stream)
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        sheet = (workbook[PRODUCTS_SHEET] if PRODUCTS_SHEET in workbook.sheetnames
                 else workbook.worksheets[0])
        estimate = sheet.max_row - 1 if sheet.max_row else None
        # A wrong <dimension> (some programs write "A1") would cut reading short.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, ())
    except DomainError:
        raise
    except Exception as error:  # a damaged workbook fails in many ways inside openpyxl
        log.info("unreadable workbook", exc_info=True)
        raise ValidationFailed(str(_l("The workbook cannot be read (%(reason)s). Open it in "
                                      "Excel, save it again as .xlsx and upload it again.",
                                      reason=type(error).__name__))) from None
    return CatalogFile("xlsx", _header_names(header), estimate, _numbered_xlsx(rows),
                       workbook.close)


def _check_workbook_zip(stream: IO[bytes]) -> None:
    """A zip holding a workbook (else 415), and no zip bomb (413)."""
    try:
        archive = zipfile.ZipFile(stream)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise sniffing.not_a_spreadsheet() from None
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise sniffing.not_a_spreadsheet()
    sniffing.refuse_workbook_bomb(entries)
    archive.close()
    stream.seek(0)


def _numbered_xlsx(rows: Iterator[tuple]) -> Iterator[tuple[int, tuple]]:
    number = 1
    while True:
        number += 1
        try:
            cells = next(rows)
        except StopIteration:
            return
        except Exception:
            log.info("unreadable workbook row %d", number, exc_info=True)
            raise UnreadableRow(number, str(_l(
                "The workbook cannot be read from this row on. Open it in Excel, save "
                "it again as .xlsx and upload it again."))) from None
        yield number, cells


def _open_csv(stream: IO[bytes]) -> CatalogFile:
    lines = sniffing.check_utf8_text(stream)
    text_stream = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    first_line = text_stream.readline()
    if first_line.lstrip().startswith("<"):
        text_stream.detach()
        raise UnsupportedMediaType(str(_l(
            "This file is a web page or XML, not a spreadsheet. Save your spreadsheet as "
            ".xlsx or as 'CSV UTF-8' and upload it again.")))
    text_stream.seek(0)
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line.strip() else ","
    reader = csv.reader(text_stream, delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error as error:
        text_stream.detach()
        raise ValidationFailed(str(_l("The header row cannot be read: %(reason)s.",
                                      reason=str(error)))) from None
    return CatalogFile("csv", _header_names(header), max(lines - 1, 0), _numbered_csv(reader),
                       text_stream.detach)


def _numbered_csv(reader) -> Iterator[tuple[int, tuple]]:
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableRow(number, str(_l(
                "The file cannot be read from this row on (%(reason)s); check its "
                "quotes.", reason=str(error)))) from None
        yield number, tuple(unescape_csv_cell(cell) for cell in cells)


def _header_names(cells) -> list[str | None]:
    names = []
    for cell in cells:
        name = str(cell).strip().lstrip("\ufeff").rstrip("*").strip().lower() \
            if cell is not None else ""
        names.append(name.replace(" ", "_") or None)
    while names and names[-1] is None:
        names.pop()
    return names


def _check_header(header: list[str | None]) -> None:
    names = [name for name in header if name]
    if not names:
        raise ValidationFailed(str(_l(
            "The first row must be the template's header (sku, name, ...); it is empty.")),
            errors={"file": [str(_l("No header row."))]})
    errors = _header_errors(names)
    if errors:
        raise ValidationFailed(_header_message(names), errors=errors)


def _header_errors(names: list[str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in REQUIRED_COLUMNS:
        if name not in names:
            errors[name] = [str(_l("This column is required."))]
    for name in _unknown(names):
        errors[name] = [str(_l("Not a column of the template."))]
    for name in _duplicates(names):
        errors[name] = [str(_l("This column appears more than once."))]
    return errors


def _header_message(names: list[str]) -> str:
    parts = []
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        parts.append(str(_l("The file lacks the required columns: %(names)s.",
                            names=", ".join(missing))))
    if unknown := _unknown(names):
        parts.append(str(_l("Unknown columns: %(names)s (the template's columns are %(all)s).",
                            names=", ".join(unknown), all=", ".join(COLUMN_NAMES))))
    if duplicates := _duplicates(names):
        parts.append(str(_l("Columns given twice: %(names)s.", names=", ".join(duplicates))))
    return " ".join(parts)


def _unknown(names: list[str]) -> list[str]:
    return [name for name in names if name not in COLUMNS_BY_NAME]


def _duplicates(names: list[str]) -> list[str]:
    return sorted({name for name in names if names.count(name) > 1})

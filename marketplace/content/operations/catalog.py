"""Content operations: the offline catalog import.

A spreadsheet in the template (queries/catalog.py, docs/CATALOG_TEMPLATE.md) creates
or updates the company's products by SKU. The file is streamed (openpyxl read-only,
csv reader) a batch of rows at a time; each row is checked cell by cell, then saved
through ``save_product`` in its own savepoint, so a bad row is reported (row number as
the spreadsheet shows it, column, reason) and leaves nothing behind while the good rows
are kept. A zip of images named by SKU may come beside it.

Small files are imported within the request (``import_catalog``); big ones by a
background job (``queue_import`` → the ``run_catalog_import`` Celery task), which
commits its progress every few hundred rows so the portal can draw a progress bar.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import os
import re
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import openpyxl
from flask import current_app, g, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.content.models import (
    CatalogImport,
    CatalogImportStatus,
    MediaKind,
    Product,
)

# Called through their modules (store_upload, save_product, attach_media): the
# products/media area provides them.
from marketplace.content.operations import media as media_operations
from marketplace.content.operations import products as product_operations
from marketplace.content.queries.catalog import (
    COLUMN_NAMES,
    COLUMNS_BY_NAME,
    PRODUCTS_SHEET,
    REQUIRED_COLUMNS,
    STATUSES,
    TIERS,
    categories,
)
from marketplace.core import boundary, outbox
from marketplace.core.audit import record_audit
from marketplace.core.errors import (
    DomainError,
    Forbidden,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from marketplace.core.spreadsheets import unescape_csv_cell
from marketplace.core.types import utcnow
from marketplace.core.validation import currency_codes
from marketplace.extensions import celery, db
from marketplace.infrastructure.models import Company, User

log = logging.getLogger(__name__)

# Rows a request imports by itself (setting CATALOG_SYNC_MAX_ROWS); bigger files go
# through POST /catalog/imports.
SYNC_MAX_ROWS = 5_000
BATCH_ROWS = 200  # rows read, looked up and saved together; a job commits after each
MAX_REPORTED_ERRORS = 1_000  # the report lists these; error_count counts all

# A workbook is a zip too: refuse one that would unpack into something huge.
XLSX_MAX_ENTRIES = 10_000
XLSX_MAX_UNPACKED = 1024 * 1024 * 1024
# The images zip. An image is already compressed (ratio near 1); a zip bomb is not.
IMAGES_MAX_ENTRIES = 2_000
IMAGES_MAX_UNPACKED = 512 * 1024 * 1024
IMAGE_MAX_BYTES = 25 * 1024 * 1024  # unless the media store's own limit says otherwise
# Entries above this size may not expand more than MAX_RATIO times.
RATIO_CHECK_FROM = 1024 * 1024
MAX_RATIO = 100

MONEY_MAX = Decimal(10) ** 14  # Money and Quantity are NUMERIC(18, 4)
LEAD_TIME_MAX_DAYS = 3650
JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
TEXT_LIMITS = {"sku": 64, "name": 300, "name_zh": 300, "description": 20_000,
               "description_zh": 20_000, "product_line": 200, "unit": 20, "hs_code": 12,
               "packaging": 300, "port": 120, "attributes": 10_000}
TIER_FIELD = re.compile(r"^price_tiers\.(\d+)(?:\.(min_qty|unit_price))?")


# ----- the report -------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0  # data rows read; blank rows are not counted
    failed_rows: int = 0
    images_attached: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)

    def add_error(self, row: int | None, column: str | None, message: Any) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": column, "message": str(message)})

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)


@dataclass
class ParsedRow:
    row: int
    sku: str | None
    values: dict[str, Any]
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    tier_numbers: list[int] = field(default_factory=list)  # price_tiers index → tier column


# ----- reading the file -------------------------------------------------------------------


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
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        catalog = _open_xlsx(stream)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedMediaType(str(_l(
            "This is an old Excel file (.xls). Save it as .xlsx or as CSV UTF-8 and upload "
            "it again.")))
    else:
        catalog = _open_csv(stream)
    try:
        _check_header(catalog.header)
    except DomainError:
        catalog.close()
        raise
    return catalog


def _not_a_spreadsheet() -> UnsupportedMediaType:
    return UnsupportedMediaType(str(_l(
        "This file is neither an Excel workbook (.xlsx) nor a CSV file in UTF-8. Save your "
        "spreadsheet as .xlsx or as 'CSV UTF-8' and upload it again.")))


def _open_xlsx(stream: IO[bytes]) -> CatalogFile:
    try:
        archive = zipfile.ZipFile(stream)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_spreadsheet() from None
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise _not_a_spreadsheet()
    _refuse_zip_bomb(entries, XLSX_MAX_ENTRIES, XLSX_MAX_UNPACKED, _l("workbook"))
    archive.close()
    stream.seek(0)
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

    def numbered() -> Iterator[tuple[int, tuple]]:
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

    return CatalogFile("xlsx", _header_names(header), estimate, numbered(), workbook.close)


def _open_csv(stream: IO[bytes]) -> CatalogFile:
    lines = _check_utf8_text(stream)
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

    def numbered() -> Iterator[tuple[int, tuple]]:
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

    return CatalogFile("csv", _header_names(header), max(lines - 1, 0), numbered(),
                       text_stream.detach)


def _check_utf8_text(stream: IO[bytes]) -> int:
    """Refuse (415) what is not UTF-8 text; return the number of lines, for progress."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, last = 0, b""
    try:
        while chunk := stream.read(1024 * 1024):
            if b"\x00" in chunk:
                raise _not_a_spreadsheet()
            decoder.decode(chunk)
            lines += chunk.count(b"\n")
            last = chunk
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UnsupportedMediaType(str(_l(
            "This CSV file is not in UTF-8 (perhaps Big5). In Excel choose Save As → "
            "'CSV UTF-8 (Comma delimited)', or save as .xlsx, and upload it again."))) from None
    stream.seek(0)
    return lines + (1 if last and not last.endswith(b"\n") else 0)


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
    errors: dict[str, list[str]] = {}
    for name in REQUIRED_COLUMNS:
        if name not in names:
            errors[name] = [str(_l("This column is required."))]
    unknown = [name for name in names if name not in COLUMNS_BY_NAME]
    for name in unknown:
        errors[name] = [str(_l("Not a column of the template."))]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    for name in duplicates:
        errors[name] = [str(_l("This column appears more than once."))]
    if not errors:
        return
    parts = []
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        parts.append(str(_l("The file lacks the required columns: %(names)s.",
                            names=", ".join(missing))))
    if unknown:
        parts.append(str(_l("Unknown columns: %(names)s (the template's columns are %(all)s).",
                            names=", ".join(unknown), all=", ".join(COLUMN_NAMES))))
    if duplicates:
        parts.append(str(_l("Columns given twice: %(names)s.", names=", ".join(duplicates))))
    raise ValidationFailed(" ".join(parts), errors=errors)


# ----- zips -------------------------------------------------------------------------------


def _refuse_zip_bomb(entries: list[zipfile.ZipInfo], max_entries: int, max_unpacked: int,
                     what, max_ratio: int = MAX_RATIO) -> None:
    if len(entries) > max_entries:
        raise PayloadTooLarge(str(_l("The %(what)s holds %(count)d files; at most %(max)d "
                                     "are accepted.", what=what, count=len(entries),
                                     max=max_entries)))
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max_unpacked:
        raise PayloadTooLarge(str(_l("The %(what)s would unpack to %(size)d MB; at most "
                                     "%(max)d MB are accepted.", what=what,
                                     size=unpacked // 2**20, max=max_unpacked // 2**20)))
    for entry in entries:
        if entry.file_size > RATIO_CHECK_FROM and \
                entry.file_size > max_ratio * max(entry.compress_size, 1):
            raise PayloadTooLarge(str(_l(
                "The %(what)s looks like a zip bomb: %(name)s expands %(ratio)d times.",
                what=what, name=os.path.basename(entry.filename.replace("\\", "/"))[:100],
                ratio=entry.file_size // max(entry.compress_size, 1))))


def open_images_zip(stream: IO[bytes]) -> zipfile.ZipFile:
    """The images zip, checked: a zip (415), not a bomb (413)."""
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnsupportedMediaType(str(_l(
            "The images must come as one .zip file, with files named by SKU.")),
            errors={"images": [str(_l("Not a zip file."))]}) from None
    _refuse_zip_bomb(entries, IMAGES_MAX_ENTRIES, IMAGES_MAX_UNPACKED, _l("images zip"))
    return archive


@dataclass
class ZipImage:
    entry: zipfile.ZipInfo
    name: str  # the base name: folders inside the zip are ignored
    sku: str
    position: int


def _entry_name(entry: zipfile.ZipInfo) -> tuple[str | None, str | None]:
    """(base name, None) for a usable entry, (None, why) for a refused one, (None, None)
    for one skipped silently (folders, system files)."""
    raw = entry.filename.replace("\\", "/")
    if entry.is_dir() or raw.endswith("/"):
        return None, None
    parts = raw.split("/")
    if raw.startswith("/") or re.match(r"^[A-Za-z]:", raw) or ".." in parts:
        return None, str(_l("a path outside the zip is not allowed; not used."))
    if "__MACOSX" in parts:
        return None, None
    name = parts[-1]
    if not name or name.startswith(".") or name.lower() in JUNK_NAMES:
        return None, None
    if entry.flag_bits & 0x1:
        return None, str(_l("encrypted; not used."))
    return name, None


def _match_sku(name: str, skus: dict[str, Any]) -> tuple[str, int] | None:
    """ABC-123.jpg → (ABC-123, 1); ABC-123-2.png → (ABC-123, 2); an exact SKU wins."""
    stems = [name, os.path.splitext(name)[0]]
    for stem in stems:
        if stem in skus:
            return stem, 1
    for stem in stems:
        match = re.match(r"^(.+)-(\d{1,4})$", stem)
        if match and match.group(1) in skus:
            return match.group(1), max(int(match.group(2)), 1)
    return None


def attach_images(company: Company, archive: zipfile.ZipFile, saved: dict[str, tuple[int, int]],
                  failed: dict[str, int], result: ImportResult) -> None:
    """Store each image of the zip (checked by content) and attach it to the product of
    its SKU, in the order the names give; report those that match no imported row."""
    matched: list[ZipImage] = []
    for entry in archive.infolist():
        name, refusal = _entry_name(entry)
        label = os.path.basename(entry.filename.replace("\\", "/"))[:200]
        if refusal:
            result.add_error(None, "images", f"{label}: {refusal}")
            continue
        if name is None:
            continue
        found = _match_sku(name, saved) or _match_sku(name, failed)
        if found is None:
            result.add_error(None, "images", _l("%(file)s matches no SKU in the file.",
                                                file=name))
            continue
        sku, position = found
        if sku not in saved:
            result.add_error(failed[sku], "images", _l(
                "%(file)s: row %(row)d (SKU %(sku)s) was not imported, so its image was not "
                "attached.", file=name, row=failed[sku], sku=sku))
            continue
        matched.append(ZipImage(entry, name, sku, position))
    matched.sort(key=lambda image: (image.sku, image.position, image.name))
    for image in matched:
        row, product_id = saved[image.sku]
        product = db.session.get(Product, product_id)  # from the identity map after the first
        _attach_one(company, archive, image, product, row, result)


def _image_limit() -> int:
    """Read no more of an entry than the media store would accept for an image."""
    limits = current_app.config.get("MEDIA_MAX_BYTES") or {}
    return int(limits.get("image", IMAGE_MAX_BYTES))


def _attach_one(company: Company, archive: zipfile.ZipFile, image: ZipImage, product: Product,
                row: int, result: ImportResult) -> None:
    limit = _image_limit()
    with archive.open(image.entry) as source:
        content = source.read(limit + 1)
    if len(content) > limit or len(content) > image.entry.file_size:
        result.add_error(row, "images", _l("%(file)s: larger than %(max)d MB; not attached.",
                                           file=image.name, max=max(limit // 2**20, 1)))
        return
    digest = hashlib.sha256(content).hexdigest()
    if any(item.file.sha256 == digest for item in product.media):
        return  # attached by an earlier import: importing the same zip again adds nothing
    try:
        with db.session.begin_nested():
            stored = media_operations.store_upload(company, io.BytesIO(content), image.name,
                                                   allowed={MediaKind.IMAGE})
            product_operations.attach_media(product, stored)
    except DomainError as error:
        result.add_error(row, "images", f"{image.name}: {problem_text(error)}")
    else:
        result.images_attached += 1


# ----- one row ------------------------------------------------------------------------------


def problem_text(error: DomainError) -> str:
    """A refusal in one line: its field messages, else its detail."""
    messages = [str(m) for ms in error.errors.values() for m in (ms if isinstance(ms, list)
                                                                 else [ms])]
    return " ".join(messages) if messages else error.detail


class CellError(Exception):
    pass


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    elif isinstance(value, datetime):
        value = value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    elif isinstance(value, date):
        value = value.isoformat()
    value = str(value).strip()
    return value or None


def _text(value: Any, column: str, *, required: bool = False) -> str | None:
    result = _as_text(value)
    if result is None:
        if required:
            raise CellError(_l("Required; this cell is empty."))
        return None
    limit = TEXT_LIMITS[column]
    if len(result) > limit:
        raise CellError(_l("At most %(max)d characters (this has %(length)d).",
                           max=limit, length=len(result)))
    return result


def _decimal(value: Any, *, positive: bool = False) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_l("Not a number: %(value)s.", value=value))
    if isinstance(value, float):
        # 15 significant digits, as Excel shows them: a formula's 1.3200000000000001
        # is the 1.32 on the screen.
        number = Decimal(format(value, ".15g"))
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        raw = str(value).strip()
        if not raw:
            return None
        try:
            if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", raw):
                raise InvalidOperation
            number = Decimal(raw)
        except InvalidOperation:
            raise CellError(_l(
                "Not a number: %(value)s. Write digits with a point for decimals, without "
                "currency signs or thousands separators.", value=raw[:40])) from None
    shown = _shown(number)
    if not number.is_finite() or abs(number) >= MONEY_MAX:
        raise CellError(_l("Too large: %(value)s.", value=shown))
    if number < 0:
        raise CellError(_l("Must not be negative (%(value)s).", value=shown))
    if positive and number == 0:
        raise CellError(_l("Must be more than 0."))
    if number != number.quantize(Decimal("0.0001"), rounding="ROUND_DOWN"):
        raise CellError(_l("At most 4 decimal places (%(value)s).", value=shown))
    return number


def _shown(number: Decimal) -> str:
    return format(number.normalize(), "f") if number.is_finite() else str(number)


def _lead_time(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = _decimal(value)
    except CellError:
        number = None
    if number is None or number != number.to_integral() or number > LEAD_TIME_MAX_DAYS:
        raise CellError(_l("A whole number of days from 0 to %(max)d (not %(value)s).",
                           max=LEAD_TIME_MAX_DAYS, value=str(value).strip()[:40]))
    return int(number)


def _split_escaped(text_value: str, separator: str) -> list[str]:
    """Split on ``separator`` except where written as a backslash escape."""
    parts, current, chars = [], [], iter(text_value)
    for char in chars:
        if char == "\\":
            current.append(char + next(chars, ""))
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unescape(text_value: str) -> str:
    return re.sub(r"\\(.)", r"\1", text_value).strip()


def parse_attributes(value: Any) -> dict[str, str]:
    """'Material: steel; Thread: M8' → {"Material": "steel", "Thread": "M8"}."""
    raw = _text(value, "attributes")
    attributes: dict[str, str] = {}
    if raw is None:
        return attributes
    for part in _split_escaped(raw, ";"):
        if not part.strip():
            continue
        key_value = _split_escaped(part, ":")
        if len(key_value) < 2:
            raise CellError(_l("Write specifications as 'key: value; key: value'; "
                               "'%(part)s' has no colon.", part=part.strip()[:60]))
        key, rest = _unescape(key_value[0]), ":".join(key_value[1:])
        if not key:
            raise CellError(_l("A specification has a value but no key: '%(part)s'.",
                               part=part.strip()[:60]))
        if key in attributes:
            raise CellError(_l("The key '%(key)s' appears twice.", key=key[:60]))
        attributes[key] = _unescape(rest)
    return attributes  # their number and lengths: save_product checks them


class RowParser:
    """Turns a row's cells into ``save_product`` values, collecting every cell's error."""

    def __init__(self, header: list[str | None]):
        self.positions = {name: index for index, name in enumerate(header) if name}
        self.has_tiers = any(name.startswith("tier") for name in self.positions)
        known = categories()
        self.categories = {category.code.lower(): category.code for category in known}
        # An id works too, as in the API (the template documents the codes).
        self.categories.update({str(category.id): category.code for category in known})
        self.currencies = currency_codes()

    def cell(self, cells: tuple, name: str) -> Any:
        index = self.positions[name]
        value = cells[index] if index < len(cells) else None
        if isinstance(value, str):
            value = value.strip() or None
        return value

    def is_blank(self, cells: tuple) -> bool:
        return all(self.cell(cells, name) is None for name in self.positions)

    def parse(self, number: int, cells: tuple) -> ParsedRow:
        parsed = ParsedRow(number, None, {})
        values = parsed.values
        for name in self.positions:
            if name.startswith("tier"):
                continue
            try:
                result = self._parse_cell(name, self.cell(cells, name))
            except CellError as error:
                parsed.errors.append((name, str(error.args[0])))
                continue
            if result is not _OMIT:
                values[name] = result
        if self.has_tiers:
            self._parse_tiers(cells, parsed)
        parsed.sku = values.get("sku")
        return parsed

    def _parse_cell(self, name: str, value: Any) -> Any:
        if name in ("sku", "name"):
            return _text(value, name, required=True)
        if name in ("name_zh", "description", "description_zh", "product_line", "hs_code",
                    "packaging", "port"):
            return _text(value, name)
        if name == "moq":
            return _decimal(value, positive=True)
        if name == "lead_time_days":
            return _lead_time(value)
        if name == "attributes":
            return parse_attributes(value)
        if name == "category":
            code = _as_text(value)  # a number typed as an id: "12", not "12.0"
            if code is None:
                return None
            if code.lower() not in self.categories:
                raise CellError(_l("Unknown category code '%(code)s'. Use a code from the "
                                   "Instructions sheet or GET /api/v1/categories.",
                                   code=code[:60]))
            return self.categories[code.lower()]
        if name == "unit":
            return _text(value, "unit") or _OMIT
        if name == "currency":
            code = _as_text(value)
            if code is None:
                return _OMIT
            if code.upper() not in self.currencies:
                raise CellError(_l("Not an ISO 4217 currency code: '%(code)s'.",
                                   code=code[:20]))
            return code.upper()
        if name == "status":
            status = _as_text(value)
            if status is None:
                return _OMIT
            if status.lower() not in STATUSES:
                raise CellError(_l("Write draft, published or archived (not '%(value)s').",
                                   value=status[:30]))
            return status.lower()
        raise AssertionError(name)  # every template column is handled above

    def _parse_tiers(self, cells: tuple, parsed: ParsedRow) -> None:
        tiers, previous = [], None
        for n in range(1, TIERS + 1):
            qty_column, price_column = f"tier{n}_min_qty", f"tier{n}_unit_price"
            try:
                qty = _decimal(self.cell(cells, qty_column), positive=True) \
                    if qty_column in self.positions else None
            except CellError as error:
                parsed.errors.append((qty_column, str(error.args[0])))
                continue
            try:
                price = _decimal(self.cell(cells, price_column)) \
                    if price_column in self.positions else None
            except CellError as error:
                parsed.errors.append((price_column, str(error.args[0])))
                continue
            if qty is None and price is None:
                continue
            if price is None:
                parsed.errors.append((price_column, str(_l(
                    "Tier %(n)d has a quantity but no unit price.", n=n))))
                continue
            if qty is None:
                parsed.errors.append((qty_column, str(_l(
                    "Tier %(n)d has a unit price but no quantity.", n=n))))
                continue
            if previous is not None and qty <= previous[1]:
                parsed.errors.append((qty_column, str(_l(
                    "Tier quantities must go up: %(qty)s is not above %(previous)s of tier "
                    "%(m)d.", qty=_shown(qty), previous=_shown(previous[1]), m=previous[0]))))
                continue
            previous = (n, qty)
            tiers.append({"min_qty": qty, "unit_price": price})
            parsed.tier_numbers.append(n)
        parsed.values["price_tiers"] = tiers


_OMIT = object()  # an empty unit, currency or status: the default, or unchanged


def _stored_values(product: Product) -> dict[str, Any]:
    """The product in the shape ``RowParser`` gives, to skip rows that change nothing."""
    return {
        "sku": product.sku, "name": product.name, "name_zh": product.name_zh or None,
        "description": product.description or None,
        "description_zh": product.description_zh or None,
        "category": product.category.code if product.category else None,
        "product_line": product.product_line.name if product.product_line else None,
        "unit": product.unit, "moq": product.moq, "currency": product.currency,
        "attributes": [(str(k), str(v)) for k, v in (product.attributes or {}).items()],
        "hs_code": product.hs_code or None, "lead_time_days": product.lead_time_days,
        "packaging": product.packaging or None, "port": product.port or None,
        "status": str(product.status),
        "price_tiers": [(tier.min_qty, tier.unit_price) for tier in
                        sorted(product.price_tiers, key=lambda tier: tier.min_qty)],
    }


def _changes_nothing(product: Product, values: dict[str, Any]) -> bool:
    stored = _stored_values(product)
    for name, value in values.items():
        if name == "attributes":
            value = list(value.items())
        elif name == "price_tiers":
            value = [(tier["min_qty"], tier["unit_price"]) for tier in value]
        elif name == "product_line" and value is not None and stored[name] is not None:
            value, stored[name] = value.lower(), stored[name].lower()  # found case aside
        if stored[name] != value:
            return False
    return True


def _keep_further_tiers(product: Product, values: dict[str, Any]) -> None:
    """The template holds TIERS tiers; a product given more through the API keeps the
    others while the file repeats its first TIERS unchanged."""
    tiers = sorted(product.price_tiers, key=lambda tier: tier.min_qty)
    if "price_tiers" in values and len(tiers) > TIERS and \
            [(t["min_qty"], t["unit_price"]) for t in values["price_tiers"]] == \
            [(t.min_qty, t.unit_price) for t in tiers[:TIERS]]:
        del values["price_tiers"]


def _column_of(api_field: str, parsed: ParsedRow) -> str | None:
    """save_product names API fields; the report names the spreadsheet's columns."""
    match = TIER_FIELD.match(api_field)
    if match:
        index = int(match.group(1))
        n = parsed.tier_numbers[index] if index < len(parsed.tier_numbers) else index + 1
        return f"tier{n}_{match.group(2) or 'min_qty'}"
    if api_field == "price_tiers":
        return f"tier{parsed.tier_numbers[0] if parsed.tier_numbers else 1}_min_qty"
    name = api_field.split(".")[0]
    return name if name in COLUMNS_BY_NAME else None


# ----- the import ---------------------------------------------------------------------------


class CatalogImporter:
    """Reads a catalog file's rows a batch at a time and saves them; the result holds
    the counts and the row report."""

    def __init__(self, company: Company, catalog: CatalogFile, *, max_rows: int | None = None,
                 on_batch: Callable[[int, ImportResult], None] | None = None,
                 keep_skus: bool = False):
        self.company = company
        self.catalog = catalog
        self.max_rows = max_rows
        self.on_batch = on_batch
        self.parser = RowParser(catalog.header)
        self.result = ImportResult()
        self.first_row: dict[str, int] = {}  # SKU → the row it was first seen on
        # SKU → (row, product id) of saved rows, and SKU → row of failed ones: for images
        self.keep_skus = keep_skus
        self.saved: dict[str, tuple[int, int]] = {}
        self.failed: dict[str, int] = {}

    def run(self) -> ImportResult:
        batch: list[ParsedRow] = []
        last_row = 1
        try:
            for number, cells in self.catalog.rows():
                last_row = number
                if self.parser.is_blank(cells):
                    continue
                self.result.rows += 1
                if self.max_rows is not None and self.result.rows > self.max_rows:
                    raise _too_many_rows(self.max_rows)
                batch.append(self._parse(number, cells))
                if len(batch) >= BATCH_ROWS:
                    self._save(batch)
                    batch = []
                    if self.on_batch:
                        self.on_batch(number - 1, self.result)
        except UnreadableRow as error:
            self.result.add_error(error.row, None, error.message)
            last_row = error.row
        self._save(batch)
        if self.on_batch:
            self.on_batch(last_row - 1, self.result)
        return self.result

    def _parse(self, number: int, cells: tuple) -> ParsedRow:
        parsed = self.parser.parse(number, cells)
        if parsed.sku is not None:
            first = self.first_row.setdefault(parsed.sku, number)
            if first != number:
                parsed.errors.append(("sku", str(_l(
                    "SKU '%(sku)s' is already on row %(row)d of this file; each SKU may "
                    "appear once.", sku=parsed.sku, row=first))))
        return parsed

    def _save(self, batch: list[ParsedRow]) -> None:
        if not batch:
            return
        begin_for_savepoints()
        skus = [parsed.sku for parsed in batch if not parsed.errors]
        existing = {product.sku: product for product in db.session.scalars(
            select(Product).where(Product.company_id == self.company.id, Product.sku.in_(skus))
            .options(selectinload(Product.price_tiers), selectinload(Product.category),
                     selectinload(Product.product_line)))} if skus else {}
        for parsed in batch:
            if not parsed.errors:
                self._save_row(parsed, existing.get(parsed.sku))
            if parsed.errors:
                self.result.failed_rows += 1
                for column, message in parsed.errors:
                    self.result.add_error(parsed.row, column, message)
                if self.keep_skus and parsed.sku and parsed.sku not in self.saved:
                    self.failed.setdefault(parsed.sku, parsed.row)

    def _save_row(self, parsed: ParsedRow, product: Product | None) -> None:
        if product is not None:
            _keep_further_tiers(product, parsed.values)
        if product is not None and _changes_nothing(product, parsed.values):
            self.result.unchanged += 1
            self._keep(parsed, product)
            return
        try:
            with db.session.begin_nested():
                saved = product_operations.save_product(self.company, dict(parsed.values),
                                                        product)
        except ValidationFailed as error:
            self._refused(parsed, error.errors or {"_schema": [error.detail]})
            return
        except Forbidden as error:
            column = "status" if parsed.values.get("status") == "published" else None
            parsed.errors.append((column, error.detail))
            return
        except DomainError as error:
            parsed.errors.append((None, error.detail))
            return
        except IntegrityError:
            log.info("catalog row %d refused by the database", parsed.row, exc_info=True)
            parsed.errors.append(("sku", str(_l(
                "This row conflicts with a product saved at the same moment; import the file "
                "again."))))
            return
        if product is None:
            self.result.created += 1
        else:
            self.result.updated += 1
        self._keep(parsed, saved)

    def _refused(self, parsed: ParsedRow, errors: dict) -> None:
        for api_field, messages in errors.items():
            for message in messages if isinstance(messages, list) else [messages]:
                parsed.errors.append((_column_of(api_field, parsed), str(message)))

    def _keep(self, parsed: ParsedRow, product: Product) -> None:
        if self.keep_skus:
            self.saved[parsed.sku] = (parsed.row, product.id)


def _too_many_rows(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(str(_l(
        "This file has more than %(max)d rows, more than one request imports. Upload it on "
        "the Offline catalog page, or with POST /api/v1/catalog/imports, which imports it in "
        "the background.", max=limit)))


def begin_for_savepoints() -> None:
    """SQLite's Python driver begins a transaction only at the first write, so a
    SAVEPOINT before it would stand alone and its RELEASE would commit at once: start
    the transaction with a write that changes nothing. PostgreSQL needs no help."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE catalog_imports SET rows_done = rows_done WHERE 0 = 1"))


def _ensure_supplier(company: Company) -> None:
    if not company.is_supplier:
        raise Forbidden(str(_l("Only suppliers keep a product catalog; your company is "
                               "registered as a buyer.")))


def sync_max_rows() -> int:
    return int(current_app.config.get("CATALOG_SYNC_MAX_ROWS", SYNC_MAX_ROWS))


def import_catalog(company: Company, stream: IO[bytes],
                   images: IO[bytes] | None = None, *,
                   max_rows: int | None = -1) -> ImportResult:
    """Import a catalog file (and its images zip) within the current transaction.
    Refuses the whole file (415, 413, 422) when it is not a catalog at all, or has more
    than ``max_rows`` rows (-1: the setting; None: no limit); otherwise every row is
    saved or reported."""
    _ensure_supplier(company)
    if max_rows == -1:
        max_rows = sync_max_rows()
    catalog = open_catalog_file(stream)
    if max_rows is not None and (catalog.rows_estimate or 0) > max_rows:
        catalog = _recount(catalog, stream, max_rows)
    try:
        archive = open_images_zip(images) if images is not None else None
        importer = CatalogImporter(company, catalog, max_rows=max_rows,
                                   keep_skus=archive is not None)
        result = importer.run()
    finally:
        catalog.close()
    if archive is not None:
        attach_images(company, archive, importer.saved, importer.failed, result)
    record_audit("catalog.imported", company, company_id=company.id, changes=_summary(result))
    return result


def _recount(catalog: CatalogFile, stream: IO[bytes], max_rows: int) -> CatalogFile:
    """A CSV's line count overstates its rows when cells hold line breaks: count the
    records before refusing, then start reading again. A workbook's own size is trusted."""
    try:
        if catalog.format == "xlsx":
            raise _too_many_rows(max_rows)
        rows = sum(1 for _, cells in catalog.rows() if any(cell.strip() for cell in cells))
    except UnreadableRow:
        rows = 0  # the import reports where the file breaks
    finally:
        catalog.close()
    if rows > max_rows:
        raise _too_many_rows(max_rows)
    return open_catalog_file(stream)


def _summary(result: ImportResult) -> dict[str, int]:
    return {"created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "failed_rows": result.failed_rows,
            "images_attached": result.images_attached}


# ----- background jobs ------------------------------------------------------------------------

IMPORTS_FOLDER = "catalog_imports"


def _instance_path(relative: str) -> Path:
    return Path(current_app.instance_path) / relative


def _store_file(stream: IO[bytes], company: Company, suffix: str) -> str:
    """Copy an upload under the instance folder by a generated name; the relative path."""
    folder = Path(IMPORTS_FOLDER) / str(company.id)
    _instance_path(str(folder)).mkdir(parents=True, exist_ok=True)
    relative = str(folder / f"{uuid.uuid4().hex}{suffix}")
    stream.seek(0)
    with open(_instance_path(relative), "wb") as out:
        shutil.copyfileobj(stream, out, 1024 * 1024)
    return relative


def _remove_files(*relatives: str | None) -> None:
    for relative in relatives:
        if relative:
            _instance_path(relative).unlink(missing_ok=True)


def queue_import(company: Company, user: User | None, stream: IO[bytes], filename: str,
                 images: IO[bytes] | None = None) -> CatalogImport:
    """Check the file (and images zip) now, keep them under the instance folder, and
    hand the rows to a background job once this transaction commits."""
    _ensure_supplier(company)
    file_path = images_path = None
    try:
        file_path = _store_file(stream, company, ".upload")
        with open(_instance_path(file_path), "rb") as stored:
            catalog = open_catalog_file(stored)
            catalog.close()
        if images is not None:
            images_path = _store_file(images, company, ".zip")
            with open(_instance_path(images_path), "rb") as stored:
                open_images_zip(stored).close()
    except BaseException:
        _remove_files(file_path, images_path)
        raise
    job = CatalogImport(
        company_id=company.id, created_by_id=user.id if user else None,
        original_name=_label(filename), file_format=catalog.format, file_path=file_path,
        images_path=images_path, status=CatalogImportStatus.QUEUED,
        rows_total=catalog.rows_estimate, rows_done=0, errors=[])
    db.session.add(job)
    db.session.flush()
    record_audit("catalog_import.queued", job,
                 changes={"file": job.original_name, "rows_total": job.rows_total})
    job_id = job.id
    outbox.enqueue("content.run_catalog_import", job_id=job_id)
    return job


def _label(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/"))
    name = "".join(char for char in name if char.isprintable()).strip()
    return name[:255] or "catalog"


@outbox.handler("content.run_catalog_import")
@celery.task(name="marketplace.content.run_catalog_import", ignore_result=True)
def run_catalog_import(job_id: int) -> None:
    """The job's own unit of work: it commits its progress every batch (each row still
    all or nothing), then the report. Without Redis it runs in the upload request,
    right after that request committed."""
    job = db.session.get(CatalogImport, job_id)
    if job is None or job.status != CatalogImportStatus.QUEUED:
        return
    with _acting_for(job):
        try:
            _run(job)
        except Exception as error:
            db.session.rollback()
            log.exception("catalog import %s failed", job_id)
            job = db.session.get(CatalogImport, job_id)
            job.status = CatalogImportStatus.FAILED
            job.detail = (error.detail if isinstance(error, DomainError) else str(_l(
                "The import stopped on an unexpected error; rows saved before it are "
                "kept. Upload the file again to import the rest.")))[:500]
            job.finished_at = utcnow()
            boundary.commit()
            _remove_files(job.file_path, job.images_path)


def _run(job: CatalogImport) -> None:
    company = db.session.get(Company, job.company_id)
    job.status = CatalogImportStatus.RUNNING
    job.started_at = utcnow()
    boundary.commit()

    def progress(rows_done: int, result: ImportResult) -> None:
        _copy_result(job, result)
        job.rows_done = rows_done
        if job.rows_total is not None and rows_done > job.rows_total:
            job.rows_total = rows_done
        boundary.commit()

    with open(_instance_path(job.file_path), "rb") as stream:
        catalog = open_catalog_file(stream)
        images_file = open(_instance_path(job.images_path), "rb") if job.images_path \
            else nullcontext()  # noqa: SIM115 - closed by the with below
        with images_file as images:
            archive = open_images_zip(images) if images is not None else None
            try:
                importer = CatalogImporter(company, catalog, on_batch=progress,
                                           keep_skus=archive is not None)
                result = importer.run()
            finally:
                catalog.close()
            if archive is not None:
                attach_images(company, archive, importer.saved, importer.failed, result)
    _copy_result(job, result)
    job.rows_total = job.rows_done
    job.status = CatalogImportStatus.DONE
    job.finished_at = utcnow()
    record_audit("catalog.imported", job, changes=_summary(result))
    boundary.commit()
    _remove_files(job.file_path, job.images_path)


def _copy_result(job: CatalogImport, result: ImportResult) -> None:
    job.created, job.updated, job.unchanged = result.created, result.updated, result.unchanged
    job.failed_rows, job.images_attached = result.failed_rows, result.images_attached
    job.error_count = result.error_count
    job.errors = list(result.errors)


@contextmanager
def _acting_for(job: CatalogImport):
    """In a worker there is no request: act for the uploader (audit rows name them),
    in their language (the row report is written in it)."""
    if has_request_context():
        yield
        return
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    with current_app.test_request_context("/"), force_locale(user.language if user else "en"):
        g.actor_user_id = user.id if user else None
        g.acting_company_id = job.company_id
        yield

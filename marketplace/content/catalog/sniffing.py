"""What an uploaded file is, decided by its content (never its name), and how big it may
be: the limits on rows, on workbooks and images zips (a zip may be a bomb), on each
image. Every refusal here refuses the whole file (413 or 415) before a row is read."""

from __future__ import annotations

import codecs
import os
import zipfile
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import PayloadTooLarge, UnsupportedMediaType

# Rows a request imports by itself (setting CATALOG_SYNC_MAX_ROWS); bigger files go
# through POST /catalog/imports.
SYNC_MAX_ROWS = 5_000

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

XLSX_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (OLE2)


def file_format(stream: IO[bytes]) -> str:
    """"xlsx" for a zip, "csv" for anything else (checked as UTF-8 text when read);
    415 for an old .xls, which people often upload by mistake."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        raise UnsupportedMediaType(str(_l(
            "This is an old Excel file (.xls). Save it as .xlsx or as CSV UTF-8 and upload "
            "it again.")))
    return "csv"


def not_a_spreadsheet() -> UnsupportedMediaType:
    return UnsupportedMediaType(str(_l(
        "This file is neither an Excel workbook (.xlsx) nor a CSV file in UTF-8. Save your "
        "spreadsheet as .xlsx or as 'CSV UTF-8' and upload it again.")))


def check_utf8_text(stream: IO[bytes]) -> int:
    """Refuse (415) what is not UTF-8 text; return the number of lines, for progress."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, last = 0, b""
    try:
        while chunk := stream.read(1024 * 1024):
            if b"\x00" in chunk:
                raise not_a_spreadsheet()
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


def refuse_workbook_bomb(entries: list[zipfile.ZipInfo]) -> None:
    refuse_zip_bomb(entries, XLSX_MAX_ENTRIES, XLSX_MAX_UNPACKED, _l("workbook"))


def refuse_images_bomb(entries: list[zipfile.ZipInfo]) -> None:
    refuse_zip_bomb(entries, IMAGES_MAX_ENTRIES, IMAGES_MAX_UNPACKED, _l("images zip"))


def refuse_zip_bomb(entries: list[zipfile.ZipInfo], max_entries: int, max_unpacked: int,
                    what, max_ratio: int = MAX_RATIO) -> None:
    """413 for too many entries, too many bytes unpacked, or an entry that expands far
    more than a real file would."""
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


def image_limit() -> int:
    """Read no more of an entry than the media store would accept for an image."""
    limits = current_app.config.get("MEDIA_MAX_BYTES") or {}
    return int(limits.get("image", IMAGE_MAX_BYTES))


def sync_max_rows() -> int:
    return int(current_app.config.get("CATALOG_SYNC_MAX_ROWS", SYNC_MAX_ROWS))


def too_many_rows(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(str(_l(
        "This file has more than %(max)d rows, more than one request imports. Upload it on "
        "the Offline catalog page, or with POST /api/v1/catalog/imports, which imports it in "
        "the background.", max=limit)))

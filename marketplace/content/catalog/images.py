"""The images zip beside a catalog file: each image named by SKU (ABC-123.jpg is the
first picture of SKU ABC-123, ABC-123-2.png the second) is checked by its content,
stored and attached to the product of its row; the others are reported."""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from flask_babel import lazy_gettext as _l

# Called through their modules (store_upload, attach_media): the products/media area
# provides them.
from marketplace.content.catalog import sniffing
from marketplace.content.catalog.report import ImportResult, problem_text
from marketplace.content.models import MediaKind, Product
from marketplace.content.operations import media as media_operations
from marketplace.content.operations import products as product_operations
from marketplace.core.errors import DomainError, UnsupportedMediaType
from marketplace.extensions import db
from marketplace.infrastructure.models import Company

JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
NUMBERED = re.compile(r"^(.+)-(\d{1,4})$")


@dataclass
class ZipImage:
    entry: zipfile.ZipInfo
    name: str  # the base name: folders inside the zip are ignored
    sku: str
    position: int


@dataclass
class ImportedSkus:
    """What the rows left for the images: SKU → (row, product id) of saved rows, SKU →
    row of refused ones (their images are reported, not attached)."""

    saved: dict[str, tuple[int, int]]
    failed: dict[str, int]


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
    sniffing.refuse_images_bomb(entries)
    return archive


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
        match = NUMBERED.match(stem)
        if match and match.group(1) in skus:
            return match.group(1), max(int(match.group(2)), 1)
    return None


def attach_images(company: Company, archive: zipfile.ZipFile, skus: ImportedSkus,
                  result: ImportResult) -> None:
    """Store each image of the zip (checked by content) and attach it to the product of
    its SKU, in the order the names give; report those that match no imported row."""
    matched = [image for entry in archive.infolist()
               if (image := _matched_image(entry, skus, result)) is not None]
    matched.sort(key=lambda image: (image.sku, image.position, image.name))
    for image in matched:
        row, product_id = skus.saved[image.sku]
        product = db.session.get(Product, product_id)  # from the identity map after the first
        _attach_one(company, archive, image, product, row, result)


def _matched_image(entry: zipfile.ZipInfo, skus: ImportedSkus,
                   result: ImportResult) -> ZipImage | None:
    """The entry as the image of a saved row, or None (skipped, or reported)."""
    name, refusal = _entry_name(entry)
    if refusal:
        label = os.path.basename(entry.filename.replace("\\", "/"))[:200]
        result.add_error(None, "images", f"{label}: {refusal}")
        return None
    if name is None:
        return None
    found = _match_sku(name, skus.saved) or _match_sku(name, skus.failed)
    if found is None:
        result.add_error(None, "images", _l("%(file)s matches no SKU in the file.", file=name))
        return None
    sku, position = found
    if sku not in skus.saved:
        row = skus.failed[sku]
        result.add_error(row, "images", _l(
            "%(file)s: row %(row)d (SKU %(sku)s) was not imported, so its image was not "
            "attached.", file=name, row=row, sku=sku))
        return None
    return ZipImage(entry, name, sku, position)


def _attach_one(company: Company, archive: zipfile.ZipFile, image: ZipImage, product: Product,
                row: int, result: ImportResult) -> None:
    limit = sniffing.image_limit()
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

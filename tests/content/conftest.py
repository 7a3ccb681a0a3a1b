"""Content test data shared by the content tests: products (through the real
operations, committed) and sample files of every kind the media area accepts.

    make_product(company_id, sku=..., status="published", **values) -> product id
    make_product_media(product_id, content=png_bytes(), filename="photo.png") -> ProductMedia id
    make_category(code, name, name_zh=None, parent=None) -> category id

Keep this file additive: other content tests use it."""

from __future__ import annotations

import io
import itertools
import struct
import zlib

import pytest
from PIL import Image

from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company

_skus = itertools.count(1)


# ----- sample files (bytes), recognised by their content ----------------------------------------


def png_bytes(size=(64, 48), color="teal", mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size=(640, 480), color="orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def gif_bytes(size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("P", size, 3).save(out, "GIF")
    return out.getvalue()


def webp_bytes(size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, "WEBP")
    return out.getvalue()


def mp4_bytes(brand: bytes = b"isom") -> bytes:
    ftyp = b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x02\x00isomiso2"
    return ftyp + b"\x00\x00\x00\x10mdat" + b"\x00" * 8


def mov_bytes() -> bytes:
    return b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00\x00\x00\x08wide"


def webm_bytes() -> bytes:
    return (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3"
            b"\x81\x08\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + b"\x00" * 32)


def mp3_bytes(id3: bool = True) -> bytes:
    frame = b"\xff\xfb\x90\x64" + b"\x00" * 413
    return (b"ID3\x04\x00\x00\x00\x00\x00\x00" + frame) if id3 else frame * 3


def m4a_bytes() -> bytes:
    return mp4_bytes(b"M4A ")


def wav_bytes() -> bytes:
    data = b"\x00\x00" * 800
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 8000, 16000, 2, 16)
    return b"RIFF" + struct.pack("<I", 4 + len(fmt) + 8 + len(data)) + b"WAVE" + fmt + \
        b"data" + struct.pack("<I", len(data)) + data


def ogg_bytes() -> bytes:
    return b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e\x01vorbis" + b"\x00" * 40


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n"
            b"%%EOF\n")


HTML_AS_JPEG = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels in a few hundred bytes: what a
    decompression bomb looks like before it is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    data = zlib.compress(row * 16, 9)  # far too few rows: never decoded anyway
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + \
        chunk(b"IEND", b"")


def upload(content: bytes, name: str, **fields) -> dict:
    """A multipart body: ``file`` plus text fields."""
    return {"file": (io.BytesIO(content), name), **fields}


# ----- products -------------------------------------------------------------------------------


@pytest.fixture
def make_category(app):
    def make(code: str, name: str, name_zh: str | None = None,
             parent: str | None = None) -> int:
        with app.test_request_context():
            parent_id = db.session.scalar(db.select(Category.id).where(Category.code == parent)) \
                if parent else None
            category = Category(code=code, name=name, name_zh=name_zh, parent_id=parent_id)
            db.session.add(category)
            db.session.flush()
            commit()
            return category.id

    return make


@pytest.fixture
def make_product(app):
    """A product of ``company_id`` through ``save_product`` (published unless told)."""
    from marketplace.content.operations.products import save_product

    def make(company_id: int, *, sku: str | None = None, name: str | None = None,
             status: str = "published", **values) -> int:
        values = {"sku": sku or f"SKU-{next(_skus):05d}", "name": name or "Hex bolt M8",
                  "status": status, **values}
        with app.test_request_context():
            product = save_product(db.session.get(Company, company_id), values)
            commit()
            return product.id

    return make


@pytest.fixture
def make_product_media(app):
    """A file shown with a product, stored through the real upload path."""
    from marketplace.content.models import Product
    from marketplace.content.operations.products import upload_product_media

    def make(product_id: int, content: bytes | None = None, filename: str = "photo.png",
             caption: str | None = None) -> int:
        with app.test_request_context():
            product = db.session.get(Product, product_id)
            item = upload_product_media(product, io.BytesIO(content or png_bytes()), filename,
                                        caption)
            commit()
            return item.id

    return make

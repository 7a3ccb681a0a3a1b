"""Helpers for the offline catalog tests: spreadsheets made on the fly (CSV and xlsx),
zips of images, the import call, and reading products back."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.content.models import Product, ProductLine
from marketplace.content.queries.catalog import COLUMN_NAMES
from marketplace.extensions import db
from marketplace.infrastructure.models import CompanyStatus


def csv_file(rows: list[dict], header: list[str] | None = None, *, bom: bool = True,
             delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    header = header or COLUMN_NAMES
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row.get(name) for name in header])
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def xlsx_file(rows: list[dict | None], header: list[str] | None = None) -> bytes:
    """``None`` in ``rows`` makes a blank row."""
    header = header or COLUMN_NAMES
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Products"
    sheet.append(header)
    for row in rows:
        sheet.append([None] * len(header) if row is None else [row.get(name) for name in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_file(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def post_import(api, token, content: bytes, name: str = "catalog.csv",
                images: bytes | None = None, path: str = "/catalog/import", **kwargs):
    data = {"file": (io.BytesIO(content), name)}
    if images is not None:
        data["images"] = (io.BytesIO(images), "images.zip")
    return api.post(path, token, data=data, content_type="multipart/form-data", **kwargs)


def read_workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def sheet_rows(content: bytes, sheet: str = "Products") -> list[tuple]:
    return [tuple(row) for row in read_workbook(content)[sheet].iter_rows(values_only=True)]


def products_of(app, company_id: int) -> dict[str, Product]:
    """The company's products by SKU, with tiers, category, line and media loaded."""
    with app.app_context():
        rows = db.session.scalars(
            select(Product).where(Product.company_id == company_id)
            .options(selectinload(Product.price_tiers), selectinload(Product.category),
                     selectinload(Product.product_line), selectinload(Product.media)))
        found = {product.sku: product for product in rows}
        for product in found.values():
            for item in product.media:
                _ = item.file
        db.session.expunge_all()
        return found


def product_lines_of(app, company_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(ProductLine.name).where(
            ProductLine.company_id == company_id).order_by(ProductLine.name)))


@dataclass
class Supplier:
    admin: object
    token: str

    @property
    def company_id(self) -> int:
        return self.admin.company_id


@pytest.fixture
def categories(make_category):
    return {code: make_category(code, name, zh) for code, name, zh in (
        ("hardware", "Hardware & Tools", "五金與工具"),
        ("hardware.fasteners", "Fasteners", "扣件"),
        ("food.tea", "Tea", "茶葉"))}


@pytest.fixture
def supplier(make, api, categories):
    admin = make.company_with_admin("Lin Fasteners", roles=("supplier",))
    return Supplier(admin, api.token(admin))


@pytest.fixture
def pending_supplier(make, api, categories):
    admin = make.company_with_admin("New Works", roles=("supplier",),
                                    status=CompanyStatus.PENDING)
    return Supplier(admin, api.token(admin))


BOLT = {"sku": "BOLT-M8", "name": "Hex bolt M8", "name_zh": "六角螺栓 M8",
        "description": "Stainless steel, DIN 933", "description_zh": "不鏽鋼",
        "category": "hardware.fasteners", "product_line": "Bolts", "unit": "pcs",
        "moq": "100", "currency": "USD", "tier1_min_qty": "100", "tier1_unit_price": "0.35",
        "tier2_min_qty": "1000", "tier2_unit_price": "0.30", "tier3_min_qty": "10000",
        "tier3_unit_price": "0.2750",
        "attributes": "Material: stainless steel 304; Thread: M8; Ratio: 1\\:2 \\; approx.",
        "hs_code": "7318.15", "lead_time_days": "30", "packaging": "500 pcs per carton",
        "port": "Kaohsiung", "status": "published"}
TEA = {"sku": "TEA-150", "name": "Oolong tea 150 g", "name_zh": "高山烏龍茶",
       "category": "food.tea", "unit": "box", "currency": "TWD", "tier1_min_qty": "10",
       "tier1_unit_price": "450", "status": "draft"}

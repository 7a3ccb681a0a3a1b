"""Content queries: the offline catalog's template, the export of a company's products
in it, and catalog import jobs.

The template is one sheet "Products" with a header row of machine names (``sku``,
``name``, ... ``status``), an "Instructions" sheet in English and Traditional Chinese,
an "Example" sheet, and a hidden "Lists" sheet that feeds the drop-down lists (data
validation) of the category, unit, currency and status columns. The export is the same
workbook with the company's products filled in, so it can be edited and imported again.
docs/CATALOG_TEMPLATE.md documents every column.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.content.models import CatalogImport, Product
from marketplace.core.scoping import get_visible
from marketplace.core.spreadsheets import csv_row, xlsx_cell
from marketplace.core.validation import currency_codes
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company

PRODUCTS_SHEET = "Products"
TIERS = 5
# Rows of the Products sheet that carry the drop-down lists and number checks.
TEMPLATE_ROWS = 100_001
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"
UTF8_BOM = "\ufeff"

# Units offered in the unit column's drop-down list; others are accepted too (a warning
# in Excel, no error on import), since trade uses many.
UNITS = ("pcs", "set", "pair", "dozen", "box", "carton", "bag", "roll", "sheet", "pallet",
         "kg", "g", "t", "lb", "m", "cm", "mm", "ft", "m2", "m3", "l", "ml", "gal",
         "container")
STATUSES = ("draft", "published", "archived")


@dataclass(frozen=True)
class Column:
    """One column of the template. The help texts are shown side by side in both
    languages on the Instructions sheet (whatever the reader's locale), so they are
    written here in both rather than translated."""

    name: str
    help_en: str
    help_zh: str
    example: Any = None
    example_zh: Any = None
    required: bool = False
    width: int = 16
    text: bool = False  # a text column even when it looks like a number (SKU 00123)


def _tier_columns() -> list[Column]:
    columns = []
    examples = ((100, "1.20", 10, "0.35"), (1000, "1.05", 100, "0.30"),
                (5000, "0.95", 1000, "0.27"))
    for n in range(1, TIERS + 1):
        qty, price, qty_zh, price_zh = examples[n - 1] if n <= len(examples) else (None,) * 4
        columns.append(Column(
            f"tier{n}_min_qty",
            f"Price tier {n}: from this quantity on (a number above 0)… "
            "Tiers go up in quantity; leave unused tiers empty.",
            f"第 {n} 級價格：自此數量起（大於 0 的數字）。數量須逐級遞增；未使用的級距請留白。",
            qty, qty_zh, width=13))
        columns.append(Column(
            f"tier{n}_unit_price",
            "…this unit price, in the row's currency: a number ≥ 0 with at most 4 "
            "decimals, no currency sign or thousands separator.",
            "…此單價（以該列幣別計）：≥ 0 的數字，最多 4 位小數，不含貨幣符號或千分位。",
            Decimal(price) if price else None, Decimal(price_zh) if price_zh else None,
            width=14))
    return columns


COLUMNS: list[Column] = [
    Column("sku", "Required. Your code for the product (SKU), unique in your company, at "
           "most 64 characters. A row whose SKU you already have updates that product; a "
           "new SKU creates one. Images in the zip are named after it: ABC-123.jpg, "
           "ABC-123-2.png.",
           "必填。貴公司的產品料號（SKU），公司內不得重複，最多 64 個字元。已存在的料號會更新"
           "該產品；新料號會建立新產品。圖片壓縮檔的檔名以料號命名：ABC-123.jpg、ABC-123-2.png。",
           "BOLT-M8-304", "TEA-OOLONG-150", required=True, width=18, text=True),
    Column("name", "Required. Product name in English, at most 300 characters.",
           "必填。英文品名，最多 300 個字元。",
           "Stainless steel hex bolt M8 x 40", "High mountain oolong tea 150 g",
           required=True, width=34),
    Column("name_zh", "Product name in Chinese (optional), at most 300 characters.",
           "中文品名（選填），最多 300 個字元。", "不鏽鋼六角螺栓 M8 x 40", "高山烏龍茶 150 公克",
           width=26),
    Column("description", "Description in English (optional).", "英文產品說明（選填）。",
           "A2-70 stainless steel, full thread, DIN 933.",
           "Hand-picked at 1,500 m in Alishan, lightly roasted.", width=40),
    Column("description_zh", "Description in Chinese (optional).", "中文產品說明（選填）。",
           "A2-70 不鏽鋼，全牙，DIN 933。", "阿里山海拔 1500 公尺手採，輕焙火。", width=40),
    Column("category", "The platform's category code, from the list on this sheet or from "
           "GET /api/v1/categories (for example hardware.fasteners).",
           "平台產品類別代碼，見本頁清單或 GET /api/v1/categories（例如 hardware.fasteners）。",
           "hardware.fasteners", "food.tea", width=22),
    Column("product_line", "Your own product line, by name; a new name creates the line.",
           "貴公司自訂的產品線名稱；新名稱會自動建立產品線。", "Bolts", "Oolong", width=16),
    Column("unit", "Unit of sale: pcs, set, kg, m, carton… Empty: pcs for a new product, "
           "unchanged for an existing one.",
           "銷售單位：pcs、set、kg、m、carton…。留白：新產品為 pcs，既有產品不變。",
           "pcs", "box", width=9),
    Column("moq", "Minimum order quantity, a number above 0 (up to 4 decimals).",
           "最小訂購量，大於 0 的數字（最多 4 位小數）。", 100, 10, width=9),
    Column("currency", "ISO 4217 code of the prices: USD, EUR, TWD, CNY… Empty: USD for a "
           "new product, unchanged for an existing one.",
           "價格幣別，ISO 4217 代碼：USD、EUR、TWD、CNY…。留白：新產品為 USD，既有產品不變。",
           "USD", "TWD", width=10),
    *_tier_columns(),
    Column("attributes", "Specifications as 'key: value; key: value', for example "
           "'Material: stainless steel 304; Thread: M8'. Write \\; for a semicolon and "
           "\\: for a colon inside a key or value.",
           "規格，格式為「名稱: 值; 名稱: 值」，例如「Material: stainless steel 304; Thread: M8」。"
           "名稱或值中的分號請寫成 \\;，冒號寫成 \\:。",
           "Material: stainless steel 304; Thread: M8; Length: 40 mm",
           "產地: 阿里山; 焙火: 輕", width=40),
    Column("hs_code", "Harmonized System code for customs: 4 to 12 digits, dots allowed, "
           "for example 7318.15 (keep the column formatted as text, or 8471.30 becomes "
           "8471.3).",
           "海關 HS 稅則號列：4 至 12 位數字，可含小數點，例如 7318.15（請保持此欄為文字格式，"
           "否則 8471.30 會變成 8471.3）。",
           "7318.15", "0902.30", width=11, text=True),
    Column("lead_time_days", "Lead time in whole days (0 to 3650).",
           "交期天數（0 至 3650 的整數）。", 30, 14, width=10),
    Column("packaging", "How the product is packed, at most 300 characters.",
           "包裝方式，最多 300 個字元。", "500 pcs per carton", "20 boxes per carton",
           width=22),
    Column("port", "Port of loading, at most 120 characters.", "裝貨港，最多 120 個字元。",
           "Kaohsiung", "Keelung", width=14),
    Column("status", "“draft”, “published” or “archived”. Empty: draft for a new product, "
           "unchanged for an existing one. Publishing needs a company the operator has "
           "approved.",
           "draft（草稿）、published（上架）或 archived（封存）。留白：新產品為 draft，既有產品"
           "不變。上架須待平台核准貴公司。", "published", "draft", width=11),
    # The packing data the shipping papers need (after status: earlier columns keep their
    # letters).
    Column("origin_country", "Country of origin for customs: its ISO code (TW, CN, VN…).",
           "報關用原產地：國家的 ISO 代碼（TW、CN、VN…）。", "TW", "TW", width=9, text=True),
    Column("net_weight_kg", "Net weight of one unit in kg (up to 4 decimals); the packing "
           "list works out the weights from it.",
           "單件淨重（公斤，最多 4 位小數）；裝箱單依此計算重量。", Decimal("0.0148"),
           Decimal("0.15"), width=11),
    Column("units_per_carton", "How many units fill one carton (a whole number).",
           "每箱裝幾件（整數）。", 500, 40, width=11),
    Column("carton_length_cm", "The carton's outside length in cm.", "外箱長（公分）。",
           Decimal("39"), Decimal("45"), width=10),
    Column("carton_width_cm", "The carton's outside width in cm.", "外箱寬（公分）。",
           Decimal("26"), Decimal("30"), width=10),
    Column("carton_height_cm", "The carton's outside height in cm.", "外箱高（公分）。",
           Decimal("18"), Decimal("25"), width=10),
    Column("carton_gross_weight_kg", "The weight of a full carton in kg (goods and "
           "packing).", "整箱毛重（公斤，含貨物與包材）。", Decimal("8"), Decimal("7"),
           width=11),
]
# The packing data's numbers (the shipping papers' cartons and weights).
PACKING_NUMBERS = ("net_weight_kg", "carton_length_cm", "carton_width_cm", "carton_height_cm",
                   "carton_gross_weight_kg")
COLUMN_NAMES = [column.name for column in COLUMNS]
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.required]

GENERAL_INSTRUCTIONS = [
    ("Fill in one product per row on the sheet 'Products', below the header row. Keep "
     "the header cells as they are (they are the column names the import reads).",
     "請在「Products」工作表的標題列下方，每列填寫一項產品。請勿修改標題列（匯入時依其辨識欄位）。"),
    ("Columns sku and name are required. You may delete other columns you do not use: a "
     "column left out keeps what is stored for existing products.",
     "sku 與 name 欄為必要欄位。其他不用的欄位可以刪除：未列出的欄位會保留既有產品的資料。"),
    ("An empty cell clears that field of an existing product (except unit, currency and "
     "status, which then stay as they are).",
     "空白儲存格會清除既有產品的該欄資料（unit、currency 與 status 除外，留白時保持不變）。"),
    ("Save as .xlsx, or as 'CSV UTF-8 (comma delimited)'. A file in another encoding "
     "(such as Big5) is refused.",
     "請存成 .xlsx，或「CSV UTF-8（逗號分隔）」。其他編碼（例如 Big5）的檔案將被拒絕。"),
    ("Upload it on the page 'Offline catalog' (/my/catalog) or with POST "
     "/api/v1/catalog/import. Rows with mistakes are listed with their row number, column "
     "and reason; all other rows are saved. Correct the listed rows and upload the file "
     "again: rows that did not change are skipped.",
     "於「離線型錄」頁面（/my/catalog）或以 POST /api/v1/catalog/import 上傳。有錯誤的列會"
     "列出列號、欄位與原因，其他列照常儲存。修正後再次上傳整個檔案即可：未變更的列會略過。"),
    ("Pictures: upload a .zip beside the spreadsheet, with files named by SKU: "
     "ABC-123.jpg is the first picture of SKU ABC-123, ABC-123-2.png the second, and so "
     "on. Folders inside the zip are ignored.",
     "圖片：可另附一個 .zip 壓縮檔，檔名以料號命名：ABC-123.jpg 為料號 ABC-123 的第一張圖，"
     "ABC-123-2.png 為第二張，依此類推。壓縮檔內的資料夾會被忽略。"),
    ("Products of yours that are not in the file are left as they are; nothing is "
     "deleted by an import.", "檔案中未列出的產品維持不變；匯入不會刪除任何產品。"),
    ("The sheet 'Example' shows two filled-in rows. It is not imported.",
     "「Example」工作表有兩列填寫範例，不會被匯入。"),
]


# ----- reads ------------------------------------------------------------------------------


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.code)))


def products_for_export(company: Company, batch: int = 500) -> Iterator[Product]:
    """All of the company's products (every status) by SKU, loaded a batch at a time so
    a catalog of 100k products never sits in memory whole."""
    last_sku: str | None = None
    while True:
        stmt = (select(Product).where(Product.company_id == company.id)
                .options(selectinload(Product.price_tiers), selectinload(Product.category),
                         selectinload(Product.product_line))
                .order_by(Product.sku).limit(batch))
        if last_sku is not None:
            stmt = stmt.where(Product.sku > last_sku)
        rows = list(db.session.scalars(stmt))
        yield from rows  # the session holds them weakly: a finished batch is let go
        if len(rows) < batch:
            return
        last_sku = rows[-1].sku


def import_job(ident: int) -> CatalogImport:
    """One of the acting company's import jobs (another company's: 404, operator too)."""
    return get_visible(CatalogImport, ident, operator_sees_all=False)


def recent_import_jobs(company: Company, limit: int = 10) -> list[CatalogImport]:
    return list(db.session.scalars(
        select(CatalogImport).where(CatalogImport.company_id == company.id)
        .order_by(CatalogImport.id.desc()).limit(limit)))


def import_jobs(company: Company):
    return (select(CatalogImport).where(CatalogImport.company_id == company.id)
            .order_by(CatalogImport.id.desc()))


# ----- a product as a template row ----------------------------------------------------------


def plain_number(value: Decimal | int | None) -> Decimal | int | None:
    """12.5000 → 12.5, 100.0000 → 100: what a person would type."""
    if value is None or isinstance(value, int):
        return value
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


def escape_attribute(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(":", "\\:")


def format_attributes(attributes: dict | None) -> str | None:
    if not attributes:
        return None
    return "; ".join(f"{escape_attribute(str(key))}: {escape_attribute(str(value))}"
                     for key, value in attributes.items())


def product_row(product: Product) -> dict[str, Any]:
    """The product as the template's cells, by column name (None for empty)."""
    row: dict[str, Any] = {
        "sku": product.sku, "name": product.name, "name_zh": product.name_zh,
        "description": product.description, "description_zh": product.description_zh,
        "category": product.category.code if product.category else None,
        "product_line": product.product_line.name if product.product_line else None,
        "unit": product.unit, "moq": plain_number(product.moq), "currency": product.currency,
        "attributes": format_attributes(product.attributes), "hs_code": product.hs_code,
        "lead_time_days": product.lead_time_days, "packaging": product.packaging,
        "port": product.port, "status": str(product.status),
        "origin_country": product.origin_country, "units_per_carton": product.units_per_carton,
        **{name: plain_number(getattr(product, name)) for name in PACKING_NUMBERS},
    }
    tiers = sorted(product.price_tiers, key=lambda tier: tier.min_qty)
    for n in range(1, TIERS + 1):
        tier = tiers[n - 1] if n <= len(tiers) else None
        row[f"tier{n}_min_qty"] = plain_number(tier.min_qty) if tier else None
        row[f"tier{n}_unit_price"] = plain_number(tier.unit_price) if tier else None
    return row


# ----- writing the workbook -----------------------------------------------------------------

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
_TITLE_FONT = Font(bold=True, size=13)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _text_cell(sheet, value: Any, **style) -> WriteOnlyCell:
    """A styled cell that keeps text as text: "=..." stays a string, never becomes a
    formula (core.spreadsheets)."""
    cell = xlsx_cell(sheet, value)
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(sheet, value=cell)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _header(sheet) -> list[WriteOnlyCell]:
    cells = []
    for column in COLUMNS:
        cell = _text_cell(sheet, column.name, font=_HEADER_FONT,
                          fill=_REQUIRED_FILL if column.required else _HEADER_FILL)
        comment = Comment(f"{column.help_en}\n\n{column.help_zh}", "Marketplace")
        comment.width, comment.height = 320, 180
        cell.comment = comment
        cells.append(cell)
    return cells


def _data_row(sheet, row: dict[str, Any]) -> list[Any]:
    return [_text_cell(sheet, row.get(name)) if isinstance(row.get(name), str)
            else row.get(name) for name in COLUMN_NAMES]


def _list_validation(formula: str, title: str, message: str, *, strict: bool = True):
    return DataValidation(type="list", formula1=formula, allow_blank=True,
                          showErrorMessage=True, showInputMessage=False,
                          errorStyle="stop" if strict else "warning",
                          errorTitle=title, error=message)


def _add_validations(sheet, list_sizes: dict[str, int]) -> None:
    letters = {name: get_column_letter(i) for i, name in enumerate(COLUMN_NAMES, 1)}

    def rows(name: str) -> str:
        return f"{letters[name]}2:{letters[name]}{TEMPLATE_ROWS}"

    def listed(list_column: str, name: str) -> str:
        return f"Lists!${list_column}$2:${list_column}${list_sizes[name] + 1}"

    checks = [
        (_list_validation(listed("A", "category"), "category",
                          "Choose a category code from the list. 請從清單選擇類別代碼。"),
         [rows("category")]),
        (_list_validation(listed("B", "currency"), "currency",
                          "Choose an ISO 4217 currency code. 請選擇 ISO 4217 幣別代碼。"),
         [rows("currency")]),
        (_list_validation(listed("C", "unit"), "unit",
                          "Not one of the usual units; it will be kept as written. "
                          "非常用單位，將照原樣保存。", strict=False), [rows("unit")]),
        (_list_validation(listed("D", "status"), "status",
                          "draft, published or archived. 請填 draft、published 或 archived。"),
         [rows("status")]),
        (DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                        allow_blank=True, showErrorMessage=True, errorTitle="number",
                        error="A number ≥ 0. 請填 ≥ 0 的數字。"),
         [rows("moq")] + [rows(f"tier{n}_{part}") for n in range(1, TIERS + 1)
                          for part in ("min_qty", "unit_price")]),
        (DataValidation(type="whole", operator="between", formula1="0", formula2="3650",
                        allow_blank=True, showErrorMessage=True, errorTitle="lead_time_days",
                        error="Whole days, 0 to 3650. 請填 0 至 3650 的整數天數。"),
         [rows("lead_time_days")]),
    ]
    for validation, ranges in checks:
        validation.sqref = " ".join(ranges)  # one rule over several columns
        sheet.data_validations.append(validation)


def _products_sheet(workbook: Workbook, title: str, rows: Iterable[dict[str, Any]],
                    list_sizes: dict[str, int]):
    sheet = workbook.create_sheet(title)
    for index, column in enumerate(COLUMNS, 1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.text:
            dimension.number_format = "@"
    sheet.freeze_panes = "B2"
    if list_sizes:
        _add_validations(sheet, list_sizes)
    sheet.append(_header(sheet))
    for row in rows:
        sheet.append(_data_row(sheet, row))
    return sheet


def _instructions_sheet(workbook: Workbook, category_rows: list[Category]) -> None:
    sheet = workbook.create_sheet("Instructions")
    for letter, width in zip("ABCDE", (24, 70, 60, 30, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([_text_cell(sheet, "Offline catalog template · 離線型錄範本",
                             font=_TITLE_FONT)])
    sheet.append([])
    sheet.append([_text_cell(sheet, text, font=_BOLD) for text in
                  ("", "How to use (English)", "使用說明（繁體中文）")])
    for number, (english, chinese) in enumerate(GENERAL_INSTRUCTIONS, 1):
        sheet.append([number, _text_cell(sheet, english, alignment=_WRAP),
                      _text_cell(sheet, chinese, alignment=_WRAP)])
    sheet.append([])
    sheet.append([_text_cell(sheet, text, font=_BOLD) for text in
                  ("Column · 欄位", "What to write (English)", "填寫說明（繁體中文）",
                   "Example · 範例")])
    for column in COLUMNS:
        name = column.name + (" *" if column.required else "")
        example = column.example if column.example is not None else ""
        sheet.append([_text_cell(sheet, name, font=_BOLD),
                      _text_cell(sheet, column.help_en, alignment=_WRAP),
                      _text_cell(sheet, column.help_zh, alignment=_WRAP),
                      _text_cell(sheet, str(example), alignment=_WRAP)])
    sheet.append([])
    sheet.append([_text_cell(sheet, text, font=_BOLD) for text in
                  ("Category code · 類別代碼", "Category", "類別")])
    for category in category_rows:
        sheet.append([_text_cell(sheet, category.code), _text_cell(sheet, category.name),
                      _text_cell(sheet, category.name_zh or "")])


def _example_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet("Example")
    for index, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.append([_text_cell(sheet, "Example rows: this sheet is not imported. "
                             "範例：本工作表不會被匯入。", font=_TITLE_FONT)])
    sheet.append(_header(sheet))
    sheet.append(_data_row(sheet, {c.name: c.example for c in COLUMNS}))
    sheet.append(_data_row(sheet, {c.name: c.example_zh for c in COLUMNS}))


def _lists_sheet(workbook: Workbook, category_rows: list[Category]) -> dict[str, int]:
    """The drop-down lists' values, one column each (hidden: Excel's inline lists are
    limited to 255 characters, too short for the categories or currencies)."""
    sheet = workbook.create_sheet("Lists")
    sheet.sheet_state = "hidden"
    lists = {"category": [c.code for c in category_rows],
             "currency": sorted(currency_codes()), "unit": list(UNITS),
             "status": list(STATUSES)}
    sheet.append([_text_cell(sheet, name) for name in lists])
    longest = max(len(values) for values in lists.values())
    for i in range(longest):
        sheet.append([_text_cell(sheet, values[i]) if i < len(values) else None
                      for values in lists.values()])
    return {name: max(len(values), 1) for name, values in lists.items()}


def write_xlsx(rows: Iterable[dict[str, Any]], out: IO[bytes]) -> None:
    """The template workbook with ``rows`` (product_row dicts) on the Products sheet,
    written as it goes (openpyxl's write-only mode)."""
    category_rows = categories()
    workbook = Workbook(write_only=True)
    # The validations on the Products sheet (written first) point into the Lists sheet
    # (written last), so its column lengths are known beforehand.
    list_sizes = {"category": max(len(category_rows), 1), "currency": len(currency_codes()),
                  "unit": len(UNITS), "status": len(STATUSES)}
    _products_sheet(workbook, PRODUCTS_SHEET, rows, list_sizes)
    _instructions_sheet(workbook, category_rows)
    _example_sheet(workbook)
    _lists_sheet(workbook, category_rows)
    workbook.save(out)


def write_csv(rows: Iterable[dict[str, Any]], out: IO[bytes]) -> None:
    """UTF-8 with a byte-order mark (so Excel reads the Chinese right), comma separated,
    the template's header first."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    text.write(UTF8_BOM)
    writer = csv.writer(text)
    writer.writerow(csv_row(COLUMN_NAMES))
    for row in rows:
        writer.writerow(csv_row(row.get(name) for name in COLUMN_NAMES))
    text.flush()
    text.detach()  # leave ``out`` open for the caller


def render(fmt: str, rows: Iterable[dict[str, Any]]) -> IO[bytes]:
    """The file in a temporary file (in memory while small), rewound for sending."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - sent
    (write_xlsx if fmt == "xlsx" else write_csv)(rows, out)
    out.seek(0)
    return out


def export_rows(company: Company) -> Iterator[dict[str, Any]]:
    return (product_row(product) for product in products_for_export(company))

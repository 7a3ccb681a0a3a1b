"""POST /catalog/import: rows create or update products by SKU; every bad row is
reported with its row number, column and reason, leaves nothing behind, and the good
rows are kept; a file that is no catalog is refused whole."""

from __future__ import annotations

import io
from decimal import Decimal

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.content.catalog import importer, sniffing
from marketplace.content.catalog.reading import open_catalog_file
from marketplace.content.catalog.rows import RowParser
from marketplace.content.models import Product, ProductLine
from marketplace.content.operations import products as product_operations
from marketplace.core.audit import AuditEvent
from marketplace.extensions import db
from marketplace.infrastructure.models import Company
from tests.content.catalog_support import (
    BOLT,
    TEA,
    categories,  # noqa: F401 - fixture
    csv_file,
    pending_supplier,  # noqa: F401 - fixture
    post_import,
    product_lines_of,
    products_of,
    supplier,  # noqa: F401 - fixture
    xlsx_file,
    zip_file,
)

PROBLEM = "application/problem+json"


def _ok(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_good_rows_create_products_with_every_column(app, api, supplier):
    result = _ok(post_import(api, supplier.token, csv_file([BOLT, TEA])))
    assert result == {"created": 2, "updated": 0, "unchanged": 0, "rows": 2, "failed_rows": 0,
                      "images_attached": 0, "error_count": 0, "errors": []}
    bolt = products_of(app, supplier.company_id)["BOLT-M8"]
    assert (bolt.name, bolt.name_zh, bolt.description_zh) == ("Hex bolt M8", "六角螺栓 M8",
                                                               "不鏽鋼")
    assert bolt.category.code == "hardware.fasteners"
    assert bolt.product_line.name == "Bolts"
    assert (bolt.unit, bolt.moq, bolt.currency) == ("pcs", Decimal("100"), "USD")
    assert [(t.min_qty, t.unit_price) for t in bolt.price_tiers] == [
        (Decimal("100"), Decimal("0.35")), (Decimal("1000"), Decimal("0.30")),
        (Decimal("10000"), Decimal("0.275"))]
    assert bolt.attributes == {"Material": "stainless steel 304", "Thread": "M8",
                               "Ratio": "1:2 ; approx."}
    assert (bolt.hs_code, bolt.lead_time_days, bolt.packaging, bolt.port) == (
        "7318.15", 30, "500 pcs per carton", "Kaohsiung")
    assert bolt.status == "published"
    tea = products_of(app, supplier.company_id)["TEA-150"]
    assert (tea.unit, tea.currency, tea.status, tea.product_line) == ("box", "TWD", "draft", None)


def test_mixed_rows_report_each_bad_row_and_keep_the_good_ones(app, api, supplier):
    rows = [
        BOLT,                                                                      # row 2
        {"sku": "NEG-1", "name": "Negative", "tier1_min_qty": "10",
         "tier1_unit_price": "-5"},                                                # row 3
        {"sku": "NAN-1", "name": "Not a number", "tier1_min_qty": "10",
         "tier1_unit_price": "abc", "moq": "1,000"},                               # row 4
        {"sku": "CAT-1", "name": "Unknown category", "category": "toys"},         # row 5
        {"sku": "", "name": "No SKU"},                                             # row 6
        TEA,                                                                       # row 7
        {"sku": "TIER-1", "name": "Tiers down", "tier1_min_qty": "100",
         "tier1_unit_price": "2", "tier2_min_qty": "50", "tier2_unit_price": "1.5",
         "tier3_min_qty": "500"},                                                  # row 8
        {"sku": "MISC-1", "name": "Misc", "currency": "XYZ", "status": "live",
         "lead_time_days": "2 weeks", "attributes": "Colour red"},                # row 9
        {"sku": "HS-1", "name": "Bad HS code", "hs_code": "12"},                   # row 10
    ]
    result = _ok(post_import(api, supplier.token, csv_file(rows)))
    assert (result["created"], result["updated"], result["rows"], result["failed_rows"]) == \
        (2, 0, 9, 7)
    assert result["errors"] == [
        {"row": 3, "field": "tier1_unit_price", "message": "Must not be negative (-5)."},
        {"row": 4, "field": "moq", "message": "Not a number: 1,000. Write digits with a point "
         "for decimals, without currency signs or thousands separators."},
        {"row": 4, "field": "tier1_unit_price", "message": "Not a number: abc. Write digits "
         "with a point for decimals, without currency signs or thousands separators."},
        {"row": 5, "field": "category", "message": "Unknown category code 'toys'. Use a code "
         "from the Instructions sheet or GET /api/v1/categories."},
        {"row": 6, "field": "sku", "message": "Required; this cell is empty."},
        {"row": 8, "field": "tier2_min_qty",
         "message": "Tier quantities must go up: 50 is not above 100 of tier 1."},
        {"row": 8, "field": "tier3_unit_price",
         "message": "Tier 3 has a quantity but no unit price."},
        {"row": 9, "field": "currency", "message": "Not an ISO 4217 currency code: 'XYZ'."},
        {"row": 9, "field": "attributes", "message": "Write specifications as 'key: value; "
         "key: value'; 'Colour red' has no colon."},
        {"row": 9, "field": "lead_time_days",
         "message": "A whole number of days from 0 to 3650 (not 2 weeks)."},
        {"row": 9, "field": "status",
         "message": "Write draft, published or archived (not 'live')."},
        {"row": 10, "field": "hs_code",
         "message": "An HS code is 4 to 12 digits, such as 7318.15 or 73181500."},
    ]
    assert result["error_count"] == len(result["errors"])
    assert sorted(products_of(app, supplier.company_id)) == ["BOLT-M8", "TEA-150"]


def test_a_row_refused_while_saving_leaves_nothing_behind(app, api, pending_supplier):
    """A pending company may not publish: the row's new product line is not kept either."""
    rows = [{"sku": "GADGET-1", "name": "Gadget", "product_line": "Gadgets",
             "status": "published"},
            {"sku": "GADGET-2", "name": "Draft gadget", "product_line": "Drafts"}]
    result = _ok(post_import(api, pending_supplier.token, csv_file(rows)))
    assert (result["created"], result["failed_rows"]) == (1, 1)
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(2, "status")]
    assert "approval" in result["errors"][0]["message"]
    assert list(products_of(app, pending_supplier.company_id)) == ["GADGET-2"]
    assert product_lines_of(app, pending_supplier.company_id) == ["Drafts"]


def test_rows_update_products_by_sku_and_unchanged_rows_write_nothing(app, api, supplier):
    _ok(post_import(api, supplier.token, csv_file([BOLT, TEA])))
    before = products_of(app, supplier.company_id)
    cheaper = {**BOLT, "tier1_unit_price": "0.33", "tier2_min_qty": "", "tier2_unit_price": "",
               "tier3_min_qty": "", "tier3_unit_price": "", "name": "Hex bolt M8 A2-70"}
    result = _ok(post_import(api, supplier.token, csv_file([cheaper, TEA])))
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 1)
    after = products_of(app, supplier.company_id)
    bolt = after["BOLT-M8"]
    assert bolt.id == before["BOLT-M8"].id
    assert bolt.name == "Hex bolt M8 A2-70"
    assert [(t.min_qty, t.unit_price) for t in bolt.price_tiers] == [
        (Decimal("100"), Decimal("0.33"))]
    assert bolt.version > before["BOLT-M8"].version
    assert after["TEA-150"].version == before["TEA-150"].version


def test_left_out_columns_and_empty_unit_currency_status_keep_what_is_stored(app, api,
                                                                            supplier):
    _ok(post_import(api, supplier.token, csv_file([BOLT])))
    header = ["sku", "name", "tier1_min_qty", "tier1_unit_price", "unit", "currency", "status"]
    row = {"sku": "BOLT-M8", "name": "Hex bolt M8", "tier1_min_qty": "100",
           "tier1_unit_price": "0.31"}
    result = _ok(post_import(api, supplier.token, csv_file([row], header)))
    assert result["updated"] == 1, result
    bolt = products_of(app, supplier.company_id)["BOLT-M8"]
    assert [(t.min_qty, t.unit_price) for t in bolt.price_tiers] == [
        (Decimal("100"), Decimal("0.31"))]
    assert (bolt.unit, bolt.currency, bolt.status) == ("pcs", "USD", "published")
    assert (bolt.name_zh, bolt.hs_code, bolt.port) == ("六角螺栓 M8", "7318.15", "Kaohsiung")
    assert bolt.category.code == "hardware.fasteners"


def test_an_empty_cell_clears_the_field(app, api, supplier):
    _ok(post_import(api, supplier.token, csv_file([BOLT])))
    _ok(post_import(api, supplier.token, csv_file([{**BOLT, "name_zh": "", "port": "",
                                                    "attributes": "", "category": ""}])))
    bolt = products_of(app, supplier.company_id)["BOLT-M8"]
    assert (bolt.name_zh, bolt.port, bolt.attributes, bolt.category) == (None, None, {}, None)


def test_a_duplicate_sku_is_reported_on_the_later_row(app, api, supplier):
    rows = [BOLT, TEA, {**BOLT, "name": "Second bolt"}]
    result = _ok(post_import(api, supplier.token, csv_file(rows)))
    assert result["errors"] == [{"row": 4, "field": "sku", "message":
                                 "SKU 'BOLT-M8' is already on row 2 of this file; each SKU "
                                 "may appear once."}]
    assert products_of(app, supplier.company_id)["BOLT-M8"].name == "Hex bolt M8"


def test_the_same_sku_in_another_company_is_left_alone(app, api, make, supplier):
    other = make.company_with_admin("Chen Tools", roles=("supplier",))
    other_token = api.token(other)
    _ok(post_import(api, other_token, csv_file([{**BOLT, "name": "Chen's bolt"}])))
    result = _ok(post_import(api, supplier.token, csv_file([BOLT])))
    assert (result["created"], result["updated"]) == (1, 0)
    theirs = products_of(app, other.company_id)["BOLT-M8"]
    assert theirs.name == "Chen's bolt"
    assert products_of(app, supplier.company_id)["BOLT-M8"].name == "Hex bolt M8"
    assert theirs.product_line.company_id == other.company_id


def test_row_numbers_are_those_the_spreadsheet_shows(app, api, supplier):
    """Blank rows count, as in Excel; a CSV cell with a line break is one row."""
    rows = [TEA, None, None, {"sku": "X-1", "name": "Bad", "moq": "-1"}]
    result = _ok(post_import(api, supplier.token, xlsx_file(rows), "catalog.xlsx"))
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(5, "moq")]
    assert result["rows"] == 2
    multiline = [{"sku": "A-1", "name": "Two\nlines"}, {"sku": "B-1", "name": "B", "moq": "x"}]
    result = _ok(post_import(api, supplier.token, csv_file(multiline)))
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(3, "moq")]


def test_xlsx_cells_typed_as_numbers_are_read_as_written(app, api, supplier):
    row = {"sku": 12345, "name": "Numbered part", "moq": 50, "tier1_min_qty": 10,
           "tier1_unit_price": 1.1 * 3, "lead_time_days": 14.0, "hs_code": "8471.30",
           "category": "HARDWARE"}
    result = _ok(post_import(api, supplier.token, xlsx_file([row]), "catalog.xlsx"))
    assert result["created"] == 1, result
    part = products_of(app, supplier.company_id)["12345"]
    assert part.price_tiers[0].unit_price == Decimal("3.3")  # 3.3000000000000003 in Excel
    assert (part.moq, part.lead_time_days, part.hs_code) == (Decimal("50"), 14, "8471.30")
    assert part.category.code == "hardware"


def test_a_semicolon_separated_csv_without_bom_is_read(app, api, supplier):
    content = csv_file([TEA], bom=False, delimiter=";")
    assert _ok(post_import(api, supplier.token, content))["created"] == 1


def test_missing_required_columns_refuse_the_file_naming_them(app, api, supplier):
    content = csv_file([{"name_zh": "螺栓", "moq": "1"}], ["name_zh", "moq"])
    response = post_import(api, supplier.token, content)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    body = response.get_json()
    assert body["detail"] == "The file lacks the required columns: sku, name."
    assert body["errors"] == {"sku": ["This column is required."],
                              "name": ["This column is required."]}
    assert products_of(app, supplier.company_id) == {}


def test_unknown_or_repeated_columns_refuse_the_file(api, supplier):
    response = post_import(api, supplier.token,
                           csv_file([TEA], ["sku", "name", "prize", "name"]))
    body = response.get_json()
    assert response.status_code == 422
    assert body["errors"] == {"prize": ["Not a column of the template."],
                              "name": ["This column appears more than once."]}
    assert body["detail"].startswith("Unknown columns: prize (the template's columns are sku, "
                                     "name, name_zh,")


def test_disguised_and_foreign_files_are_refused_by_content(app, api, supplier):
    html = b"<!doctype html><html><body><table><tr><td>sku</td></tr></table></body></html>"
    for content, name in ((html, "catalog.xlsx"), (html, "catalog.csv"),
                          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "old.xls"),
                          (zip_file({"word/document.xml": b"<w/>"}), "catalog.xlsx"),
                          (b"\x89PNG\r\n\x1a\n\x00\x00binary", "catalog.csv"),
                          ("sku,name\nBIG5-1,螺絲\n".encode("big5"), "catalog.csv")):
        response = post_import(api, supplier.token, content, name)
        assert response.status_code == 415, (name, content[:20], response.get_json())
        assert response.mimetype == PROBLEM
    body = post_import(api, supplier.token, "sku,name\n1,螺絲\n".encode("big5")).get_json()
    assert "CSV UTF-8" in body["detail"]
    assert products_of(app, supplier.company_id) == {}


def test_a_broken_workbook_is_refused_clearly(api, supplier):
    broken = zip_file({"xl/workbook.xml": b"<not really>", "[Content_Types].xml": b"<x/>"})
    response = post_import(api, supplier.token, broken, "catalog.xlsx")
    assert response.status_code == 422
    assert response.get_json()["detail"].startswith("The workbook cannot be read")


def test_a_workbook_that_unpacks_huge_is_refused(api, supplier, monkeypatch):
    monkeypatch.setattr(sniffing, "XLSX_MAX_UNPACKED", 1024)
    response = post_import(api, supplier.token, xlsx_file([TEA]), "catalog.xlsx")
    assert response.status_code == 413
    assert "would unpack to" in response.get_json()["detail"]


def test_too_many_rows_for_one_request_point_to_the_background_import(app, api, supplier,
                                                                      monkeypatch):
    monkeypatch.setitem(app.config, "CATALOG_SYNC_MAX_ROWS", 3)
    rows = [{"sku": f"S-{n}", "name": f"Part {n}"} for n in range(4)]
    for content, name in ((csv_file(rows), "c.csv"), (xlsx_file(rows), "c.xlsx")):
        response = post_import(api, supplier.token, content, name)
        assert response.status_code == 413, response.get_json()
        assert "POST /api/v1/catalog/imports" in response.get_json()["detail"]
    # Line breaks inside cells do not count as rows.
    rows = [{"sku": f"S-{n}", "name": "A\nB\nC"} for n in range(3)]
    assert _ok(post_import(api, supplier.token, csv_file(rows)))["created"] == 3
    assert len(products_of(app, supplier.company_id)) == 3


def test_a_buyer_company_keeps_no_catalog(api, make):
    buyer = make.company_with_admin("Buyer Co", roles=("buyer",))
    response = post_import(api, api.token(buyer), csv_file([TEA]))
    assert response.status_code == 403


def test_the_same_idempotency_key_imports_once(app, api, supplier):
    headers = {"Idempotency-Key": "3f0c3d3e-catalog"}
    first = _ok(post_import(api, supplier.token, csv_file([TEA]), headers=headers))
    again = post_import(api, supplier.token, csv_file([TEA]), headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first
    assert len(products_of(app, supplier.company_id)) == 1


def _without_dimension(content: bytes) -> bytes:
    """The workbook without its <dimension> record (some programs leave it out)."""
    import io
    import re
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            target.writestr(entry, data)
    return out.getvalue()


def test_a_file_refused_halfway_leaves_no_row_behind(app, api, supplier, monkeypatch):
    """Rows are counted as they are read when the workbook does not say how many it has:
    the 413 at the fourth row takes back the rows saved before it."""
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    app.config["CATALOG_SYNC_MAX_ROWS"] = 3
    try:
        api.get("/me", supplier.token)  # the token's use is noted now, not in the import
        rows = [{"sku": f"S-{n}", "name": f"Part {n}"} for n in range(4)]
        response = post_import(api, supplier.token, _without_dimension(xlsx_file(rows)),
                               "catalog.xlsx")
        assert response.status_code == 413, response.get_json()
    finally:
        del app.config["CATALOG_SYNC_MAX_ROWS"]
    assert products_of(app, supplier.company_id) == {}


_MOVING = {"id", "company_id", "created_at", "updated_at", "published_at", "product_line_id"}


def _columns(product) -> dict:
    """A product's values (ids and times aside), its line by name and its tiers."""
    columns = {name: value for name, value in vars(product).items()
               if not name.startswith("_") and name not in _MOVING}
    columns["line"] = product.product_line.name if product.product_line else None
    columns["tiers"] = [(t.min_qty, t.unit_price) for t in product.price_tiers]
    return columns


def _stored(app, company_id: int) -> dict:
    """What a company's products look like in the database, ids and times aside: each
    product's values and tiers, and the changes its audit row recorded."""
    with app.app_context():
        stored = {}
        for product in db.session.scalars(select(Product).where(
                Product.company_id == company_id)):
            columns = _columns(product)
            event = db.session.scalars(select(AuditEvent).where(
                AuditEvent.object_type == "Product", AuditEvent.object_id == product.id))
            (event,) = event.all()
            changes = dict(event.changes)
            assert changes.pop("company_id") == [None, company_id]
            assert ("published_at" in changes) == (product.status == "published")
            changes.pop("published_at", None)
            if "product_line" in changes:
                assert changes.pop("product_line") == [None, product.product_line_id]
            columns["audit"] = (event.action, event.actor_user_id is not None, changes)
            stored[product.sku] = columns
        return stored


def test_new_rows_are_stored_as_save_product_stores_them(app, api, make, supplier):
    """New products go to the database in bulk (create_products), existing ones through
    save_product: both store the same values, tiers and audit rows."""
    rows = [BOLT, TEA, {"sku": "BARE-1", "name": "Bare"},
            {"sku": "LINE-2", "name": "Nut M8", "product_line": "bolts", "moq": "0.5",
             "attributes": "", "unit": "kg", "lead_time_days": "0", "status": "archived"}]
    assert _ok(post_import(api, supplier.token, csv_file(rows)))["created"] == 4
    other = make.company_with_admin("One By One", roles=("supplier",))
    token = api.token(other)
    api.get("/me", token)
    with app.test_request_context():
        g.actor_user_id = other.user_id
        company = db.session.get(Company, other.company_id)
        catalog = open_catalog_file(io.BytesIO(csv_file(rows)))
        parser = RowParser(catalog.header)
        for number, cells in catalog.rows():
            product_operations.save_product(company, dict(parser.parse(number, cells).values))
        catalog.close()
        db.session.commit()
    assert _stored(app, supplier.company_id) == _stored(app, other.company_id)


def _changed_as_stored(app, company_id: int) -> dict:
    """Each product's values and tiers (ids and times aside) and what its product.changed
    audit rows recorded, product lines by name (their ids differ between companies)."""
    with app.app_context():
        lines = dict(db.session.execute(select(ProductLine.id, ProductLine.name)).all())
        stored = {}
        for product in db.session.scalars(select(Product).where(
                Product.company_id == company_id)):
            columns = _columns(product)
            columns["published"] = product.published_at is not None
            audits = []
            for event in db.session.scalars(select(AuditEvent).where(
                    AuditEvent.object_type == "Product", AuditEvent.object_id == product.id,
                    AuditEvent.action == "product.changed").order_by(AuditEvent.id)):
                changes = dict(event.changes)
                if "published_at" in changes:
                    assert changes.pop("published_at")[1] is not None
                if "product_line" in changes:
                    changes["product_line"] = [lines.get(i) for i in changes["product_line"]]
                audits.append((event.actor_user_id is not None, changes))
            columns["audit"] = audits
            stored[product.sku] = columns
        return stored


def test_changed_rows_are_stored_as_save_product_stores_them(app, api, make, supplier):
    """Changed products are written in bulk (update_products), as save_product writes
    them one by one: the same values, tiers, versions and audit rows."""
    first = [BOLT, TEA, {"sku": "BARE-1", "name": "Bare", "status": "published"},
             {"sku": "LINE-2", "name": "Nut M8", "product_line": "bolts", "moq": "0.5",
              "unit": "kg", "lead_time_days": "0", "status": "archived"},
             {"sku": "SAME-1", "name": "Left alone", "tier1_min_qty": "5",
              "tier1_unit_price": "1"}]
    then = [{**BOLT, "tier1_unit_price": "0.33", "tier2_min_qty": "", "tier2_unit_price": "",
             "tier3_min_qty": "", "tier3_unit_price": "", "name": "Hex bolt M8 A2-70",
             "category": "hardware", "product_line": "Stainless bolts", "port": "",
             "attributes": "Material: A2"},
            {**TEA, "status": "published", "moq": "12", "currency": "USD",
             "tier1_min_qty": "20"},
            {"sku": "BARE-1", "name": "Bare", "status": "draft", "hs_code": "7318"},
            {"sku": "LINE-2", "name": "Nut M8", "product_line": "", "moq": "0.5000",
             "unit": "kg", "lead_time_days": "0", "status": "archived"},
            {"sku": "SAME-1", "name": "Left alone", "tier1_min_qty": "5",
             "tier1_unit_price": "1.0"}]
    assert _ok(post_import(api, supplier.token, csv_file(first)))["created"] == 5
    result = _ok(post_import(api, supplier.token, csv_file(then)))
    assert (result["updated"], result["unchanged"], result["failed_rows"]) == (4, 1, 0)
    other = make.company_with_admin("One By One", roles=("supplier",))
    token = api.token(other)
    api.get("/me", token)
    with app.test_request_context():
        g.actor_user_id = other.user_id
        company = db.session.get(Company, other.company_id)
        for rows in (first, then):
            catalog = open_catalog_file(io.BytesIO(csv_file(rows)))
            parser = RowParser(catalog.header)
            for number, cells in catalog.rows():
                values = parser.parse(number, cells).values
                product = db.session.scalar(select(Product).where(  # as the API reads it
                    Product.company_id == company.id, Product.sku == values["sku"])
                    .options(selectinload(Product.price_tiers), selectinload(Product.category),
                             selectinload(Product.product_line)))
                product_operations.save_product(company, dict(values), product)
            catalog.close()
            db.session.commit()
    bulk, one_by_one = _changed_as_stored(app, supplier.company_id), \
        _changed_as_stored(app, other.company_id)
    assert bulk == one_by_one
    assert bulk["SAME-1"]["audit"] == [] and bulk["SAME-1"]["version"] == 1
    assert bulk["BOLT-M8"]["version"] == 2 and bulk["BOLT-M8"]["line"] == "Stainless bolts"
    assert bulk["TEA-150"]["status"] == "published" and bulk["TEA-150"]["published"]


def test_publishing_stops_at_the_plan_row_by_row(app, api, supplier, monkeypatch):
    """The plan's limit is asked once for a batch while it has room; a batch that reaches
    the limit publishes up to it and reports each row beyond, new or changed."""
    from tests.billing.support import seed_plans

    monkeypatch.setattr(importer, "BATCH_ROWS", 3)
    seed_plans(app, max_products=4)
    rows = [{"sku": f"P-{n}", "name": f"Part {n}", "status": "published"} for n in range(3)]
    rows += [{"sku": "D-1", "name": "Draft", "status": "draft"},
             {"sku": "D-2", "name": "Draft", "status": "draft"}]
    result = _ok(post_import(api, supplier.token, csv_file(rows)))
    assert (result["created"], result["failed_rows"]) == (5, 0)
    more = [{"sku": "P-3", "name": "Part 3", "status": "published"},
            {"sku": "D-1", "name": "Draft", "status": "published"},
            {"sku": "D-2", "name": "Draft", "status": "published"},
            {"sku": "P-4", "name": "Part 4", "status": "published"}]
    result = _ok(post_import(api, supplier.token, csv_file(more)))
    assert (result["created"], result["updated"], result["failed_rows"]) == (1, 0, 3)
    assert [(error["row"], error["message"][:46]) for error in result["errors"]] == [
        (3, "Your plan (Free) allows 4 products; 4 are publ"),
        (4, "Your plan (Free) allows 4 products; 4 are publ"),
        (5, "Your plan (Free) allows 4 products; 4 are publ")]
    products = products_of(app, supplier.company_id)
    assert sorted(sku for sku, product in products.items() if product.status == "published") \
        == ["P-0", "P-1", "P-2", "P-3"]
    assert "P-4" not in products and products["D-1"].status == "draft"


def test_the_import_is_audited_as_one_entry_with_its_rows_and_file(app, api, supplier):
    rows = [BOLT, TEA, {"sku": "BAD", "name": "Bad", "moq": "-1"}]
    _ok(post_import(api, supplier.token, csv_file(rows), "spring prices.csv"))
    with app.app_context():
        (event,) = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "catalog.imported")).all()
        assert (event.company_id, event.actor_user_id) == (supplier.company_id,
                                                            supplier.admin.user_id)
        assert event.changes == {"rows": 3, "created": 2, "updated": 0, "unchanged": 0,
                                 "failed_rows": 1, "images_attached": 0,
                                 "file": "spring prices.csv"}


def test_one_index_update_for_the_rows_of_one_import(app, api, supplier):
    """Each row is saved in its own savepoint; the search index still gets one job for
    the import's transaction, not one per row."""
    from marketplace.core.outbox import OutboxJob

    rows = [{"sku": f"P-{n}", "name": f"Part {n}", "tier1_min_qty": "1",
             "tier1_unit_price": "2"} for n in range(3)]
    _ok(post_import(api, supplier.token, csv_file(rows)))
    changed = [row | {"tier1_unit_price": "3"} for row in rows[:2]] + \
        [{"sku": "BAD", "name": "Bad", "hs_code": "no"}, rows[2] | {"name": "Part two"}]
    result = _ok(post_import(api, supplier.token, csv_file(changed)))
    assert (result["updated"], result["failed_rows"]) == (3, 1)
    with app.app_context():
        jobs = db.session.scalars(select(OutboxJob).where(
            OutboxJob.task == "search.refresh_index").order_by(OutboxJob.id)).all()
        from marketplace.content.search import indexing

        if indexing.in_database():  # PostgreSQL's search: rows written in the import's
            assert jobs == []  # own transactions, no job (tests/content/test_search_postgres)
        else:
            assert [(job.kwargs["kind"], len(job.kwargs["ids"])) for job in jobs] == [
                ("products", 3), ("products", 3)]

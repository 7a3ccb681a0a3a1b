"""The template (GET /catalog/template) and the export of the caller's products in it
(GET /catalog/export): what a supplier opens in Excel, and what imports back unchanged."""

from __future__ import annotations

import io

from marketplace.content.queries.catalog import COLUMN_NAMES, XLSX_MIMETYPE
from tests.content.catalog_support import (
    BOLT,
    TEA,
    categories,  # noqa: F401 - fixture
    csv_file,
    post_import,
    products_of,
    read_workbook,
    sheet_rows,
    supplier,  # noqa: F401 - fixture
)


def _download(api, token, path):
    response = api.get(path, token)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_the_xlsx_template_has_the_columns_instructions_example_and_lists(api, supplier):
    response = _download(api, supplier.token, "/catalog/template?format=xlsx")
    assert response.mimetype == XLSX_MIMETYPE
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=catalog-template.xlsx"
    workbook = read_workbook(response.get_data())
    assert workbook.sheetnames == ["Products", "Instructions", "Example", "Lists"]
    products = workbook["Products"]
    assert [cell.value for cell in products[1]] == COLUMN_NAMES
    assert products.max_row == 1  # the header only: nothing to import by mistake
    assert products.freeze_panes == "B2"
    assert "必填" in products["A1"].comment.text  # the header cells explain in both languages

    instructions = "\n".join(str(v) for row in workbook["Instructions"].iter_rows(values_only=True)
                             for v in row if v is not None)
    assert "How to use (English)" in instructions and "使用說明（繁體中文）" in instructions
    for name in COLUMN_NAMES:
        assert name in instructions
    assert "hardware.fasteners" in instructions and "扣件" in instructions  # category codes

    example = list(workbook["Example"].iter_rows(values_only=True))
    assert "not imported" in example[0][0]
    assert list(example[1]) == COLUMN_NAMES
    assert example[2][0] == "BOLT-M8-304" and example[3][2] == "高山烏龍茶 150 公克"

    lists = workbook["Lists"]
    assert lists.sheet_state == "hidden"
    columns = {cells[0].value: [c.value for c in cells[1:] if c.value is not None]
               for cells in lists.iter_cols()}
    assert columns["category"] == ["food.tea", "hardware", "hardware.fasteners"]
    assert {"USD", "EUR", "TWD", "CNY"} <= set(columns["currency"])
    assert columns["status"] == ["draft", "published", "archived"]
    assert "pcs" in columns["unit"]

    rules = {str(rule.sqref).split(":")[0]: rule for rule in
             products.data_validations.dataValidation}
    assert rules["F2"].type == "list" and rules["F2"].formula1 == "Lists!$A$2:$A$4"
    assert rules["J2"].formula1.startswith("Lists!$B$2:")  # currency
    assert rules["Z2"].formula1 == "Lists!$D$2:$D$4"  # status
    assert rules["H2"].errorStyle == "warning"  # other units are allowed
    assert rules["I2"].type == "decimal"  # moq and the tiers


def test_the_csv_template_is_utf8_with_a_byte_order_mark(api, supplier):
    response = _download(api, supplier.token, "/catalog/template?format=csv")
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").splitlines() == [",".join(COLUMN_NAMES)]


def test_an_unknown_format_is_refused(api, supplier):
    assert api.get("/catalog/template?format=pdf", supplier.token).status_code == 422
    assert api.get("/catalog/export?format=docx", supplier.token).status_code == 422


def test_the_export_holds_the_callers_products_and_imports_back_unchanged(app, api, supplier,
                                                                         make):
    tricky = {"sku": "00123", "name": "=HYPERLINK(\"http://evil\")", "name_zh": "+886 零件",
              "description": "-5 mm\nsecond line", "attributes": "@key: a;b\\:c",
              "status": "archived", "moq": "2.5", "tier1_min_qty": "0.5",
              "tier1_unit_price": "1234567.8912"}
    tricky["attributes"] = "Note\\: x: a\\;b; Size: 10"
    assert post_import(api, supplier.token, csv_file([BOLT, TEA, tricky])).status_code == 200
    other = make.company_with_admin("Someone Else", roles=("supplier",))
    post_import(api, api.token(other), csv_file([{"sku": "THEIRS", "name": "Not mine"}]))
    before = products_of(app, supplier.company_id)

    xlsx = _download(api, supplier.token, "/catalog/export?format=xlsx")
    assert xlsx.headers["Content-Disposition"].startswith(
        f"attachment; filename=catalog-{supplier.company_id}-")
    rows = sheet_rows(xlsx.get_data())
    assert list(rows[0]) == COLUMN_NAMES
    assert [row[0] for row in rows[1:]] == ["00123", "BOLT-M8", "TEA-150"]  # by SKU, mine only
    exported = dict(zip(COLUMN_NAMES, rows[2], strict=True))
    assert exported["tier3_unit_price"] == 0.275 and exported["attributes"] == \
        "Material: stainless steel 304; Thread: M8; Ratio: 1\\:2 \\; approx."
    cell = read_workbook(xlsx.get_data())["Products"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")  # text, no formula

    csv_export = _download(api, supplier.token, "/catalog/export?format=csv")
    text = csv_export.get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+886" in text and "'-5 mm" in text  # nothing runs

    for content, name in ((xlsx.get_data(), "export.xlsx"), (csv_export.get_data(), "e.csv")):
        result = post_import(api, supplier.token, content, name).get_json()
        assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 3), result
        assert result["errors"] == []
    after = products_of(app, supplier.company_id)
    for sku, product in before.items():
        again = after[sku]
        assert again.version == product.version, sku
        assert (again.name, again.name_zh, again.description, again.attributes,
                again.status, again.moq) == (product.name, product.name_zh,
                                             product.description, product.attributes,
                                             product.status, product.moq)
        assert [(t.min_qty, t.unit_price) for t in again.price_tiers] == \
            [(t.min_qty, t.unit_price) for t in product.price_tiers]
    assert after["00123"].name == "=HYPERLINK(\"http://evil\")"
    assert after["00123"].attributes == {"Note: x": "a;b", "Size": "10"}


def test_an_edited_export_updates_what_was_changed(app, api, supplier):
    post_import(api, supplier.token, csv_file([BOLT, TEA]))
    content = _download(api, supplier.token, "/catalog/export?format=xlsx").get_data()
    workbook = read_workbook(content)
    sheet = workbook["Products"]
    price = COLUMN_NAMES.index("tier1_unit_price") + 1
    sheet.cell(row=2, column=price, value=0.29)  # BOLT-M8, as a person types it in Excel
    out = io.BytesIO()
    workbook.save(out)
    result = post_import(api, supplier.token, out.getvalue(), "edited.xlsx").get_json()
    assert (result["updated"], result["unchanged"]) == (1, 1), result
    assert str(products_of(app, supplier.company_id)["BOLT-M8"].price_tiers[0].unit_price) \
        in ("0.29", "0.2900")


def test_a_product_with_more_tiers_than_the_template_keeps_them(app, api, supplier,
                                                                make_product):
    tiers = [{"min_qty": str(q), "unit_price": str(p)} for q, p in
             ((1, 9), (10, 8), (20, 7), (50, 6), (100, 5), (500, 4), (1000, 3))]
    make_product(supplier.company_id, sku="MANY-TIERS", price_tiers=tiers, status="draft")
    content = _download(api, supplier.token, "/catalog/export?format=csv").get_data()
    result = post_import(api, supplier.token, content).get_json()
    assert result["unchanged"] == 1, result
    assert len(products_of(app, supplier.company_id)["MANY-TIERS"].price_tiers) == 7


def test_the_operator_has_no_catalog_to_export(api, make):
    operator = make.operator()
    token = api.token(operator)
    assert api.get("/catalog/export", token).status_code == 403
    assert api.get("/catalog/template", token).status_code == 200

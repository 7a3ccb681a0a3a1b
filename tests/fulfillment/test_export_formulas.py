"""Shipping documents in Excel never run a party's text as a formula (issue 12, item 4):
a carrier name "=HYPERLINK(...)" in the buyer's packing list is text."""

from io import BytesIO

from openpyxl import load_workbook

from tests.fulfillment.support import SEA, accepted_purchase_order

EVIL = '=HYPERLINK("http://evil.example","Track")'


def test_packing_list_xlsx_writes_formula_leading_text_as_text(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier,
                                       lines=[("-2+3", "10", "0.12")])
    line = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"][0]
    shipped = api.post("/shipments", pair.supplier_token, json={
        **SEA, "order_ids": [order_id], "carrier": EVIL, "tracking_number": "@TRACK",
        "lines": [{"order_line_id": line["id"], "quantity": "10"}]})
    assert shipped.status_code == 201, shipped.get_json()
    path = f"/shipments/{shipped.get_json()['id']}/documents/packing-list"
    assert api.post(path, pair.supplier_token).status_code in (200, 201)
    response = api.get(f"{path}?format=xlsx", pair.buyer_token)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    sheet = load_workbook(BytesIO(response.data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_value = {cell.value: cell for cell in cells}
    for text in (EVIL, "@TRACK", "-2+3"):
        assert by_value[text].data_type == "s" and by_value[text].quotePrefix, text
    assert by_value[10].data_type == "n"  # the quantity stays a number

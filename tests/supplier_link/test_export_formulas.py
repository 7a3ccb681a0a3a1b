"""The supplier's view exports never run the buyer's text as a formula (issue 12, item
4), through the one helper (core.spreadsheets), and keep numbers numbers."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.supplier_link.support import today

EVIL = '=HYPERLINK("http://evil.example","claim")'


def test_receipts_export_escapes_formula_leading_text_in_csv_and_excel(trade):
    order = trade.order(trade.supplier_a, [(EVIL, "100", "2.50", today())])
    trade.ship(trade.supplier_a, order, {order.line_ids[0]: "60"})
    received = trade.api.post("/supplier-link/receipts", trade.buyer.token, json={
        "order_id": order.id, "lines": [{"order_line_id": order.line_ids[0],
                                         "quantity_received": "50", "quantity_rejected": "2",
                                         "reason": "damaged"}]})
    assert received.status_code == 201, received.get_json()
    text = trade.view(trade.supplier_a, "receipts", format="csv").get_data().decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["sku"] == "'" + EVIL
    assert row["quantity_received"] == "50"
    sheet = load_workbook(io.BytesIO(trade.view(trade.supplier_a, "receipts",
                                                format="xlsx").get_data())).active
    header, values = list(sheet.iter_rows())
    cells = {h.value: c for h, c in zip(header, values, strict=True)}
    assert (cells["sku"].value, cells["sku"].data_type, cells["sku"].quotePrefix) == \
        (EVIL, "s", True)
    assert not cells["reason"].quotePrefix
    assert (cells["quantity_received"].value, cells["quantity_received"].data_type) == (50, "n")

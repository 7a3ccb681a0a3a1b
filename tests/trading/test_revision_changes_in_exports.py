"""A revised quotation's own PDF and Word file say what changed from the version it
revises (issue 14.7): a "Changes from <previous number>" table with the lines added and
removed, the quantities, prices and terms changed. Trading prints it through the place
its export leaves (``register_section``); sourcing fills it (``sourcing/print_changes``)."""

from __future__ import annotations

import io

from docx import Document as WordDocument
from pypdf import PdfReader

from tests.trading.support import LINES, Trade
from tests.worlds import shared_world


@shared_world
def revised(make, api):
    trade = Trade.start(make, api)
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    first = trade.quotation_for(inquiry)
    second = trade.derive("supplier", first, "quotation")
    second = trade.patch("supplier", second, payment_terms="lc_sight", lines=[
        {**LINES[0], "quantity": "25000", "unit_price": "0.070"},
        {"description": "Washer M8", "sku": "W-M8", "quantity": "20000", "unit": "pcs",
         "unit_price": "0.004"}])
    second = trade.act("supplier", second, "send")
    return trade, first, second


def _export(api, token, document_id, fmt):
    response = api.get(f"/documents/{document_id}/export", token, query_string={"format": fmt})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.data


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(
        io.BytesIO(data)).pages)


def test_the_revised_quotation_prints_its_changes_for_both_parties(revised, api):
    trade, first, second = revised
    for token in (trade.supplier_token, trade.buyer_token):
        text = _pdf_text(_export(api, token, second["id"], "pdf"))
        assert f"Changes from {first['number']}" in text
        assert "Lines: 1 added, 1 removed, 1 changed." in text
        # the changed line's quantity and price, before and after
        for expected in ("20000 25000", "0.072 0.07", "Washer M8", "Hex nut",
                         "T/T", "L/C at sight", "Added", "Removed", "Payment terms"):
            assert expected in text, expected


def test_the_word_file_has_the_same_changes_table(revised, api):
    trade, first, second = revised
    word = WordDocument(io.BytesIO(_export(api, trade.buyer_token, second["id"], "docx")))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert f"Changes from {first['number']}" in headings
    changes = next(table for table in word.tables
                   if [cell.text for cell in table.rows[0].cells] ==
                   ["Line", "Change", "Field", "Before", "After"])
    rows = [[cell.text for cell in row.cells] for row in changes.rows[1:]]
    assert ["—", "Changed", "Payment terms", "T/T (telegraphic transfer)", "L/C at sight"] in rows
    by_field = {(row[1], row[2]): row for row in rows}
    assert by_field[("Changed", "Quantity")][3:] == ["20000", "25000"]
    assert by_field[("Changed", "Unit price")][3:] == ["0.072", "0.07"]
    assert any(row[1] == "Added" and "Washer M8" in row[0] for row in rows)
    assert any(row[1] == "Removed" for row in rows)


def test_a_first_version_prints_no_changes(revised, api):
    trade, first, _second = revised
    assert "Changes from" not in _pdf_text(_export(api, trade.buyer_token, first["id"], "pdf"))
    word = WordDocument(io.BytesIO(_export(api, trade.buyer_token, first["id"], "docx")))
    assert not any(p.text.startswith("Changes from") for p in word.paragraphs)

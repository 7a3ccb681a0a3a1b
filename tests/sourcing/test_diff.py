"""A revision shows what changed from the version before: lines added, removed,
quantities, prices and terms changed, in the API (GET /documents/{id}/diff), the
portal (the document page) and the Excel file; for both parties, and only for them."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.factories import portal_login
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
    trade.outsider_token = api.token(make.company_with_admin("Nosy Co", roles=("buyer",)))
    return trade, first, second


def _by_change(answer):
    return {(line["change"], line["sku"]): {c["field"]: (c["before"], c["after"])
                                            for c in line["changes"]}
            for line in answer["lines"]}


def test_the_api_answers_what_changed_for_both_parties(revised, api):
    trade, first, second = revised
    for token in (trade.buyer_token, trade.supplier_token):
        response = api.get(f"/documents/{second['id']}/diff?against={first['id']}", token)
        assert response.status_code == 200, response.get_json()
        answer = response.get_json()
        assert answer["against_id"] == first["id"] and answer["changed"] is True
        changes = _by_change(answer)
        hex_bolt = changes[("changed", "HB-M8-30")]
        assert hex_bolt["quantity"] == ("20000.0000", "25000.0000")
        assert hex_bolt["unit_price"] == ("0.0720", "0.0700")
        assert ("added", "W-M8") in changes and ("removed", "HN-M8") in changes
        header = {c["field"]: (c["before"], c["after"]) for c in answer["header"]}
        assert header["payment_terms"] == ("tt", "lc_sight")
        assert answer["summary"] == {"added": 1, "removed": 1, "changed": 1, "same": 0}
    # Without ``against``: the parent.
    default = api.get(f"/documents/{second['id']}/diff", trade.buyer_token).get_json()
    assert default["against_id"] == first["id"]


def test_strangers_and_unknown_versions_are_not_found(revised, api):
    trade, first, second = revised
    assert api.get(f"/documents/{second['id']}/diff", trade.outsider_token).status_code == 404
    assert api.get(f"/documents/{second['id']}/diff?against=999999",
                   trade.buyer_token).status_code == 404


def test_the_document_page_and_the_excel_file_show_the_changes(revised, app):
    trade, first, second = revised
    client = app.test_client()
    portal_login(client, trade.buyer.email)
    page = client.get(f"/trading/documents/{second['id']}").get_data(as_text=True)
    assert f"What changed from {first['number']}" in page
    assert 'data-change="added"' in page and 'data-change="removed"' in page
    assert 'data-field="payment_terms"' in page
    xlsx = client.get(f"/sourcing/documents/{second['id']}/changes.xlsx?against={first['id']}")
    assert xlsx.status_code == 200
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(xlsx.data)).active
            .iter_rows(min_row=3)]
    assert [None, "Changed", "Payment terms", "tt", "lc_sight"] in rows
    assert any(row[1] == "Added" and "Washer" in row[0] for row in rows)
    assert any(row[1] == "Removed" and "Hex nut" in row[0] for row in rows)

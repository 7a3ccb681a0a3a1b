"""Issue 17.10: from the accepted purchase order to its issued document set in at most
three clicks. The supplier opens the accepted PO, clicks "Ship the open lines" (the
form comes pre-filled from the order, its products' packing and the last shipment to
this buyer: carrier and forwarder), types only what no record knows (vessel, voyage,
B/L), confirms once, and watches the papers being laid out in the background: the
commercial invoice, packing list, shipping advice and the certificate of origin and
beneficiary's certificate its letter of credit requires."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.fulfillment.models import Order
from tests.browser.test_fulfillment import login, watch_for_errors
from tests.fulfillment.support import SEA, accepted_purchase_order, trade_pair

pytestmark = pytest.mark.browser


def test_accepted_purchase_order_to_issued_papers_in_three_clicks(make, api, app, new_page):
    pair = trade_pair(make, api)
    # An earlier shipment to this buyer: its carrier and forwarder are offered again.
    earlier = accepted_purchase_order(make, pair.buyer, pair.supplier)
    line = api.get(f"/orders/{earlier}", pair.supplier_token).get_json()["lines"][0]
    booked = api.post("/shipments", pair.supplier_token, json={
        **SEA, "carrier": "Wan Hai Lines", "forwarder": "Kerry Logistics",
        "order_ids": [earlier], "lines": [{"order_line_id": line["id"], "quantity": "10"}]})
    assert booked.status_code == 201, booked.get_json()
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    credit = api.post("/letters-of-credit", pair.supplier_token, json={
        "number": "LC-BRW-001", "issuing_bank": "Skandinaviska Enskilda Banken",
        "issue_date": "2026-11-01", "expiry_date": "2099-03-31", "amount": "145.00",
        "currency": "USD", "order_ids": [order_id],
        "required_documents": [{"kind": "certificate-of-origin"},
                               {"kind": "beneficiary-certificate"}]})
    assert credit.status_code == 201, credit.get_json()
    with app.app_context():
        purchase_order_id = db.session.get(Order, order_id).purchase_order_id

    page = new_page()
    broken: list[str] = []
    watch_for_errors(page, broken)
    login(page, pair.supplier.email)
    page.goto(f"/trading/documents/{purchase_order_id}")
    clicks = 0

    page.click("#ship-open-lines")
    clicks += 1
    page.wait_for_url(f"**/fulfillment/orders/{order_id}/ship")
    # Pre-filled: the order's ports, the last shipment's carrier and forwarder, every open
    # quantity, and cartons and weights worked out from the products' packaging.
    expect(page.locator("#port_of_loading")).to_have_value("Kaohsiung")
    expect(page.locator("#port_of_discharge")).to_have_value("Gothenburg")
    expect(page.locator("#carrier")).to_have_value("Wan Hai Lines")
    expect(page.locator("#forwarder")).to_have_value("Kerry Logistics")
    expect(page.locator("#credit-summary")).to_contain_text("LC-BRW-001")
    quantities = page.locator("#open-lines input[name^='ship-']")
    expect(quantities).to_have_count(2)
    assert [quantities.nth(i).input_value() for i in range(2)] == ["1000", "500"]
    cartons = page.locator("#open-lines input[name^='packages-']")
    assert [cartons.nth(i).input_value() for i in range(2)] == ["2", "1"]
    # What no record knows yet is typed, not clicked.
    page.fill("#vessel", "Wan Hai 316")
    page.fill("#voyage", "E042")
    page.fill("#bill_of_lading", "WHLC0420001234")
    page.fill("#on_board_date", "2026-12-12")
    page.fill("#etd", "2026-12-12")

    page.click("#ship-and-issue", no_wait_after=True)
    clicks += 1
    # Without a worker (tests, the embedded mode) the job lays the PDFs out right after
    # the commit, before the answer; with one, the page shows them coming in.
    page.wait_for_url(re.compile(r".*/fulfillment/shipments/\d+/papers/\d+$"), timeout=60_000)
    expect(page.locator("#render-label")).to_have_text("5 of 5 papers ready", timeout=60_000)
    documents = page.locator("#render-documents li")
    expect(documents).to_have_count(5)
    expect(page.locator("#render-documents [data-ready='yes']")).to_have_count(5)
    for kind in ("commercial-invoice", "packing-list", "shipping-advice",
                 "certificate-of-origin", "beneficiary-certificate"):
        expect(page.locator(f"#render-documents li[data-kind='{kind}']")).to_have_count(1)
    assert clicks <= 3

    # The papers are really there: the shipment lists them, the invoice opens as a PDF.
    shipment_id = int(re.search(r"/shipments/(\d+)/papers", page.url).group(1))
    shipment = api.get(f"/shipments/{shipment_id}", pair.buyer_token).get_json()
    assert {doc["kind"] for doc in shipment["documents"]} == {
        "commercial-invoice", "packing-list", "shipping-advice", "certificate-of-origin",
        "beneficiary-certificate"}
    assert shipment["vessel"] == "Wan Hai 316" and shipment["forwarder"] == "Kerry Logistics"
    assert shipment["invoice_id"] is not None
    pdf = page.request.get(page.locator(
        "#render-documents li[data-kind='commercial-invoice'] a").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # On a phone the new pages fit the screen (their tables scroll inside).
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (page.url, f"/fulfillment/orders/{earlier}/ship",
                 f"/fulfillment/letters-of-credit/{credit.get_json()['id']}",
                 "/fulfillment/letters-of-credit", "/fulfillment/letters-of-credit/new"):
        page.goto(path)
        page.wait_for_load_state("load")  # its stylesheets applied
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path}: {width} px wide at 390 px"
    assert broken == []

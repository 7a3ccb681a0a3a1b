"""The supplier's view of a buyer in a browser: the navbar's Supplier link menu leads to
the buyer, the sales and inventory tab shows its SVG charts and figures, another tab
shows discrepancies, and supplier B sees none of supplier A's goods."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in
from tests.content.conftest import jpeg_bytes
from tests.supplier_link.support import Trade

pytestmark = pytest.mark.browser


def test_the_supplier_reads_its_buyers_figures_with_charts(make, api, new_page, artifacts):
    trade = Trade(make, api)
    trade.map_sku("B-100", trade.supplier_a, "A-100")
    trade.map_sku("B-300", trade.supplier_b, "Z-1")
    rows = [{"sku": sku, "period_start": start, "period_end": end, "quantity_sold": sold,
             "quantity_on_hand": "119"}
            for sku in ("B-100", "B-300")
            for start, end, sold in (("2026-10-26", "2026-11-01", "70"),
                                     ("2026-11-02", "2026-11-08", "91"))]
    assert api.post("/supplier-link/stock-reports", trade.buyer.token,
                    json={"rows": rows}).get_json()["accepted"] == 4
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    trade.ship(trade.supplier_a, order, {order.line_ids[0]: "100"})
    api.post("/supplier-link/receipts", trade.buyer.token, json={
        "order_id": order.id, "lines": [{"order_line_id": order.line_ids[0],
                                         "quantity_received": "96"}]})

    page = new_page()
    broken = []
    page.on("console", lambda m: m.type == "error" and not m.text.startswith(
        "Failed to load resource") and broken.append(m.text))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and broken.append(f"{r.status} {r.url}"))
    log_in(page, trade.supplier_a.member.email)
    page.click("#nav-supplier-link > a")
    page.click("#nav-supplier-link >> text=My buyers")
    buyer = page.locator("#my-buyers li", has_text="Big Buyer")
    expect(buyer).to_be_visible()
    buyer.get_by_role("link", name="Sales and inventory").click()

    table = page.locator("#view-table")
    expect(table).to_contain_text("A-100")
    expect(table).not_to_contain_text("Z-1")
    expect(page.locator("#cover-chart svg.cover-chart")).to_be_visible()
    expect(page.locator("svg.sales-chart rect.sold")).to_have_count(2)
    row = table.locator("tbody tr:not(.chart-row)").first
    expect(row.locator("[data-column=quantity_sold]")).to_have_text("91")
    expect(row.locator("[data-column=trend]")).to_have_text("+30 %")
    page.screenshot(path=str(artifacts / "supplier-link-sales-inventory.png"), full_page=True)

    page.click("#view-tabs >> text=Discrepancies")
    expect(page.locator("#view-table [data-column=short]").first).to_have_text("4")
    with page.expect_download() as download:
        page.click("#export-csv")
    assert download.value.suggested_filename.startswith("discrepancies-")
    assert not broken, broken


def test_the_loop_in_the_browser_receipt_claim_credit_note_closed(make, api, new_page,
                                                                  artifacts):
    trade = Trade(make, api)
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    shipment = trade.ship(trade.supplier_a, order, {order.line_ids[0]: "100"})
    trade.move(trade.supplier_a, shipment, "arrived")
    line = order.line_ids[0]

    buyer = new_page()
    log_in(buyer, trade.buyer.member.email)
    buyer.click("#nav-supplier-link > a")
    buyer.click("#nav-supplier-link >> text=Goods receipts")
    buyer.locator("#announced a", has_text="Receive").click()
    expect(buyer.locator("#announced-shipment")).to_be_visible()
    expect(buyer.locator(f"[name=received-{line}]")).to_have_value("100")
    buyer.fill(f"[name=received-{line}]", "95")
    buyer.fill(f"[name=rejected-{line}]", "5")
    buyer.select_option(f"[name=reason-{line}]", "damaged")
    buyer.click("#save-receipt")
    row = buyer.locator("#discrepancies tbody tr").first
    expect(row).to_contain_text("95")
    row.locator("[data-step=claim]").click()
    # The claim says what is wrong and shows it (issue 13.3).
    buyer.fill("#comment", "Five cartons arrived crushed.")
    buyer.set_input_files("#photos", files=[
        {"name": "crushed.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    buyer.click("#send-claim")
    expect(buyer.locator("#discrepancies tbody tr").first).to_contain_text("Claimed")
    expect(buyer.locator("#discrepancies")).to_contain_text("Five cartons arrived crushed.")
    buyer.screenshot(path=str(artifacts / "supplier-link-discrepancies.png"), full_page=True)

    supplier = new_page()
    log_in(supplier, trade.supplier_a.member.email)
    supplier.goto("/supplier_link/discrepancies")
    supplier.locator("[data-step=credit_note]").click()
    expect(supplier.locator("#discrepancies tbody tr").first).to_contain_text("Resolving")

    buyer.goto("/supplier_link/discrepancies")
    buyer.locator("[data-step=close]").click()
    expect(buyer.locator("#discrepancies tbody tr").first).to_contain_text("Closed")
    other = new_page()
    log_in(other, trade.supplier_b.member.email)
    other.goto("/supplier_link/discrepancies")
    expect(other.locator("#discrepancies")).not_to_contain_text("A-100")

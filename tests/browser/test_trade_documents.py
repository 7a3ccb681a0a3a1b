"""The trade in the browser: a buyer sends an inquiry from a product page; the supplier
sees it unread in the inbox, derives a quotation, prices it and sends it; the buyer
accepts, derives the purchase order and sends it; the supplier accepts it and derives
the order confirmation. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, watch_for_breakage
from tests.content.conftest import (  # noqa: F401 - fixtures
    jpeg_bytes,
    make_product,
    make_product_media,
)

pytestmark = pytest.mark.browser


def _flash(page) -> str:
    return page.locator(".alert-success").first.inner_text()


def _open_in_inbox(page, number: str) -> None:
    page.goto("/trading/documents?box=inbox")
    row = page.locator(f"tr.document-row[data-number='{number}']")
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    row.get_by_role("link").first.click()
    expect(page.locator("#document-number")).to_have_text(number)


def _derive(page, doctype: str) -> None:
    page.select_option("#derive-type", doctype)
    page.click("#derive")
    page.wait_for_url(re.compile(r"/trading/documents/\d+/edit$"))


def _status(page) -> str:
    return page.locator("#document-title .status-badge").get_attribute("data-status")


def test_inquiry_to_order_confirmation_in_the_browser(
        new_page, make, make_product, make_product_media, artifacts):
    supplier = make.company_with_admin("Formosa Fasteners 福爾摩沙扣件", roles=("supplier",))
    buyer = make.company_with_admin("Hamburg Hardware GmbH", roles=("buyer",), country="DE")
    bolt = make_product(supplier.company_id, sku="HB-M8", name="Hex bolt M8",
                        name_zh="六角螺栓 M8", moq="5000",
                        price_tiers=[{"min_qty": "5000", "unit_price": "0.085"}])
    make_product_media(bolt, jpeg_bytes(), "bolt.jpg")
    make_product(supplier.company_id, sku="FW-M8", name="Flat washer M8", moq="1000",
                 price_tiers=[{"min_qty": "1000", "unit_price": "0.02"},
                              {"min_qty": "10000", "unit_price": "0.015"}])

    # The buyer opens the product and sends an inquiry; the picker adds the washers.
    desk = new_page()
    buyer_broken = watch_for_breakage(desk)
    log_in(desk, buyer.email)
    desk.goto(f"/products/{bolt}")
    desk.click("#send-inquiry")
    desk.wait_for_url(re.compile(r"/trading/documents/\d+/edit$"))
    assert "is a draft: check it, then send it." in _flash(desk)
    expect(desk.locator("#lines-0-sku")).to_have_value("HB-M8")
    expect(desk.locator("#lines-0-quantity")).to_have_value("5000")
    desk.fill("#picker-q", "FW")
    expect(desk.locator("#picker-results option")).to_have_count(1)
    desk.fill("#picker-q", "FW-M8 — Flat washer M8")
    expect(desk.locator("#lines-1-sku")).to_have_value("FW-M8")
    expect(desk.locator("#lines-1-unit_price")).to_have_value("0.02")
    desk.fill("#lines-1-quantity", "12000")
    desk.locator("#lines-1-quantity").dispatch_event("change")
    expect(desk.locator("#lines-1-unit_price")).to_have_value("0.015")  # the next tier
    desk.fill("#lines-1-unit_price", "")  # the supplier quotes; the inquiry asks
    rows = desk.locator("#line-rows [data-row]")
    before = rows.count()
    desk.click("#add-line")
    expect(rows).to_have_count(before + 1)
    expect(rows.last.locator("[data-field=sku]")).to_have_attribute(
        "name", f"lines-{before}-sku")
    rows.last.locator("[data-remove-row]").click()
    expect(rows).to_have_count(before)
    desk.fill("#notes", "Please quote FOB Kaohsiung.")
    desk.screenshot(path=str(artifacts / "trade-1-inquiry-editor.png"), full_page=True)
    desk.click("#save-and-send")
    desk.wait_for_url(re.compile(r"/trading/documents/\d+$"))
    assert "is sent." in _flash(desk)
    inquiry_number = desk.locator("#document-number").inner_text()
    assert _status(desk) == "sent"

    # The supplier sees it unread, derives a quotation, prices it and sends it.
    office = new_page()
    supplier_broken = watch_for_breakage(office)
    log_in(office, supplier.email)
    expect(office.locator("#documents-unread")).to_have_text("1")
    office.goto("/trading/documents?box=inbox")
    office.click("#nav-documents .dropdown-toggle")
    office.screenshot(path=str(artifacts / "trade-2-inbox.png"), full_page=True)
    _open_in_inbox(office, inquiry_number)
    expect(office.locator("#lines .line-row")).to_have_count(2)
    office.screenshot(path=str(artifacts / "trade-2b-inquiry-received.png"), full_page=True)
    _derive(office, "quotation")
    # The quotation starts from the supplier's price tier for each line's quantity.
    expect(office.locator("#lines-0-unit_price")).to_have_value("0.085")
    expect(office.locator("#lines-1-unit_price")).to_have_value("0.015")
    office.fill("#lines-0-unit_price", "0.082")
    office.fill("#lines-1-unit_price", "0.014")
    office.select_option("#incoterm", "FOB")
    office.fill("#incoterm_place", "Kaohsiung")
    office.select_option("#payment_terms", "tt")
    office.click("#save-and-send")
    office.wait_for_url(re.compile(r"/trading/documents/\d+$"))
    quotation_number = office.locator("#document-number").inner_text()
    expect(office.locator("#document-total")).to_have_text("578.00 USD")  # 410 + 168
    expect(office.locator("#thread li")).to_have_count(2)
    office.screenshot(path=str(artifacts / "trade-3-quotation-sent.png"), full_page=True)

    # The buyer accepts the quotation, derives the purchase order and sends it.
    _open_in_inbox(desk, quotation_number)
    desk.fill("#action-form textarea[name=comment]", "Agreed. PO follows.")
    desk.click("#action-accept")
    assert "is accepted." in _flash(desk)
    assert _status(desk) == "accepted"
    expect(desk.locator("#history")).to_contain_text("Agreed. PO follows.")
    _derive(desk, "purchase_order")
    expect(desk.locator("#lines-0-unit_price")).to_have_value("0.082")
    desk.click("#save-and-send")
    desk.wait_for_url(re.compile(r"/trading/documents/\d+$"))
    order_number = desk.locator("#document-number").inner_text()
    assert _status(desk) == "sent"
    desk.screenshot(path=str(artifacts / "trade-4-purchase-order-sent.png"), full_page=True)

    # The supplier accepts the purchase order and derives the order confirmation.
    _open_in_inbox(office, order_number)
    office.click("#action-accept")
    assert "is accepted." in _flash(office)
    _derive(office, "order_confirmation")
    office.click("#save-and-send")
    office.wait_for_url(re.compile(r"/trading/documents/\d+$"))
    assert _status(office) == "sent"
    expect(office.locator("#thread li")).to_have_count(4)
    office.screenshot(path=str(artifacts / "trade-5-order-confirmation.png"), full_page=True)

    # The whole negotiation downloads as a file from the page.
    with office.expect_download() as download:
        office.click("#download-menu")
        office.click("#download-pdf")
    assert download.value.suggested_filename.endswith(".pdf")
    assert buyer_broken == [] and supplier_broken == []

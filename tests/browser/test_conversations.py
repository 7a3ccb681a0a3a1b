"""The first contact in the browser: a buyer contacts a supplier from a product page in
one box (an inquiry sent at once, with a conversation about it), the supplier sees the
unread message in Messages and answers with a file, the buyer sees the answer and its
"Seen", and turns the conversation into an inquiry draft carrying the product and the
conversation's text. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, watch_for_breakage
from tests.content.conftest import make_product, pdf_bytes  # noqa: F401

pytestmark = pytest.mark.browser


def test_contact_reply_and_inquiry_from_a_conversation(new_page, make, make_product,
                                                       artifacts, tmp_path):
    supplier = make.company_with_admin("Formosa Fasteners", roles=("supplier",))
    buyer = make.company_with_admin("Hamburg Hardware GmbH", roles=("buyer",), country="DE")
    bolt = make_product(supplier.company_id, sku="HB-M8", name="Hex bolt M8", moq="5000",
                        currency="EUR")

    desk = new_page()
    broken = watch_for_breakage(desk)
    log_in(desk, buyer.email)
    desk.goto(f"/products/{bolt}")
    box = desk.locator("#contact-box")
    expect(box.get_by_label("Quantity")).to_have_value("5000")
    box.get_by_label("Quantity").fill("20000")
    box.get_by_label("Target price per unit (optional)").fill("0.07")
    box.get_by_label("Message", exact=True).fill("Can you pack them in blue boxes of 500?")
    box.locator("#contact-send").click()
    desk.wait_for_url(re.compile(r"/trading/documents/\d+$"))
    assert "is sent to Formosa Fasteners" in desk.locator(".alert-success").first.inner_text()
    desk.screenshot(path=artifacts / "conversation-1-inquiry-sent.png")

    office = new_page()
    supplier_broken = watch_for_breakage(office)
    log_in(office, supplier.email)
    expect(office.locator("#messages-unread")).to_have_text("1")
    office.click("#nav-messages")
    row = office.locator("#conversations a").first
    expect(row).to_contain_text("Hamburg Hardware GmbH")
    expect(row).to_contain_text("blue boxes of 500")
    row.click()
    artwork = tmp_path / "box-artwork.pdf"
    artwork.write_bytes(pdf_bytes())
    office.get_by_label("Message", exact=True).fill(
        "Yes. Here is the box artwork; MOQ 10,000 for blue.")
    office.get_by_label("Attach files").set_input_files(str(artwork))
    office.click("#send-message")
    expect(office.locator(".message.ours").last).to_contain_text("box artwork")
    expect(office.locator(".message.ours .attachments").last).to_contain_text(
        "box-artwork.pdf")
    expect(office.locator(".message.theirs .receipt")).to_have_count(0)
    expect(office.locator("#messages-unread")).to_have_count(0)

    desk.goto("/")
    expect(desk.locator("#messages-unread")).to_have_text("1")
    desk.click("#nav-messages")
    desk.locator("#conversations a").first.click()
    expect(desk.locator(".message.theirs").last).to_contain_text("MOQ 10,000 for blue")
    expect(desk.locator(".message.ours .receipt").first).to_contain_text("Seen")
    desk.screenshot(path=artifacts / "conversation-2-answer.png", full_page=True)
    desk.click("#turn-into-inquiry")
    desk.wait_for_url(re.compile(r"/trading/documents/\d+/edit$"))
    expect(desk.locator("#lines-0-sku")).to_have_value("HB-M8")
    notes = desk.locator("#notes").input_value()
    assert "blue boxes of 500" in notes and "MOQ 10,000 for blue" in notes
    desk.set_viewport_size({"width": 390, "height": 844})
    desk.go_back()
    desk.reload()
    desk.wait_for_load_state("load")  # its stylesheets applied
    assert desk.evaluate("document.documentElement.scrollWidth") <= 390
    desk.goto(f"/products/{bolt}")  # the box on a phone
    expect(desk.locator("#contact-box")).to_be_visible()
    desk.wait_for_load_state("load")  # its stylesheets applied
    assert desk.evaluate("document.documentElement.scrollWidth") <= 390
    desk.screenshot(path=artifacts / "conversation-3-box-390.png", full_page=True)
    office.reload()
    expect(office.locator(".message.ours .receipt").last).to_contain_text("Seen")
    assert broken == [] and supplier_broken == []

"""In the browser: a buyer posts a buying request from the portal form; a supplier of the
category finds it in its list, answers it with a quotation; the buyer sees the answer
and opens the comparison, on a desktop and on a 390 px phone. (Chromium through
Playwright, tests/browser/conftest.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser, live_server, new_page  # noqa: F401
from tests.browser.support import log_in, watch_for_breakage
from tests.buying_requests.support import build_market

pytestmark = pytest.mark.browser


def test_a_buyer_posts_and_a_supplier_answers(new_page, make, api, app):  # noqa: F811
    market = build_market(make, api, app)
    buyer = new_page()
    broken = watch_for_breakage(buyer)
    log_in(buyer, market.buyer.email)
    buyer.goto("/buying-requests")
    buyer.click("#new-buying-request")
    buyer.get_by_label("What do you need?").fill("Zinc plated washers M8")
    buyer.get_by_label("Category").select_option(str(market.categories["fasteners"]))
    buyer.get_by_label("Quantity").fill("50000")
    buyer.get_by_label("Target unit price (optional)").fill("0.0100")
    buyer.get_by_label("Destination country").fill("DE")
    closes = (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    buyer.get_by_label("Closing time (UTC)").fill(closes)
    buyer.get_by_role("button", name="Publish").click()
    expect(buyer.locator("#request-title")).to_have_text("Zinc plated washers M8")
    expect(buyer.locator("[data-status]")).to_have_text("Open")
    request_url = buyer.url

    supplier = new_page()
    supplier.set_viewport_size({"width": 390, "height": 844})
    broken += watch_for_breakage(supplier)
    log_in(supplier, market.inside.email)
    supplier.goto("/buying-requests")
    supplier.get_by_role("link", name="Zinc plated washers M8").click()
    supplier.get_by_label("Your unit price").fill("0.0095")
    supplier.get_by_label("Lead time in days (optional)").fill("21")
    supplier.get_by_label("Incoterm").select_option("FOB")
    supplier.get_by_role("button", name="Send quotation").click()
    expect(supplier.locator(".alert-success")).to_contain_text("was sent to the buyer")
    expect(supplier.locator("#own-answers")).to_contain_text("0.0095")

    outsider = new_page()
    log_in(outsider, market.outside.email)
    outsider.goto("/buying-requests")
    expect(outsider.locator("#no-buying-requests")).to_be_visible()

    buyer.goto(request_url)
    expect(buyer.locator("#answer-count")).to_have_text("1")
    expect(buyer.locator("#answers")).to_contain_text("Ningbo Fastener Co")
    buyer.click("#compare-and-award")
    expect(buyer.locator("body")).to_contain_text("0.0095")
    assert broken == []

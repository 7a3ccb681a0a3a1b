"""A reverse auction in the browser, at a phone's width (390 px): a supplier opens the
auction from its bell, bids in the portal and ranks first; another supplier bids lower
through the API, and the first one's page shows its rank fall to 2 by itself (the page
polls its standing), with the countdown running and no competitor's name or amount;
a refused bid is explained at the field. The buyer's page shows the full ranking."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, watch_for_breakage
from tests.sourcing.auction_support import build_auction, ok

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _fits(page) -> bool:
    page.wait_for_load_state("load")  # its stylesheets applied
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_supplier_bids_and_sees_its_rank_change_on_a_phone(new_page, make, api, app,
                                                            artifacts):
    world = build_auction(make, api, names="Phone")
    alpha = new_page()
    alpha.set_viewport_size(PHONE)
    broken = watch_for_breakage(alpha)
    log_in(alpha, world.suppliers["alpha"].email)
    alpha.goto("/notifications")
    alpha.locator("main").get_by_text("invited you to a reverse auction").first.click()
    alpha.wait_for_url(re.compile(r"/sourcing/auctions/\d+$"))
    expect(alpha.locator("#countdown")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"))
    expect(alpha.locator("#rank")).to_have_text("–")

    alpha.fill("#amount", "10000.01")  # above the starting price
    alpha.click("#place-bid")
    expect(alpha.locator("#bid-error")).to_contain_text("at most USD 10,000.00")
    alpha.fill("#amount", "9900")
    alpha.click("#place-bid")
    expect(alpha.locator(".alert-success").first).to_contain_text("Your bid of 9,900.00")
    expect(alpha.locator("#rank")).to_have_text("1")
    expect(alpha.locator("#your-amount")).to_have_text("9,900.00")
    assert _fits(alpha)
    alpha.screenshot(path=str(artifacts / "auction-1-first.png"), full_page=True)

    ok(world.bid("beta", "9800.00"), 201)  # a competitor, by its API
    expect(alpha.locator("#rank")).to_have_text("2", timeout=10_000)  # no reload
    body = alpha.locator("body").inner_text()
    assert "9,800" not in body and "Beta Phone" not in body
    alpha.screenshot(path=str(artifacts / "auction-2-outbid.png"), full_page=True)

    buyer = new_page()
    buyer.set_viewport_size(PHONE)
    log_in(buyer, world.buyer.email)
    buyer.goto(f"/sourcing/auctions/{world.auction['id']}")
    rows = buyer.locator("#ranking tbody tr")
    expect(rows.first).to_contain_text("Beta Phone Ltd")
    expect(rows.first).to_contain_text("9,800.00")
    ok(world.bid("alpha", "9700.00"), 201)
    expect(rows.first).to_contain_text("Alpha Phone Ltd", timeout=10_000)
    expect(alpha.locator("#rank")).to_have_text("1", timeout=10_000)
    assert _fits(buyer)
    buyer.screenshot(path=str(artifacts / "auction-3-buyer.png"), full_page=True)
    assert [b for b in broken if "422" not in b] == []

"""A sealed rfq in the browser, at a phone's width (390 px): a supplier answers its
invitation in the portal (the others by the API); the buyer's rfq page counts down and
shows no price, the comparison is sealed; once the closing time has passed and the bids
are opened, the buyer compares them (best values marked) and awards every line to one
supplier with a reason; the page says so, and the loser's bell has its regret."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.sourcing import tasks
from marketplace.sourcing.models import SourcingRequest
from marketplace.workflow.models import Document
from tests.browser.support import log_in
from tests.sourcing.support import build_sealed_rfq, revealed, send_bid

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _fits(page) -> bool:
    """Nothing wider than the phone: tables scroll inside their own box."""
    page.wait_for_load_state("load")  # its stylesheets applied
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _close_now(app, rfq_id: int) -> None:
    """The closing time moves to a minute ago (the browser's server keeps real time)."""
    past = datetime.now(UTC) - timedelta(minutes=1)
    with app.app_context():
        request = db.session.scalar(select(SourcingRequest).where(
            SourcingRequest.rfq_id == rfq_id))
        request.closes_at = past
        for document in db.session.scalars(select(Document).where(
                (Document.id == rfq_id) | (Document.parent_id == rfq_id))):
            document.extras = {**document.extras, "closes_at": past.isoformat()}
        db.session.commit()
        assert tasks.open_due() == 1


def test_a_sealed_rfq_answered_compared_and_awarded_on_a_phone(new_page, make, api, app,
                                                              artifacts):
    world = build_sealed_rfq(make, api, bid=False)
    # Alpha answers in the portal: its invitation, a quotation derived, priced and sent.
    alpha = new_page()
    alpha.set_viewport_size(PHONE)
    log_in(alpha, world.suppliers["alpha"].email)
    alpha.goto(f"/trading/documents/{world.invitations['alpha']['id']}")
    expect(alpha.locator("#sealed-notice")).to_contain_text("Your quotation is sealed")
    alpha.select_option("#derive-type", "quotation")
    alpha.click("#derive")
    alpha.wait_for_url(re.compile(r"/trading/documents/\d+/edit$"))
    alpha.fill("#lines-0-unit_price", "7.3131")
    alpha.fill("#lines-1-unit_price", "1.1717")
    alpha.fill("#lead_time_days", "30")
    alpha.fill("#freight", "789.90")  # 10 % on top of 7,898.95: landed cost × 1.1
    alpha.click("#save-and-send")
    alpha.wait_for_url(re.compile(r"/trading/documents/\d+$"))
    expect(alpha.locator("#document-total")).to_contain_text("7,898.95")
    world.bids["beta"] = send_bid(world, "beta")
    world.bids["gamma"] = send_bid(world, "gamma")

    # The buyer, on a phone: a countdown instead of prices, the comparison sealed.
    buyer = new_page()
    buyer.set_viewport_size(PHONE)
    log_in(buyer, world.buyer.email)
    buyer.goto(f"/trading/documents/{world.rfq['id']}")
    expect(buyer.locator("#sealed-notice")).to_contain_text("Sealed until")
    expect(buyer.locator("#sealed-notice")).to_contain_text("3 of 3 invited suppliers")
    expect(buyer.locator("#countdown")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"))
    assert _fits(buyer)
    buyer.screenshot(path=str(artifacts / "sourcing-1-sealed-rfq.png"), full_page=True)
    sealed = buyer.goto(f"/sourcing/rfqs/{world.rfq['id']}/comparison")
    assert sealed.status == 409
    page_text = buyer.content()
    assert revealed(page_text) == []

    # The closing time passes; the bids are opened; the buyer compares and awards.
    _close_now(app, world.rfq["id"])
    buyer.goto(f"/trading/documents/{world.rfq['id']}")
    buyer.click("text=Compare the bids")
    expect(buyer.locator(".comparison-line")).to_have_count(2)
    first = buyer.locator(".comparison-line").first
    expect(first.locator("tr", has_text="Gamma").locator(".lead-time .best")).to_be_visible()
    expect(first.locator("tr", has_text="Beta").locator(".unit-price .best")).to_be_visible()
    # Alpha's freight from the portal editor, shared by amount: 7.3131 × 1.1 = 8.04441.
    expect(first.locator("tr", has_text="Alpha").locator(".landed")).to_contain_text("8.0444")
    assert _fits(buyer)
    buyer.screenshot(path=str(artifacts / "sourcing-2-comparison.png"), full_page=True)
    buyer.select_option("#everything_to", label="Gamma Castings Ltd")
    buyer.fill("#reason", "Shortest lead time; freight included")
    buyer.click("#submit")
    expect(buyer.locator(".alert-success").first).to_contain_text("Awarded.")
    expect(buyer.locator(".awarded-line")).to_have_count(2)
    buyer.screenshot(path=str(artifacts / "sourcing-3-awarded.png"), full_page=True)

    alpha.goto("/notifications")
    expect(alpha.locator("body")).to_contain_text("to another supplier")

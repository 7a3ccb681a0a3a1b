"""A complaint in the browser: a buyer opens one about its inquiry from the document's
page, the supplier answers it and resolves it, the buyer closes it and rates it with one
click; the supplier's figures page shows it. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, watch_for_breakage
from tests.trading.support import Trade

pytestmark = pytest.mark.browser


def test_a_complaint_opened_answered_resolved_and_rated(new_page, make, api, artifacts):
    trade = Trade.start(make, api)
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")

    desk = new_page()
    broken = watch_for_breakage(desk)
    log_in(desk, trade.buyer.email)
    desk.goto(f"/trading/documents/{inquiry['id']}")
    desk.click("#open-case-about-document")
    expect(desk.locator("#about-document")).to_contain_text(inquiry["number"])
    desk.click("#open-case")  # nothing typed: refused, each field named
    expect(desk.locator(".invalid-feedback").first).to_contain_text("Give the case a subject.")
    desk.get_by_label("Subject").fill("Wrong thread pitch on the sample")
    desk.get_by_label("What happened").fill("The sample bolts are M8×1.25, we asked M8×1.0.")
    desk.click("#open-case")
    desk.wait_for_url(re.compile(r"/service-cases/\d+$"))
    expect(desk.locator("#case-status")).to_have_text("Open")
    case_url = desk.url
    desk.screenshot(path=artifacts / "service-1-opened.png")

    office = new_page()
    supplier_broken = watch_for_breakage(office)
    log_in(office, trade.supplier.email)
    office.goto("/service-cases")
    office.locator("#cases a").first.click()
    office.get_by_label("Message", exact=True).fill("Sorry: fine-pitch samples leave today.")
    office.click("#send-message")
    expect(office.locator(".message.ours").last).to_contain_text("fine-pitch")
    office.click("#action-resolve")
    expect(office.locator("#case-status")).to_have_text("Resolved")

    desk.goto(case_url)
    expect(desk.locator(".message.theirs").last).to_contain_text("fine-pitch")
    desk.click("#action-close")
    expect(desk.locator("#case-status")).to_have_text("Closed")
    desk.click("#rate-5")
    expect(desk.locator("#case-rating")).to_have_text("★★★★★")
    desk.screenshot(path=artifacts / "service-2-rated.png")

    office.goto("/service-cases/figures")
    expect(office.locator("#figure-cases")).to_have_text("1")
    expect(office.locator("#figure-satisfaction")).to_have_text("5.0 / 5")
    expect(office.locator("#figure-first-answer")).to_have_text("100 %")
    expect(office.locator("#ratings-chart rect")).to_have_count(5)
    office.screenshot(path=artifacts / "service-3-figures.png")
    assert broken == [] or all("422" in b for b in broken), broken
    assert supplier_broken == []

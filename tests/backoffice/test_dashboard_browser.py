"""The operator's dashboard in a browser (Chromium, tests/browser/conftest.py): reached
from the navbar, its charts drawn (bars and points with their figures), a narrower date
range applied, the moderation tab one click away; it fits a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.infrastructure.models import CompanyStatus
from tests.browser.conftest import artifacts, browser, live_server, new_page  # noqa: F401
from tests.browser.support import watch_for_breakage
from tests.factories import PASSWORD
from tests.fulfillment.support import accepted_purchase_order

pytestmark = pytest.mark.browser


def test_the_operator_reads_the_dashboards_charts(new_page, make, api):  # noqa: F811
    operator = make.operator("ops@example.com")
    supplier = make.company_with_admin("Formosa Fasteners", roles=("supplier",), country="TW")
    buyer = make.company_with_admin("Nordic Tools", roles=("buyer",), country="SE")
    make.company("Waiting Ltd", country="SE", status=CompanyStatus.PENDING)
    accepted_purchase_order(make, buyer, supplier)

    page = new_page()
    broken = watch_for_breakage(page)
    page.goto("/login")
    page.fill("#email", operator.email)
    page.fill("#password", PASSWORD)
    page.click("#login-form #submit")
    page.wait_for_url("**/admin/companies?status=pending")  # a company waits for approval
    page.click("#nav-back-office")
    page.wait_for_url("**/admin/dashboard")
    expect(page.locator("#figure-companies")).to_have_text("3")
    charts = page.locator("main svg.backoffice-chart")
    assert charts.count() >= 5
    expect(page.locator("#chart-country rect.bar")).to_have_count(2)
    expect(page.locator('#chart-country rect.bar[data-key="SE"]')).to_have_attribute(
        "data-value", "2")
    expect(page.locator('#chart-gmv circle.point[data-series="USD"]').last).to_have_attribute(
        "data-value", "145.0000")
    box = page.locator("#chart-activity svg").bounding_box()
    assert box and box["width"] > 200 and box["height"] > 60  # drawn, not collapsed
    expect(page.locator("#no-plans, #companies-per-plan").first).to_be_visible()

    page.fill("#start", "2020-01-01")
    page.fill("#end", "2020-02-29")
    page.click("#period-form button")
    page.wait_for_url("**start=2020-01-01**")
    expect(page.locator("#figure-registrations")).to_have_text("0")
    expect(page.locator("#chart-gmv .chart-empty")).to_be_visible()

    page.click("#backoffice-nav >> text=Moderation")
    page.wait_for_url("**/admin/moderation")
    expect(page.locator("#queue-empty")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/admin/dashboard")
    page.wait_for_load_state("load")  # its stylesheets applied
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not broken, broken

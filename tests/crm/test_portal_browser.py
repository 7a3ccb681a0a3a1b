"""The supplier's customer pages in a browser: the customer table, the fifths chart,
and one click from the at-risk list to a draft quotation for that customer (with its
segment's terms); the table page fits a 390 px phone, its table scrolling in its card."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import artifacts, browser, live_server, new_page  # noqa: F401
from tests.crm.treatment_support import customers_of, set_terms
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _log_in(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login-form #submit")
    page.wait_for_url("**/")


@pytest.fixture
def shop(app, make):
    supplier = make.company_with_admin("Formosa Valves", roles=("supplier",))
    alpha = make.company("Alpha Imports", roles=("buyer",))
    beta = make.company("Beta Trading", roles=("buyer",))
    customers_of(app, supplier.company_id, [
        {"buyer_id": alpha, "segment": "MVC", "quintile": 1, "lifetime_value": Decimal("52000"),
         "revenue_12m": Decimal("40000"), "margin_12m": Decimal("10000"), "orders_12m": 12,
         "recency_days": 9, "history": [(date(2026, 10, 1), "MVC")]},
        {"buyer_id": beta, "segment": "BZ", "quintile": 5, "lifetime_value": Decimal("800"),
         "revenue_12m": Decimal("2500"), "margin_12m": Decimal("-100"), "orders_12m": 2,
         "recency_days": 200, "at_risk": True, "usual_interval_days": Decimal("60"),
         "value_at_risk": Decimal("3100"), "history": [(date(2026, 10, 1), "BZ")]}])
    set_terms(app, supplier.company_id, "BZ", payment_terms="tt", lead_time_days=45)
    return supplier


def test_table_fifths_and_a_quotation_from_the_at_risk_list(shop, new_page, artifacts):  # noqa: F811
    page = new_page()
    broken = []
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and broken.append(f"{r.status} {r.url}"))
    _log_in(page, shop.email)
    page.click("#nav-customers > a")
    page.click("#nav-customers >> text=Customer table")
    page.wait_for_url("**/crm/customers")
    table = page.locator("#customer-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("Alpha Imports")
    expect(table.locator("tbody tr").first).to_contain_text("52,000.00")
    page.select_option("#filter-segment", "BZ")
    page.click("#apply-filters")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Beta Trading")

    page.click("#customer-tabs >> text=Fifths")
    chart = page.locator("svg.fifths-chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("rect.share")).to_have_count(10)
    expect(page.locator("#fifths-table")).to_contain_text("1st fifth")
    page.screenshot(path=str(artifacts / "crm-fifths.png"), full_page=True)

    page.click("#customer-tabs >> text=At risk")
    row = page.locator("#at-risk-table tbody tr", has_text="Beta Trading")
    expect(row).to_contain_text("3,100.00")
    row.get_by_role("button", name="Start a quotation to Beta Trading").click()
    page.wait_for_url("**/trading/documents/*/edit")
    expect(page.locator("#recipient-name")).to_have_text("Beta Trading")
    expect(page.locator("#segment-terms")).to_contain_text(
        "Defaults for BZ (below zero) customers applied:")
    expect(page.locator("#segment-terms")).to_contain_text("lead time 45 days")
    expect(page.locator("select[name=payment_terms]")).to_have_value("tt")
    assert broken == []


def test_the_customer_table_fits_a_phone(shop, browser, live_server, artifacts):  # noqa: F811
    context = browser.new_context(base_url=live_server, locale="en-US",
                                  viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        _log_in(page, shop.email)
        for path in ("/crm/customers", "/crm/quintiles", "/crm/segments", "/crm/at-risk",
                     "/crm/treatments"):
            page.goto(path)
            page.wait_for_load_state("load")  # its stylesheets applied
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        page.goto("/crm/quintiles")
        box = page.locator("svg.fifths-chart").bounding_box()
        assert box and box["width"] <= 390 and box["height"] > 120
        page.screenshot(path=str(artifacts / "crm-fifths-390.png"), full_page=True)
        page.goto("/crm/segments")
        expect(page.locator("svg.segments-chart rect")).to_have_count(2)
        page.screenshot(path=str(artifacts / "crm-segments-390.png"), full_page=True)
        page.goto("/crm/customers")
        page.screenshot(path=str(artifacts / "crm-customers-390.png"), full_page=True)
    finally:
        context.close()

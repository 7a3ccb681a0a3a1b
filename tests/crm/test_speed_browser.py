"""In a browser (Chromium, tests/browser/conftest.py): the trade speed page fits a phone
with its charts, and the quotation editor's "Add" puts a suggested product on a line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from marketplace.core.boundary import commit
from marketplace.crm.tasks.associations import run_associations
from marketplace.extensions import db
from marketplace.workflow.models import DocumentLine
from tests.browser.conftest import artifacts, browser, live_server, new_page  # noqa: F401
from tests.crm.associations_support import baskets  # noqa: F401 - the fixture
from tests.crm.speed_support import PERIOD, document, history  # noqa: F401 - the fixture
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _login(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login-form #submit")
    page.wait_for_url("**/")


def test_trade_speed_fits_a_phone(new_page, history, artifacts):  # noqa: F811
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    _login(page, history["m1"].email)
    page.goto(f"/crm/speed?{PERIOD}")
    expect(page.locator('svg.speed-chart[role="img"]')).to_have_count(3)
    expect(page.locator("#row-inquiry-quotation")).to_contain_text("18.6 h")
    expect(page.locator("#speed-members")).to_contain_text("Ben Later")
    page.screenshot(path=str(artifacts / "trade-speed-390.png"), full_page=True)
    page.wait_for_load_state("load")  # its stylesheets applied
    assert page.evaluate("document.documentElement.scrollWidth > window.innerWidth") is False


def test_add_puts_the_suggestion_on_a_line(new_page, app, make, baskets):  # noqa: F811
    with app.app_context():
        run_associations()
    seller = make.member(baskets["s"], "sales")
    with app.test_request_context():
        draft = document("quotation", baskets["s"], baskets["b"], None, status="draft",
                         created_by=seller.user_id)
        db.session.add(DocumentLine(document_id=draft.id, position=0, product_id=baskets["A"],
                                    sku="A", description="Product A", quantity=Decimal(1),
                                    unit="pcs", unit_price=Decimal(10)))
        commit()
        draft_id = draft.id
    page = new_page()
    _login(page, seller.email)
    page.goto(f"/trading/documents/{draft_id}/edit")
    suggestion = page.locator(f'#peers-order-with-it tr[data-suggestion="{baskets["B"]}"]')
    suggestion.get_by_role("button", name="Add Product B as a line").click()
    skus = page.locator("#line-rows [data-field='sku']")
    expect(skus.nth(0)).to_have_value("A")
    expect(skus.nth(1)).to_have_value("B")  # the first blank row took it
    expect(page.locator("#line-rows [data-field='quantity']").nth(1)).to_have_value("1")
    expect(page.locator("#line-rows [data-field='description']").nth(1)).to_have_value(
        "Product B")
    page.locator("#line-rows [data-field='unit_price']").nth(1).fill("9.50")
    page.click("#save")
    page.wait_for_load_state()
    with app.app_context():
        from marketplace.workflow.models import Document

        lines = db.session.get(Document, draft_id).lines
        assert sorted(line.sku for line in lines) == ["A", "B"]

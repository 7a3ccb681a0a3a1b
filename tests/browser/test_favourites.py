"""A buyer stars a product in the search results, saves the search, and finds both on
its favourites page, on a desktop and on a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _publish(api, token, sku, name) -> int:
    response = api.post("/products", token, json={
        "sku": sku, "name": name, "status": "published", "currency": "USD", "unit": "pcs",
        "price_tiers": [{"min_qty": "100", "unit_price": "0.20"}]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_buyer_stars_a_product_saves_a_search_and_sees_both(new_page, make, api):
    supplier = make.company_with_admin("Formosa Fasteners", roles=("supplier",))
    token = api.token(supplier)
    bolt = _publish(api, token, "HB-8", "Hex bolt M8")
    _publish(api, token, "NUT-8", "Hex nut M8")
    buyer = make.company_with_admin("Big Buyer", roles=("buyer",))

    page = new_page()
    broken: list[str] = []
    page.on("response", lambda r: r.status >= 400 and broken.append(f"{r.status} {r.url}"))
    page.goto("/login")
    page.fill("#email", buyer.email)
    page.fill("#password", PASSWORD)
    page.click("#login-form #submit")
    page.wait_for_url("**/")

    page.goto("/search?q=bolt")
    star = page.locator(f'[data-favourite="product-{bolt}"]')
    expect(star).to_have_attribute("aria-pressed", "false")
    star.click()
    expect(page.locator(f'[data-favourite="product-{bolt}"]')).to_have_attribute(
        "aria-pressed", "true")
    assert "q=bolt" in page.url  # back on the same results

    page.locator("#save-search summary").click()
    page.get_by_label("Name of the saved search").fill("Bolts for the plant")
    page.locator("#save-search-button").click()
    page.wait_for_url("**/favourites#saved-searches")
    expect(page.locator("#favourite-products")).to_contain_text("Hex bolt M8")
    expect(page.locator("#favourite-products")).not_to_contain_text("Hex nut")
    expect(page.locator("#saved-search-list")).to_contain_text("Bolts for the plant")
    expect(page.locator("#saved-search-list")).to_contain_text("bolt")

    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    page.wait_for_load_state("load")  # its stylesheets applied
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.get_by_role("link", name="Rename").click()
    page.get_by_label("Name", exact=True).fill("Plant bolts")
    page.locator("#saved-search-form button").click()
    expect(page.locator("h1")).to_have_text("Plant bolts")
    assert broken == []

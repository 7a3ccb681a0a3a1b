"""The supplier ships an order in two parts from the portal; the buyer, with the
shipment page open, sees the timeline move on without reloading."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.fulfillment.support import accepted_purchase_order

pytestmark = pytest.mark.browser


def login(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login-form #submit")
    page.wait_for_url("**/")


def watch_for_errors(page, broken):
    page.on("console", lambda m: m.type == "error" and not m.text.startswith(
        "Failed to load resource") and broken.append(m.text))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and broken.append(f"{r.status} {r.url}"))


def ship(page, order_id, quantities, carrier):
    page.goto(f"/fulfillment/orders/{order_id}")
    page.click("#ship")
    page.fill("#carrier", carrier)
    for sku, quantity in quantities.items():
        page.fill(f"#open-lines input[data-sku='{sku}']", quantity)
    page.click("#book-shipment")
    page.wait_for_url(re.compile(r".*/fulfillment/shipments/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def test_supplier_ships_in_two_parts_and_the_buyer_sees_the_timeline_live(
        make, new_page, artifacts):
    supplier = make.member(make.company("Formosa Fasteners", roles=("supplier",)), "admin")
    buyer = make.member(make.company("Nordic Tools", roles=("buyer",), country="SE"), "admin")
    order_id = accepted_purchase_order(make, buyer, supplier)
    broken: list[str] = []
    seller, customer = new_page(), new_page()
    watch_for_errors(seller, broken)
    watch_for_errors(customer, broken)
    login(seller, supplier.email)
    login(customer, buyer.email)

    first = ship(seller, order_id, {"BOLT-M8": "600", "NUT-M8": "500"}, "Evergreen")
    expect(seller.locator("#shipment-status")).to_have_text("Booked")

    customer.goto(f"/fulfillment/shipments/{first}")
    expect(customer.locator("#timeline li")).to_have_count(1)

    seller.select_option("#event-status", "shipped")
    seller.fill("#event-location", "Kaohsiung")
    seller.click("#record-event")
    expect(seller.locator("#timeline")).to_contain_text("Kaohsiung")

    # Nobody reloads the buyer's page: it asks for the timeline every few seconds.
    expect(customer.locator("#timeline li")).to_have_count(2, timeout=15_000)
    expect(customer.locator("#timeline")).to_contain_text("Shipped")
    expect(customer.locator("#shipment-status")).to_have_text("Shipped")
    customer.screenshot(path=str(artifacts / "fulfillment-timeline-buyer.png"), full_page=True)

    second = ship(seller, order_id, {"BOLT-M8": "400"}, "China Airlines Cargo")
    assert second != first
    customer.goto(f"/fulfillment/orders/{order_id}")
    expect(customer.locator("#order-lines tr[data-line] .shipped")).to_have_text(["1000", "500"])
    expect(customer.locator("[data-status]").first).to_have_attribute("data-status", "shipped")
    customer.screenshot(path=str(artifacts / "fulfillment-order-buyer.png"), full_page=True)
    assert not broken, broken

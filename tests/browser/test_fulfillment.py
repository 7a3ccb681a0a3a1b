"""The supplier ships an order in two parts from the portal; the buyer, with the
shipment page open, sees the timeline move on without reloading."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.fulfillment.support import accepted_purchase_order, give_addresses

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
    page.click("#ship-with-others")
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


def test_from_the_order_to_paid_invoices_and_a_closed_order_in_the_browser(
        make, api, app, new_page, artifacts, monkeypatch):
    """The issue's "done when", in the portal: two shipments, each with its full
    document set; the first invoice paid partly by T/T and the rest by card (Stripe
    Checkout answered by a local stand-in), the second by L/C; the buyer watches a
    shipment arrive without reloading; the order closes."""
    from tests.fulfillment.stripe_stub import StripeStub, signature

    supplier = make.member(make.company("Formosa Bolts", roles=("supplier",)), "admin")
    buyer = make.member(make.company("Baltic Tools", roles=("buyer",), country="SE"), "admin")
    order_id = accepted_purchase_order(make, buyer, supplier)  # 145.00 USD
    give_addresses(make, supplier.company_id, buyer.company_id)
    broken: list[str] = []
    seller, customer = new_page(), new_page()
    watch_for_errors(seller, broken)
    watch_for_errors(customer, broken)
    login(seller, supplier.email)
    login(customer, buyer.email)

    first = ship(seller, order_id, {"BOLT-M8": "600", "NUT-M8": "500"}, "Evergreen")
    second = ship(seller, order_id, {"BOLT-M8": "400"}, "China Airlines Cargo")
    invoices = []
    for shipment, (vessel, voyage, bill) in zip((first, second), (
            ("Ever Ace", "0125W", "EGLV140600123456"), ("Ever Arm", "0126W", "EGLV140600123999")),
            strict=True):
        # The papers need the vessel, voyage, B/L and on-board date: the shipment page says
        # so and leads to the papers page, which works on a phone too.
        seller.goto(f"/fulfillment/shipments/{shipment}")
        expect(seller.locator("#papers-note")).to_contain_text("cannot be issued yet")
        seller.set_viewport_size({"width": 390, "height": 844})
        seller.click("#papers-link")
        expect(seller.locator("#paper-checklist")).to_contain_text("Vessel")
        seller.fill("#vessel", vessel)
        seller.fill("#voyage", voyage)
        seller.fill("#bill_of_lading", bill)
        seller.fill("#on_board_date", "2026-12-10")
        seller.select_option("#document_language", "bilingual")
        seller.click("#save-papers")
        expect(seller.locator("#paper-checklist")).not_to_contain_text("missing")
        seller.wait_for_load_state("load")  # its stylesheets applied
        assert seller.evaluate("document.documentElement.scrollWidth") <= 390
        seller.screenshot(path=str(artifacts / "fulfillment-papers-390.png"), full_page=True)
        seller.set_viewport_size({"width": 1280, "height": 800})
        seller.goto(f"/fulfillment/shipments/{shipment}")
        for kind in ("packing-list", "shipping-advice", "commercial-invoice"):
            seller.click(f"#generate-{kind}")
            expect(seller.locator(f"#shipping-documents tr[data-kind='{kind}']")).to_contain_text(
                "revision 1")
        invoices.append(re.search(r"CI-\d{4}-\d+", seller.locator(
            "#shipping-documents tr[data-kind='commercial-invoice']").inner_text()).group(0))
        with seller.expect_download() as download:
            seller.click("#shipping-documents tr[data-kind='packing-list'] a >> nth=0")
        assert download.value.suggested_filename.endswith("-r1.pdf")

    # The buyer has the first shipment open while it is delivered.
    customer.goto(f"/fulfillment/shipments/{first}")
    for shipment in (first, second):
        seller.goto(f"/fulfillment/shipments/{shipment}")
        seller.select_option("#event-status", "delivered")
        seller.fill("#event-location", "Gothenburg")
        seller.click("#record-event")
        expect(seller.locator("#shipment-status")).to_have_text("Delivered")
    expect(customer.locator("#shipment-status")).to_have_text("Delivered", timeout=15_000)

    # Invoice one (72.00 + 25.00): 50 by T/T, recorded by the supplier.
    seller.goto("/fulfillment/receivables")
    row = seller.locator("#invoices tbody tr", has_text=invoices[0])
    row.locator("input[name=amount]").fill("50")
    row.locator("select[name=method]").select_option("tt")
    row.locator("input[name=reference]").fill("TT-0001")
    row.locator("button").click()
    expect(seller.locator("#invoices tbody tr", has_text=invoices[0]).locator(".balance")
           ).to_have_text("47.00")

    # The rest by card: the buyer is sent to Stripe Checkout (the stand-in), and
    # Stripe's webhook, delivered twice, records the payment once.
    with StripeStub() as stub:
        monkeypatch.setitem(app.config, "STRIPE_API_BASE", stub.base)
        monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_local")
        monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", "whsec_browser")
        monkeypatch.setitem(app.config, "STRIPE_CHECKOUT_ORIGIN", stub.base)
        customer.goto("/fulfillment/payables")
        customer.locator("#invoices tbody tr", has_text=invoices[0]).locator("button").click()
        customer.wait_for_url(f"{stub.base}/pay/**")
        expect(customer.locator("h1")).to_have_text("Stripe Checkout")
        session_id = customer.url.rsplit("/", 1)[1]
        payload = stub.completed_event(session_id)
        for _ in range(2):
            response = api.client.post("/api/v1/webhooks/stripe", data=payload, headers={
                "Stripe-Signature": signature(payload, "whsec_browser"),
                "Content-Type": "application/json"})
            assert response.status_code == 200, response.get_json()

    # Invoice two by L/C.
    seller.goto("/fulfillment/receivables")
    row = seller.locator("#invoices tbody tr", has_text=invoices[1])
    row.locator("input[name=amount]").fill("48")
    row.locator("select[name=method]").select_option("lc")
    row.locator("button").click()
    paid = seller.locator("#invoices tbody tr", has_text=invoices[1])
    expect(paid).to_contain_text("Paid in full")

    customer.goto("/fulfillment/payables")
    for number in invoices:
        expect(customer.locator("#invoices tbody tr", has_text=number).locator(".balance")
               ).to_have_text("0.00")
    customer.goto(f"/fulfillment/orders/{order_id}")
    expect(customer.locator("[data-status]").first).to_have_attribute("data-status", "closed")
    customer.screenshot(path=str(artifacts / "fulfillment-closed-buyer.png"), full_page=True)
    assert not broken, broken

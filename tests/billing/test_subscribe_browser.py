"""Subscribing in the browser: the admin clicks Upgrade on "Plan and usage", lands on
Stripe Checkout (the local stand-in), subscribes; Stripe's webhook reaches the app and
the browser comes back to the billing page showing the new plan and its invoice."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.billing.stripe_stub import BillingStripeStub
from tests.billing.support import SECRET, seed_plans, stripe_configured
from tests.browser.conftest import artifacts, browser, live_server, new_page  # noqa: F401
from tests.browser.support import log_in, watch_for_breakage


def test_an_admin_subscribes_to_standard_in_the_browser(make, app, new_page, live_server,
                                                          monkeypatch, artifacts):
    seed_plans(app, max_products=2)
    admin = make.company_with_admin("Formosa Bolts", roles=("supplier",))
    with BillingStripeStub() as stub, stripe_configured(app, monkeypatch, stub.base):
        monkeypatch.setitem(app.config, "STRIPE_CHECKOUT_ORIGIN", stub.base)
        stub.webhook_url = f"{live_server}/api/v1/billing/webhooks/stripe"
        stub.webhook_secret = SECRET
        page = new_page()
        broken = watch_for_breakage(page)
        log_in(page, admin.email)
        page.goto("/billing")
        expect(page.locator("#current-plan")).to_have_text("Free")
        expect(page.locator("#usage-products")).to_contain_text("0 of 2")
        page.click("#choose-standard")
        page.wait_for_url(f"{stub.base}/pay/**")
        expect(page.locator("h1")).to_have_text("Stripe Checkout")
        page.click("#subscribe")
        page.wait_for_url(f"{live_server}/billing?checkout=done")
        expect(page.locator("#current-plan")).to_have_text("Standard")
        expect(page.locator("#plan-status")).to_have_text("Active")
        expect(page.locator("#usage-products")).to_contain_text("0 of 100")
        expect(page.locator("#invoice-list")).to_contain_text("MEM-")
        page.screenshot(path=str(artifacts / "billing-subscribed.png"), full_page=True)
        assert not broken, broken

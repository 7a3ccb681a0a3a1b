"""The bell: a notification arrives while the office is open, the count shows without
reloading the page, and opening the notification marks it read."""

import pytest
from playwright.sync_api import expect

from marketplace.infrastructure.notifications.tasks import FAILED_MESSAGE
from tests.factories import PASSWORD
from tests.infrastructure.notifications.support import notify_now

pytestmark = pytest.mark.browser


@pytest.fixture
def quick_bell(app):
    saved = app.config["NOTIFICATION_POLL_SECONDS"]
    app.config["NOTIFICATION_POLL_SECONDS"] = 1
    yield
    app.config["NOTIFICATION_POLL_SECONDS"] = saved


def test_a_notification_rings_the_bell_and_opening_it_marks_it_read(
        app, make, new_page, quick_bell, artifacts):
    admin = make.company_with_admin("Keelung Trading Co.")
    page = new_page()
    broken = []  # script errors, and failed requests (the browser's own favicon aside)
    page.on("console", lambda m: m.type == "error" and not m.text.startswith(
        "Failed to load resource") and broken.append(m.text))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and broken.append(f"{r.status} {r.url}"))
    page.goto("/login")
    page.fill("#email", admin.email)
    page.fill("#password", PASSWORD)
    page.click("#login-form #submit")
    page.wait_for_url("**/")
    count = page.locator("#notification-count")
    expect(count).to_be_hidden()

    notify_now(app, event="webhook.failed", company_id=admin.company_id,
               user_ids=[admin.user_id], message=FAILED_MESSAGE, link="/profile",
               params={"event": "webhook.ping", "url": "https://erp.example.com/in",
                       "attempts": 7}, email=False)

    expect(count).to_be_visible(timeout=10_000)  # the page asked, nobody reloaded it
    expect(count).to_contain_text("1")
    page.click("#notification-bell-toggle")
    item = page.locator("#notification-menu [data-notification]").first
    expect(item).to_be_visible()
    expect(item).to_contain_text("failed 7 times")
    expect(item).to_have_attribute("data-read", "false")
    page.screenshot(path=str(artifacts / "notification-bell-open.png"))

    item.click()
    page.wait_for_url("**/profile")
    expect(page.locator("#notification-count")).to_be_hidden()
    page.goto("/notifications")
    expect(page.locator("#notification-list button[data-notification]").first).to_have_attribute(
        "data-read", "true")
    expect(page.locator("#unread-total")).to_have_text("0")
    assert not broken, broken

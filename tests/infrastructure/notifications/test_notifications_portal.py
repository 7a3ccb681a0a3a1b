"""The bell, the notifications page and the office's recent list, the e-mail settings,
and the company administrators' webhook pages."""

from __future__ import annotations

import re

from marketplace.extensions import db
from marketplace.infrastructure.models import User
from marketplace.infrastructure.notifications import N_, known_events
from marketplace.infrastructure.notifications.models import Webhook
from marketplace.infrastructure.notifications.tasks import FAILED_MESSAGE
from tests.factories import csrf_token, portal_login
from tests.infrastructure.notifications.support import SECRET, notify_now

ARRIVED = N_("Parcel %(number)s arrived at %(place)s.")
EN = {"Accept-Language": "en"}


def _arrived(app, member, number, link=None):
    [notification_id] = notify_now(
        app, event="testing.parcel_arrived", company_id=member.company_id,
        user_ids=[member.user_id], message=ARRIVED,
        params={"number": number, "place": "Keelung"}, link=link, email=False)
    return notification_id


def _listed(html: str) -> str:
    """The notifications page's own list (the bell's menu shows some of them too)."""
    return html.split('id="notification-list"')[1].split("</ul>")[0]


def _checked(html: str) -> set[str]:
    return set(re.findall(r'<input checked [^>]*value="([^"]+)"', html))


def _count(html: str) -> str | None:
    match = re.search(r'id="notification-count"\s*(hidden)?>(\d+)', html)
    return None if match is None or match.group(1) else match.group(2)


def test_the_bell_shows_the_unread_count_and_the_newest_notifications(app, client, make):
    member = make.company_with_admin()
    portal_login(client, member.email)
    assert _count(client.get("/").get_data(as_text=True)) is None
    for number in range(1, 8):
        _arrived(app, member, f"P-{number}")

    office = client.get("/").get_data(as_text=True)
    assert _count(office) == "7"
    menu = office.split('id="notification-menu"')[1].split("</div>\n</div>")[0]
    assert re.findall(r"Parcel (P-\d) arrived", menu) == ["P-7", "P-6", "P-5", "P-4", "P-3"]
    assert 'href="/notifications" id="notification-all"' in menu
    recent = office.split('id="recent-notifications"')[1]
    assert "Parcel P-7 arrived at Keelung." in recent

    bell = client.get("/notifications/bell").get_data(as_text=True)
    assert 'data-unread="7"' in bell and "Parcel P-7 arrived" in bell


def test_opening_a_notification_marks_it_read_and_goes_to_what_it_is_about(app, client,
                                                                          make):
    member = make.company_with_admin()
    opened = _arrived(app, member, "P-1", link="/catalog")
    _arrived(app, member, "P-2")
    portal_login(client, member.email)
    token = csrf_token(client, "/notifications")
    response = client.post(f"/notifications/{opened}/open", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/catalog"
    page = client.get("/notifications").get_data(as_text=True)
    assert _count(page) == "1" and 'id="unread-total">1<' in page

    client.post("/notifications/read-all", data={"csrf_token": token},
                headers={"Referer": "http://localhost/"})
    assert _count(client.get("/").get_data(as_text=True)) is None
    assert "No notifications here." in client.get("/notifications?unread=1").get_data(
        as_text=True)


def test_one_notification_is_marked_read_without_leaving_the_page(app, client, make):
    member = make.company_with_admin()
    first, second = _arrived(app, member, "P-1"), _arrived(app, member, "P-2")
    portal_login(client, member.email)
    token = csrf_token(client, "/notifications")
    response = client.post(f"/notifications/{first}/read", data={"csrf_token": token},
                           headers={"Referer": "http://localhost/notifications?page=1"})
    assert response.headers["Location"] == "/notifications?page=1"
    page = _listed(client.get("/notifications?unread=1").get_data(as_text=True))
    assert f'data-notification="{second}"' in page and f'data-notification="{first}"' not in page
    assert client.post(f"/notifications/{first}/read").status_code == 400  # no CSRF token


def test_the_notifications_page_lists_newest_first_twenty_a_page(app, client, make):
    member = make.company_with_admin()
    for number in range(1, 26):
        _arrived(app, member, f"P-{number}")
    portal_login(client, member.email)
    first = client.get("/notifications").get_data(as_text=True)
    numbers = re.findall(r"Parcel P-(\d+) arrived", _listed(first))
    assert numbers == [str(n) for n in range(25, 5, -1)]
    assert 'href="/notifications?page=2"' in first
    second = _listed(client.get("/notifications?page=2").get_data(as_text=True))
    assert re.findall(r"Parcel P-(\d+) arrived", second) == ["5", "4", "3", "2", "1"]


def test_each_reader_sees_the_message_in_their_own_language(app, client, make):
    member = make.company_with_admin()
    notify_now(app, event="webhook.failed", company_id=member.company_id,
               user_ids=[member.user_id], message=FAILED_MESSAGE, email=False,
               params={"event": "testing.parcel_arrived", "url": "https://erp.example.com",
                       "attempts": 3})
    portal_login(client, member.email)
    english = client.get("/notifications", headers=EN).get_data(as_text=True)
    assert "failed 3 times" in english

    with app.app_context():
        db.session.get(User, member.user_id).language = "zh_Hant"
        db.session.commit()
    chinese = client.get("/notifications", headers=EN).get_data(as_text=True)
    assert "已失敗 3 次" in chinese and "failed 3 times" not in chinese
    assert "所有通知" in client.get("/", headers=EN).get_data(as_text=True)


def test_the_email_settings_are_kept_per_member(app, client, api, make):
    member = make.company_with_admin()
    portal_login(client, member.email)
    page = client.get("/notifications").get_data(as_text=True)
    offered = {event.name for event in known_events(email=True) if not event.operators}
    assert {"webhook.failed", "testing.parcel_arrived", "testing.price_changed"} <= offered
    assert _checked(page) == offered  # all on until turned off
    assert 'value="company.awaits_approval"' not in page  # the operators' own
    assert 'value="webhook.ping"' not in page  # never comes by e-mail
    assert "/notifications#settings" in client.get("/profile").get_data(as_text=True)

    token = csrf_token(client, "/notifications")
    saved = client.post("/notifications/preferences", data={
        "csrf_token": token, "email_events": ["testing.price_changed"]})
    assert saved.status_code == 302
    choices = {p["event"]: p["email"] for p in api.get("/notifications/preferences",
                                                       api.token(member)).get_json()}
    assert choices["testing.price_changed"] is True
    assert choices["webhook.failed"] is False and choices["testing.parcel_arrived"] is False
    assert [name for name, on in choices.items() if on] == ["testing.price_changed"]
    assert _checked(client.get("/notifications").get_data(as_text=True)) == {
        "testing.price_changed"}


def test_only_operators_are_offered_the_operators_events(app, client, api, make):
    """The operators' "a company waits for approval" is theirs alone: no member is offered
    it by e-mail, and an operator is offered nothing else (it belongs to no company)."""
    seller = make.member(make.company_with_admin().company_id, "sales")
    operator = make.operator()
    for reader, shown, hidden in (
            (operator, {"company.awaits_approval"}, {"webhook.failed", "testing.price_changed"}),
            (seller, {"testing.price_changed", "webhook.failed"}, {"company.awaits_approval"})):
        portal_login(client, reader.email)
        page = _checked(client.get("/notifications").get_data(as_text=True))
        listed = {p["event"] for p in api.get("/notifications/preferences",
                                               api.token(reader)).get_json()}
        assert shown <= page and not hidden & page, reader.email
        assert listed == page, reader.email
        client.post("/logout", data={"csrf_token": csrf_token(client, "/notifications")})


def test_an_administrator_adds_tests_and_reads_the_log_of_a_webhook(app, client, make,
                                                                     receiver):
    admin = make.company_with_admin()
    endpoint = receiver()
    portal_login(client, admin.email)
    token = csrf_token(client, "/webhooks")
    added = client.post("/webhooks", data={"csrf_token": token, "url": endpoint.url,
                                           "events": ["testing.parcel_arrived"],
                                           "description": "Our ERP"})
    page = added.get_data(as_text=True)
    assert added.status_code == 200
    secret = re.search(r'id="new-secret">(whsec_[^<]+)<', page).group(1)
    assert endpoint.url.replace("&", "&amp;") in page
    listing = client.get("/webhooks").get_data(as_text=True)
    assert secret not in listing and "Our ERP" in listing
    webhook_id = int(re.search(r'data-webhook="(\d+)"', listing).group(1))

    client.post(f"/webhooks/{webhook_id}/test", data={"csrf_token": token})
    [ping] = endpoint.wait_for(1)
    assert ping.signature_is_valid(secret)
    log = client.get(f"/webhooks/{webhook_id}").get_data(as_text=True)
    assert "webhook.ping" in log and 'data-status="delivered"' in log
    assert ping.headers["X-Marketplace-Delivery"] in log
    assert secret not in log

    client.post(f"/webhooks/{webhook_id}/disable", data={"csrf_token": token})
    assert 'id="webhook-state">off<' in client.get(f"/webhooks/{webhook_id}").get_data(
        as_text=True)
    saved = client.post(f"/webhooks/{webhook_id}", data={
        "csrf_token": token, "url": endpoint.url, "events": ["webhook.ping"],
        "version": "2", "secret": SECRET})
    assert saved.status_code == 302
    edited = client.get(f"/webhooks/{webhook_id}").get_data(as_text=True)
    assert _checked(edited) == {"webhook.ping"}
    stored = make.get(Webhook, webhook_id)
    assert (stored.events, stored.secret, stored.active) == (["webhook.ping"], SECRET, False)
    stale = client.post(f"/webhooks/{webhook_id}", data={
        "csrf_token": token, "url": endpoint.url, "events": ["webhook.ping"], "version": "2"})
    assert stale.status_code == 302  # refused: back to the page, with the reason
    assert "Someone else changed this webhook" in client.get(
        f"/webhooks/{webhook_id}").get_data(as_text=True)
    deleted = client.post(f"/webhooks/{webhook_id}/delete", data={"csrf_token": token})
    assert deleted.headers["Location"] == "/webhooks"
    assert "No webhooks yet." in client.get("/webhooks").get_data(as_text=True)


def test_the_webhook_form_shows_what_is_wrong(client, make, settings):
    settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
    admin = make.company_with_admin()
    portal_login(client, admin.email)
    token = csrf_token(client, "/webhooks")
    refused = client.post("/webhooks", data={"csrf_token": token,
                                             "url": "http://192.168.1.20/erp",
                                             "events": ["webhook.ping"]})
    assert refused.status_code == 422
    assert "webhooks go to public addresses only" in refused.get_data(as_text=True)
    empty = client.post("/webhooks", data={"csrf_token": token, "url": "https://x.example"})
    assert empty.status_code == 422
    assert "Choose at least one event." in empty.get_data(as_text=True)

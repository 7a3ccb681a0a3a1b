"""The webhooks API: the secret shown once, subscriptions checked against the declared
events, URLs that may not reach private addresses, audit, and the test ping."""

from __future__ import annotations

import pytest

from tests.infrastructure.notifications.support import SECRET

PROBLEM = "application/problem+json"


def _problem(response, status=422):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    return response.get_json()


def test_the_secret_is_answered_once_and_never_again(api, make):
    admin = make.company_with_admin()
    token = api.token(admin)
    created = api.post("/webhooks", token, json={
        "url": "https://erp.example.com/in", "events": ["webhook.ping"],
        "secret": SECRET, "description": "ERP"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["secret"] == SECRET and body["active"] is True
    assert created.headers["Location"].endswith(f"/api/v1/webhooks/{body['id']}")

    made = api.post("/webhooks", token, json={"url": "https://wms.example.com/in",
                                              "events": ["webhook.ping"]}).get_json()
    assert made["secret"].startswith("whsec_") and len(made["secret"]) > 40

    listing = api.get("/webhooks", token)
    one = api.get(f"/webhooks/{body['id']}", token)
    for answer in (listing, one):
        assert answer.status_code == 200
        text = answer.get_data(as_text=True)
        assert SECRET not in text and made["secret"] not in text and '"secret"' not in text
    assert [w["url"] for w in listing.get_json()["items"]] == [
        "https://wms.example.com/in", "https://erp.example.com/in"]
    assert one.headers["ETag"] == '"1"'


def test_the_known_events_are_listed_and_subscriptions_checked_against_them(api, make):
    admin = make.company_with_admin()
    token = api.token(admin)
    events = {e["name"]: e["label"] for e in api.get("/webhooks/events", token).get_json()}
    assert "webhook.ping" in events and "testing.parcel_arrived" in events
    assert "webhook.failed" not in events  # told to admins, never to a webhook

    for bad in (["document.vanished"], ["webhook.failed"], []):
        errors = _problem(api.post("/webhooks", token, json={
            "url": "https://erp.example.com/in", "events": bad}))["errors"]
        assert list(errors) == ["events"], errors
    unknown = _problem(api.post("/webhooks", token, json={
        "url": "https://erp.example.com/in", "events": ["document.vanished"]}))
    assert "GET /api/v1/webhooks/events" in unknown["errors"]["events"][0]
    assert _problem(api.post("/webhooks", token, json={
        "url": "https://erp.example.com/in", "events": ["webhook.ping"],
        "company_id": 1}))["errors"] == {"company_id": ["Unknown field."]}
    assert api.get("/webhooks", token).get_json()["total"] == 0


@pytest.mark.parametrize("url", ["ftp://erp.example.com/in", "erp.example.com/in", "http://",
                                 "https://user:password@erp.example.com/in",
                                 "http://erp.example.com:99999/"])
def test_urls_that_are_not_http_or_https_are_refused(api, make, url):
    token = api.token(make.company_with_admin())
    errors = _problem(api.post("/webhooks", token, json={"url": url,
                                                         "events": ["webhook.ping"]}))["errors"]
    assert list(errors) == ["url"]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/in", "http://localhost/in", "http://10.1.2.3/in",
    "http://192.168.0.10/in", "http://172.16.5.4/in", "http://169.254.169.254/latest/",
    "http://[::1]/in", "http://[::ffff:127.0.0.1]/in", "http://100.64.0.1/in",
    "http://0.0.0.0/in", "http://[fe80::1]/in"])
def test_private_and_loopback_addresses_are_refused_unless_allowed(api, make, settings, url):
    settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
    token = api.token(make.company_with_admin())
    body = _problem(api.post("/webhooks", token, json={"url": url, "events": ["webhook.ping"]}))
    assert body["errors"]["url"] == ["This URL points to a private, loopback or reserved "
                                     "address; webhooks go to public addresses only."]
    settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True)
    assert api.post("/webhooks", token, json={"url": url, "events": ["webhook.ping"]}
                    ).status_code == 201


def test_a_public_address_is_accepted_when_private_ones_are_refused(api, make, settings):
    settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
    token = api.token(make.company_with_admin())
    created = api.post("/webhooks", token, json={"url": "https://93.184.216.34/in",
                                                 "events": ["webhook.ping"]})
    assert created.status_code == 201, created.get_json()
    patched = api.patch(f"/webhooks/{created.get_json()['id']}", token,
                        json={"url": "http://10.0.0.8/in"})
    assert list(_problem(patched)["errors"]) == ["url"]


def test_changes_honour_if_match_and_creation_and_deletion_are_audited(api, make, hook):
    admin = make.company_with_admin()
    token = api.token(admin)
    webhook_id = hook(admin, "https://erp.example.com/in", events=["webhook.ping"])
    changed = api.patch(f"/webhooks/{webhook_id}", token, headers={"If-Match": '"1"'},
                        json={"active": False, "secret": "another-long-secret-value"})
    assert changed.status_code == 200 and changed.get_json()["active"] is False
    assert changed.headers["ETag"] == '"2"'
    _problem(api.patch(f"/webhooks/{webhook_id}", token, headers={"If-Match": '"1"'},
                       json={"active": True}), 412)
    assert api.delete(f"/webhooks/{webhook_id}", token).status_code == 204
    assert api.get(f"/webhooks/{webhook_id}", token).status_code == 404

    trail = {e["action"]: e for e in api.get("/audit-events?action=webhook.", token
                                             ).get_json()["items"]}
    assert set(trail) == {"webhook.created", "webhook.updated", "webhook.deleted"}
    assert trail["webhook.created"]["changes"]["url"] == "https://erp.example.com/in"
    assert trail["webhook.created"]["actor_user_id"] == admin.user_id
    assert trail["webhook.updated"]["changes"]["secret"] == ["***", "***"]
    assert trail["webhook.deleted"]["changes"]["events"] == ["webhook.ping"]
    assert "another-long-secret-value" not in str(trail) and SECRET not in str(trail)


def test_a_test_ping_is_delivered_signed_and_logged(api, make, hook, receiver):
    admin = make.company_with_admin()
    token = api.token(admin)
    endpoint = receiver()
    webhook_id = hook(admin, endpoint.url, events=["testing.parcel_arrived"])

    sent = api.post(f"/webhooks/{webhook_id}/test", token)
    assert sent.status_code == 202, sent.get_json()
    [ping] = endpoint.wait_for(1)
    assert ping.signature_is_valid()
    assert ping.headers["X-Marketplace-Event"] == "webhook.ping"
    assert ping.json["data"] == {"webhook_id": webhook_id,
                                 "message": "Test delivery from the marketplace"}
    [logged] = api.get(f"/webhooks/{webhook_id}/deliveries", token).get_json()["items"]
    assert logged["delivery_id"] == sent.get_json()["delivery_id"] == ping.headers[
        "X-Marketplace-Delivery"]
    assert logged["status"] == "delivered" and logged["attempt_count"] == 1
    assert logged["attempts"][0]["status_code"] == 200

    api.patch(f"/webhooks/{webhook_id}", token, json={"active": False})
    refused = _problem(api.post(f"/webhooks/{webhook_id}/test", token), 409)
    assert refused["allowed_actions"] == ["enable"]


def test_partner_systems_and_other_roles_cannot_manage_webhooks(api, make):
    admin = make.company_with_admin()
    key = make.api_key(admin)
    sales = make.member(admin.company_id, "sales")
    for token in (key, api.token(sales)):
        assert api.get("/webhooks", token).status_code == 403
        assert api.post("/webhooks", token, json={"url": "https://erp.example.com/in",
                                                  "events": ["webhook.ping"]}
                        ).status_code == 403
        assert api.get("/webhooks/events", token).status_code == 200

"""Webhook deliveries to a local HTTP receiver, without a worker (jobs in-process):
signed bodies, retries with back-off swept when due, failure after the last attempt,
and every way an attempt can fail, in the log."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from decimal import Decimal

from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.notifications import N_
from marketplace.infrastructure.notifications.models import WebhookDelivery
from tests.infrastructure.notifications.support import notify_now, wait_until

ARRIVED = N_("Parcel %(number)s arrived.")


def _arrived(company_id, **kwargs):
    return {"event": "testing.parcel_arrived", "company_id": company_id, "message": ARRIVED,
            "params": {"number": "P-7"}, **kwargs}


def _log(api, admin, webhook_id):
    response = api.get(f"/webhooks/{webhook_id}/deliveries", api.token(admin))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def _sweep(app) -> str:
    result = app.test_cli_runner().invoke(args=["deliver-webhooks"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _sweep_when_due(app, api, admin, webhook_id):
    """Wait for the delivery's next attempt to be due, then run the sweep command."""
    [delivery] = _log(api, admin, webhook_id)
    time.sleep(max(0.0, _seconds_until(delivery["next_attempt_at"])) + 0.01)
    return _sweep(app)


def _seconds_until(stamp: str) -> float:
    return (datetime.fromisoformat(stamp) - utcnow()).total_seconds()


def test_a_delivery_is_signed_and_carries_the_event(app, api, make, hook, receiver):
    admin = make.company_with_admin()
    endpoint, elsewhere = receiver(), receiver()
    webhook_id = hook(admin, endpoint.url)
    hook(admin, elsewhere.url, events=["webhook.ping"])  # not subscribed to this event
    hook(admin, elsewhere.url, active=False)  # subscribed, but turned off
    hook(make.company_with_admin(), elsewhere.url)  # another company's

    notify_now(app, **_arrived(admin.company_id, payload={
        "parcel": "P-7", "weight_kg": Decimal("12.50"), "lines": [1, 2]}))

    [received] = endpoint.wait_for(1)
    assert received.path == "/hooks/marketplace?source=test"
    assert received.signature_is_valid()
    assert not received.signature_is_valid("another-secret-entirely")
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["X-Marketplace-Event"] == "testing.parcel_arrived"
    body = received.json
    assert set(body) == {"id", "event", "created_at", "company_id", "data"}
    assert body["event"] == "testing.parcel_arrived" and body["id"].startswith("evt_")
    assert body["company_id"] == admin.company_id
    assert body["data"] == {"parcel": "P-7", "weight_kg": "12.50", "lines": [1, 2]}
    assert body["created_at"].endswith("+00:00")
    [logged] = _log(api, admin, webhook_id)
    assert received.headers["X-Marketplace-Delivery"] == logged["delivery_id"]
    assert json.loads(logged["body"]) == body
    assert logged["status"] == "delivered" and logged["delivered_at"]
    assert elsewhere.received == []


def test_a_receiver_that_fails_twice_gets_it_on_the_third_attempt(app, api, make, hook,
                                                                   receiver, settings):
    settings(WEBHOOK_RETRY_DELAYS=[2.0, 0.05, 0.05])  # long enough to look before it is due
    admin = make.company_with_admin()
    endpoint = receiver(statuses=[500, 503, 200])
    webhook_id = hook(admin, endpoint.url)
    notify_now(app, **_arrived(admin.company_id))

    [first] = _log(api, admin, webhook_id)
    assert first["status"] == "pending" and first["attempt_count"] == 1
    assert first["last_status_code"] == 500 and first["last_error"].startswith("HTTP 500")
    assert _sweep(app) == "0 due deliveries sent."  # the pause is not over yet

    assert _sweep_when_due(app, api, admin, webhook_id) == "1 due deliveries sent."
    assert _sweep_when_due(app, api, admin, webhook_id) == "1 due deliveries sent."
    [done] = _log(api, admin, webhook_id)
    assert done["status"] == "delivered" and done["next_attempt_at"] is None
    assert [(a["number"], a["status_code"], a["outcome"]) for a in done["attempts"]] == [
        (1, 500, "http_error"), (2, 503, "http_error"), (3, 200, "delivered")]
    assert done["attempts"][0]["response_excerpt"] == "answer 500"

    # The same delivery three times: the same id and body, each attempt numbered and signed.
    assert len(endpoint.received) == 3
    assert {r.headers["X-Marketplace-Delivery"] for r in endpoint.received} == {
        done["delivery_id"]}
    assert {r.body for r in endpoint.received} == {endpoint.received[0].body}
    assert [r.headers["X-Marketplace-Attempt"] for r in endpoint.received] == ["1", "2", "3"]
    assert all(r.signature_is_valid() for r in endpoint.received)
    assert _sweep(app) == "0 due deliveries sent."


def test_the_pauses_between_attempts_follow_the_back_off(app, api, make, hook, receiver,
                                                         settings):
    delays = [0.05, 0.15, 0.3]
    settings(WEBHOOK_RETRY_DELAYS=delays)
    admin = make.company_with_admin()
    webhook_id = hook(admin, receiver(statuses=[500]).url)
    notify_now(app, **_arrived(admin.company_id))
    waits = []
    for _ in delays:
        with app.app_context():
            delivery = db.session.scalar(db.select(WebhookDelivery))
            waits.append(delivery.next_attempt_at - delivery.attempts[-1].at)
        _sweep_when_due(app, api, admin, webhook_id)
    assert waits == [timedelta(seconds=d) for d in delays]


def test_a_receiver_that_always_fails_is_marked_failed_and_the_admins_told(
        app, api, make, hook, receiver, quick_retries, mailbox):
    admin = make.company_with_admin()
    sales = make.member(admin.company_id, "sales")
    endpoint = receiver(statuses=[500])
    webhook_id = hook(admin, endpoint.url)
    notify_now(app, **_arrived(admin.company_id, email=False))
    for _ in quick_retries:
        _sweep_when_due(app, api, admin, webhook_id)

    [failed] = _log(api, admin, webhook_id)
    assert failed["status"] == "failed" and failed["next_attempt_at"] is None
    assert failed["attempt_count"] == len(quick_retries) + 1 == len(endpoint.received)
    assert _sweep(app) == "0 due deliveries sent."

    told = api.get("/notifications", api.token(admin)).get_json()["items"]
    assert [n["event"] for n in told] == ["webhook.failed", "testing.parcel_arrived"]
    assert told[0]["link"] == f"/webhooks/{webhook_id}"
    assert "failed 4 times" in told[0]["message"]
    sales_told = api.get("/notifications", api.token(sales)).get_json()["items"]
    assert [n["event"] for n in sales_told] == ["testing.parcel_arrived"]  # admins only
    [mail] = mailbox.to(admin.email)
    assert "testing.parcel_arrived" in mail["Subject"]

    again = api.post(f"/webhooks/{webhook_id}/deliveries/{failed['id']}/redeliver",
                     api.token(admin))
    assert again.status_code == 202, again.get_json()
    endpoint.statuses = [200]
    _sweep(app)
    newest = _log(api, admin, webhook_id)[0]
    assert newest["id"] == again.get_json()["id"] != failed["id"]
    assert json.loads(newest["body"])["id"] == json.loads(failed["body"])["id"]


def test_every_kind_of_failure_is_logged(app, api, make, hook, receiver, settings):
    settings(WEBHOOK_TIMEOUT=0.3, WEBHOOK_RETRY_DELAYS=[60])
    admin = make.company_with_admin()
    slow = receiver(delay=1.0)
    target = receiver()
    moved = receiver(statuses=[302], location=target.url)
    closed = receiver()
    closed.stop()  # nothing listens on its port any more
    hooks = {name: hook(admin, url) for name, url in (
        ("slow", slow.url), ("moved", moved.url), ("closed", closed.url))}
    notify_now(app, **_arrived(admin.company_id))

    attempts = {name: _log(api, admin, i)[0]["attempts"][0] for name, i in hooks.items()}
    assert attempts["slow"]["outcome"] == "timeout"
    assert attempts["slow"]["error"] == "no answer within 0.3 s"
    assert (attempts["moved"]["outcome"], attempts["moved"]["status_code"]) == (
        "http_error", 302)
    assert target.received == []  # redirects are not followed
    assert attempts["closed"]["outcome"] == "connection_error"
    assert all(_log(api, admin, i)[0]["status"] == "pending" for i in hooks.values())


def test_a_private_address_is_refused_at_delivery_time_too(app, api, make, hook, receiver,
                                                           settings):
    admin = make.company_with_admin()
    endpoint = receiver()
    webhook_id = hook(admin, endpoint.url)  # allowed when it was made
    settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
    notify_now(app, **_arrived(admin.company_id))
    [attempt] = _log(api, admin, webhook_id)[0]["attempts"]
    assert attempt["outcome"] == "address_refused"
    assert attempt["error"] == "127.0.0.1 is not a public address"
    assert endpoint.received == []


def test_a_turned_off_webhook_keeps_its_deliveries_until_it_is_on_again(
        app, api, make, hook, receiver, quick_retries):
    admin = make.company_with_admin()
    token = api.token(admin)
    endpoint = receiver(statuses=[500, 200])
    webhook_id = hook(admin, endpoint.url)
    notify_now(app, **_arrived(admin.company_id))
    api.patch(f"/webhooks/{webhook_id}", token, json={"active": False})
    time.sleep(quick_retries[0] + 0.05)
    assert _sweep(app) == "0 due deliveries sent."
    notify_now(app, **_arrived(admin.company_id))  # not even recorded while off
    assert len(_log(api, admin, webhook_id)) == 1

    assert api.patch(f"/webhooks/{webhook_id}", token, json={"active": True}
                     ).status_code == 200
    [delivery] = _log(api, admin, webhook_id)
    assert delivery["status"] == "delivered" and len(endpoint.received) == 2


def test_without_a_worker_due_retries_go_out_after_a_later_request(
        app, api, client, make, hook, receiver, quick_retries, settings):
    settings(WEBHOOK_SWEEP_INTERVAL=0.001)
    admin = make.company_with_admin()
    endpoint = receiver(statuses=[500, 200])
    webhook_id = hook(admin, endpoint.url)
    notify_now(app, **_arrived(admin.company_id))
    time.sleep(quick_retries[0] + 0.05)

    response = client.get("/healthz")
    assert endpoint.received[1:] == []  # not while the request was answered
    response.close()  # the server has sent the answer: the sweep runs now
    assert wait_until(lambda: len(endpoint.received) == 2)
    assert _log(api, admin, webhook_id)[0]["status"] == "delivered"


def test_a_failure_is_recorded_even_when_telling_the_admins_fails(
        app, api, make, hook, receiver, settings, monkeypatch):
    from marketplace.infrastructure.notifications import operations

    def broken_notify(*args, **kwargs):
        raise RuntimeError("mail templates missing")

    settings(WEBHOOK_RETRY_DELAYS=[])  # one attempt only
    monkeypatch.setattr(operations, "notify", broken_notify)
    admin = make.company_with_admin()
    webhook_id = hook(admin, receiver(statuses=[500]).url)
    notify_now(app, **_arrived(admin.company_id, user_ids=[]))
    [delivery] = _log(api, admin, webhook_id)
    assert delivery["status"] == "failed" and delivery["attempt_count"] == 1

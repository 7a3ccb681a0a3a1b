"""With REDIS_URL: deliveries go through Redis to a real Celery worker (the
``redis_worker`` fixture of tests/conftest.py), and a failed attempt is retried by the
worker itself (a Celery retry with the back-off countdown)."""

from __future__ import annotations

from marketplace.infrastructure.notifications import N_
from tests.infrastructure.notifications.support import notify_now, wait_until


def _log(api, admin, webhook_id):
    return api.get(f"/webhooks/{webhook_id}/deliveries", api.token(admin)).get_json()["items"]


def _notify(app, admin):
    notify_now(app, event="testing.parcel_arrived", company_id=admin.company_id,
               message=N_("Parcel %(number)s arrived."), params={"number": "P-9"},
               email=False)


def test_the_worker_retries_with_back_off_until_the_receiver_answers(
        app, api, make, hook, receiver, quick_retries, redis_worker):
    admin = make.company_with_admin()
    endpoint = receiver(statuses=[500, 500, 200])
    webhook_id = hook(admin, endpoint.url)
    _notify(app, admin)

    assert wait_until(lambda: _log(api, admin, webhook_id)[0]["status"] == "delivered")
    [delivery] = _log(api, admin, webhook_id)
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 200]
    first, second, third = (a["at"] for a in delivery["attempts"])
    assert first < second < third
    assert len(endpoint.received) == 3 and all(r.signature_is_valid() for r in endpoint.received)


def test_the_worker_marks_a_delivery_failed_after_the_last_attempt(
        app, api, make, hook, receiver, quick_retries, redis_worker):
    admin = make.company_with_admin()
    endpoint = receiver(statuses=[503])
    webhook_id = hook(admin, endpoint.url)
    _notify(app, admin)

    assert wait_until(lambda: _log(api, admin, webhook_id)[0]["status"] == "failed")
    [delivery] = _log(api, admin, webhook_id)
    assert delivery["attempt_count"] == len(quick_retries) + 1 == len(endpoint.received)
    told = api.get("/notifications", api.token(admin)).get_json()["items"]
    assert [n["event"] for n in told] == ["webhook.failed", "testing.parcel_arrived"]

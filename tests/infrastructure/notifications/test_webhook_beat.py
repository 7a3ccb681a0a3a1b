"""Celery beat's periodic call for webhooks (``send_due_webhooks``): with a worker it
queues a job for each due delivery whose own retry was lost; the delivery's claim keeps
an attempt from going out twice."""

from __future__ import annotations

import time

from marketplace.infrastructure.notifications import N_
from marketplace.infrastructure.notifications.tasks import send_due_webhooks
from tests.infrastructure.notifications.support import notify_now, wait_until


def _log(api, admin, webhook_id):
    return api.get(f"/webhooks/{webhook_id}/deliveries", api.token(admin)).get_json()["items"]


def test_beat_sends_a_due_retry_and_nothing_before_it_is_due(
        app, api, make, hook, receiver, settings):
    settings(WEBHOOK_RETRY_DELAYS=[0.3])
    admin = make.company_with_admin()
    endpoint = receiver(statuses=[500, 200])
    webhook_id = hook(admin, endpoint.url)
    notify_now(app, event="testing.parcel_arrived", company_id=admin.company_id,
               message=N_("Parcel %(number)s arrived."), params={"number": "P-11"},
               email=False)
    assert len(endpoint.received) == 1  # the first attempt, answered 500

    with app.app_context():
        assert send_due_webhooks.apply().get() == 0  # the retry is not due yet
        time.sleep(0.35)
        assert send_due_webhooks.apply().get() == 1
        assert send_due_webhooks.apply().get() == 0  # sent: nothing due any more
    assert wait_until(lambda: len(endpoint.received) == 2)
    [delivery] = _log(api, admin, webhook_id)
    assert delivery["status"] == "delivered"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 200]

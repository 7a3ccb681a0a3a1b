"""Delivering webhooks in the background, with retries that are never dropped.

Each delivery is a row, written in the transaction of the event it carries, so it
exists before any job is started. A job (``deliver_webhook``) first *claims* the
delivery with one conditional UPDATE: only a delivery that is pending, due and whose
webhook is active can be claimed, and claiming moves its next attempt a lease ahead,
so two jobs (or a job and a sweep) never send the same attempt twice, and an attempt
that never reports back (a worker killed mid-way) is due again once the lease ends.

After a failed attempt the next one is due after the next pause of
WEBHOOK_RETRY_DELAYS. With a Celery worker (REDIS_URL) the job retries itself with
that countdown. Without one (jobs run in-process), nothing waits in memory: due
deliveries are swept by ``flask deliver-webhooks`` and at the end of later requests
(WEBHOOK_SWEEP_INTERVAL). After the last attempt the delivery is marked failed and
the company's administrators are told.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from marketplace.core import boundary, outbox
from marketplace.core.sweeps import RequestEndSweep
from marketplace.core.types import utcnow
from marketplace.extensions import celery, db
from marketplace.infrastructure.models import MemberRole, Membership
from marketplace.infrastructure.notifications import transport
from marketplace.infrastructure.notifications.events import WEBHOOK_FAILED
from marketplace.infrastructure.notifications.messages import N_
from marketplace.infrastructure.notifications.models import (
    DeliveryStatus,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)

log = logging.getLogger(__name__)
_BATCH = "webhook_deliveries_to_send"
SWEEP_BATCH = 100
FAILED_MESSAGE = N_("The %(event)s delivery to %(url)s failed %(attempts)d times; it will not "
                    "be tried again. Open the webhook to see why and send it again.")


def retry_delays() -> list[float]:
    """The pauses before the 2nd, 3rd ... attempt; one attempt more than pauses."""
    return [float(delay) for delay in current_app.config["WEBHOOK_RETRY_DELAYS"]]


def max_attempts() -> int:
    return len(retry_delays()) + 1


# ----- after commit: start a job per delivery -------------------------------------------


def queue_deliveries(delivery_ids: Iterable[int]) -> None:
    """A job per delivery, written in the current transaction (the outbox): started
    once it commits, never before (a job must find its delivery stored), and a
    rollback sends nothing."""
    for delivery_id in dict.fromkeys(int(i) for i in delivery_ids):
        outbox.enqueue("notifications.deliver_webhook", delivery_id=delivery_id)


@outbox.handler("notifications.deliver_webhook")
def _deliver_job(delivery_id: int) -> float | None:
    """The outbox job: this attempt, and the pause until the next one (the job runs
    again then), or None when there is none to make."""
    return attempt_delivery(delivery_id)


# ----- the job ---------------------------------------------------------------------------


@celery.task(bind=True, name="marketplace.notifications.deliver_webhook", max_retries=None,
             ignore_result=True)
def deliver_webhook(self, delivery_id: int) -> None:
    wait = attempt_delivery(delivery_id)
    if wait is not None and not self.request.is_eager:
        raise self.retry(countdown=wait)
    # In-process (eager), a retry would run at once, inside the request: the sweep
    # makes it when it is due instead.


def attempt_delivery(delivery_id: int) -> float | None:
    """Make the delivery's next attempt if it is due and nobody else is making it.
    Answers the seconds until the attempt after this one, or None when there is none
    for this job to make (delivered, failed, not claimed)."""
    if not _claim(delivery_id):
        return None
    delivery = db.session.get(WebhookDelivery, delivery_id)
    webhook = delivery.webhook
    config = current_app.config
    body = delivery.body.encode()
    answer = transport.post(webhook.url, body, {
        "X-Marketplace-Event": delivery.event,
        "X-Marketplace-Delivery": delivery.uid,
        "X-Marketplace-Attempt": str(delivery.attempt_count + 1),
        "X-Marketplace-Signature": transport.signature(webhook.secret, body),
    }, timeout=float(config["WEBHOOK_TIMEOUT"]),
        allow_private=bool(config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"]))
    try:
        return _record(delivery, webhook, answer)
    except (StaleDataError, IntegrityError):  # the webhook was deleted meanwhile
        db.session.rollback()
        return None


def _lease() -> timedelta:
    return timedelta(seconds=3 * float(current_app.config["WEBHOOK_TIMEOUT"]) + 60)


def _claim(delivery_id: int) -> bool:
    now = utcnow()
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id,
               WebhookDelivery.status == DeliveryStatus.PENDING,
               WebhookDelivery.next_attempt_at <= now,
               WebhookDelivery.webhook_id.in_(select(Webhook.id).where(Webhook.active.is_(True))))
        .values(next_attempt_at=now + _lease())
        .execution_options(synchronize_session=False)).rowcount
    boundary.commit()
    return claimed == 1


def _record(delivery: WebhookDelivery, webhook: Webhook, answer: transport.Answer
            ) -> float | None:
    number = delivery.attempt_count + 1
    now = utcnow()
    db.session.add(WebhookAttempt(
        delivery=delivery, number=number, at=now, url=webhook.url, outcome=answer.outcome,
        status_code=answer.status_code, error=answer.error, response_excerpt=answer.excerpt,
        duration_ms=answer.duration_ms))
    delivery.attempt_count = number
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error
    wait = None
    if answer.delivered:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif number >= max_attempts():
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        try:
            with db.session.begin_nested():  # the failure is recorded even if telling fails
                _tell_admins(delivery, webhook)
        except Exception:
            log.exception("telling the admins of company %s about a failed delivery failed",
                          webhook.company_id)
    else:
        wait = retry_delays()[number - 1]
        delivery.next_attempt_at = now + timedelta(seconds=wait)
    boundary.commit()
    return wait


def _tell_admins(delivery: WebhookDelivery, webhook: Webhook) -> None:
    from marketplace.infrastructure.notifications.operations import notify  # it queues jobs

    admins = db.session.scalars(select(Membership.user_id).where(
        Membership.company_id == webhook.company_id, Membership.role == MemberRole.ADMIN))
    notify(WEBHOOK_FAILED.name, company_id=webhook.company_id, user_ids=list(admins),
           message=FAILED_MESSAGE, params={"event": delivery.event, "url": webhook.url[:200],
                   "attempts": delivery.attempt_count},
           link=f"/webhooks/{webhook.id}")


# ----- the sweep of due deliveries --------------------------------------------------------


def due_deliveries(limit: int = SWEEP_BATCH) -> list[int]:
    return list(db.session.scalars(
        select(WebhookDelivery.id).join(WebhookDelivery.webhook)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING,
               WebhookDelivery.next_attempt_at <= utcnow(), Webhook.active.is_(True))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)))


def send_due(limit: int = SWEEP_BATCH) -> int:
    """Start a job for each due delivery (in-process, each runs now); the number started."""
    ids = due_deliveries(limit)
    for delivery_id in ids:
        deliver_webhook.delay(delivery_id)
    return len(ids)


def _send_all_due() -> None:
    while send_due() == SWEEP_BATCH:
        pass


@celery.task(name="marketplace.notifications.send_due_webhooks", ignore_result=True)
def send_due_webhooks() -> int:
    """Celery beat's periodic call with a worker: a job for each due delivery whose own
    retry message was lost (the claim keeps a delivery that also has one from going
    out twice). One round: what the worker has not claimed yet is still due."""
    return send_due()


# Every WEBHOOK_SWEEP_INTERVAL seconds: by Celery beat with a worker, else after a
# response has been sent, at most once per interval in each process (core/sweeps.py).
request_end_sweep = RequestEndSweep("WEBHOOK_SWEEP_INTERVAL", _send_all_due,
                                    what="due webhook deliveries",
                                    beat_task="marketplace.notifications.send_due_webhooks")

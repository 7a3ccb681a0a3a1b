"""The reads of notifications and webhooks.

Notifications are personal: each member reads only their own (any other is not
found), whatever their company. Webhooks and their deliveries belong to a company
and are read through ``core.scoping``.
"""

from __future__ import annotations

import functools

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, false, func, select
from sqlalchemy.orm import selectinload

from marketplace.core.errors import NotFound
from marketplace.core.pagination import count_cap
from marketplace.core.scoping import get_visible, visible
from marketplace.extensions import db
from marketplace.infrastructure.notifications import events as registry
from marketplace.infrastructure.notifications.events import Event
from marketplace.infrastructure.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationPreference,
    Webhook,
    WebhookDelivery,
)


def _reader_id() -> int | None:
    return getattr(g, "actor_user_id", None)


def _own():
    reader = _reader_id()
    return Notification.user_id == reader if reader is not None else false()


def notifications(*, unread: bool = False) -> Select:
    """The reader's notifications, newest first."""
    stmt = select(Notification).where(_own())
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())


# The bell's two reads run on every portal page: their statements are built once (with
# the reader bound at each run), as building one cost about three times running it.


@functools.cache
def _recent_statement(limit: int) -> Select:
    return (select(Notification).where(Notification.user_id == bindparam("reader"))
            .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))


@functools.cache
def _unread_statement(cap: int) -> Select:
    return select(func.count()).select_from(
        select(Notification.id).where(Notification.user_id == bindparam("reader"),
                                      Notification.read_at.is_(None))
        .limit(cap + 1).subquery())


def recent_notifications(limit: int = 5) -> list[Notification]:
    """The reader's newest ``limit`` notifications (as ``notifications()``)."""
    reader = _reader_id()
    if reader is None:
        return []
    return list(db.session.scalars(_recent_statement(limit), {"reader": reader}))


def unread_count() -> int:
    """The reader's unread notifications, counted up to the lists' cap (as
    core/pagination.capped_count)."""
    reader = _reader_id()
    if reader is None:
        return 0
    cap = count_cap()
    total = db.session.scalar(_unread_statement(cap), {"reader": reader}) or 0
    return cap if total > cap else total


def notification(notification_id: int) -> Notification:
    found = db.session.scalar(select(Notification).where(
        Notification.id == notification_id, _own()))
    if found is None:
        raise NotFound(str(_l("Notification %(id)s was not found.", id=notification_id)))
    return found


def email_preferences(user_id: int, *, operator: bool = False) -> list[tuple[Event, bool]]:
    """Each event that may come to this reader by e-mail (an operator's or a member's:
    registry.offered_by_email), and whether it does."""
    declined = set(db.session.scalars(select(NotificationPreference.event).where(
        NotificationPreference.user_id == user_id, NotificationPreference.email.is_(False))))
    return [(event, event.name not in declined)
            for event in registry.offered_by_email(operator=operator)]


# ----- webhooks --------------------------------------------------------------------------


def webhooks() -> Select:
    return (visible(Webhook, operator_sees_all=False)
            .options(selectinload(Webhook.created_by))
            .order_by(Webhook.created_at.desc(), Webhook.id.desc()))


def webhook(webhook_id: int) -> Webhook:
    return get_visible(Webhook, webhook_id, operator_sees_all=False)


def deliveries(webhook: Webhook, status: DeliveryStatus | None = None) -> Select:
    """The webhook's delivery log, newest first, each with its attempts."""
    stmt = (select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook.id)
            .options(selectinload(WebhookDelivery.attempts))
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()))
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    return stmt


def delivery(webhook: Webhook, delivery_id: int) -> WebhookDelivery:
    found = db.session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.webhook_id == webhook.id))
    if found is None:
        raise NotFound(str(_l("Delivery %(id)s was not found.", id=delivery_id)))
    return found


def delivery_counts(webhook_ids: list[int]) -> dict[int, dict[str, int]]:
    """``{webhook_id: {status: count}}`` for the webhooks' list, in one query."""
    counts: dict[int, dict[str, int]] = {i: {} for i in webhook_ids}
    if not webhook_ids:
        return counts
    rows = db.session.execute(
        select(WebhookDelivery.webhook_id, WebhookDelivery.status, func.count())
        .where(WebhookDelivery.webhook_id.in_(webhook_ids))
        .group_by(WebhookDelivery.webhook_id, WebhookDelivery.status))
    for webhook_id, status, count in rows:
        counts[webhook_id][DeliveryStatus(status).value] = count
    return counts

"""The writes of notifications and webhooks: check, change, flush, audit. Never commit.

``notify`` is what other modules call, inside their own transaction: it writes the
members' notifications and the webhook deliveries with the rest of the caller's
work, and hands e-mail and webhook sending to background jobs that start only once
that work is committed. A rollback leaves no notification and sends nothing.
"""

from __future__ import annotations

import functools
import json
import secrets
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import current_app, g, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update

from marketplace.core.audit import pending_changes, record_audit
from marketplace.core.errors import Conflict, ValidationFailed
from marketplace.core.types import replaying_the_past, utcnow
from marketplace.extensions import db
from marketplace.infrastructure.links import absolute_url
from marketplace.infrastructure.mail import queue_mail
from marketplace.infrastructure.models import Company, Membership, User
from marketplace.infrastructure.notifications import events as registry
from marketplace.infrastructure.notifications.events import WEBHOOK_PING, Event
from marketplace.infrastructure.notifications.messages import freeze_params, render_message
from marketplace.infrastructure.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationPreference,
    Webhook,
    WebhookDelivery,
)
from marketplace.infrastructure.notifications.tasks import queue_deliveries
from marketplace.infrastructure.notifications.transport import url_problem

MAX_WEBHOOKS = 20  # per company: a partner system needs one or two

# ----- notify ----------------------------------------------------------------------------


def notify(event: str, *, company_id: int, user_ids: Iterable[int] | None = None,
           message: str, params: Mapping[str, Any] | None = None, link: str | None = None,
           payload: Mapping[str, Any] | None = None, email: bool = True,
           flush: bool = True) -> list[Notification]:
    """Tell a company about ``event``: a notification for each member named in
    ``user_ids`` (None: the members the event is for, see ``register_event(roles=)``,
    except the member acting now), an e-mail to those who want it (``email=False``: never),
    and a delivery to each active webhook of the company subscribed to the event.

    ``message`` is an English msgid marked with ``N_`` and filled from ``params``;
    ``link`` a path in the portal (``/documents/12``); ``payload`` the JSON ``data``
    webhooks receive. Members named who no longer belong to the company are left out.
    ``flush=False``: the caller flushes the rows with its own change (the engine flushes
    once after a transition's listeners, with the jobs the other listeners add).
    """
    declared = registry.get_event(event)
    data = _json(payload or {})  # refused here, in the caller's code, if not JSON
    recipients, declined, hooked = _recipients(company_id, declared, user_ids)
    rows = _tell(declared, company_id, recipients, message, params, link, email, declined,
                 flush=False)
    # No partner system hears of old history; a company known to have no active webhook
    # (asked with the members) has none to read.
    if declared.webhook and not replaying_the_past() and hooked is not False:
        _queue_webhooks(company_id, event, data)
    if flush:
        db.session.flush()  # the rows, the mails' and deliveries' jobs: one flush
    return rows


def notify_operators(event: str, *, company_id: int, message: str,
                     params: Mapping[str, Any] | None = None, link: str | None = None,
                     email: bool = True) -> list[Notification]:
    """Tell the platform's operators about ``event`` concerning company ``company_id``
    (a company waiting for approval, say): the same bell and e-mail as ``notify``, for
    every operator. Operators belong to no company, so the row is filed under the company
    it is about (only its reader, the operator, sees it) and no webhook hears of it."""
    operators = list(db.session.scalars(
        select(User).where(User.is_operator.is_(True)).order_by(User.id)))
    return _tell(registry.get_event(event), company_id, operators, message, params, link,
                 email)


def _tell(declared, company_id: int, recipients: list[User], message: str,
          params: Mapping[str, Any] | None, link: str | None,
          email: bool, declined: set[int] | None = None, flush: bool = True
          ) -> list[Notification]:
    """The bell rows for ``recipients`` and the e-mails of those who want them
    (``declined``: who turned this event's mail off, when already read; ``flush``: False
    when the caller flushes them with what it adds next)."""
    stored = freeze_params(message, params)
    _check_link(link)
    rows = [Notification(company_id=company_id, user_id=user.id, event=declared.name,
                         message=str(message), params=stored, link=link)
            for user in recipients]
    db.session.add_all(rows)
    if flush:
        db.session.flush()
    if email and declared.email and not replaying_the_past():
        _queue_mails(declared, recipients, str(message), stored, link, declined)
    return rows


def _check_link(link: str | None) -> None:
    if link is None:
        return
    if not isinstance(link, str) or not link.startswith("/") or link[1:2] in ("/", "\\") \
            or len(link) > 500:
        raise ValueError(f"link {link!r}: give a path in the portal, such as '/documents/12'")


def _plain_json(value: Any) -> Any:
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)  # money travels as a string, never a float
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _json(value: Any) -> Any:
    """``value`` as JSON data (Decimal as a string, datetimes in ISO 8601)."""
    return json.loads(json.dumps(value, default=_plain_json))


def _reading(*models) -> Any:
    """A context for a read of ``models``' tables only: the session is flushed first when
    it holds a change to one of them (the read must see it), and not otherwise, so the
    caller's other changes (the document moving, the rows written for it) go in one
    flush with the notifications instead of one flush per read."""
    session = db.session()
    if any(isinstance(row, models)
           for rows in (session.new, session.dirty, session.deleted) for row in rows):
        session.flush()
    return session.no_autoflush


def _acting_user_id() -> int | None:
    return getattr(g, "actor_user_id", None) if has_app_context() else None


def _recipients(company_id: int, event: Event, user_ids: Iterable[int] | None
                ) -> tuple[list[User], set[int], bool | None]:
    """The members told, which of them turned this event's mail off, and whether the
    company has an active webhook (None: not known, no member was read), all in one
    statement."""
    values: dict[str, Any] = {"told_company": company_id, "told_event": event.name}
    roles = actor = None
    if user_ids is not None:
        values["told_users"] = sorted({int(user_id) for user_id in user_ids})
        if not values["told_users"]:
            return [], set(), None
    else:
        roles = tuple(sorted(event.roles)) if event.roles is not None else None
        actor = _acting_user_id()
        values["told_actor"] = actor
    stmt = _recipients_statement(user_ids is not None, roles, actor is not None)
    with _reading(User, Membership, NotificationPreference, Webhook):
        rows = db.session.execute(stmt, values).all()
    return ([user for user, _, _ in rows], {user.id for user, off, _ in rows if off},
            rows[0][2] if rows else None)


@functools.cache
def _recipients_statement(named: bool, roles: tuple | None, without_actor: bool):
    """Built once per shape (members named, or the event's roles less who acts), with
    the company, the event and the members bound at each run: every notify asks. Each
    row also says whether the company has an active webhook."""
    declined = select(NotificationPreference.user_id).where(
        NotificationPreference.user_id == User.id,
        NotificationPreference.event == bindparam("told_event"),
        NotificationPreference.email.is_(False)).exists()
    hooked = select(Webhook.id).where(Webhook.company_id == bindparam("told_company"),
                                      Webhook.active.is_(True)).exists()
    stmt = (select(User, declined, hooked).join(Membership, Membership.user_id == User.id)
            .where(Membership.company_id == bindparam("told_company")).order_by(User.id))
    if named:
        return stmt.where(User.id.in_(bindparam("told_users", expanding=True)))
    if roles is not None:
        stmt = stmt.where(Membership.role.in_(roles))
    if without_actor:  # who did it knows already
        stmt = stmt.where(User.id != bindparam("told_actor"))
    return stmt


def _queue_mails(event: Event, recipients: list[User], message: str, params: dict,
                 link: str | None, declined: set[int] | None = None) -> None:
    if not recipients:
        return
    if declined is None:
        declined = set(db.session.scalars(select(NotificationPreference.user_id).where(
            NotificationPreference.event == event.name, NotificationPreference.email.is_(False),
            NotificationPreference.user_id.in_([user.id for user in recipients]))))
    for user in recipients:
        if user.id in declined:
            continue
        with force_locale(user.language):
            text = render_message(message, params)
        queue_mail(user.email, " ".join(text.split())[:150], "notification",
                   language=user.language, user=user, text=text, event=event,
                   link=absolute_url(link) if link else None,
                   settings_link=absolute_url("/notifications#settings"))


def _queue_webhooks(company_id: int, event: str, data: Any) -> list[WebhookDelivery]:
    with _reading(Webhook):
        hooks = list(db.session.scalars(select(Webhook).where(
            Webhook.company_id == company_id, Webhook.active.is_(True)).order_by(Webhook.id)))
    event_id, created_at = f"evt_{uuid.uuid4().hex}", utcnow()
    return [_delivery(hook, event, _body(hook, event, event_id, created_at, data))
            for hook in hooks if hook.wants(event)]


def _body(webhook: Webhook, event: str, event_id: str, created_at: datetime, data: Any) -> str:
    return json.dumps({"id": event_id, "event": event, "created_at": created_at.isoformat(),
                       "company_id": webhook.company_id, "data": data},
                      ensure_ascii=False, separators=(",", ":"))


def _delivery(webhook: Webhook, event: str, body: str) -> WebhookDelivery:
    """A delivery waiting for its first attempt, made once the transaction commits."""
    delivery = WebhookDelivery(company_id=webhook.company_id, webhook=webhook,
                               uid=str(uuid.uuid4()), event=event, body=body,
                               status=DeliveryStatus.PENDING, attempt_count=0,
                               next_attempt_at=utcnow())
    db.session.add(delivery)
    db.session.flush()
    queue_deliveries([delivery.id])
    return delivery


# ----- reading notifications and choosing what comes by e-mail ---------------------------


def mark_read(notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user.id,
                                   Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount or 0


def set_email_preferences(user: User, choices: Mapping[str, bool]) -> None:
    """``{event: comes by e-mail}`` for the events named; the others keep their choice."""
    errors = {f"email.{name}": [str(_l("Not an event that comes by e-mail."))]
              for name in choices
              if not registry.is_known(name) or not registry.get_event(name).email}
    if errors:
        raise ValidationFailed(errors=errors)
    stored = {row.event: row for row in db.session.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id == user.id))}
    for name, wanted in choices.items():
        row = stored.get(name) or NotificationPreference(user_id=user.id, event=name)
        row.email = bool(wanted)
        db.session.add(row)
    db.session.flush()


# ----- webhooks --------------------------------------------------------------------------


def _events_problem(names: list[str]) -> list[str]:
    problems = []
    for name in names:
        if not registry.is_known(name) or not registry.get_event(name).webhook:
            problems.append(str(_l("Unknown event: %(name)s. GET /api/v1/webhooks/events "
                                   "lists the events a webhook can receive.", name=name)))
    if not names:
        problems.append(str(_l("Choose at least one event.")))
    return problems


def _check_webhook(values: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if "url" in values:
        problem = url_problem(values["url"], allow_private=current_app.config[
            "WEBHOOK_ALLOW_PRIVATE_ADDRESSES"])
        if problem:
            errors["url"] = [problem]
    if "events" in values:
        problems = _events_problem(list(values["events"]))
        if problems:
            errors["events"] = problems
    if errors:
        raise ValidationFailed(errors=errors)


def new_webhook_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def create_webhook(company: Company, values: Mapping[str, Any], created_by: User | None
                   ) -> tuple[Webhook, str]:
    """A new webhook; the secret (the one given, else a new one) is returned to be shown
    once, and never again."""
    _check_webhook({"events": [], **values})
    count = db.session.scalar(select(func.count()).select_from(Webhook).where(
        Webhook.company_id == company.id))
    if count >= MAX_WEBHOOKS:
        raise ValidationFailed(str(_l("A company may have at most %(n)d webhooks; delete one "
                                      "you no longer use.", n=MAX_WEBHOOKS)))
    secret = values.get("secret") or new_webhook_secret()
    webhook = Webhook(company_id=company.id, url=values["url"].strip(),
                      events=sorted(set(values["events"])), secret=secret,
                      description=(values.get("description") or "").strip() or None,
                      active=values.get("active", True), created_by=created_by)
    db.session.add(webhook)
    db.session.flush()
    record_audit("webhook.created", webhook, changes={
        "url": webhook.url, "events": webhook.events, "active": webhook.active})
    return webhook, secret


def update_webhook(webhook: Webhook, values: Mapping[str, Any]) -> Webhook:
    _check_webhook(values)
    enabled = values.get("active") is True and not webhook.active
    if "url" in values:
        webhook.url = values["url"].strip()
    if "events" in values:
        webhook.events = sorted(set(values["events"]))
    if "description" in values:
        webhook.description = (values["description"] or "").strip() or None
    if "active" in values:
        webhook.active = bool(values["active"])
    if values.get("secret"):
        webhook.secret = values["secret"]
    changes = pending_changes(webhook, hidden=frozenset({"secret"}))
    db.session.flush()
    record_audit("webhook.updated", webhook, changes=changes)
    if enabled:  # deliveries held while it was off go now
        queue_deliveries(db.session.scalars(select(WebhookDelivery.id).where(
            WebhookDelivery.webhook_id == webhook.id,
            WebhookDelivery.status == DeliveryStatus.PENDING)).all())
    return webhook


def delete_webhook(webhook: Webhook) -> None:
    """The webhook goes with its delivery log; the audit keeps what it was."""
    record_audit("webhook.deleted", webhook, changes={"url": webhook.url,
                                                      "events": webhook.events})
    db.session.delete(webhook)
    db.session.flush()


def send_test(webhook: Webhook) -> WebhookDelivery:
    """A ``webhook.ping`` to this webhook alone, whatever it subscribed to."""
    _ensure_active(webhook)
    data = {"webhook_id": webhook.id, "message": "Test delivery from the marketplace"}
    return _delivery(webhook, WEBHOOK_PING.name, _body(
        webhook, WEBHOOK_PING.name, f"evt_{uuid.uuid4().hex}", utcnow(), data))


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivered or failed delivery again: a new delivery (its own id, every
    attempt again) with the same body, so the receiver sees the same event id."""
    _ensure_active(delivery.webhook)
    if delivery.status == DeliveryStatus.PENDING:
        raise Conflict(str(_l("This delivery is still waiting for its next attempt.")),
                       allowed_actions=[])
    again = _delivery(delivery.webhook, delivery.event, delivery.body)
    record_audit("webhook.redelivered", again, changes={"from_delivery": delivery.uid})
    return again


def _ensure_active(webhook: Webhook) -> None:
    if not webhook.active:
        raise Conflict(str(_l("This webhook is disabled; enable it first.")),
                       allowed_actions=["enable"])

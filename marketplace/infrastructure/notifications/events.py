"""The events a company can be told about: declared once, by the module that sends them.

A module declares its events when it is imported::

    from marketplace.infrastructure.notifications import register_event

    DOCUMENT_RECEIVED = register_event(
        "document.received", label=_l("A trade document was received"))

``notify`` refuses an event nobody declared, webhook subscriptions are checked
against the same list, and ``GET /webhooks/events`` shows it to partner systems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from marketplace.infrastructure.models import MemberRole

NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class UnknownEvent(LookupError):
    """Raised for an event name that no module declared."""


@dataclass(frozen=True)
class Event:
    name: str
    label: object  # a lazy translation: shown in the reader's language
    # Who is told when ``notify`` names no members: these roles (None: every member).
    roles: frozenset[MemberRole] | None = None
    # Whether members may have it by e-mail (each member chooses; on by default).
    email: bool = True
    # Whether webhooks may subscribe to it.
    webhook: bool = True
    # Told to the platform's operators only (notify_operators), never to a company's members.
    operators: bool = False

    @property
    def title(self) -> str:
        return str(self.label)


_EVENTS: dict[str, Event] = {}


def register_event(name: str, *, label, roles: Iterable[MemberRole | str] | None = None,
                   email: bool = True, webhook: bool = True, operators: bool = False) -> Event:
    """Declare an event (at import time). Declaring the same event again with the same
    terms is harmless; a different declaration under a taken name is a mistake."""
    if not NAME.match(name) or len(name) > 80:
        raise ValueError(f"event name {name!r}: lower-case dotted words, e.g. "
                         "'document.received', at most 80 characters")
    event = Event(name=name, label=label,
                  roles=frozenset(MemberRole(r) for r in roles) if roles is not None else None,
                  email=email, webhook=webhook, operators=operators)
    known = _EVENTS.get(name)
    if known is not None and (known.roles, known.email, known.webhook, known.operators) != (
            event.roles, event.email, event.webhook, event.operators):
        raise ValueError(f"event {name!r} is already declared differently")
    _EVENTS.setdefault(name, event)
    return _EVENTS[name]


def get_event(name: str) -> Event:
    try:
        return _EVENTS[name]
    except KeyError:
        raise UnknownEvent(f"unknown event {name!r}: declare it with register_event()") \
            from None


def is_known(name: str) -> bool:
    return name in _EVENTS


def known_events(*, webhook: bool | None = None, email: bool | None = None) -> list[Event]:
    """Every declared event, by name; optionally only those webhooks (or e-mail) may have."""
    return [event for _name, event in sorted(_EVENTS.items())
            if (webhook is None or event.webhook == webhook)
            and (email is None or event.email == email)]


def offered_by_email(*, operator: bool) -> list[Event]:
    """The events a reader may choose to have by e-mail: an operator those told to the
    operators, a member those told to members (any of them: ``notify`` may name members
    outside an event's usual roles)."""
    return [event for event in known_events(email=True) if event.operators == operator]


# The events of the notifications themselves.
WEBHOOK_PING = register_event(
    "webhook.ping", label=_l("Test delivery (sent from the webhook's page or API)"),
    email=False)
# Told to the company's administrators; never offered to webhooks, whose failure it reports.
WEBHOOK_FAILED = register_event(
    "webhook.failed", label=_l("A webhook delivery failed after its last attempt"),
    roles=[MemberRole.ADMIN], webhook=False)
# Told to the platform's operators (notify_operators), never to a company's webhooks.
COMPANY_AWAITS_APPROVAL = register_event(
    "company.awaits_approval", label=_l("A new company waits for approval (told to the operators)"),
    webhook=False, operators=True)

"""The sealing of an rfq with a closing time, told to the engine in one place.

A bid (a quotation answering a sealed rfq's invitation, or a revision of one) is sent
by its supplier but held back from the buyer until the bids are opened: the engine
leaves it undelivered (``sent_at`` unset, no party row, nobody told), so every route
that reads a document for the buyer (the document and its lines, exports, thread and
history, notifications and mails, webhooks, search, inbox lists) finds nothing to show,
because each of them reads through the engine's visibility. At the opening
(``operations.open_bids``) all held bids reach the buyer together.

The engine also asks here before a send or a derive: a bid after the closing time is
refused, and so is sending an rfq whose closing time has passed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.core.signals import document_transitioned
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.sourcing.models import SourcingRequest
from marketplace.workflow import registry
from marketplace.workflow.models import Document

RFQ, QUOTATION = "rfq", "quotation"
# How far up a bid's revisions are followed to find its invitation.
MAX_REVISIONS = 200
# Set while a closing auction turns its final bids into quotations: the bids were taken
# in time (the auction's own rule), so the rfq's passed closing time does not refuse them.
_AUCTION_CLOSING: ContextVar[bool] = ContextVar("auction_closing", default=False)


@contextmanager
def closing_an_auction() -> Iterator[None]:
    token = _AUCTION_CLOSING.set(True)
    try:
        yield
    finally:
        _AUCTION_CLOSING.reset(token)


def closing_time(document: Document | None) -> datetime | None:
    """An rfq's (or invitation's) closing time, in UTC; None: not sealed."""
    raw = ((document.extras or {}) if document is not None else {}).get("closes_at")
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def is_invitation(document: Document) -> bool:
    return document.type == RFQ and bool((document.extras or {}).get("invitation"))


def invitation_of(document: Document) -> Document | None:
    """The rfq invitation a bid answers (through its revisions), or None."""
    current, steps = document, 0
    with db.session.no_autoflush:
        while current is not None and steps < MAX_REVISIONS:
            if is_invitation(current):
                return current
            if current.type != QUOTATION:
                return None
            current, steps = current.parent, steps + 1
    return None


def request_of_invitation(invitation: Document) -> SourcingRequest | None:
    with db.session.no_autoflush:
        return db.session.scalar(select(SourcingRequest).where(
            SourcingRequest.rfq_id == invitation.parent_id))


def _closed_text(number: str, closes_at: datetime) -> str:
    return _("Bidding on %(number)s closed at %(time)s UTC: no bid is taken after the "
             "closing time.", number=number, time=closes_at.strftime("%Y-%m-%d %H:%M"))


# ----- what the engine asks -----------------------------------------------------------------


def _hold(document: Document) -> bool:
    """A bid on a sealed rfq reaches the buyer only at the opening."""
    if document.type != QUOTATION:
        return False
    invitation = invitation_of(document)
    if invitation is None or closing_time(invitation) is None:
        return False
    request = request_of_invitation(invitation)
    return request is None or request.opened_at is None


def _action_refusal(document: Document, action: str) -> str | None:
    if action != "send" or _AUCTION_CLOSING.get():
        return None
    if document.type == QUOTATION:
        invitation = invitation_of(document)
        closes_at = closing_time(invitation)
        if closes_at is not None and utcnow() >= closes_at:
            return _closed_text(invitation.number, closes_at)
    elif document.type == RFQ and not is_invitation(document):
        closes_at = closing_time(document)
        if closes_at is not None and utcnow() >= closes_at:
            return _("The closing time %(time)s UTC has passed: set a later one before "
                     "sending.", time=closes_at.strftime("%Y-%m-%d %H:%M"))
    return None


def _derive_refusal(parent: Document, doctype: str) -> str | None:
    if doctype != QUOTATION or _AUCTION_CLOSING.get():
        return None
    invitation = invitation_of(parent)
    closes_at = closing_time(invitation)
    if closes_at is not None and utcnow() >= closes_at:
        return _closed_text(invitation.number, closes_at)
    return None


registry.register_hold(_hold)
registry.register_action_refusal(_action_refusal)
registry.register_derive_refusal(_derive_refusal)


@document_transitioned.connect
def _note_sent_rfq(document: Document, *, action: str, from_status=None, to_status=None,
                   **extra) -> None:
    """A buyer's rfq that went out gets sourcing's row: its closing time, its opening."""
    if document.type != RFQ or is_invitation(document) or to_status != "sent" \
            or from_status == "sent":
        return
    exists = db.session.scalar(select(SourcingRequest.id).where(
        SourcingRequest.rfq_id == document.id))
    if exists is None:
        db.session.add(SourcingRequest(rfq_id=document.id,
                                       buyer_company_id=document.issuer_company_id,
                                       closes_at=closing_time(document)))
        db.session.flush()

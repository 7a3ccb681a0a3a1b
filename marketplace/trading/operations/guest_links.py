"""Guest links (writes): the issuer sends a quotation to a contact of its address book
who has no account — a mail with the .docx and the PDF attached and a link to a
read-only page of that one document — and revokes the link; the guest accepts the
quotation or asks for a change there. Flush, never commit.

The guest is no member: the engine's actions need one, so a guest's answer is written
here — the document's status and a history row by the guest's name
(``DocumentEvent.actor_name``) — and the issuer is told in the bell and by mail.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core import outbox
from marketplace.core.audit import record_audit
from marketplace.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from marketplace.core.types import UTC, utcnow
from marketplace.extensions import db
from marketplace.infrastructure.links import absolute_url
from marketplace.infrastructure.models import AddressBookEntry, Contact
from marketplace.infrastructure.notifications import N_, notify, register_event
from marketplace.trading.models import GuestLink
from marketplace.trading.notifications import payload_of, portal_link
from marketplace.workflow import approvals, doctypes, engine, parties
from marketplace.workflow.models import Document, DocumentEvent

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

# The types a guest may receive: an offer the other side accepts or asks to change.
GUEST_TYPES = ("quotation",)
MAX_MESSAGE = 2000

register_event("document.guest_accepted", label=_l("A guest accepted a quotation you sent"))
register_event("document.guest_change_requested",
               label=_l("A guest asked for a change to a quotation you sent"))


class LinkGone(DomainError):
    """A guest link that was revoked or has expired: the page says so, shows nothing."""

    status, title, slug = 410, _l("This link no longer opens the document"), "link-gone"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guest_url(document_id: int, token: str) -> str:
    return absolute_url(url_for("trading.guest_document", document_id=document_id,
                                token=token))


# ----- the issuer -----------------------------------------------------------------------------


def _contact_of(actor: Actor, contact_id: int) -> Contact:
    contact = db.session.scalar(
        select(Contact).join(AddressBookEntry, Contact.entry_id == AddressBookEntry.id)
        .where(Contact.id == contact_id, AddressBookEntry.company_id == actor.company.id))
    if contact is None:
        raise ValidationFailed(errors={"contact_id": [str(_l(
            "No such contact in your address book."))]})
    if not contact.email:
        raise ValidationFailed(errors={"contact_id": [str(_l(
            "%(name)s has no e-mail address in your address book.", name=contact.full_name))]})
    return contact


def _check_sendable(document: Document, contact: Contact) -> None:
    if document.type not in GUEST_TYPES:
        raise Conflict(str(_l("Only a quotation can be sent to a guest.")),
                       allowed_actions=[])
    partner = contact.entry.partner_company_id
    if document.recipient_company_id is not None and partner != document.recipient_company_id:
        raise ValidationFailed(errors={"contact_id": [str(_l(
            "%(name)s is not a contact of the company this quotation is addressed to.",
            name=contact.full_name))]})
    if document.status not in (engine.DRAFT, engine.SENT):
        raise Conflict(str(_l("A quotation that is %(status)s is not sent to a guest.",
                              status=doctypes.status_word(document.status))),
                       allowed_actions=[])
    if document.valid_until is not None and document.valid_until < utcnow().date():
        raise Conflict(str(_l("This quotation was valid until %(date)s; revise it first.",
                              date=document.valid_until.isoformat())), allowed_actions=[])


def _send_first(document: Document, actor: Actor, contact: Contact) -> None:
    """A draft goes out with its guest link: to its recipient company through the
    engine, or — addressed to no company — sent to the guest alone."""
    if document.status != engine.DRAFT:
        return
    if document.recipient_company_id is not None:
        engine.perform(document, "send", actor)
    else:
        actor.company.ensure_can_trade()
        if approvals.matching_rule(actor.company.id, document, approvals.SEND) is not None:
            raise Conflict(str(_l("Your company's approval rules hold this quotation: send "
                                  "it for approval, then send it to the guest.")),
                           allowed_actions=engine.allowed_actions(document, actor))
        document.status, document.sent_at = engine.SENT, utcnow()
        engine.record(document, "send", engine.DRAFT, actor, _guest_label(contact.full_name,
                                                                         contact.email))
    if document.status != engine.SENT:  # held for the sender's approvals
        raise Conflict(str(_l("This quotation waits for your company's approval; send the "
                              "link once it is approved.")),
                       allowed_actions=engine.allowed_actions(document, actor))


def _expiry(document: Document) -> datetime:
    expires = utcnow() + current_app.config["GUEST_LINK_LIFETIME"]
    if document.valid_until is not None:
        end_of_validity = datetime.combine(document.valid_until + timedelta(days=1), time(),
                                           tzinfo=UTC)
        expires = min(expires, end_of_validity)
    return expires


def _guest_label(name: str, email: str) -> str:
    return f"{name} <{email}>"[:300]


def create_guest_link(document: Document, actor: Actor, contact_id: int,
                      message: str | None = None) -> tuple[GuestLink, str]:
    """Send ``document`` (the actor's company's own quotation) to an address-book
    contact: a link opening it alone, and a mail with the .docx and PDF attached. A
    draft is sent with it. Returns the link and its URL (the token is not kept)."""
    contact = _contact_of(actor, contact_id)
    _check_sendable(document, contact)
    if message is not None and len(message) > MAX_MESSAGE:
        raise ValidationFailed(errors={"message": [str(_l("At most %(n)d characters.",
                                                          n=MAX_MESSAGE))]})
    _send_first(document, actor, contact)
    token = secrets.token_urlsafe(32)
    link = GuestLink(company_id=actor.company.id, document_id=document.id,
                     contact_id=contact.id, name=contact.full_name, email=contact.email,
                     token_hash=token_hash(token), expires_at=_expiry(document),
                     created_by_id=actor.user.id if actor.user else None)
    db.session.add(link)
    db.session.flush()
    _history(document, "guest_link", actor=actor, comment=_guest_label(link.name, link.email))
    record_audit("guest_link.create", link, changes={"document_id": [None, document.id],
                                                     "email": [None, link.email]})
    url = guest_url(document.id, token)
    outbox.enqueue("trading.guest_link_mail", link_id=link.id, url=url,
                   language=str(get_locale() or "en"), message=message or "")
    return link, url


def revoke_guest_link(link: GuestLink, actor: Actor) -> GuestLink:
    """The link opens nothing from now on (revoking twice changes nothing)."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        _history(link.document, "guest_link_revoked", actor=actor,
                 comment=_guest_label(link.name, link.email))
        record_audit("guest_link.revoke", link)
        db.session.flush()
    return link


# ----- the guest --------------------------------------------------------------------------------


def open_link(document_id: int, token: str) -> GuestLink:
    """The link of this token for this document: NotFound when there is none (a token
    changed by a single character, another document's id), LinkGone when it was
    revoked or has expired. Nothing of the document is given in either case."""
    link = db.session.scalar(select(GuestLink).where(GuestLink.token_hash == token_hash(token)))
    if link is None or link.document_id != document_id:
        raise NotFound(str(_l("This link is not valid. Check that it was copied whole.")))
    if link.revoked_at is not None:
        raise LinkGone(str(_l("The sender withdrew this link.")), reason="revoked")
    if link.expired():
        raise LinkGone(str(_l("This link expired on %(date)s.",
                              date=link.expires_at.date().isoformat())), reason="expired")
    return link


def note_view(link: GuestLink) -> None:
    """The guest opened the page (the first time is kept, for the issuer to see)."""
    if link.first_viewed_at is None:
        link.first_viewed_at = utcnow()
        db.session.flush()


def _answerable(link: GuestLink) -> Document:
    document = link.document
    if document.status != engine.SENT:
        raise Conflict(str(_l("This quotation is %(status)s: it can no longer be answered "
                              "here.", status=doctypes.status_word(document.status))),
                       allowed_actions=[])
    return document


def accept_as_guest(link: GuestLink, comment: str | None = None) -> Document:
    """The guest accepts the quotation: recorded on the document as by the guest (not a
    member), the issuer told, and the guest's company invited to register."""
    document = _answerable(link)
    if document.valid_until is not None and document.valid_until < utcnow().date():
        raise Conflict(str(_l("This offer was valid until %(date)s; ask for a revised one.",
                              date=document.valid_until.isoformat())), allowed_actions=[])
    _check_comment(comment, "comment")
    document.status = engine.ACCEPTED
    link.accepted_at = utcnow()
    _history(document, "accept", from_status=engine.SENT, comment=comment or None,
             guest=link)
    record_audit("guest_link.accept", link)
    _tell_issuer(link, "document.guest_accepted",
                 N_("%(name)s (a guest, not a member) accepted %(type)s %(number)s."))
    outbox.enqueue("trading.guest_accepted_mail", link_id=link.id,
                   register_url=registration_url(link), language=str(get_locale() or "en"))
    db.session.flush()
    return document


def ask_for_change(link: GuestLink, message: str) -> None:
    """The guest's request for a change: a message to the issuer (bell and mail), kept
    in the document's history; the quotation stays as sent, for a revised one."""
    _answerable(link)
    message = (message or "").strip()
    if not message:
        raise ValidationFailed(errors={"message": [str(_l("Say what should change."))]})
    _check_comment(message, "message")
    _history(link.document, "change_requested", comment=message, guest=link)
    _tell_issuer(link, "document.guest_change_requested",
                 N_("%(name)s (a guest) asks for a change to %(type)s %(number)s: "
                    "“%(message)s”"), message=message[:300])
    db.session.flush()


def _check_comment(text: str | None, field: str) -> None:
    if text is not None and len(text) > MAX_MESSAGE:
        raise ValidationFailed(errors={field: [str(_l("At most %(n)d characters.",
                                                      n=MAX_MESSAGE))]})


def _history(document: Document, action: str, *, actor: Actor | None = None,
             from_status: str | None = None, comment: str | None = None,
             guest: GuestLink | None = None) -> DocumentEvent:
    """A history row: by a member (``actor``) or by the guest, named (no member acts)."""
    event = DocumentEvent(
        document=document, action=action, from_status=from_status or document.status,
        to_status=document.status, comment=comment,
        actor_id=actor.user.id if actor is not None and actor.user else None,
        actor_company_id=actor.company.id if actor is not None else None,
        actor_name=_guest_label(guest.name, guest.email) if guest is not None else None)
    db.session.add(event)
    db.session.flush()
    return event


def _tell_issuer(link: GuestLink, event: str, text: str, **params) -> None:
    document = link.document
    # Unread again for the issuer: the guest's answer is news in its outbox.
    party = parties.party_of(document, document.issuer_company_id)
    if party is not None:
        party.read_at = None
    notify(event, company_id=document.issuer_company_id,
           user_ids=[link.created_by_id] if link.created_by_id else None, message=text,
           params={"name": link.name, "type": N_(doctypes.get(document.type).title),
                   "number": document.number, **params},
           link=portal_link(document), payload={**payload_of(document, event),
                                                "guest_email": link.email})


def registration_url(link: GuestLink) -> str:
    """Registration with the guest's company and name filled in (the address book's)."""
    entry = link.contact.entry if link.contact is not None else None
    values = {"company_name": entry.name if entry else "", "full_name": link.name,
              "email": link.email, "country": (entry.country or "") if entry else "",
              "roles": "buyer"}
    return absolute_url(url_for("infrastructure.register") + "?" + urlencode(
        {key: value for key, value in values.items() if value}))

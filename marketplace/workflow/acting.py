"""Who is acting on a document and the record of what they did: the statuses the engine
itself knows, each party's side, the history row and ``document_transitioned`` every
action ends with, and the text a box search looks in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from marketplace.core.errors import Forbidden, NotFound
from marketplace.core.signals import document_transitioned
from marketplace.extensions import db
from marketplace.infrastructure.models import Company
from marketplace.workflow.doctypes import ISSUER, RECIPIENT
from marketplace.workflow.models import Document, DocumentEvent

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

DRAFT, PENDING_APPROVAL, SENT, ACCEPTED = "draft", "pending_approval", "sent", "accepted"
ENGINE_ACTIONS = ("approve", "reject")
# Who may see what an action did: these are one party's own business.
PRIVATE_ACTIONS = ("forward", "archive")


def company_id_of(actor: Actor) -> int:
    if actor.company is None:
        raise Forbidden(_("Only a member of a company (or its API key) acts on documents."))
    return actor.company.id


def side_of(document: Document, actor: Actor) -> str | None:
    """ISSUER, RECIPIENT or None (a stranger: the document is not there for them)."""
    company_id = actor.company.id if actor.company else None
    if company_id is None:
        return None
    if company_id == document.issuer_company_id:
        return ISSUER
    if company_id == document.recipient_company_id and document.sent_at is not None:
        return RECIPIENT
    return None


def party_side(document: Document, actor: Actor) -> str:
    side = side_of(document, actor)
    if side is None:
        raise NotFound(_("Document %(id)s was not found.", id=document.id))
    return side




def index_for_search(document: Document) -> None:
    """Refresh the text a box search looks in (see ``Document.search_text``)."""
    company_ids = [i for i in (document.issuer_company_id, document.recipient_company_id,
                               *(document.extras or {}).get("recipient_company_ids", [])) if i]
    # The parties were mostly read already (the actor's company, the recipient checked):
    # their names come from the session, and only the others from the database.
    names, missing = [], []
    for company_id in company_ids:
        known = db.session.identity_map.get(identity_key(Company, company_id))
        if known is not None and "name" in known.__dict__:
            names.append(known.name)
        else:
            missing.append(company_id)
    if missing:
        with db.session.no_autoflush:  # the edit being made is flushed once, as one version
            companies = list(db.session.scalars(select(Company).where(
                Company.id.in_(missing))))
        names += [company.name for company in companies]
        # The answer shows the parties: the ones just read need not be read again.
        for company in companies:
            for side in ("issuer", "recipient"):
                if getattr(document, f"{side}_company_id") == company.id \
                        and side not in document.__dict__:
                    set_committed_value(document, side, company)
    words = [document.number, document.subject or "", *names]
    words += [f"{line.description} {line.sku or ''}" for line in document.lines]
    document.search_text = "\n".join(words).lower()


def record(document: Document, action: str, from_status: str | None, actor: Actor,
            comment: str | None = None) -> DocumentEvent:
    event = DocumentEvent(document=document, action=action, from_status=from_status,
                          to_status=document.status,
                          actor_id=actor.user.id if actor.user else None,
                          actor_company_id=actor.company.id if actor.company else None,
                          comment=comment)
    db.session.add(event)
    # Flushed once, after the listeners: what they add (the notification, its mail's
    # outbox row, a job) goes in the same flush as the change; a listener's query sees
    # the change through autoflush as before.
    document_transitioned.send(document, action=action, from_status=from_status,
                               to_status=document.status, actor=actor)
    db.session.flush()
    return event

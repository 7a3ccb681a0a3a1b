"""Each party's own state of a document (folder, tags, read, archived), apart from the
shared workflow status. The boxes (inbox, outbox, drafts, archive) are queries over it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core.errors import ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.workflow import made
from marketplace.workflow.models import Document, DocumentParty

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

MAX_TAGS, MAX_TAG_LENGTH, MAX_FOLDER_LENGTH = 20, 40, 60


def party_of(document: Document, company_id: int) -> DocumentParty | None:
    # One row per document and company (a unique key): one the session holds (read with
    # its document, see made.hold) is the row, and needs no read.
    held = made.rows_in_session(DocumentParty, document_id=document.id, company_id=company_id)
    if held:
        return held[0]
    return db.session.scalar(select(DocumentParty).where(
        DocumentParty.document_id == document.id, DocumentParty.company_id == company_id))


def ensure_party(document: Document, company_id: int, role: str, *,
                 flush: bool = True, new: bool = False) -> DocumentParty:
    """The company's party row of the document, made when missing; ``new``: the caller
    knows there is none yet (a document just made, a first delivery), so none is read."""
    party = party_of(document, company_id) if document.id and not new else None
    if party is None:
        party = DocumentParty(document=document, company_id=company_id, role=role, tags=[],
                              archived=False)
        db.session.add(party)
        if flush:
            db.session.flush()
    return party


def mark_read(document: Document, actor: Actor) -> None:
    """Opened by one of the party's members (not a partner system): read for the party."""
    if actor.company is None or actor.user is None:
        return
    party = party_of(document, actor.company.id)
    if party is not None and party.read_at is None:
        party.read_at = utcnow()
        db.session.flush()


def _clean_tags(tags: list[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if not tag or len(tag) > MAX_TAG_LENGTH:
            raise ValidationFailed(errors={"tags": [str(_l(
                "A tag holds 1 to %(n)d characters.", n=MAX_TAG_LENGTH))]})
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed(errors={"tags": [str(_l("At most %(n)d tags.", n=MAX_TAGS))]})
    return cleaned


def update_party_state(document: Document, actor: Actor, values: dict) -> DocumentParty:
    """Change the acting company's folder, tags, read or archived state of a document
    (only the keys given); the other party sees none of it."""
    company_id = actor.company.id
    role = "issuer" if company_id == document.issuer_company_id else "recipient"
    party = party_of(document, company_id) or ensure_party(document, company_id, role)
    if "folder" in values:
        folder = (values["folder"] or "").strip() or None
        if folder and len(folder) > MAX_FOLDER_LENGTH:
            raise ValidationFailed(errors={"folder": [str(_l(
                "At most %(n)d characters.", n=MAX_FOLDER_LENGTH))]})
        party.folder = folder
    if "tags" in values:
        party.tags = _clean_tags(values["tags"])
    if "read" in values:
        party.read_at = (party.read_at or utcnow()) if values["read"] else None
    if "archived" in values:
        party.archived = bool(values["archived"])
    db.session.flush()
    return party

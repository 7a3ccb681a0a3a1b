"""Trade document reads, scoped to the acting company: the boxes, one document, its
history, and the company's document settings."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.core.errors import NotFound
from marketplace.core.pagination import Page
from marketplace.extensions import db
from marketplace.workflow import engine
from marketplace.workflow.models import (
    ApprovalRule,
    DispatchGroup,
    DispatchRule,
    Document,
    DocumentEvent,
    DocumentParty,
)

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

BOXES = ("inbox", "outbox", "drafts", "archive")


def _not_found(document_id: int) -> NotFound:
    return NotFound(str(_l("Document %(id)s was not found.", id=document_id)))


def visible_document(document_id: int, actor: Actor) -> Document:
    """The document if the actor's company is a party to it (the recipient only once
    it was sent); NotFound for anyone else, operators included: trade is private."""
    if actor.company is None:
        raise _not_found(document_id)
    document = db.session.scalar(
        select(Document).where(Document.id == document_id,
                               Document.visible_to(actor.company.id))
        .options(selectinload(Document.lines), joinedload(Document.issuer),
                 joinedload(Document.recipient), joinedload(Document.assigned_to)))
    if document is None:
        raise _not_found(document_id)
    return document


def _search(stmt: Select, q: str) -> Select:
    """Documents whose number, subject, party names or lines hold ``q`` (any case)."""
    escaped = q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return stmt.where(Document.search_text.like(f"%{escaped}%", escape="\\"))


def box_statement(box: str, company_id: int, *, type: str | None = None,  # noqa: A002
                  status: str | None = None, q: str | None = None, folder: str | None = None,
                  tag: str | None = None, assigned_to_id: int | None = None) -> Select:
    """(Document, DocumentParty) rows of a box, newest first. The company's party row
    is the entry point (indexed by company, role, archived), so a box reads only its
    own company's rows."""
    stmt = (select(Document, DocumentParty)
            .join(DocumentParty, DocumentParty.document_id == Document.id)
            .where(DocumentParty.company_id == company_id))
    if box == "archive":
        stmt = stmt.where(DocumentParty.archived.is_(True))
    else:
        stmt = stmt.where(DocumentParty.archived.is_(False))
        role = "recipient" if box == "inbox" else "issuer"
        stmt = stmt.where(DocumentParty.role == role)
        if box == "drafts":
            stmt = stmt.where(Document.status == engine.DRAFT)
        elif box == "outbox":
            stmt = stmt.where(Document.status != engine.DRAFT)
    if type:
        stmt = stmt.where(Document.type == type)
    if status:
        stmt = stmt.where(Document.status == status)
    if folder:
        stmt = stmt.where(DocumentParty.folder == folder)
    if tag:
        stmt = stmt.where(_has_tag(tag))
    if assigned_to_id:
        stmt = stmt.where(Document.assigned_to_id == assigned_to_id)
    if q and q.strip():
        stmt = _search(stmt, q)
    return stmt.order_by(DocumentParty.document_id.desc())


def documents_in_box(box: str, *, actor: Actor, type: str | None = None,  # noqa: A002
                     status: str | None = None, q: str | None = None,
                     folder: str | None = None, tag: str | None = None, mine: bool = False,
                     page: int = 1, per_page: int = 20) -> Page:
    """A page of ``(document, party)`` pairs of the actor's company's box; ``mine``:
    only those assigned to the acting member."""
    if actor.company is None or (mine and actor.user is None):
        return Page(items=[], total=0, page=page, per_page=per_page)
    assigned = actor.user.id if mine else None
    stmt = box_statement(box, actor.company.id, type=type, status=status, q=q, folder=folder,
                         tag=tag, assigned_to_id=assigned)
    filters_documents = bool(type or status or assigned or (q and q.strip()))
    total = _count(stmt, box, filters_documents, actor.company.id, folder, tag)
    rows = db.session.execute(stmt.options(joinedload(Document.issuer),
                                           joinedload(Document.recipient),
                                           joinedload(Document.assigned_to))
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=[tuple(row) for row in rows], total=total or 0, page=page,
                per_page=per_page)


def _count(stmt: Select, box: str, filters_documents: bool, company_id: int, folder,
           tag) -> int:
    if box in ("inbox", "archive") and not filters_documents:
        # Nothing asks about the documents themselves: count the party rows alone, on
        # their index, without reading a document (a big inbox counts in milliseconds).
        return db.session.scalar(_without_documents(box, company_id, folder, tag)) or 0
    return db.session.scalar(select(func.count()).select_from(
        stmt.order_by(None).subquery())) or 0


def _without_documents(box: str, company_id: int, folder, tag) -> Select:
    stmt = select(func.count(DocumentParty.id)).where(DocumentParty.company_id == company_id)
    if box == "archive":
        stmt = stmt.where(DocumentParty.archived.is_(True))
    else:
        stmt = stmt.where(DocumentParty.archived.is_(False), DocumentParty.role == "recipient")
    if folder:
        stmt = stmt.where(DocumentParty.folder == folder)
    if tag:
        stmt = stmt.where(_has_tag(tag))
    return stmt


def _has_tag(tag: str):
    # Tags are a JSON list: its text holds the tag in quotes ("hot" in ["hot", "new"]).
    return func.lower(func.cast(DocumentParty.tags, db.String)).like(f'%"{tag.lower()}"%')


def unread_count(actor: Actor) -> int:
    """Documents in the actor's company's inbox that none of its members opened yet."""
    if actor.company is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(DocumentParty).where(
        DocumentParty.company_id == actor.company.id, DocumentParty.role == "recipient",
        DocumentParty.archived.is_(False), DocumentParty.read_at.is_(None))) or 0


def box_counts(actor: Actor) -> dict[str, int]:
    """What waits for the actor's company: unread in the inbox, assigned to the acting
    member and not yet read, drafts, and documents waiting for its approval."""
    from marketplace.workflow.models import DocumentApproval

    company_id = actor.company.id
    mine = 0
    if actor.user is not None:
        mine = db.session.scalar(select(func.count()).select_from(DocumentParty).join(
            Document, Document.id == DocumentParty.document_id).where(
            DocumentParty.company_id == company_id, DocumentParty.role == "recipient",
            DocumentParty.archived.is_(False), DocumentParty.read_at.is_(None),
            Document.assigned_to_id == actor.user.id)) or 0
    drafts = db.session.scalar(select(func.count()).select_from(DocumentParty).join(
        Document, Document.id == DocumentParty.document_id).where(
        DocumentParty.company_id == company_id, DocumentParty.role == "issuer",
        DocumentParty.archived.is_(False), Document.status == engine.DRAFT)) or 0
    waiting = db.session.scalar(select(func.count(func.distinct(
        DocumentApproval.document_id))).where(
        DocumentApproval.company_id == company_id, DocumentApproval.closed.is_(False),
        DocumentApproval.status == "pending")) or 0
    return {"unread": unread_count(actor), "unread_assigned_to_me": mine, "drafts": drafts,
            "waiting_for_approval": waiting}


# A company's approval chain is its own business: the other party never sees the
# requests, rejections or approvers' comments ("price too low, push them"), only the step
# that moved the document on, as the send or accept it completes.
APPROVAL_ACTIONS = ("request_approval", "approve", "reject")
COMPLETES = {"sent": "send", "accepted": "accept"}


def history(document: Document, actor: Actor) -> list[DocumentEvent | SimpleNamespace]:
    """Every state change in order; a party's own forwards and archiving only to it, and
    its approvals as above."""
    company_id = actor.company.id
    events = db.session.scalars(
        select(DocumentEvent).where(DocumentEvent.document_id == document.id, or_(
            DocumentEvent.action.not_in(engine.PRIVATE_ACTIONS),
            DocumentEvent.actor_company_id == company_id))
        .options(joinedload(DocumentEvent.actor)).order_by(DocumentEvent.id))
    seen = (_as_seen_by(event, company_id) for event in events)
    return [event for event in seen if event is not None]


def _as_seen_by(event: DocumentEvent, company_id: int) -> DocumentEvent | SimpleNamespace | None:
    if event.actor_company_id == company_id:
        return event
    if event.to_status == engine.PENDING_APPROVAL:  # the send held by the sender's chain
        return None
    if event.action not in APPROVAL_ACTIONS:
        return event
    completed = COMPLETES.get(event.to_status)
    if event.action != "approve" or event.from_status == event.to_status or not completed:
        return None
    # A stand-in, never the row itself: the session must not write these changes back.
    # The send the sender's last approval completed reads, as for any other, draft → sent.
    from_status = engine.DRAFT if event.from_status == engine.PENDING_APPROVAL \
        else event.from_status
    return SimpleNamespace(id=event.id, action=completed, from_status=from_status,
                           to_status=event.to_status, actor=event.actor,
                           actor_company_id=event.actor_company_id, at=event.at, comment=None)


def thread(document: Document, actor: Actor) -> list[Document]:
    """The negotiation this document belongs to, oldest first, as far as the actor sees."""
    return list(db.session.scalars(
        select(Document).where(Document.thread_id == document.thread_id,
                               Document.visible_to(actor.company.id)).order_by(Document.id)))


def party_state(document: Document, actor: Actor) -> DocumentParty | None:
    if actor.company is None:
        return None
    return db.session.scalar(select(DocumentParty).where(
        DocumentParty.document_id == document.id,
        DocumentParty.company_id == actor.company.id))


# ----- settings ---------------------------------------------------------------------------


def approval_rules(company_id: int) -> list[ApprovalRule]:
    return list(db.session.scalars(select(ApprovalRule).where(
        ApprovalRule.company_id == company_id).options(selectinload(ApprovalRule.steps))
        .order_by(ApprovalRule.type, ApprovalRule.direction, ApprovalRule.position,
                  ApprovalRule.id)))


def dispatch_rules(company_id: int) -> list[DispatchRule]:
    return list(db.session.scalars(select(DispatchRule).where(
        DispatchRule.company_id == company_id).order_by(DispatchRule.position,
                                                        DispatchRule.id)))


def dispatch_groups(company_id: int) -> list[DispatchGroup]:
    return list(db.session.scalars(select(DispatchGroup).where(
        DispatchGroup.company_id == company_id).order_by(DispatchGroup.id)))


def own_setting(model, ident: int, company_id: int):
    row = db.session.scalar(select(model).where(model.id == ident,
                                                model.company_id == company_id))
    if row is None:
        raise NotFound(str(_l("%(what)s %(id)s was not found.", what=model.__label__,
                              id=ident)))
    return row


# ----- what the API and the portal show ---------------------------------------------------


def _user_ref(user) -> dict | None:
    return None if user is None else {"id": user.id, "full_name": user.full_name}


def party_dict(party: DocumentParty | None) -> dict | None:
    if party is None:
        return None
    return {"folder": party.folder, "tags": list(party.tags or []),
            "read": party.read_at is not None, "archived": party.archived}


def document_summary(document: Document, party: DocumentParty | None,
                     actor: Actor) -> dict:
    """A document as a box lists it, from the actor's side."""
    is_recipient = actor.company is not None and actor.company.id == document.recipient_company_id
    return {
        "id": document.id, "type": document.type, "number": document.number,
        "status": document.status, "version": document.version, "subject": document.subject,
        "issuer": document.issuer, "recipient": document.recipient,
        "parent_id": document.parent_id, "thread_id": document.thread_id,
        "currency": document.currency, "total": document.total_amount,
        "assigned_to": _user_ref(document.assigned_to) if is_recipient else None,
        "sent_at": document.sent_at, "created_at": document.created_at,
        "updated_at": document.updated_at, "party": party_dict(party),
    }


def document_details(document: Document, actor: Actor) -> dict:
    """Everything about one document the actor's company may know."""
    from marketplace.workflow import approvals

    company_id = actor.company.id
    steps = approvals.round_of(document, company_id)
    invitations = []
    if document.issuer_company_id == company_id and (document.extras or {}).get(
            "recipient_company_ids"):
        invitations = list(db.session.scalars(select(Document).where(
            Document.parent_id == document.id, Document.type == document.type)
            .options(joinedload(Document.recipient)).order_by(Document.id)))
    return {
        **document_summary(document, party_state(document, actor), actor),
        "recipient_company_ids": list((document.extras or {}).get("recipient_company_ids", []))
        if document.issuer_company_id == company_id else [],
        **{name: getattr(document, name) for name in (
            "incoterm", "incoterm_place", "payment_terms", "valid_until", "delivery_date",
            "port_of_loading", "port_of_discharge", "notes")},
        "extras": {key: value for key, value in (document.extras or {}).items()
                   if key not in engine.RESERVED_EXTRAS and key != "attachments"},
        "attachments": attachments(document),
        "created_by": _user_ref(document.created_by)
        if document.issuer_company_id == company_id else None,
        "lines": document.lines,
        "totals": {"total": document.total_amount, "currency": document.currency,
                   "lines": len(document.lines)},
        "allowed_actions": engine.allowed_actions(document, actor),
        "acceptance_pending": any(s.direction == approvals.ACCEPT and not s.closed
                                  for s in steps),
        "approvals": [{"direction": s.direction, "position": s.position, "role": s.role,
                       "status": s.status, "decided_by": _user_ref(s.decided_by),
                       "decided_at": s.decided_at, "comment": s.comment} for s in steps],
        "invitations": invitations,
    }


def attachment(document: Document, media_id: int):
    """The stored file of one of the document's attachments (the document is already
    visible to the actor); NotFound for a file the document does not list."""
    from marketplace.content.models import MediaFile

    listed = any(item.get("id") == media_id
                 for item in (document.extras or {}).get("attachments") or [])
    media = db.session.get(MediaFile, media_id) if listed else None
    if media is None or media.company_id != document.issuer_company_id:
        raise NotFound(str(_l("Attachment %(id)s was not found.", id=media_id)))
    return media


def attachments(document: Document) -> list[dict]:
    """The document's attachments, each with the API url that downloads it."""
    from flask import url_for

    return [{**item, "url": url_for("trading_api.get_attachment", document_id=document.id,
                                    media_id=item["id"])}
            for item in (document.extras or {}).get("attachments") or []]


# ----- the personal office's work items ------------------------------------------------------


def _for_member(actor: Actor):
    """Documents in the member's charge: assigned to them, or to nobody yet."""
    return or_(Document.assigned_to_id.is_(None), Document.assigned_to_id == actor.user.id)


def inquiries_waiting(actor: Actor, limit: int = 100) -> list[Document]:
    """Inquiries the member's company received and has not yet quoted (no quotation of
    its own sent in the inquiry's thread), oldest first. crm ages them against the
    buyer's segment's response target, so the work item is made there."""
    if actor.company is None or actor.user is None or not actor.can("documents.edit"):
        return []
    from sqlalchemy.orm import aliased

    quotation = aliased(Document)
    quoted = select(quotation.id).where(
        quotation.type == "quotation", quotation.issuer_company_id == actor.company.id,
        quotation.sent_at.is_not(None), quotation.thread_id == Document.thread_id).exists()
    return list(db.session.scalars(
        select(Document).where(Document.type == "inquiry", Document.status == "sent",
                               Document.recipient_company_id == actor.company.id,
                               _for_member(actor), ~quoted)
        .options(joinedload(Document.issuer)).order_by(Document.sent_at).limit(limit)))


def _work_items(actor: Actor):
    """Purchase orders to accept and approvals waiting for this member."""
    from flask import url_for

    from marketplace.infrastructure.office import WorkItem

    if actor.company is None or actor.user is None:
        return []
    link = lambda document: url_for("trading.document_page", document_id=document.id)  # noqa: E731
    items = []
    if actor.can("documents.edit"):
        for document in _purchase_orders_to_accept(actor):
            items.append(WorkItem(
                kind="purchase_order_to_accept", title=document.number, link=link(document),
                since=document.sent_at, document_id=document.id, detail=document.issuer.name))
    if actor.can("documents.approve"):
        for document, step in _approvals_waiting(actor):
            items.append(WorkItem(
                kind="approval_waiting", title=document.number, link=link(document),
                since=_requested_at(document, step), document_id=document.id,
                detail=(document.recipient or document.issuer).name
                if document.issuer_company_id == actor.company.id else document.issuer.name))
    return items


def _purchase_orders_to_accept(actor: Actor) -> list[Document]:
    from marketplace.workflow.models import DocumentApproval

    waiting_approval = select(DocumentApproval.id).where(
        DocumentApproval.document_id == Document.id, DocumentApproval.closed.is_(False),
        DocumentApproval.company_id == actor.company.id).exists()
    return list(db.session.scalars(
        select(Document).where(Document.type == "purchase_order", Document.status == "sent",
                               Document.recipient_company_id == actor.company.id,
                               _for_member(actor), ~waiting_approval)
        .options(joinedload(Document.issuer)).order_by(Document.sent_at).limit(100)))


def _approvals_waiting(actor: Actor) -> list:
    """The open approval steps of the member's company this member may decide now: the
    first pending step of its round, for their role (an admin stands in for any)."""
    from marketplace.workflow import approvals
    from marketplace.workflow.models import DocumentApproval

    steps = db.session.execute(
        select(DocumentApproval, Document)
        .join(Document, Document.id == DocumentApproval.document_id)
        .where(DocumentApproval.company_id == actor.company.id,
               DocumentApproval.closed.is_(False), DocumentApproval.status == "pending")
        .options(joinedload(Document.issuer), joinedload(Document.recipient))
        .order_by(DocumentApproval.document_id, DocumentApproval.position).limit(200)).all()
    first: dict[tuple, tuple] = {}
    for step, document in steps:
        first.setdefault((document.id, step.direction), (document, step))
    return [(document, step) for document, step in first.values()
            if approvals.may_decide(step, document, actor) is None]


def _requested_at(document: Document, step):
    """When the approval was asked for: the document's last event, else its creation."""
    at = db.session.scalar(select(func.max(DocumentEvent.at))
                           .where(DocumentEvent.document_id == document.id))
    if isinstance(at, str):  # MAX() over SQLite loses the column's type
        from datetime import datetime

        at = datetime.fromisoformat(at)
    if at is not None and at.tzinfo is None:
        from datetime import UTC

        at = at.replace(tzinfo=UTC)
    return at or document.created_at


def _register_work_items() -> None:
    from marketplace.infrastructure.office import register_work_items

    register_work_items(_work_items)


_register_work_items()

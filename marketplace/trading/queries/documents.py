"""Trade document reads, scoped to the acting company: the boxes, one document, its
history and thread, the party's own state, and the document as the API and the portal
show it."""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, column, func, literal_column, or_, select, table
from sqlalchemy.orm import joinedload, selectinload

from marketplace.core import slots
from marketplace.core.errors import NotFound
from marketplace.core.pagination import (
    Page,
    capped_count,
    count_cap,
    decode_cursor,
    encode_cursor,
)
from marketplace.extensions import db
from marketplace.trading.queries.attachments import attachments
from marketplace.trading.queries.related import related
from marketplace.workflow import dispatch, engine, made, parties
from marketplace.workflow.models import (
    SQLITE_SEARCH_TABLE,
    ApprovalRule,
    Document,
    DocumentApproval,
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
    row = db.session.execute(_visible_statement(), {"document_id": document_id,
                                                    "company_id": actor.company.id}).first()
    if row is None:
        raise _not_found(document_id)
    document, party, has_steps, has_rules, *ahead = row
    dispatch.note_read_ahead(document.recipient_company_id, *ahead)
    if party is not None:
        made.hold(party)
    if not has_steps:
        made.note_absent(DocumentApproval, document_id=document.id, company_id=actor.company.id)
    if not has_rules:
        made.note_absent(ApprovalRule, company_id=actor.company.id, type=document.type)
    return document


@functools.cache
def _visible_statement() -> Select:
    """Built once with the ids bound at each run: every call on one document asks, and
    building it with its loads cost more CPU than running it. The company's party row
    comes with it (into the session, where ``party_state`` finds it), whether the
    company has approval steps on it and approval rules for its type (most documents and
    companies have none; then neither is read), and for a draft who at its recipient
    would take it (``dispatch.read_ahead_columns``, asked by its send): reads fewer in
    every action and answer on one document."""
    company = bindparam("company_id")
    has_steps = select(DocumentApproval.id).where(
        DocumentApproval.document_id == Document.id,
        DocumentApproval.company_id == company).exists()
    has_rules = select(ApprovalRule.id).where(ApprovalRule.company_id == company,
                                              ApprovalRule.type == Document.type).exists()
    return (select(Document, DocumentParty, has_steps.label("has_steps"),
                   has_rules.label("has_rules"), *dispatch.read_ahead_columns())
            .outerjoin(DocumentParty, (DocumentParty.document_id == Document.id)
                       & (DocumentParty.company_id == company))
            .where(Document.id == bindparam("document_id"), Document.visible_to(company))
            .options(selectinload(Document.lines), joinedload(Document.issuer),
                     joinedload(Document.recipient), joinedload(Document.assigned_to)))


def is_issuer(document: Document, actor: Actor) -> bool:
    """True when the actor's company issued the document (its own, not a received one)."""
    return actor.company is not None and document.issuer_company_id == actor.company.id


def issued_document(document_id: int, actor: Actor) -> Document:
    """One of the actor's company's own documents (for its editor); a received document
    is not found here, as if it did not exist."""
    document = visible_document(document_id, actor)
    if not is_issuer(document, actor):
        raise _not_found(document_id)
    return document


_sqlite_search = table(SQLITE_SEARCH_TABLE, column("rowid"))


def _search(stmt: Select, q: str) -> Select:
    """Documents whose number, subject, party names or lines hold ``q`` (any case).
    PostgreSQL answers the LIKE through its trigram indexes; SQLite, for three characters
    or more, through its FTS5 trigram table (a phrase of the text's trigrams: the same
    substring match), and reads the box for a shorter one."""
    wanted = q.strip().lower()
    if len(wanted) >= 3 and db.session.get_bind().dialect.name == "sqlite":
        phrase = '"' + wanted.replace('"', '""') + '"'
        return stmt.where(Document.id.in_(
            select(_sqlite_search.c.rowid).where(
                literal_column(SQLITE_SEARCH_TABLE).op("MATCH")(phrase))))
    escaped = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
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
        # Always true of the box's rows (a received document's recipient, an issued
        # one's issuer): said so the search runs on the company's own trigram index
        # (PostgreSQL, migration w3lists) rather than over every company's documents.
        if box == "inbox":
            stmt = stmt.where(Document.recipient_company_id == company_id)
        elif box in ("outbox", "drafts"):
            stmt = stmt.where(Document.issuer_company_id == company_id)
    return stmt.order_by(DocumentParty.document_id.desc())


def documents_in_box(box: str, *, actor: Actor, type: str | None = None,  # noqa: A002
                     status: str | None = None, q: str | None = None,
                     folder: str | None = None, tag: str | None = None, mine: bool = False,
                     page: int = 1, per_page: int = 20, after: str | None = None) -> Page:
    """A page of ``(document, party)`` pairs of the actor's company's box; ``mine``:
    only those assigned to the acting member; ``after``: the page after that cursor
    (core/pagination.py) instead of ``page``."""
    if actor.company is None or (mine and actor.user is None):
        return Page(items=[], total=0, page=page, per_page=per_page)
    assigned = actor.user.id if mine else None
    stmt = box_statement(box, actor.company.id, type=type, status=status, q=q, folder=folder,
                         tag=tag, assigned_to_id=assigned)
    filters_documents = bool(type or status or assigned or (q and q.strip()))
    counted = _count_statement(stmt, box, filters_documents, actor.company.id, folder, tag)
    if counted is stmt and decode_cursor(after) is None and page * per_page <= count_cap():
        return _page_and_count(stmt, actor.company.id, page, per_page,
                               searching=bool(q and q.strip()))
    return _page_of(stmt, counted, page, per_page, after)


def assigned_in_inbox(actor: Actor, *, page: int, per_page: int, after: str | None = None,
                      **filters) -> Page:
    """The inbox's ``(document, party)`` rows assigned to the acting member (dispatch or
    a colleague's forward), with the inbox's own filters."""
    stmt = box_statement("inbox", actor.company.id, **filters).where(
        Document.assigned_to_id == actor.user.id)
    return _page_of(stmt, stmt, page, per_page, after)


def _page_of(stmt: Select, counted: Select, page: int, per_page: int,
             after: str | None) -> Page:
    """One page of a box, newest first: from the cursor ``after`` when given (a keyset
    on the party's document id, the index's last column), else by ``page``; the total
    counted up to the cap; ``next`` when a page follows."""
    total, capped = capped_count(counted)
    key = decode_cursor(after)
    if key is not None:
        stmt = stmt.where(DocumentParty.document_id < key)
    else:
        stmt = stmt.offset((page - 1) * per_page)
    rows = db.session.execute(stmt.options(joinedload(Document.issuer),
                                           joinedload(Document.recipient),
                                           joinedload(Document.assigned_to))
                              .limit(per_page + 1)).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    return Page(items=[tuple(row) for row in rows], total=total, page=page,
                per_page=per_page, total_capped=capped, after=after if key else None,
                by_cursor=True,
                next=encode_cursor(rows[-1][1].document_id) if more else None)


def _page_and_count(stmt: Select, company_id: int, page: int, per_page: int, *,
                    searching: bool = False) -> Page:
    """A filtered box's page and its count in one statement: its hits' document ids,
    newest first and up to the cap, are found once (a search's trigram or FTS5 index
    yields them in no order, so the page had to find them all anyway, and its count
    found them a second time); the page reads the full rows of its own 21 only."""
    cap = count_cap()
    if searching:
        hits = _search_hits(stmt)
    else:
        hits = stmt.with_only_columns(DocumentParty.document_id.label("id")).order_by(
            DocumentParty.document_id.desc())
    hits = hits.limit(cap + 1).cte("hits")
    shown = (select(hits.c.id).order_by(hits.c.id.desc())
             .offset((page - 1) * per_page).limit(per_page + 1))
    counted = select(func.count()).select_from(hits).scalar_subquery()
    rows = db.session.execute(
        select(Document, DocumentParty, counted)
        .join(DocumentParty, DocumentParty.document_id == Document.id)
        .where(DocumentParty.company_id == company_id, DocumentParty.document_id.in_(shown))
        .order_by(DocumentParty.document_id.desc())
        .options(joinedload(Document.issuer), joinedload(Document.recipient),
                 joinedload(Document.assigned_to))).all()
    if rows:
        total, capped = min(rows[0][2], cap), rows[0][2] > cap
    else:  # nothing at all, or a page past the end (counted apart)
        total, capped = capped_count(stmt) if page > 1 else (0, False)
    more = len(rows) > per_page
    rows = rows[:per_page]
    return Page(items=[(document, party) for document, party, _ in rows],
                total=total, page=page, per_page=per_page, total_capped=capped,
                by_cursor=True, next=encode_cursor(rows[-1][1].document_id) if more else None)


def _search_hits(stmt: Select) -> Select:
    """A search's hits as documents found by the search's index, each then looked up in
    the company's party rows one by one. Joined, PostgreSQL's planner (which expects
    fewer hits than a common pattern has) merged the hits with every party row of the
    box: all 100,000 of them at 1M documents for hb-42's 2,200 hits."""
    party = DocumentParty.__table__
    on_documents = [c for c in stmt._where_criteria if party not in c._from_objects]
    on_party = [c for c in stmt._where_criteria if party in c._from_objects]
    in_box = (select(DocumentParty.id).where(DocumentParty.document_id == Document.id, *on_party)
              .limit(1).scalar_subquery())
    return (select(Document.id.label("id")).where(*on_documents, in_box.is_not(None))
            .order_by(Document.id.desc()))


def _count_statement(stmt: Select, box: str, filters_documents: bool, company_id: int,
                     folder, tag) -> Select:
    if box in ("inbox", "archive") and not filters_documents:
        # Nothing asks about the documents themselves: count the party rows alone, on
        # their index, without reading a document.
        return _without_documents(box, company_id, folder, tag)
    return stmt


def _without_documents(box: str, company_id: int, folder, tag) -> Select:
    stmt = select(DocumentParty.id).where(DocumentParty.company_id == company_id)
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


MAX_FOLDERS = 50


def folders(company_id: int) -> list[str]:
    """The folders the company filed documents in (by name), to browse them from the
    boxes: a folder is otherwise only reached through a document that is in it."""
    return list(db.session.scalars(
        select(DocumentParty.folder).where(DocumentParty.company_id == company_id,
                                           DocumentParty.folder.is_not(None))
        .group_by(DocumentParty.folder).order_by(DocumentParty.folder).limit(MAX_FOLDERS)))


def unread_count(actor: Actor) -> int:
    """Documents in the actor's company's inbox that none of its members opened yet."""
    if actor.company is None:
        return 0
    # Counted up to the lists' cap (core/pagination.py): every portal page shows it.
    return capped_count(select(DocumentParty.id).where(
        DocumentParty.company_id == actor.company.id, DocumentParty.role == "recipient",
        DocumentParty.archived.is_(False), DocumentParty.read_at.is_(None)))[0]


def box_counts(actor: Actor) -> dict[str, int]:
    """What waits for the actor's company: unread in the inbox, assigned to the acting
    member and not yet read, drafts, and documents waiting for its approval."""
    from marketplace.workflow.models import DocumentApproval

    company_id = actor.company.id
    mine = 0
    # Each counted up to the lists' cap, as the boxes are (core/pagination.py).
    if actor.user is not None:
        mine = capped_count(select(DocumentParty.id).join(
            Document, Document.id == DocumentParty.document_id).where(
            DocumentParty.company_id == company_id, DocumentParty.role == "recipient",
            DocumentParty.archived.is_(False), DocumentParty.read_at.is_(None),
            Document.assigned_to_id == actor.user.id))[0]
    drafts = capped_count(select(DocumentParty.id).join(
        Document, Document.id == DocumentParty.document_id).where(
        DocumentParty.company_id == company_id, DocumentParty.role == "issuer",
        DocumentParty.archived.is_(False), Document.status == engine.DRAFT))[0]
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
    known = made.pointing_at_new(document, DocumentParty, document_id=document.id,
                                 company_id=actor.company.id)
    if known is not None:  # made in this transaction: its party rows are in the session
        return known[0] if known else None
    return parties.party_of(document, actor.company.id)  # read with it, most often


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
        # Where it led: the quotations that answered it, the orders that ordered it
        # (queries/related.py), and what modules above add (fulfillment: the order).
        **related(document, company_id),
        **slots.collect("document.api", document=document, actor=actor),
    }

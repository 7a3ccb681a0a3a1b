"""The personal office's work items from trade documents: inquiries not yet quoted (crm
ages them), purchase orders to accept, approvals waiting for the member."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from marketplace.extensions import db
from marketplace.workflow.models import Document, DocumentEvent

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor


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


def register_work_items() -> None:
    """The office asks trading for these (called once, by the trading package)."""
    from marketplace.infrastructure.office import register_work_items as register

    register(_work_items)

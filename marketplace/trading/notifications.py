"""Who is told what when a document moves: the engine emits ``document_transitioned``
inside the transaction; this receiver calls ``notify`` in the same transaction, so
the bell, the mails and the webhooks go out only once it commits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core.signals import document_transitioned
from marketplace.extensions import db
from marketplace.infrastructure.departments.queries import head_of
from marketplace.infrastructure.models import MemberRole, Membership
from marketplace.infrastructure.notifications import N_, notify, register_event
from marketplace.workflow import approvals, doctypes
from marketplace.workflow.models import Document

register_event("document.received", label=_l("A trade document was received"))
register_event("document.approval_requested", label=_l("A document waits for your approval"))
register_event("document.approved", label=_l("A document of yours was approved"))
register_event("document.rejected", label=_l("A document of yours was rejected"))
register_event("document.accepted", label=_l("A document you sent was accepted"))
register_event("document.declined", label=_l("A document you sent was declined"))
register_event("document.cancelled", label=_l("A document you received was cancelled"))
register_event("document.forwarded", label=_l("A document was forwarded to you"))


def portal_link(document: Document) -> str:
    return f"/trading/documents/{document.id}"


def payload_of(document: Document, action: str) -> dict:
    return {"document_id": document.id, "type": document.type, "number": document.number,
            "status": document.status, "action": action,
            "issuer_company_id": document.issuer_company_id,
            "recipient_company_id": document.recipient_company_id,
            "thread_id": document.thread_id, "parent_id": document.parent_id,
            "currency": document.currency, "total": str(document.total_amount)}


def _type_name(code: str) -> str:
    """The type's name as its stored msgid (``DocType.title``), translated in each
    reader's language when the notification is read."""
    return N_(doctypes.get(code).title) if doctypes.is_known(code) else N_("Document")


def _tell(event: str, document: Document, action: str, company_id: int,
          user_ids: list[int] | None, message: str, **params) -> None:
    notify(event, company_id=company_id, user_ids=user_ids, message=message,
           params={"type": _type_name(document.type),
                   "number": document.number, **params},
           link=portal_link(document), payload=payload_of(document, action),
           flush=False)  # a transition's listener: record() flushes after the listeners


def _approvers(company_id: int, role: str, exclude: set[int | None]) -> list[int]:
    roles = {MemberRole(role), MemberRole.ADMIN}
    users = db.session.scalars(select(Membership.user_id).where(
        Membership.company_id == company_id, Membership.role.in_(roles))
        .order_by(Membership.user_id))
    return [user_id for user_id in users if user_id not in exclude]


def _ask_next_approver(document: Document, company_id: int, action: str) -> None:
    step = approvals.pending_step(document, company_id)
    if step is None:
        return
    exclude = {step.requested_by_id}
    if step.direction == approvals.SEND:
        exclude.add(document.created_by_id)
    if step.role == approvals.DEPARTMENT_HEAD:  # the department's head decides
        head = head_of(step.department_id) if step.department_id else None
        approvers = [head] if head is not None and head not in exclude else []
    else:
        approvers = _approvers(company_id, step.role, exclude)
    _tell("document.approval_requested", document, action, company_id, approvers,
          N_("%(type)s %(number)s waits for your approval."))


def _requester(document: Document, company_id: int) -> list[int]:
    """Who asked for the round that was just decided (the last closed one)."""
    steps = approvals.round_of(document, company_id)
    requested = steps[-1].requested_by_id if steps else document.created_by_id
    return [requested] if requested else []


def _on_send_or_approval(document: Document, action: str, from_status, to_status,
                         actor) -> None:
    company_id = actor.company.id
    if to_status == "pending_approval" or action == "request_approval" or (
            action == "approve" and to_status == from_status):
        _ask_next_approver(document, company_id, action)
    if action == "approve" and to_status != from_status:
        _tell("document.approved", document, action, company_id,
              _requester(document, company_id),
              N_("%(type)s %(number)s was approved."))
    if action == "reject":
        _tell("document.rejected", document, action, company_id,
              _requester(document, company_id),
              N_("%(type)s %(number)s was rejected."))


def _on_delivery(document: Document, action: str, from_status, to_status, actor) -> None:
    # A held document (a sealed bid) is sent but has not reached its recipient yet
    # (``sent_at`` unset): it is told when it is released, by the module that holds it.
    if to_status == "sent" and from_status != "sent" and document.recipient_company_id \
            and document.sent_at is not None:
        assignee = [document.assigned_to_id] if document.assigned_to_id else None
        _tell("document.received", document, action, document.recipient_company_id, assignee,
              N_("%(company)s sent you %(type)s %(number)s."), company=document.issuer.name)
    elif to_status == "accepted" and from_status != "accepted":
        _tell("document.accepted", document, action, document.issuer_company_id, None,
              N_("%(company)s accepted %(type)s %(number)s."), company=document.recipient.name)
    elif to_status == "declined" and from_status != "declined":
        _tell("document.declined", document, action, document.issuer_company_id, None,
              N_("%(company)s declined %(type)s %(number)s."), company=document.recipient.name)
    elif to_status == "cancelled" and from_status == "sent" and document.recipient_company_id:
        _tell("document.cancelled", document, action, document.recipient_company_id, None,
              N_("%(company)s cancelled %(type)s %(number)s."), company=document.issuer.name)


@document_transitioned.connect
def tell_parties(document: Document, *, action: str, from_status, to_status, actor,
                 **extra) -> None:
    if action == "create" or actor.company is None:
        return
    if action == "forward":
        _tell("document.forwarded", document, action, actor.company.id,
              [document.assigned_to_id], N_("%(type)s %(number)s was forwarded to you."))
        return
    if action in ("send", "approve", "reject", "request_approval"):
        _on_send_or_approval(document, action, from_status, to_status, actor)
    _on_delivery(document, action, from_status, to_status, actor)

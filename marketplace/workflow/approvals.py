"""Approval chains: a company's rules hold what it sends (``send``) or accepts
(``accept``) until each step's approver has approved, in order.

A matching rule opens a *round*: one ``DocumentApproval`` row per step. The sender's
round runs while the document is ``pending_approval``; the recipient's round runs
while it stays ``sent`` (``acceptance_pending`` in the API). Each company sees and
decides only its own round, so both chains live on one document. A rejection closes
the round; finished and rejected rounds stay for the record (``closed``)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.departments.queries import head_of, name_of
from marketplace.workflow import made
from marketplace.workflow.models import ApprovalRule, Document, DocumentApproval

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

SEND, ACCEPT = "send", "accept"
DEPARTMENT_HEAD = "department_head"  # a step's role: the head of the step's department
DIRECTIONS = (SEND, ACCEPT)


@functools.cache
def _statements() -> tuple:
    """A company's rules for a type and direction, its steps on a document: read on every
    send and every document answer, so built once with their values bound at each run."""
    company = bindparam("approving_company")
    return (select(ApprovalRule).where(
                ApprovalRule.company_id == company, ApprovalRule.type == bindparam("rule_type"),
                ApprovalRule.direction == bindparam("rule_direction"))
            .order_by(ApprovalRule.position, ApprovalRule.id),
            select(DocumentApproval).where(DocumentApproval.document_id == bindparam("step_of"),
                                           DocumentApproval.company_id == company)
            .order_by(DocumentApproval.id))


def matching_rule(company_id: int, document: Document, direction: str) -> ApprovalRule | None:
    """The company's first rule (by position) for this type and direction whose
    condition the document meets. None without a read when the company was found to
    have no rule for the type as the document was read (``made.note_absent``)."""
    if made.absent(ApprovalRule, company_id=company_id, type=document.type):
        return None
    rules = db.session.scalars(_statements()[0], {
        "approving_company": company_id, "rule_type": document.type,
        "rule_direction": direction})
    return next((rule for rule in rules if rule.matches(document) and rule.steps), None)


def open_round(document: Document, rule: ApprovalRule, direction: str,
               actor: Actor) -> list[DocumentApproval]:
    requested_by = actor.user.id if actor.user else None
    steps = [DocumentApproval(document_id=document.id, company_id=rule.company_id,
                              direction=direction, position=index, role=step.role,
                              department_id=step.department_id,
                              requested_by_id=requested_by, status="pending")
             for index, step in enumerate(rule.steps)]
    db.session.add_all(steps)
    db.session.flush()
    made.hold(*steps)  # the answer's round_of finds them in the session
    return steps


def _steps_made_here(document: Document, company_id: int) -> list[DocumentApproval] | None:
    """The company's steps on the document when the database held none as this
    transaction read it (asked with the document, ``made.note_absent``): only those made
    since, which are in the session. None when that is not known."""
    if document.id is None or not made.absent(DocumentApproval, document_id=document.id,
                                              company_id=company_id):
        return None
    return made.rows_in_session(DocumentApproval, document_id=document.id,
                                company_id=company_id)


def open_steps(document: Document, company_id: int,
               direction: str | None = None) -> list[DocumentApproval]:
    known = _steps_made_here(document, company_id)
    if known is not None:
        return sorted((s for s in known if not s.closed
                       and (direction is None or s.direction == direction)),
                      key=lambda s: s.position)
    stmt = select(DocumentApproval).where(
        DocumentApproval.document_id == document.id, DocumentApproval.company_id == company_id,
        DocumentApproval.closed.is_(False)).order_by(DocumentApproval.position)
    if direction:
        stmt = stmt.where(DocumentApproval.direction == direction)
    return list(db.session.scalars(stmt))


def pending_step(document: Document, company_id: int,
                 direction: str | None = None) -> DocumentApproval | None:
    return next((s for s in open_steps(document, company_id, direction)
                 if s.status == "pending"), None)


def round_of(document: Document, company_id: int) -> list[DocumentApproval]:
    """The company's steps on this document, every round, in order (for display)."""
    known = made.pointing_at_new(document, DocumentApproval, document_id=document.id,
                                 company_id=company_id)
    if known is not None:  # made in this transaction: its steps are in the session
        return known
    known = _steps_made_here(document, company_id)
    if known is not None:
        return known
    return list(db.session.scalars(_statements()[1], {"step_of": document.id,
                                                      "approving_company": company_id}))


def may_decide(step: DocumentApproval, document: Document, actor: Actor) -> str | None:
    """Why this actor may not decide this step, or None. Side-effect free."""
    if actor.user is None:
        return _("Approvals are given by a person, not by a partner system's key.")
    if step.role == DEPARTMENT_HEAD:
        refused = _head_refusal(step, actor)
        if refused is not None:
            return refused
    elif not actor.can("documents.approve"):
        return _("Your role does not allow approving documents.")
    # An administrator may stand in for any role.
    elif actor.role is None or actor.role.value not in (step.role, "admin"):
        return _("This step waits for a member with the role %(role)s.", role=step.role)
    own = {step.requested_by_id}
    if step.direction == SEND:
        own.add(document.created_by_id)
    if actor.user.id in own:
        return _("Nobody approves their own document: another member must decide.")
    if any(other.decided_by_id == actor.user.id for other in open_steps_for(step)):
        return _("You approved an earlier step: each step needs another member.")
    return None


def _head_refusal(step: DocumentApproval, actor: Actor) -> str | None:
    """A department head's step: the head decides (an administrator may stand in)."""
    if actor.role is not None and actor.role.value == "admin":
        return None
    head = head_of(step.department_id) if step.department_id else None
    if head is None or head != actor.user.id:
        return _("This step waits for the head of %(department)s.",
                 department=name_of(step.department_id) or _("a department"))
    return None


def decide(step: DocumentApproval, actor: Actor, approved: bool, comment: str | None) -> bool:
    """Record the decision; True when the round is complete (every step approved)."""
    step.status = "approved" if approved else "rejected"
    step.decided_by_id = actor.user.id
    step.decided_at = utcnow()
    step.comment = comment
    steps = open_steps_for(step)
    done = approved and all(s.status == "approved" for s in steps)
    if done or not approved:
        close_round(steps)
    db.session.flush()
    return done


def open_steps_for(step: DocumentApproval) -> list[DocumentApproval]:
    return list(db.session.scalars(select(DocumentApproval).where(
        DocumentApproval.document_id == step.document_id,
        DocumentApproval.company_id == step.company_id,
        DocumentApproval.direction == step.direction, DocumentApproval.closed.is_(False))))


def close_round(steps: list[DocumentApproval]) -> None:
    for step in steps:
        step.closed = True
        if step.status == "pending":
            step.status = "withdrawn"


def withdraw(document: Document) -> None:
    """Close every open round (the document was cancelled or declined)."""
    close_round(list(db.session.scalars(select(DocumentApproval).where(
        DocumentApproval.document_id == document.id, DocumentApproval.closed.is_(False)))))

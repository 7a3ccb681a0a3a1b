"""The actions that move a document: which ones this actor may do now (and why not),
and doing one. Declared actions move the status as the type says; ``send``,
``accept``, ``decline``, ``cancel``, ``forward`` and ``archive`` have their own
handlers, and ``approve`` and ``reject`` are the engine's own (a company's approval
rules hold a send or an accept until every step approved)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.core.errors import Conflict, ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Membership
from marketplace.workflow import approvals, dispatch, doctypes, parties, registry
from marketplace.workflow.acting import (
    ACCEPTED,
    DRAFT,
    ENGINE_ACTIONS,
    PENDING_APPROVAL,
    SENT,
    index_for_search,
    party_side,
    record,
    side_of,
)
from marketplace.workflow.checks import RESERVED_EXTRAS
from marketplace.workflow.doctypes import ISSUER, PARTY, RECIPIENT, DocType
from marketplace.workflow.models import Document, DocumentLine, DocumentThread

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor


def _side_allows(by: str, side: str) -> bool:
    return by in (PARTY, side)


def _declared_refusal(document: Document, declared: DocType, name: str, actor: Actor,
                      side: str) -> str | None:
    """Why the declared action ``name`` may not be done now by this actor, or None."""
    action = declared.action(name)
    if action is None:
        return _("A %(type)s has no action %(action)s.", type=declared.label, action=name)
    if document.status not in action.from_states:
        return _("The action %(action)s is not possible while the document is %(status)s.",
                 status=doctypes.status_word(document.status), action=name)
    if not _side_allows(action.by, side):
        return _("Only the %(side)s may do this.", side=_("issuer") if action.by == ISSUER
                 else _("recipient"))
    if not actor.can(action.permission):
        return _("Your role does not allow this.")
    if name == "accept" and approvals.open_steps(document, actor.company.id, approvals.ACCEPT):
        return _("The acceptance already waits for approval.")
    if name == "send" and declared.prices_required and any(
            line.unit_price is None for line in document.lines):
        return _("Every line needs a unit price before a %(type)s is sent.", type=declared.label)
    if name == "send" and not document.lines:
        return _("Add at least one line before sending.")
    if name == "send" and not (document.recipient_company_id
                               or (document.extras or {}).get("recipient_company_ids")):
        return _("Say which company the document goes to.")
    if (refused := registry.action_refusal(document, name)) is not None:
        return refused
    return action.guard(document, actor) if action.guard else None


def _engine_refusal(document: Document, name: str, actor: Actor, side: str) -> str | None:
    step = _open_step(document, actor, side)
    if step is None:
        return _("Nothing of this document waits for your company's approval.")
    return approvals.may_decide(step, document, actor)


def _open_step(document: Document, actor: Actor, side: str):
    direction = approvals.SEND if side == ISSUER else approvals.ACCEPT
    if (direction == approvals.SEND) != (document.status == PENDING_APPROVAL):
        return None
    return approvals.pending_step(document, actor.company.id, direction)


def _refusal(document: Document, name: str, actor: Actor, side: str) -> str | None:
    if name in ENGINE_ACTIONS:
        return _engine_refusal(document, name, actor, side)
    return _declared_refusal(document, doctypes.get(document.type), name, actor, side)


def allowed_actions(document: Document, actor: Actor) -> list[str]:
    """The actions this actor may do on this document now (for buttons and 409s)."""
    side = side_of(document, actor)
    if side is None:
        return []
    declared = doctypes.get(document.type)
    # The state and the side refuse most actions: checked here first, the same two
    # checks as _declared_refusal's, without translating a refusal nobody reads.
    names = [action.name for action in declared.actions
             if document.status in action.from_states and _side_allows(action.by, side)]
    allowed = [name for name in names
               if _declared_refusal(document, declared, name, actor, side) is None]
    # approve and reject: both allowed or both refused (one step, one may_decide).
    step = _open_step(document, actor, side)
    if step is not None and approvals.may_decide(step, document, actor) is None:
        allowed += ENGINE_ACTIONS
    return allowed


def perform(document: Document, action: str, actor: Actor, comment: str | None = None,
            **params: Any) -> Document:
    """Do ``action`` on ``document`` as ``actor``: NotFound for a stranger, Conflict (with
    ``allowed_actions``) when the state, the side or a guard does not allow it."""
    side = party_side(document, actor)
    refusal = _refusal(document, action, actor, side)
    if refusal is not None:
        raise Conflict(refusal, allowed_actions=allowed_actions(document, actor))
    if comment is not None and len(comment) > 5000:
        raise ValidationFailed(errors={"comment": [_("At most %(n)d characters.", n=5000)]})
    handler = _HANDLERS.get(action, _move)
    handler(document, action, actor, comment, side, **params)
    db.session.flush()
    return document


def _move(document: Document, action: str, actor: Actor, comment: str | None, side: str,
          **params: Any) -> None:
    from_status = document.status
    document.status = doctypes.get(document.type).action(action).to_state
    record(document, action, from_status, actor, comment)


def _send(document: Document, action: str, actor: Actor, comment: str | None, side: str,
          **params: Any) -> None:
    actor.company.ensure_can_trade()
    declared = doctypes.get(document.type)
    rule = approvals.matching_rule(actor.company.id, document, approvals.SEND) \
        if declared.send_needs_approval else None
    if rule is not None:
        approvals.open_round(document, rule, approvals.SEND, actor)
        document.status = PENDING_APPROVAL
        record(document, "send", DRAFT, actor, comment)
        return
    _deliver(document, action, DRAFT, actor, comment)


def _deliver(document: Document, action: str, from_status: str, actor: Actor,
             comment: str | None) -> None:
    """The document reaches its recipient(s): sent, assigned, in their inbox. A document
    a module holds (a sealed bid) is sent but reaches its recipient only when that
    module releases it (``release``): until then the recipient has no side of it."""
    document.status = SENT
    if document.recipient_company_id is not None and registry.held(document):
        record(document, action, from_status, actor, comment)
        return
    # Never delivered before: the recipient has no party row of it yet (it is made on
    # delivery), so none needs reading.
    first_delivery = document.sent_at is None
    document.sent_at = utcnow()
    if document.recipient_company_id is None:  # an rfq to many: one invitation each
        invited = (document.extras or {}).get("recipient_company_ids", [])
        for company_id in invited:
            _invite(document, company_id, actor)
    else:
        # Gathered without flushing, so the document is written once (one version).
        with db.session.no_autoflush:
            parties.ensure_party(document, document.recipient_company_id, RECIPIENT,
                                 flush=False, new=first_delivery)
            document.assigned_to_id = dispatch.choose_assignee(document)
        db.session.expire(document, ["assigned_to"])
    record(document, action, from_status, actor, comment)


def release(document: Document, actor: Actor, action: str, comment: str | None = None) -> bool:
    """A held, sent document reaches its recipient now (party row, assignee, history
    row ``action``); False, and nothing done, when it is not held or already delivered."""
    if document.status != SENT or document.sent_at is not None \
            or document.recipient_company_id is None:
        return False
    document.sent_at = utcnow()
    with db.session.no_autoflush:
        parties.ensure_party(document, document.recipient_company_id, RECIPIENT, flush=False)
        document.assigned_to_id = dispatch.choose_assignee(document)
    db.session.expire(document, ["assigned_to"])
    record(document, action, SENT, actor, comment)
    return True


def _assign(document: Document, user_id: int | None) -> None:
    document.assigned_to_id = user_id
    db.session.flush()
    db.session.expire(document, ["assigned_to"])  # loaded before: show the new one


def invite(rfq: Document, company_id: int, actor: Actor) -> Document:
    """One more company's own invitation to an rfq to many, delivered now: a request open
    to companies nobody named in advance (a public buying request) learns its suppliers
    one by one, as they answer. A draft rfq is sent to this first company (no approval
    round: the module that opens it made the decision); a sent one gets one more
    invitation. The company's invitation already made is answered again, not doubled."""
    if not doctypes.get(rfq.type).many_recipients or rfq.recipient_company_id is not None \
            or (rfq.extras or {}).get("invitation") or rfq.status not in (DRAFT, SENT):
        raise Conflict(_("Only a request to several companies, not yet closed, takes more "
                         "invitations."), allowed_actions=allowed_actions(rfq, actor))
    existing = db.session.scalar(select(Document).where(
        Document.parent_id == rfq.id, Document.type == rfq.type,
        Document.recipient_company_id == company_id))
    if existing is not None:
        return existing
    invited = [*(rfq.extras or {}).get("recipient_company_ids", []), company_id]
    rfq.extras = {**(rfq.extras or {}), "recipient_company_ids": invited}
    if rfq.status == DRAFT:
        _deliver(rfq, "send", DRAFT, actor, None)
        db.session.flush()
        return db.session.scalar(select(Document).where(
            Document.parent_id == rfq.id, Document.type == rfq.type,
            Document.recipient_company_id == company_id))
    return _invite(rfq, company_id, actor)


def _invite(rfq: Document, company_id: int, actor: Actor) -> Document:
    """One supplier's own invitation to an rfq: its own document and thread, so each
    supplier sees only its own and never a competitor's answer."""
    # Numbered by the supplier's own company id, not by its place in the list: "-03"
    # would tell a supplier that at least three were invited.
    invitation = Document(
        type=rfq.type, number=f"{rfq.number}-{company_id}", status=DRAFT,
        issuer_company_id=rfq.issuer_company_id, recipient_company_id=company_id,
        created_by_id=rfq.created_by_id, parent_id=rfq.id,
        thread=DocumentThread(subject=rfq.subject),
        # The rfq's own fields and what modules keep (its attachments) go to every supplier.
        extras={**{key: value for key, value in (rfq.extras or {}).items()
                   if key not in RESERVED_EXTRAS}, "invitation": True},
        lines=[DocumentLine(position=line.position, product_id=line.product_id, sku=line.sku,
                            description=line.description, quantity=line.quantity,
                            unit=line.unit, unit_price=line.unit_price, amount=line.amount,
                            source_line_id=line.id, extras=dict(line.extras or {}))
               for line in rfq.lines],
        **{name: getattr(rfq, name) for name in doctypes.CARRIABLE_FIELDS})
    invitation.compute_total()
    index_for_search(invitation)
    db.session.add(invitation)
    db.session.flush()
    parties.ensure_party(invitation, rfq.issuer_company_id, ISSUER)
    record(invitation, "create", None, actor)
    _deliver(invitation, "send", DRAFT, actor, None)
    return invitation


def _accept(document: Document, action: str, actor: Actor, comment: str | None, side: str,
            **params: Any) -> None:
    declared = doctypes.get(document.type)
    rule = approvals.matching_rule(actor.company.id, document, approvals.ACCEPT) \
        if declared.accept_needs_approval else None
    if rule is not None:
        # The status stays "sent" (the issuer sees no half-accepted state); the
        # recipient's round shows as acceptance_pending until its last approval.
        approvals.open_round(document, rule, approvals.ACCEPT, actor)
        record(document, "request_approval", SENT, actor, comment)
        return
    _move(document, action, actor, comment, side)


def _close_rounds_and_move(document: Document, action: str, actor: Actor,
                           comment: str | None, side: str, **params: Any) -> None:
    approvals.withdraw(document)
    _move(document, action, actor, comment, side)
    if action == "cancel" and doctypes.get(document.type).many_recipients:
        for invitation in db.session.scalars(select(Document).where(
                Document.parent_id == document.id, Document.type == document.type,
                Document.status == SENT)):
            invitation.status = "cancelled"
            record(invitation, "cancel", SENT, actor, comment)


def _decide(document: Document, action: str, actor: Actor, comment: str | None, side: str,
            **params: Any) -> None:
    approved = action == "approve"
    if not approved and not (comment or "").strip():
        raise ValidationFailed(errors={"comment": [_("Say why you reject it.")]})
    step = _open_step(document, actor, side)
    done = approvals.decide(step, actor, approved, comment)
    from_status = document.status
    if step.direction == approvals.SEND:
        if done:
            _deliver(document, action, from_status, actor, comment)
            return
        if not approved:
            document.status = DRAFT  # back to its author, with the reason in the history
    elif done:
        document.status = ACCEPTED
    record(document, action, from_status, actor, comment)


def _forward(document: Document, action: str, actor: Actor, comment: str | None, side: str,
             to_user_id: Any = None, **params: Any) -> None:
    member = db.session.scalar(select(Membership).where(
        Membership.user_id == to_user_id, Membership.company_id == actor.company.id)) \
        if isinstance(to_user_id, int) and not isinstance(to_user_id, bool) else None
    if member is None or not member.can("documents.view"):
        raise ValidationFailed(errors={"to_user_id": [_("A colleague in your company.")]})
    _assign(document, member.user_id)
    record(document, action, document.status, actor, comment)


def _archive(document: Document, action: str, actor: Actor, comment: str | None, side: str,
             **params: Any) -> None:
    party = parties.ensure_party(document, actor.company.id, side)
    party.archived = True
    record(document, action, document.status, actor, comment)


_HANDLERS = {"send": _send, "accept": _accept, "decline": _close_rounds_and_move,
             "cancel": _close_rounds_and_move, "approve": _decide, "reject": _decide,
             "forward": _forward, "archive": _archive}

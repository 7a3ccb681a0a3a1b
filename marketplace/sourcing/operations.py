"""Sourcing's writes: opening a sealed rfq's bids at its closing time (all together,
once) and awarding its lines (purchase orders for the winners, regrets for the others).

Each checks, changes and flushes; the request boundary (or the job) commits."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.core.errors import Conflict, Forbidden, ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.sourcing import notifications, queries
from marketplace.sourcing.models import Award, SourcingRequest
from marketplace.workflow import engine
from marketplace.workflow.models import Document

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

# The scheduled opening acts for nobody: its history rows name no member or company.
OPENING = SimpleNamespace(user=None, company=None, role=None, via="job", token=None,
                          is_operator=False, can=lambda permission: False)
MAX_REASON = 2000


# ----- the opening ---------------------------------------------------------------------------


def open_bids(request_id: int) -> bool:
    """Deliver every held bid of one sealed rfq to its buyer, together, and record the
    opening; False (nothing done) before the closing time or when already opened. The
    row lock makes two openers (beat and a request's sweep) open it once."""
    request = db.session.scalar(select(SourcingRequest).where(
        SourcingRequest.id == request_id).with_for_update())
    if request is None or request.opened_at is not None or request.closes_at is None \
            or request.sealed():
        return False
    bids = queries.held_bids(request)
    for bid in bids:
        engine.release(bid, OPENING, "open")
    request.opened_at = utcnow()
    rfq = db.session.get(Document, request.rfq_id)
    engine.record(rfq, "open", rfq.status, OPENING)
    notifications.tell_opened(rfq, queries.bid_count(request))
    db.session.flush()
    return True


def due_requests(limit: int = 100) -> list[int]:
    return list(db.session.scalars(select(SourcingRequest.id).where(
        SourcingRequest.opened_at.is_(None), SourcingRequest.closes_at.is_not(None),
        SourcingRequest.closes_at <= utcnow()).order_by(SourcingRequest.closes_at)
        .limit(limit)))


# ----- the award ----------------------------------------------------------------------------


def _checked_awards(comparison: queries.Comparison, awards: Any) -> list[tuple[Any, Any]]:
    """The (line, bid cell) of each award asked; every refusal at once (422)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(awards, list) or not awards:
        raise ValidationFailed(errors={"awards": [_("Award at least one line.")]})
    lines = {line.line_id: line for line in comparison.lines}
    chosen, seen = [], set()
    for index, item in enumerate(awards):
        line = lines.get(item.get("line_id")) if isinstance(item, dict) else None
        if line is None:
            errors[f"awards.{index}.line_id"] = [_("Not a line of this request.")]
            continue
        if line.line_id in seen:
            errors[f"awards.{index}.line_id"] = [_("This line is named twice.")]
            continue
        seen.add(line.line_id)
        cell = next((c for c in line.bids if c.quotation_id == item.get("quotation_id")), None)
        if cell is None:
            errors[f"awards.{index}.quotation_id"] = [
                _("Not a current bid on line %(n)s.", n=line.position + 1)]
            continue
        chosen.append((line, cell))
    if errors:
        raise ValidationFailed(errors=errors)
    return chosen


def _refuse_awarded(chosen: list[tuple[Any, Any]]) -> None:
    done = [line for line, _cell in chosen if line.award is not None]
    if done:
        raise Conflict(_("Already awarded: line %(lines)s. A line is awarded once.",
                         lines=", ".join(str(line.position + 1) for line in done)))


def _purchase_order(quotation: Document, line_ids: set[int], actor: Actor) -> Document:
    """A draft purchase order derived from the winning bid, with its awarded lines."""
    order = engine.derive(quotation, "purchase_order", actor=actor)
    kept = [{"product_id": line.product_id, "sku": line.sku,
             "description": line.description, "quantity": line.quantity,
             "unit": line.unit, "unit_price": line.unit_price,
             "source_line_id": line.source_line_id, "extras": dict(line.extras or {})}
            for line in order.lines if line.source_line_id in line_ids]
    if len(kept) != len(order.lines):
        engine.update_draft(order, actor=actor, header={}, lines=kept, expected_version=None)
    return order


def award(rfq_id: int, actor: Actor, awards: list[dict], *, reason: str | None = None,
          disclose: bool = False) -> list[Document]:
    """Award lines of the buyer's rfq to bids: one draft purchase order per winning bid
    (its awarded lines), the award and its reason in the rfq's history, the winners told,
    and, once every line is awarded, a regret to each supplier that won nothing."""
    if not actor.can("documents.edit"):
        raise Forbidden(_("Your role does not allow writing documents."))
    request = queries.buyers_request(rfq_id, actor, for_update=True)
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise ValidationFailed(errors={"reason": [_("At most %(n)d characters.", n=MAX_REASON)]})
    if request.closes_at is not None and request.opened_at is None:
        open_bids(request.id)  # due, but the job has not come yet: open them first
    comparison = queries.comparison(request)
    chosen = _checked_awards(comparison, awards)
    _refuse_awarded(chosen)
    by_bid: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    for line, cell in chosen:
        by_bid[cell.quotation_id].append((line, cell))
    bids = {bid.id: bid for bid in comparison.bids}
    orders = []
    for quotation_id, won in by_bid.items():
        rows = [Award(request=request, rfq_line_id=line.line_id, quotation_id=quotation_id,
                      quotation_line_id=cell.quotation_line_id,
                      supplier_company_id=cell.supplier_id, reason=reason,
                      awarded_by_id=actor.user.id if actor.user else None)
                for line, cell in won]
        db.session.add_all(rows)
        db.session.flush()  # a second award of a line fails here (unique), before any order
        order = _purchase_order(bids[quotation_id], {cell.quotation_line_id for _l, cell in won},
                                actor)
        for row in rows:
            row.purchase_order_id = order.id
        orders.append(order)
    request.disclosed = request.disclosed or bool(disclose)
    _record_award(comparison, chosen, actor, reason)
    _tell_suppliers(request, comparison, by_bid, bids, actor)
    db.session.flush()
    return orders


def _record_award(comparison: queries.Comparison, chosen, actor: Actor,
                  reason: str | None) -> None:
    summary = "; ".join(_("line %(n)s → %(supplier)s (%(number)s)", n=line.position + 1,
                          supplier=cell.supplier_name, number=cell.quotation_number)
                        for line, cell in chosen)
    comment = summary if reason is None else f"{summary}. {reason}"
    engine.record(comparison.rfq, "award", comparison.rfq.status, actor, comment)


def _tell_suppliers(request: SourcingRequest, comparison: queries.Comparison,
                    by_bid: dict, bids: dict[int, Document], actor: Actor) -> None:
    """Each supplier's invitation records the award or the regret, by the buyer's member
    who awarded, without the reason (the buyer's own business)."""
    invitation_of = {invitation.recipient_company_id: invitation
                     for invitation in queries.invitations(request)}
    buyer = comparison.rfq.issuer.name
    for quotation_id, won in by_bid.items():
        invitation = invitation_of.get(bids[quotation_id].issuer_company_id)
        if invitation is not None:
            engine.record(invitation, "award", invitation.status, actor)
            notifications.tell_awarded(invitation, buyer, len(won))
    awarded = {award.rfq_line_id for award in request.awards}
    if not all(line.line_id in awarded for line in comparison.lines):
        return
    winners = {award.supplier_company_id for award in request.awards}
    disclosure = _disclosure(request, comparison) if request.disclosed else None
    for bid in comparison.bids:
        invitation = invitation_of.get(bid.issuer_company_id)
        if bid.issuer_company_id in winners or invitation is None:
            continue
        engine.record(invitation, "regret", invitation.status, actor)
        notifications.tell_regret(invitation, buyer, disclosure)


def _disclosure(request: SourcingRequest, comparison: queries.Comparison) -> dict:
    total = Decimal(0)
    for line in comparison.lines:
        award = next(a for a in request.awards if a.rfq_line_id == line.line_id)
        cell = next((c for c in line.bids if c.quotation_id == award.quotation_id), None)
        total += (cell.total or Decimal(0)) if cell else Decimal(0)
    return {"count": len(comparison.bids), "total": f"{total.quantize(queries.CENT)}",
            "currency": comparison.rfq.currency}

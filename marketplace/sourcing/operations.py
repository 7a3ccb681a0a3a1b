"""Sourcing's writes: opening a sealed rfq's bids at its closing time (all together,
once) and awarding its lines (purchase orders for the winners, regrets for the others).

Each checks, changes and flushes; the request boundary (or the job) commits."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from marketplace.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from marketplace.core.locking import lock_for_update
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Company
from marketplace.sourcing import notifications, queries, sealing
from marketplace.sourcing.models import Auction, AuctionBid, AuctionBidder, Award, SourcingRequest
from marketplace.workflow import engine
from marketplace.workflow.models import Document, DocumentEvent

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

# The scheduled opening acts for nobody: its history rows name no member or company.
OPENING = SimpleNamespace(user=None, company=None, role=None, via="job", token=None,
                          is_operator=False, can=lambda permission: False)
MAX_REASON = 2000
log = logging.getLogger(__name__)


# ----- the opening ---------------------------------------------------------------------------


def open_bids(request_id: int) -> bool:
    """Deliver every held bid of one sealed rfq to its buyer, together, and record the
    opening; False (nothing done) before the closing time or when already opened. The
    row lock makes two openers (beat and a request's sweep) open it once."""
    request = db.session.scalar(lock_for_update(select(SourcingRequest).where(
        SourcingRequest.id == request_id)))
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


# ----- reverse auctions -----------------------------------------------------------------

MAX_AUCTION_DAYS = 30
MAX_SOFT_CLOSE_MINUTES = 60
MAX_DECREMENT_PERCENT = Decimal(50)


def _money_text(currency: str, amount: Decimal) -> str:
    return f"{currency} {amount:,.2f}"


def _decimal(value: Any, field: str, errors: dict, *, required: bool = True
             ) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors[field] = [_("Required.")]
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        errors[field] = [_("Not a number.")]
        return None
    if not amount.is_finite() or amount <= 0:
        errors[field] = [_("Must be more than zero.")]
        return None
    if amount.as_tuple().exponent < -2:
        errors[field] = [_("At most two decimals (cents).")]
        return None
    if amount > engine.MAX_AMOUNT:
        errors[field] = [_("Too large.")]
        return None
    return amount


def _checked_auction(values: dict, request: SourcingRequest, invited: dict[int, Document],
                     now) -> dict:
    errors: dict[str, list[str]] = {}
    starts_at, ends_at = values.get("starts_at") or now, values.get("ends_at")
    if starts_at < now - timedelta(minutes=5):
        errors["starts_at"] = [_("The start may not be in the past.")]
    if request.closes_at is not None and starts_at < request.closes_at:
        errors["starts_at"] = [_("The sealed bids close at %(time)s UTC: the auction starts "
                                 "after that.", time=request.closes_at.strftime(
                                     "%Y-%m-%d %H:%M"))]
    if ends_at is None:
        errors["ends_at"] = [_("Required.")]
    elif ends_at <= starts_at:
        errors["ends_at"] = [_("The end must come after the start.")]
    elif ends_at - starts_at > timedelta(days=MAX_AUCTION_DAYS):
        errors["ends_at"] = [_("An auction lasts at most %(n)d days.", n=MAX_AUCTION_DAYS)]
    price = _decimal(values.get("starting_price"), "starting_price", errors)
    amount = _decimal(values.get("decrement_amount"), "decrement_amount", errors,
                      required=False)
    percent = _decimal(values.get("decrement_percent"), "decrement_percent", errors,
                       required=False)
    if "decrement_amount" not in errors and "decrement_percent" not in errors:
        if (amount is None) == (percent is None):
            errors["decrement_amount"] = [_("Give the minimum decrement as an amount or as a "
                                            "percent (one of them).")]
        elif percent is not None and percent > MAX_DECREMENT_PERCENT:
            errors["decrement_percent"] = [_("At most %(n)s %%.", n=MAX_DECREMENT_PERCENT)]
        elif amount is not None and price is not None and amount >= price:
            errors["decrement_amount"] = [_("Must be less than the starting price.")]
    minutes = values.get("soft_close_minutes") or 0
    if not isinstance(minutes, int) or not 0 <= minutes <= MAX_SOFT_CLOSE_MINUTES:
        errors["soft_close_minutes"] = [_("Between 0 (no extension) and %(n)d minutes.",
                                          n=MAX_SOFT_CLOSE_MINUTES)]
    visibility = values.get("visibility") or "rank"
    if visibility not in queries.VISIBILITIES:
        errors["visibility"] = [_("Either rank or best.")]
    chosen = values.get("supplier_ids") or list(invited)
    if not isinstance(chosen, list) or any(ident not in invited for ident in chosen):
        errors["supplier_ids"] = [_("Only suppliers invited to this request may bid.")]
    elif not chosen:
        errors["supplier_ids"] = [_("Invite at least one supplier.")]
    if errors:
        raise ValidationFailed(errors=errors)
    return {"starts_at": starts_at, "ends_at": ends_at, "starting_price": price,
            "decrement_amount": amount, "decrement_percent": percent,
            "soft_close_minutes": minutes, "visibility": visibility,
            "supplier_ids": list(dict.fromkeys(chosen))}


def create_auction(rfq_id: int, actor: Actor, values: dict) -> Auction:
    """A reverse auction on the buyer's sent rfq (its lines as one lot, bid as the lot's
    total) among suppliers it invited; each of them told. One running auction per rfq."""
    if not actor.can("documents.edit"):
        raise Forbidden(_("Your role does not allow writing documents."))
    request = queries.buyers_request(rfq_id, actor, for_update=True)
    rfq = db.session.get(Document, request.rfq_id)
    if rfq.status not in ("sent", "accepted"):
        raise Conflict(_("%(number)s is no longer open: no auction can run on it.",
                         number=rfq.number))
    if request.awards:
        raise Conflict(_("%(number)s is awarded: no auction can run on it.",
                         number=rfq.number))
    if any(a.closed_at is None for a in queries.auctions_of_rfq(rfq.id)):
        raise Conflict(_("An auction on %(number)s is already running; wait for its end.",
                         number=rfq.number))
    invited = {invitation.recipient_company_id: invitation
               for invitation in queries.invitations(request)}
    clean = _checked_auction(values, request, invited, utcnow())
    auction = Auction(request_id=request.id, rfq_id=rfq.id,
                      buyer_company_id=request.buyer_company_id, currency=rfq.currency,
                      starts_at=clean["starts_at"], ends_at=clean["ends_at"],
                      scheduled_end_at=clean["ends_at"],
                      starting_price=clean["starting_price"],
                      decrement_amount=clean["decrement_amount"],
                      decrement_percent=clean["decrement_percent"],
                      soft_close_minutes=clean["soft_close_minutes"],
                      visibility=clean["visibility"], bid_count=0, extensions=0,
                      created_by_id=actor.user.id if actor.user else None)
    auction.bidders = [AuctionBidder(company_id=ident, invitation_id=invited[ident].id, bids=0)
                       for ident in clean["supplier_ids"]]
    db.session.add(auction)
    db.session.flush()
    engine.record(rfq, "auction", rfq.status, actor, _(
        "Reverse auction from %(start)s to %(end)s UTC, starting at %(price)s, %(count)s "
        "suppliers.", start=auction.starts_at.strftime("%Y-%m-%d %H:%M"),
        end=auction.ends_at.strftime("%Y-%m-%d %H:%M"),
        price=_money_text(auction.currency, auction.starting_price),
        count=len(auction.bidders)))
    for bidder in auction.bidders:
        notifications.tell_invited(auction, bidder.company_id, rfq.issuer.name,
                                   invited[bidder.company_id].number)
    db.session.flush()
    return auction


def _too_high(auction: Auction, amount: Decimal) -> str | None:
    limit = queries.highest_allowed(auction)
    if amount <= limit:
        return None
    if auction.best_amount is None:
        return _("Your bid must be at most %(limit)s (the starting price).",
                 limit=_money_text(auction.currency, limit))
    if auction.visibility == "best":
        return _("Your bid must be at most %(limit)s (the best bid less the minimum "
                 "decrement).", limit=_money_text(auction.currency, limit))
    step = _money_text(auction.currency, auction.decrement_amount) \
        if auction.decrement_amount is not None else f"{auction.decrement_percent:g} %"
    return _("Your bid is not low enough: it must be below the best bid by at least the "
             "minimum decrement (%(step)s).", step=step)


def place_bid(auction_id: int, actor: Actor, amount: Any) -> tuple[AuctionBid, Auction,
                                                                   AuctionBidder]:
    """One bid, under the auction row's lock (``core.locking.lock_for_update``: PostgreSQL's
    ``SELECT ... FOR UPDATE``; SQLite's writer lock, taken before the read): refused
    before the start, at or after the end, above the starting price or above the best bid
    less the decrement (so above the bidder's own last bid too). Accepted, it is the new
    best; its row is the audit; a bid in the last ``soft_close_minutes`` moves the end by
    as many minutes; the one it beat is told."""
    auction, bidder = queries.auction_for(auction_id, actor, for_update=True)
    if bidder is None:
        raise Forbidden(_("The buyer does not bid in its own auction."))
    if not actor.can("documents.edit"):
        raise Forbidden(_("Your role does not allow writing documents."))
    errors: dict = {}
    value = _decimal(amount, "amount", errors)
    if errors:
        raise ValidationFailed(errors=errors)
    now = utcnow()  # read under the lock: the end a bid is judged against is settled
    state = auction.state(now)
    if state == "scheduled":
        raise Conflict(_("The auction starts at %(time)s UTC; no bid before then.",
                         time=auction.starts_at.strftime("%Y-%m-%d %H:%M:%S")),
                       starts_at=auction.starts_at.isoformat())
    if state in ("ended", "closed"):
        raise Conflict(_("The auction ended at %(time)s UTC; no bid is taken after the end.",
                         time=auction.ends_at.strftime("%Y-%m-%d %H:%M:%S")),
                       ends_at=auction.ends_at.isoformat())
    refusal = _too_high(auction, value)
    if refusal is not None:
        raise ValidationFailed(refusal, errors={"amount": [refusal]})
    beaten = auction.best_company_id
    bid = AuctionBid(auction_id=auction.id, company_id=bidder.company_id,
                     user_id=actor.user.id if actor.user else None, via=actor.via,
                     amount=value, previous_best=auction.best_amount, placed_at=now)
    window = timedelta(minutes=auction.soft_close_minutes)
    if auction.soft_close_minutes and auction.ends_at - now <= window:
        auction.ends_at = auction.ends_at + window
        auction.extensions += 1
        bid.extended_to = auction.ends_at
    auction.best_amount, auction.best_company_id = value, bidder.company_id
    auction.bid_count += 1
    bidder.amount, bidder.bid_at, bidder.bids = value, now, bidder.bids + 1
    db.session.add(bid)
    if beaten is not None and beaten != bidder.company_id:
        notifications.tell_outbid(auction, beaten, auction.rfq.number)  # read with the row
    db.session.flush()
    return bid, auction, bidder


def _split(amount: Decimal, lines: list) -> list[Decimal]:
    """Unit prices that make the lot's total: shared over the lines by their target
    amounts (the rfq's prices) when every line has one, else by quantity; the last line
    takes what rounding leaves."""
    if all(line.unit_price for line in lines):
        weights = [line.unit_price * line.quantity for line in lines]
    else:
        weights = [line.quantity for line in lines]
    whole = sum(weights) or Decimal(1)
    prices, left = [], amount
    for index, (line, weight) in enumerate(zip(lines, weights, strict=True)):
        share = left if index == len(lines) - 1 else amount * weight / whole
        price = (share / line.quantity).quantize(queries.UNIT) if line.quantity else share
        prices.append(price)
        left -= price * line.quantity
    return prices


def _final_quotation(auction: Auction, bidder: AuctionBidder, number: str) -> Document:
    """The supplier's final bid as its quotation on the rfq (derived from its invitation,
    each line priced from the lot's total, sent): what the buyer compares and awards."""
    from marketplace.infrastructure.auth import Actor as RealActor
    from marketplace.infrastructure.models import MemberRole

    company = db.session.get(Company, bidder.company_id)
    acting = RealActor(user=None, company=company, role=MemberRole.ADMIN, via="auction")
    invitation = db.session.get(Document, bidder.invitation_id)
    with sealing.closing_an_auction():
        quotation = engine.derive(invitation, "quotation", actor=acting)
        prices = _split(bidder.amount, quotation.lines)
        engine.update_draft(quotation, actor=acting, header={}, lines=[
            {"product_id": line.product_id, "sku": line.sku, "description": line.description,
             "quantity": line.quantity, "unit": line.unit, "unit_price": price,
             "source_line_id": line.source_line_id, "extras": dict(line.extras or {})}
            for line, price in zip(quotation.lines, prices, strict=True)],
            expected_version=None)
        engine.perform(quotation, "send", acting, _(
            "Final bid in the reverse auction on %(number)s: %(amount)s.", number=number,
            amount=_money_text(auction.currency, bidder.amount)))
    # Made by the marketplace at the close, not by a member or a key of the supplier:
    # its history says so ("the marketplace, on schedule"), as the opening's does.
    db.session.execute(update(DocumentEvent).where(DocumentEvent.document_id == quotation.id)
                       .values(actor_company_id=None))
    return quotation


def close_auction(auction_id: int) -> bool:
    """At (or after) the end: closed once, under the row lock. Each bidder's final bid
    becomes its quotation on the rfq (so the buyer compares and awards it as any bid);
    the buyer and the bidders are told. False: not due, or closed already."""
    auction = db.session.scalar(lock_for_update(select(Auction).where(Auction.id == auction_id)))
    if auction is None or auction.closed_at is not None or utcnow() < auction.ends_at:
        return False
    request = db.session.get(SourcingRequest, auction.request_id)
    if request.closes_at is not None and request.opened_at is None:
        open_bids(request.id)
    auction.closed_at = utcnow()
    rfq = auction.rfq
    placed = sorted((b for b in auction.bidders if b.amount is not None),
                    key=lambda b: (b.amount, b.bid_at))
    for bidder in placed:
        try:
            with db.session.begin_nested():
                bidder.quotation_id = _final_quotation(auction, bidder, rfq.number).id
        except DomainError:  # e.g. a supplier suspended since: its bid stays in the audit
            log.exception("auction %s: the final bid of company %s made no quotation",
                          auction.id, bidder.company_id)
    engine.record(rfq, "auction_closed", rfq.status, OPENING, _(
        "Reverse auction closed: %(count)s bidding suppliers, best %(best)s.",
        count=len(placed), best=_money_text(auction.currency, auction.best_amount)
        if auction.best_amount is not None else "—"))
    notifications.tell_closed_buyer(auction, rfq.number, len(placed))
    ranks = {bidder.company_id: index + 1 for index, bidder in enumerate(placed)}
    invitations = {b.company_id: db.session.get(Document, b.invitation_id)
                   for b in auction.bidders}
    for bidder in auction.bidders:
        notifications.tell_closed_bidder(auction, bidder.company_id,
                                         invitations[bidder.company_id].number,
                                         ranks.get(bidder.company_id))
    db.session.flush()
    return True


def award_auction(auction_id: int, actor: Actor, *, supplier_id: int | None = None,
                  reason: str | None = None, disclose: bool = False) -> list[Document]:
    """After the close: every line of the rfq to one bidder's final bid (default the
    best) through the rfq's award (a purchase order for the winner, regrets for the
    others once every line is awarded)."""
    auction, bidder = queries.auction_for(auction_id, actor)
    if bidder is not None:
        raise Forbidden(_("Only the buyer awards its auction."))
    if auction.closed_at is None:
        close_auction(auction.id)  # due, but the job has not come yet
    if auction.closed_at is None:
        raise Conflict(_("The auction ends at %(time)s UTC; award it after the end.",
                         time=auction.ends_at.strftime("%Y-%m-%d %H:%M:%S")))
    winner_id = supplier_id if supplier_id is not None else auction.best_company_id
    winner = next((b for b in auction.bidders if b.company_id == winner_id), None)
    if winner is None or winner.quotation_id is None:
        raise ValidationFailed(errors={"supplier_id": [
            _("Not a supplier with a final bid in this auction.")]})
    request = db.session.get(SourcingRequest, auction.request_id)
    comparison = queries.comparison(request)
    awards = [{"line_id": line.line_id, "quotation_id": winner.quotation_id}
              for line in comparison.lines
              if any(c.quotation_id == winner.quotation_id for c in line.bids)]
    return award(auction.rfq_id, actor, awards, reason=reason, disclose=disclose)

"""Sourcing's reads: a buyer's sent rfq, its bids, the side-by-side comparison and the
difference between two versions of a document.

``current_bids`` is the one place bids are loaded with their prices: before the
closing time it refuses (409), for everybody, so the comparison, its export and the
award cannot show a sealed price. The engine's visibility does the same for every
other route (``sealing.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_UP, Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from marketplace.core.errors import Conflict, NotFound
from marketplace.core.locking import lock_for_update
from marketplace.core.types import utcnow
from marketplace.crm.queries.scorecards import scorecards
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, User
from marketplace.sourcing.models import (
    Auction,
    AuctionBid,
    AuctionBidder,
    Award,
    SourcingRequest,
)
from marketplace.sourcing.sealing import QUOTATION, RFQ
from marketplace.trading.queries.documents import visible_document
from marketplace.workflow.models import Document, DocumentLine

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

# A bid counts once its supplier sent it; a withdrawn (cancelled) one does not.
BID_STATUSES = ("sent", "accepted", "declined", "closed")
CENT = Decimal("0.01")
UNIT = Decimal("0.0001")
SCORECARD_DAYS = 365


class Sealed(Conflict):
    """The bids are sealed until the closing time: nothing of them may be read."""


def _sealed(request: SourcingRequest) -> Sealed:
    return Sealed(_("The bids are sealed until %(time)s UTC: nobody, the buyer included, "
                    "can read them before the closing time.",
                    time=request.closes_at.strftime("%Y-%m-%d %H:%M")),
                  closes_at=request.closes_at.isoformat())


# ----- the request and its bids -------------------------------------------------------------


def buyers_request(rfq_id: int, actor: Actor, *, for_update: bool = False) -> SourcingRequest:
    """The acting buyer's own sent rfq (not an invitation); 404 for anyone else."""
    company_id = actor.company.id if actor.company else None
    stmt = select(SourcingRequest).where(SourcingRequest.rfq_id == rfq_id,
                                         SourcingRequest.buyer_company_id == company_id)
    if for_update:
        stmt = lock_for_update(stmt)
    request = db.session.scalar(stmt) if company_id else None
    if request is None:
        raise NotFound(_("Request for quotation %(id)s was not found.", id=rfq_id))
    return request


def request_of_rfq(rfq: Document) -> SourcingRequest | None:
    """Sourcing's row of a sent rfq, from the rfq itself or one of its invitations."""
    rfq_id = rfq.parent_id if (rfq.extras or {}).get("invitation") else rfq.id
    return db.session.scalar(select(SourcingRequest).where(SourcingRequest.rfq_id == rfq_id))


def invitations(request: SourcingRequest) -> list[Document]:
    return list(db.session.scalars(select(Document).where(
        Document.parent_id == request.rfq_id, Document.type == RFQ,
        Document.issuer_company_id == request.buyer_company_id).order_by(Document.id)))


def _bids_statement(request: SourcingRequest):
    threads = [invitation.thread_id for invitation in invitations(request)]
    return select(Document).where(Document.thread_id.in_(threads), Document.type == QUOTATION,
                                  Document.recipient_company_id == request.buyer_company_id,
                                  Document.status.in_(BID_STATUSES))


def bid_count(request: SourcingRequest) -> int:
    """How many suppliers have a bid in (the buyer may know this, never the prices)."""
    return len({bid.issuer_company_id for bid in db.session.scalars(_bids_statement(request))})


def held_bids(request: SourcingRequest) -> list[Document]:
    """The bids not yet delivered to the buyer (for the opening, never for showing)."""
    return list(db.session.scalars(_bids_statement(request).where(
        Document.sent_at.is_(None), Document.status == "sent").order_by(Document.id)))


def current_bids(request: SourcingRequest, now: datetime | None = None) -> list[Document]:
    """Each supplier's latest bid, with its lines: refused (409) while sealed."""
    if request.sealed(now):
        raise _sealed(request)
    latest: dict[int, Document] = {}
    for bid in db.session.scalars(_bids_statement(request).options(
            selectinload(Document.lines)).order_by(Document.id)):
        latest[bid.issuer_company_id] = bid
    return sorted(latest.values(), key=lambda bid: bid.id)


def _master_lines(request: SourcingRequest) -> list[DocumentLine]:
    return list(db.session.scalars(select(DocumentLine).where(
        DocumentLine.document_id == request.rfq_id).order_by(DocumentLine.position)))


def _sources(thread_ids: list[int]) -> dict[int, int | None]:
    """Every line of these threads: line id → the line it was carried over from."""
    return dict(db.session.execute(select(DocumentLine.id, DocumentLine.source_line_id)
                                   .join(Document).where(Document.thread_id.in_(thread_ids)))
                .all())


def _origin(line_id: int | None, sources: dict[int, int | None], targets: set[int]) -> int | None:
    """Follow a line's carried-over sources up to one of ``targets`` (or None)."""
    seen: set[int] = set()
    while line_id is not None and line_id not in targets and line_id not in seen:
        seen.add(line_id)
        line_id = sources.get(line_id)
    return line_id if line_id in targets else None


# ----- the comparison ---------------------------------------------------------------------


@dataclass
class BidCell:
    quotation_id: int
    quotation_number: str
    supplier_id: int
    supplier_name: str
    quotation_line_id: int
    currency: str
    quantity: Decimal
    unit_price: Decimal | None
    total: Decimal | None
    lead_time_days: int | None
    incoterm: str | None
    incoterm_place: str | None
    payment_terms: str | None
    valid_until: date | None
    freight: Decimal | None = None
    landed_total: Decimal | None = None
    landed_unit_cost: Decimal | None = None
    scorecard: dict[str, Any] = field(default_factory=dict)
    best_price: bool = False
    best_landed: bool = False
    best_lead_time: bool = False
    awarded: bool = False


@dataclass
class ComparisonLine:
    line_id: int
    position: int
    description: str
    sku: str | None
    quantity: Decimal
    unit: str
    required_date: date | None
    bids: list[BidCell]
    award: Award | None = None


@dataclass
class Comparison:
    request: SourcingRequest
    rfq: Document
    lines: list[ComparisonLine]
    bids: list[Document]
    names: dict[int, str]

    @property
    def open_lines(self) -> list[ComparisonLine]:
        return [line for line in self.lines if line.award is None]


def _scorecards(buyer_id: int) -> dict[int, dict[str, Any]]:
    today = utcnow().date()
    cards = scorecards(buyer_id, today - timedelta(days=SCORECARD_DAYS), today, today=today)
    return {card.supplier_id: {"orders": card.orders, "on_time_rate": card.on_time_rate,
                               "shortage_rate": card.shortage_rate,
                               "damage_rate": card.damage_rate} for card in cards}


def _freight_share(bid: Document, line: DocumentLine) -> Decimal | None:
    freight = (bid.extras or {}).get("freight")
    if freight in (None, "") or line.amount is None:
        return None
    total = bid.total_amount or Decimal(0)
    if total <= 0:
        return None
    return (Decimal(str(freight)) * line.amount / total).quantize(UNIT)


def _cell(bid: Document, line: DocumentLine, names: dict[int, str], cards: dict) -> BidCell:
    cell = BidCell(
        quotation_id=bid.id, quotation_number=bid.number, supplier_id=bid.issuer_company_id,
        supplier_name=names.get(bid.issuer_company_id, ""), quotation_line_id=line.id,
        currency=bid.currency, quantity=line.quantity, unit_price=line.unit_price,
        total=line.amount, lead_time_days=(bid.extras or {}).get("lead_time_days"),
        incoterm=bid.incoterm, incoterm_place=bid.incoterm_place,
        payment_terms=bid.payment_terms, valid_until=bid.valid_until,
        scorecard=cards.get(bid.issuer_company_id, {}))
    share = _freight_share(bid, line)
    if share is not None:
        cell.freight = share
        cell.landed_total = (line.amount + share).quantize(UNIT)
        cell.landed_unit_cost = (cell.landed_total / line.quantity).quantize(UNIT)
    return cell


def _same_item(line: DocumentLine, master: DocumentLine) -> bool:
    if line.product_id and master.product_id:
        return line.product_id == master.product_id
    if line.sku and master.sku:
        return line.sku.strip().lower() == master.sku.strip().lower()
    return line.description.strip().lower() == master.description.strip().lower()


def _bid_origins(bid: Document, master: list[DocumentLine], sources: dict,
                 targets: set[int]) -> list[tuple[DocumentLine, int]]:
    """Each line of a bid with the rfq line it answers: the line it was carried over
    from, else (lines retyped through the API) the same product, SKU or text. A line
    answering nothing of the rfq (an extra the supplier offers) is left out."""
    found, used = [], set()
    rest = []
    for line in bid.lines:
        origin = _origin(line.id, sources, targets)
        if origin is None or origin in used:
            rest.append(line)
        else:
            used.add(origin)
            found.append((line, origin))
    for line in rest:
        match = next((m.id for m in master if m.id not in used and _same_item(line, m)), None)
        if match is not None:
            used.add(match)
            found.append((line, match))
    return found


def _mark_best(cells: list[BidCell]) -> None:
    """The best value of each column a buyer weighs: lowest unit price, lowest landed
    cost (where freight is given), shortest lead time. Ties are all marked."""
    for attribute, flag in (("unit_price", "best_price"), ("landed_unit_cost", "best_landed"),
                            ("lead_time_days", "best_lead_time")):
        values = [getattr(cell, attribute) for cell in cells
                  if getattr(cell, attribute) is not None]
        if len(values) < 1:
            continue
        best = min(values)
        for cell in cells:
            setattr(cell, flag, getattr(cell, attribute) == best)


def comparison(request: SourcingRequest, now: datetime | None = None) -> Comparison:
    """Per line of the rfq, every supplier's current bid side by side (409 while sealed)."""
    bids = current_bids(request, now)
    rfq = db.session.get(Document, request.rfq_id)
    master = _master_lines(request)
    targets = {line.id for line in master}
    sources = _sources(list({bid.thread_id for bid in bids}) + [rfq.thread_id])
    names = dict(db.session.execute(select(Company.id, Company.name).where(
        Company.id.in_([bid.issuer_company_id for bid in bids]))).all())
    cards = _scorecards(request.buyer_company_id) if bids else {}
    awards = {award.rfq_line_id: award for award in request.awards}
    cells: dict[int, list[BidCell]] = {line.id: [] for line in master}
    for bid in bids:
        for line, origin in _bid_origins(bid, master, sources, targets):
            if line.unit_price is not None:
                cells[origin].append(_cell(bid, line, names, cards))
    lines = []
    for line in master:
        _mark_best(cells[line.id])
        award = awards.get(line.id)
        for cell in cells[line.id]:
            cell.awarded = award is not None and award.quotation_id == cell.quotation_id
        lines.append(ComparisonLine(
            line_id=line.id, position=line.position, description=line.description,
            sku=line.sku, quantity=line.quantity, unit=line.unit,
            required_date=rfq.delivery_date, bids=cells[line.id], award=award))
    return Comparison(request=request, rfq=rfq, lines=lines, bids=bids, names=names)


# ----- differences between versions -------------------------------------------------------

HEADER_COMPARED = ("subject", "currency", "incoterm", "incoterm_place", "payment_terms",
                   "valid_until", "delivery_date", "port_of_loading", "port_of_discharge",
                   "notes")
EXTRAS_COMPARED = ("lead_time_days", "freight", "buyer_reference", "due_date", "reason")
LINE_COMPARED = ("description", "sku", "quantity", "unit", "unit_price", "amount")


@dataclass
class LineChange:
    change: str  # "added", "removed", "changed", "same"
    line: DocumentLine | None  # in the document
    against_line: DocumentLine | None  # in the version it is compared with
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name → (before, after)


@dataclass
class Difference:
    document: Document
    against: Document
    header: dict[str, tuple[Any, Any]]
    lines: list[LineChange]

    @property
    def changed(self) -> bool:
        return bool(self.header) or any(line.change != "same" for line in self.lines)

    def count(self, change: str) -> int:
        return sum(1 for line in self.lines if line.change == change)


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, Decimal) or isinstance(after, Decimal):
        try:
            return Decimal(str(before)) == Decimal(str(after))
        except Exception:  # noqa: BLE001 - one side is no number: they differ
            return False
    return before == after


def _header_changes(document: Document, against: Document) -> dict[str, tuple[Any, Any]]:
    changes = {name: (getattr(against, name), getattr(document, name))
               for name in HEADER_COMPARED
               if not _same(getattr(against, name), getattr(document, name))}
    for name in EXTRAS_COMPARED:
        before, after = (against.extras or {}).get(name), (document.extras or {}).get(name)
        if not _same(before, after):
            changes[name] = (before, after)
    if not _same(against.total_amount, document.total_amount):
        changes["total"] = (against.total_amount, document.total_amount)
    return changes


def _key(line: DocumentLine) -> tuple:
    return (line.product_id, (line.sku or "").lower(), line.description.strip().lower())


def _pairs(document: Document, against: Document) -> list[tuple[DocumentLine | None,
                                                                DocumentLine | None]]:
    """Each line of ``document`` with its line in ``against``: the line it was carried
    over from (through versions between), else the same product or text."""
    targets = {line.id: line for line in against.lines}
    sources = _sources(list({document.thread_id, against.thread_id}))
    pairs, used = [], set()
    unmatched = []
    for line in document.lines:
        origin = _origin(line.id, sources, set(targets) - used)
        if origin is None:
            unmatched.append(line)
            continue
        used.add(origin)
        pairs.append((line, targets[origin]))
    for line in unmatched:
        match = next((old for old in against.lines
                      if old.id not in used and _key(old) == _key(line)), None)
        if match is not None:
            used.add(match.id)
        pairs.append((line, match))
    pairs += [(None, old) for old in against.lines if old.id not in used]
    return pairs


def _line_change(line: DocumentLine | None, old: DocumentLine | None) -> LineChange:
    if old is None:
        return LineChange("added", line, None)
    if line is None:
        return LineChange("removed", None, old)
    fields_changed = {name: (getattr(old, name), getattr(line, name)) for name in LINE_COMPARED
                      if not _same(getattr(old, name), getattr(line, name))}
    return LineChange("changed" if fields_changed else "same", line, old, fields_changed)


def default_against(document: Document, actor: Actor) -> Document:
    """The version a document is compared with when none is named: its parent."""
    if document.parent_id is None:
        raise NotFound(_("%(number)s is no revision of another document: name the one to "
                         "compare it with (against).", number=document.number))
    return visible_document(document.parent_id, actor)


def difference(document_id: int, against_id: int | None, actor: Actor) -> Difference:
    """What changed from ``against`` (default: the parent) to the document, as the actor
    may see both (either not visible, a sealed bid included: 404)."""
    document = visible_document(document_id, actor)
    against = default_against(document, actor) if against_id is None \
        else visible_document(against_id, actor)
    changes = [_line_change(line, old) for line, old in _pairs(document, against)]
    return Difference(document=document, against=against,
                      header=_header_changes(document, against), lines=changes)


def _plain(value: Any) -> Any:
    """A value as the API shows it: money and quantities as decimal strings, dates ISO."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _changes(pairs: dict[str, tuple[Any, Any]]) -> list[dict]:
    return [{"field": name, "before": _plain(before), "after": _plain(after)}
            for name, (before, after) in pairs.items()]


def difference_answer(diff: Difference) -> dict:
    """The difference as the API answers it (``DiffSchema``)."""
    lines = []
    for change in diff.lines:
        shown = change.line or change.against_line
        pairs = change.fields
        if change.change in ("added", "removed"):
            pairs = {name: (None, getattr(shown, name)) if change.change == "added"
                     else (getattr(shown, name), None) for name in LINE_COMPARED}
        lines.append({"change": change.change,
                      "line_id": change.line.id if change.line else None,
                      "against_line_id": change.against_line.id if change.against_line
                      else None, "description": shown.description, "sku": shown.sku,
                      "changes": _changes(pairs)})
    return {"document_id": diff.document.id, "number": diff.document.number,
            "against_id": diff.against.id, "against_number": diff.against.number,
            "changed": diff.changed, "header": _changes(diff.header), "lines": lines,
            "summary": {kind: diff.count(kind)
                        for kind in ("added", "removed", "changed", "same")}}


# ----- reverse auctions ---------------------------------------------------------------------

VISIBILITIES = ("rank", "best")


def _auction_row(auction_id: int, actor: Actor, *, for_update: bool = False):
    """One statement: the auction with its rfq (number, subject), the actor's bidder row
    (None for its buyer) and that bidder's rank (1 + bidders standing lower; None before
    its first bid). 404 for anyone neither its buyer nor invited, the operator included.
    ``for_update`` (a bid): the auction's row and the bidder's are locked."""
    company_id = actor.company.id if actor.company else None
    if not company_id:
        raise NotFound(_("Auction %(id)s was not found.", id=auction_id))
    lower = aliased(AuctionBidder)
    bidder_of = (AuctionBidder.auction_id == Auction.id) & (AuctionBidder.company_id
                                                            == company_id)
    stmt = (select(Auction, AuctionBidder)
            .join(Auction.rfq).options(contains_eager(Auction.rfq))
            .where(Auction.id == auction_id))
    if for_update:
        # A bid's: the bidder's row locked with the auction's, so both are read as the
        # bid before committed them (PostgreSQL reads the newest version of the rows it
        # locks only); the buyer and outsiders find no row and are told below.
        # (SQLite: the database's writer lock, so two bids never read the same best.)
        stmt = lock_for_update(stmt.join(AuctionBidder, bidder_of),
                               of=[Auction, AuctionBidder]
                               ).execution_options(populate_existing=True)
    else:  # the rank in the same statement (a bid's is known: it is the best)
        stmt = stmt.outerjoin(AuctionBidder, bidder_of).add_columns(
            select(func.count(lower.id)).where(lower.auction_id == Auction.id,
                                               lower.amount < AuctionBidder.amount)
            .correlate(Auction, AuctionBidder).scalar_subquery())
    row = db.session.execute(stmt).first()
    if row is None and for_update:  # not a bidder: the buyer's (bidder None) or 404
        return _auction_row(auction_id, actor)
    if row is None or (row[0].buyer_company_id != company_id and row[1] is None):
        raise NotFound(_("Auction %(id)s was not found.", id=auction_id))
    auction, bidder = row[0], row[1]
    if auction.buyer_company_id == company_id:
        bidder = None
    rank = None
    if bidder is not None and bidder.amount is not None and not for_update:
        rank = 1 + (row[2] or 0)
    return auction, bidder, rank


def auction_for(auction_id: int, actor: Actor, *, for_update: bool = False
                ) -> tuple[Auction, AuctionBidder | None]:
    """The auction as the actor may see it: its buyer (bidder None) or an invited
    supplier (its bidder row); 404 for anyone else, the operator included."""
    auction, bidder, _rank = _auction_row(auction_id, actor, for_update=for_update)
    return auction, bidder


def standing_for(auction_id: int, actor: Actor) -> Standing:
    """The live view (what a bidder polls every 2 s): a bidder's in one statement (the
    auction, its rfq's number, the bidder row and its rank); the buyer's ranking in one
    more."""
    auction, bidder, rank = _auction_row(auction_id, actor)
    return standing(auction, bidder, rank=rank)


def auctions_of(actor: Actor, limit: int = 100) -> list[Auction]:
    """The company's auctions: those it runs and those it is invited to, newest first."""
    company_id = actor.company.id if actor.company else None
    if company_id is None:
        return []
    invited = select(AuctionBidder.auction_id).where(AuctionBidder.company_id == company_id)
    return list(db.session.scalars(select(Auction).where(
        (Auction.buyer_company_id == company_id) | Auction.id.in_(invited))
        .options(selectinload(Auction.rfq)).order_by(Auction.id.desc()).limit(limit)))


def auctions_of_rfq(rfq_id: int) -> list[Auction]:
    return list(db.session.scalars(select(Auction).where(Auction.rfq_id == rfq_id)
                                   .order_by(Auction.id)))


def decrement(auction: Auction, best: Decimal) -> Decimal:
    """The least step below the best bid: the amount, or the percent of the best."""
    if auction.decrement_amount is not None:
        return auction.decrement_amount
    return (best * (auction.decrement_percent or Decimal(0)) / 100).quantize(
        CENT, rounding=ROUND_UP)


def highest_allowed(auction: Auction) -> Decimal:
    """The most the next bid may be: the starting price, or the best less the decrement."""
    if auction.best_amount is None:
        return auction.starting_price
    return auction.best_amount - decrement(auction, auction.best_amount)


def rank_of(auction: Auction, amount: Decimal | None) -> int | None:
    """1 + how many bidders stand lower (bids are strictly decreasing: no ties)."""
    if amount is None:
        return None
    return 1 + (db.session.scalar(select(func.count(AuctionBidder.id)).where(
        AuctionBidder.auction_id == auction.id, AuctionBidder.amount < amount)) or 0)


@dataclass
class Standing:
    """What one reader sees of an auction now. A supplier: its own rank and bid (and the
    best amount when the buyer shows it); never a name, an amount of another or how
    many bid. The buyer: ``ranking`` with every bidder."""

    auction: Auction
    state: str
    server_time: datetime
    rank: int | None = None
    amount: Decimal | None = None
    bids: int = 0
    best_amount: Decimal | None = None
    highest_allowed: Decimal | None = None
    ranking: list[dict] | None = None
    bid_count: int | None = None
    quotation_id: int | None = None

    def __getattr__(self, name: str):  # the auction's own fields (times, rule) pass through
        return getattr(self.__dict__["auction"], name)


def ranking(auction: Auction) -> list[dict]:
    """The buyer's live view: every invited supplier, bidders first by amount."""
    rows = db.session.execute(select(AuctionBidder, Company.name)
                              .join(Company, Company.id == AuctionBidder.company_id)
                              .where(AuctionBidder.auction_id == auction.id)).all()
    placed = sorted((r for r in rows if r[0].amount is not None),
                    key=lambda r: (r[0].amount, r[0].bid_at))
    waiting = sorted((r for r in rows if r[0].amount is None), key=lambda r: r[1])
    return [{"rank": index + 1 if bidder.amount is not None else None,
             "supplier_id": bidder.company_id, "supplier_name": name,
             "amount": bidder.amount, "bid_at": bidder.bid_at, "bids": bidder.bids,
             "quotation_id": bidder.quotation_id}
            for index, (bidder, name) in enumerate(placed + waiting)]


def standing(auction: Auction, bidder: AuctionBidder | None,
             now: datetime | None = None, *, rank: int | None = None) -> Standing:
    """``rank``: the bidder's, when the caller knows it (read with the auction, or 1 just
    after its accepted bid); else counted."""
    now = now or utcnow()
    found = Standing(auction=auction, state=auction.state(now), server_time=now)
    if bidder is None:  # the buyer
        found.best_amount = auction.best_amount
        found.highest_allowed = highest_allowed(auction)
        found.ranking = ranking(auction)
        found.bid_count = auction.bid_count
        return found
    found.amount, found.bids = bidder.amount, bidder.bids
    found.rank = rank if rank is not None else rank_of(auction, bidder.amount)
    found.quotation_id = bidder.quotation_id
    if auction.visibility == "best":
        found.best_amount = auction.best_amount
        found.highest_allowed = highest_allowed(auction)
    return found


def bids_seen_by(auction: Auction, bidder: AuctionBidder | None,
                 limit: int = 1000) -> list[AuctionBid]:
    """The audit: every bid for the buyer, a supplier's own bids for it; newest first."""
    stmt = select(AuctionBid).where(AuctionBid.auction_id == auction.id)
    if bidder is not None:
        stmt = stmt.where(AuctionBid.company_id == bidder.company_id)
    return list(db.session.scalars(stmt.order_by(AuctionBid.id.desc()).limit(limit)))


def company_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Company.id, Company.name).where(
        Company.id.in_(ids))).all())


def auction_awards(auction: Auction) -> list[Award]:
    """The awards of the auction's rfq (made through the auction or the comparison)."""
    return list(db.session.scalars(select(Award).where(
        Award.request_id == auction.request_id).order_by(Award.id)))


def user_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(
        User.id.in_(ids))).all())


def bid_rows(bids, for_buyer: bool) -> list[dict]:
    """The audit as its reader may see it: a bidder, its own bids without the best they
    beat; the buyer, every bid with its supplier and member."""
    names = company_names({bid.company_id for bid in bids}) if for_buyer else {}
    members = user_names({bid.user_id for bid in bids if bid.user_id})
    rows = []
    for bid in bids:
        row = {"id": bid.id, "amount": bid.amount, "placed_at": bid.placed_at,
               "extended_to": bid.extended_to, "via": bid.via,
               "member": members.get(bid.user_id)}
        if for_buyer:
            row.update(supplier_id=bid.company_id, supplier_name=names.get(bid.company_id),
                       previous_best=bid.previous_best)
        rows.append(row)
    return rows


def due_auctions(limit: int = 100) -> list[int]:
    return list(db.session.scalars(select(Auction.id).where(
        Auction.closed_at.is_(None), Auction.ends_at <= utcnow())
        .order_by(Auction.ends_at).limit(limit)))

"""Sourcing's JSON routes (API.md, wave 2): the comparison of a sealed rfq's bids, the
award, and a document's difference from another version. Thin: auth → query or
operation → schema."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.api import idempotent, problem_responses
from marketplace.core.errors import Forbidden
from marketplace.infrastructure.auth import api_auth, current_actor
from marketplace.sourcing import api_bp, exports, operations, queries
from marketplace.sourcing.schemas import (
    AuctionArgsSchema,
    AuctionListSchema,
    AuctionSchema,
    AwardArgsSchema,
    AwardAuctionArgsSchema,
    AwardResultSchema,
    BidArgsSchema,
    BidListSchema,
    BidResultSchema,
    ComparisonArgsSchema,
    ComparisonSchema,
    DiffArgsSchema,
    DiffSchema,
)


def _actor():
    actor = current_actor()
    if actor is None or actor.company is None:
        raise Forbidden(str(_l("Only a member of a company (or its API key) acts on "
                               "documents.")))
    return actor


@api_bp.route("/rfqs/<int:rfq_id>/comparison")
@api_auth(permission="documents.view")
@api_bp.arguments(ComparisonArgsSchema, location="query")
@api_bp.response(200, ComparisonSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def rfq_comparison(args, rfq_id):
    """Buyer: per line of the rfq, every supplier's current bid side by side (unit
    price, total, lead time, incoterm, payment terms, validity, landed cost where
    freight is given, the supplier's scorecard figures), the best values marked. Before
    the closing time 409: sealed, nothing revealed. ``?format=xlsx``: the Excel file."""
    request = queries.buyers_request(rfq_id, _actor())
    comparison = queries.comparison(request)
    if args["format"] == "xlsx":
        return exports.comparison_xlsx(comparison)
    return comparison


@api_bp.route("/rfqs/<int:rfq_id>/award", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(AwardArgsSchema)
@api_bp.response(201, AwardResultSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def award_rfq(values, rfq_id):
    """Buyer: award lines to bids (``{awards: [{line_id, quotation_id}], reason?,
    disclose?}``). A draft purchase order per winning bid with its awarded lines; the
    award and its reason in the rfq's history; winners told; once every line is
    awarded, the others get a regret. A line awarded before: 409, nothing written."""
    orders = operations.award(rfq_id, _actor(), values["awards"], reason=values.get("reason"),
                              disclose=values.get("disclose", False))
    return {"purchase_order_ids": [order.id for order in orders]}, 201


@api_bp.route("/documents/<int:document_id>/diff")
@api_auth(permission="documents.view")
@api_bp.arguments(DiffArgsSchema, location="query")
@api_bp.response(200, DiffSchema)
@api_bp.doc(responses=problem_responses(404, 422))
def document_diff(args, document_id):
    """What changed from the version ``against`` (default: the document's parent) to
    this document: header fields and terms, lines added, removed and changed (quantity,
    price...). Both must be visible to you. ``?format=xlsx``: the Excel file."""
    diff = queries.difference(document_id, args.get("against"), _actor())
    if args["format"] == "xlsx":
        return exports.difference_xlsx(diff)
    return queries.difference_answer(diff)


# ----- reverse auctions -----------------------------------------------------------------


@api_bp.route("/auctions", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(AuctionArgsSchema)
@api_bp.response(201, AuctionSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def create_auction(values):
    """Buyer: a reverse auction on its sent rfq's lines (one lot, bid as the lot's
    total) for suppliers it invited: start and end, starting price, minimum decrement
    (amount or percent), soft close, what bidders see. Each supplier is told."""
    actor = _actor()
    if "start_price" in values:  # the names API.md first gave them
        values.setdefault("starting_price", values.pop("start_price"))
    if "min_decrement" in values:
        values.setdefault("decrement_amount", values.pop("min_decrement"))
    if values.get("visibility") == "best_price":
        values["visibility"] = "best"
    auction = operations.create_auction(values.pop("rfq_id"), actor, values)
    return queries.standing(auction, None), 201


@api_bp.route("/auctions")
@api_auth(permission="documents.view")
@api_bp.response(200, AuctionListSchema)
def list_auctions():
    """The auctions the company runs and those it is invited to, newest first (each as
    its reader may see it)."""
    actor = _actor()
    items = []
    for auction in queries.auctions_of(actor):
        _auction, bidder = queries.auction_for(auction.id, actor)
        items.append(queries.standing(auction, bidder))
    return {"items": items}


@api_bp.route("/auctions/<int:auction_id>")
@api_auth(permission="documents.view")
@api_bp.response(200, AuctionSchema)
@api_bp.doc(responses=problem_responses(404))
def get_auction(auction_id):
    """The auction and its standing now (as ``/standing``)."""
    return queries.standing_for(auction_id, _actor())


@api_bp.route("/auctions/<int:auction_id>/standing")
@api_auth(permission="documents.view")
@api_bp.response(200, AuctionSchema)
@api_bp.doc(responses=problem_responses(404))
def auction_standing(auction_id):
    """Poll this (every few seconds) for the live view: a bidder's rank and own bid (and
    the best amount when the buyer shows it), the end with its extensions and the
    server's time; the buyer's full ranking. Never another bidder's name or amount."""
    return queries.standing_for(auction_id, _actor())


@api_bp.route("/auctions/<int:auction_id>/bids", methods=["POST"])
@api_auth(permission="documents.edit")
@api_bp.arguments(BidArgsSchema)
@api_bp.response(201, BidResultSchema)
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def place_bid(values, auction_id):
    """Bidder: a bid (the lot's total). Before the start or after the end 409; above the
    starting price or the best less the decrement 422; nothing written. Accepted, it is
    the best; in the soft-close window the end moves."""
    actor = _actor()
    bid, auction, bidder = operations.place_bid(auction_id, actor, values["amount"])
    return {"bid": queries.bid_rows([bid], for_buyer=False)[0],
            # accepted, it is the lowest of all: rank 1
            "standing": queries.standing(auction, bidder, now=bid.placed_at, rank=1)}, 201


@api_bp.route("/auctions/<int:auction_id>/bids")
@api_auth(permission="documents.view")
@api_bp.response(200, BidListSchema)
@api_bp.doc(responses=problem_responses(404))
def auction_bids(auction_id):
    """The audit, newest first: the buyer sees every bid (supplier, member, time,
    amount, the best it beat); a bidder only its own."""
    auction, bidder = queries.auction_for(auction_id, _actor())
    return {"items": queries.bid_rows(queries.bids_seen_by(auction, bidder), bidder is None)}


@api_bp.route("/auctions/<int:auction_id>/award", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(AwardAuctionArgsSchema)
@api_bp.response(201, AwardResultSchema)
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def award_auction(values, auction_id):
    """Buyer, after the end: every line to one bidder's final bid (default the best),
    through the rfq's award: a draft purchase order for it, regrets for the others."""
    orders = operations.award_auction(auction_id, _actor(),
                                      supplier_id=values.get("supplier_id"),
                                      reason=values.get("reason"),
                                      disclose=values.get("disclose", False))
    return {"purchase_order_ids": [order.id for order in orders]}, 201

"""Many bids at one instant, from real threads each with its own connection (on
PostgreSQL: TEST_DATABASE_URL; each waits on the auction row's lock): every answer is
201 or a refusal (422: not low enough by then), never a 500; no bid lost or written
twice; the accepted bids fall strictly, each at least the decrement below the best it
beat; exactly one bidder ranks first, at the auction's best amount."""

from __future__ import annotations

import random
import threading
from decimal import Decimal

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.sourcing.models import Auction, AuctionBid, AuctionBidder
from tests.sourcing.auction_support import build_auction

ROUNDS = 2
PER_SUPPLIER = 5


def test_bids_at_once_one_best_none_lost_none_above_the_rule(make, api, app):
    world = build_auction(make, api, names="Race")
    auction_id = world.auction["id"]
    names = list(world.suppliers)
    outcomes: list = []
    for round_number in range(ROUNDS):
        # Amounts far enough apart that several can be accepted in one race.
        amounts = [Decimal(10000 - 50 * (round_number * 100 + k)) for k in
                   range(1, len(names) * PER_SUPPLIER + 1)]
        random.Random(round_number).shuffle(amounts)
        jobs = [(names[i % len(names)], amount) for i, amount in enumerate(amounts)]
        barrier = threading.Barrier(len(jobs))

        def attempt(name: str, amount: Decimal, barrier: threading.Barrier = barrier):
            client = app.test_client()
            barrier.wait()
            try:
                response = client.post(f"/api/v1/auctions/{auction_id}/bids",
                                       json={"amount": f"{amount:.2f}"},
                                       headers={"Authorization":
                                                f"Bearer {world.tokens[name]}"})
                outcomes.append((name, amount, response.status_code))
            except Exception as error:  # a crash is an outcome too, and must show
                outcomes.append((name, amount, repr(error)))

        threads = [threading.Thread(target=attempt, args=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert {status for *_rest, status in outcomes} <= {201, 422}, outcomes
    accepted = [(name, amount) for name, amount, status in outcomes if status == 201]
    assert len(accepted) >= ROUNDS
    with app.app_context():
        auction = db.session.get(Auction, auction_id)
        bids = list(db.session.scalars(select(AuctionBid).where(
            AuctionBid.auction_id == auction_id).order_by(AuctionBid.id)))
        # None lost, none twice: the rows are exactly the accepted answers.
        assert sorted(b.amount for b in bids) == sorted(a for _n, a in accepted)
        assert auction.bid_count == len(bids)
        # Each below the best it beat by the decrement; strictly falling.
        previous = auction.starting_price + Decimal("50.00")
        for bid in bids:
            assert bid.previous_best == (None if previous > auction.starting_price
                                         else previous)
            assert bid.amount <= previous - Decimal("50.00")
            previous = bid.amount
        assert auction.best_amount == bids[-1].amount
        bidders = list(db.session.scalars(select(AuctionBidder).where(
            AuctionBidder.auction_id == auction_id)))
        leaders = [b for b in bidders if b.amount == auction.best_amount]
        assert len(leaders) == 1 and leaders[0].company_id == bids[-1].company_id
        for bidder in bidders:  # each one's standing bid is its last accepted one
            own = [b.amount for b in bids if b.company_id == bidder.company_id]
            assert bidder.amount == (own[-1] if own else None)
            assert bidder.bids == len(own)
    ranks = [world.standing(name)["your_rank"] for name in names]
    assert ranks.count(1) == 1

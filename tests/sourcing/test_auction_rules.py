"""The reverse auction's rules over the API, as a bidder meets them: the starting
price, the best less the decrement (amount or percent), never before the start or
after the end (409), soft close moving the end, every bid in the audit, the refusals'
words (nothing written), and the award after the end: the best final bid's purchase
order, regrets for the others."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.sourcing import tasks
from marketplace.sourcing.models import AuctionBid
from marketplace.workflow.models import Document
from tests.factories import portal_login
from tests.sourcing.auction_support import build_auction, ok
from tests.worlds import shared_world


@shared_world
def world(make, api):
    return build_auction(make, api)


@shared_world
def shown(make, api):
    return build_auction(make, api, names="Forgings", visibility="best",
                         decrement_percent="2")


def _bids(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuctionBid.id)))


def test_the_first_bid_is_at_most_the_starting_price(world, app):
    with world.at(1):
        refused = world.bid("alpha", "10000.01")
        assert refused.status_code == 422
        assert "at most USD 10,000.00 (the starting price)" in refused.get_json()["detail"]
        assert _bids(app) == 0
        assert ok(world.bid("alpha", "10000.00"), 201)["standing"]["your_rank"] == 1


def test_each_bid_beats_the_best_by_the_decrement_without_telling_the_best(world, app):
    with world.at(1):
        ok(world.bid("alpha", "9800.00"), 201)
        refused = world.bid("beta", "9760.00")  # only 40 below
        assert refused.status_code == 422
        body = refused.get_json()
        assert "minimum decrement (USD 50.00)" in body["detail"]
        assert "9,800" not in str(body) and "9750" not in str(body)  # rank only: no best
        assert body["errors"]["amount"]
        ok(world.bid("beta", "9750.00"), 201)
        # Alpha's own bid again, or above its own last, is refused the same way.
        assert world.bid("alpha", "9750.00").status_code == 422
        assert world.bid("alpha", "9790.00").status_code == 422
        assert _bids(app) == 2
        assert world.standing("alpha")["your_rank"] == 2
        assert world.standing("beta")["your_rank"] == 1
        assert world.standing("gamma")["your_rank"] is None
        bad = world.bid("gamma", "abc")
        assert bad.status_code == 422 and _bids(app) == 2
        assert world.bid("gamma", "9000.001").status_code == 422


def test_best_visibility_shows_the_best_and_the_limit_with_a_percent_decrement(shown):
    with shown.at(1):
        ok(shown.bid("alpha", "10000.00"), 201)
        standing = shown.standing("beta")
        assert standing["best_amount"] == "10000.00"
        assert standing["highest_allowed"] == "9800.00"  # 2 % of the best
        refused = shown.bid("beta", "9800.01").get_json()["detail"]
        assert refused == ("Your bid must be at most USD 9,800.00 (the best bid less the "
                           "minimum decrement).")
        ok(shown.bid("beta", "9800.00"), 201)


def test_no_bid_before_the_start_or_after_the_end(world, app):
    with world.at(-1):
        early = world.bid("alpha", "9000.00")
        assert early.status_code == 409
        assert "starts at" in early.get_json()["detail"]
        assert world.standing("alpha")["state"] == "scheduled"
    with world.at(60):
        late = world.bid("alpha", "9000.00")
        assert late.status_code == 409
        assert late.get_json()["detail"].startswith("The auction ended at")
        assert world.standing("alpha")["state"] == "ended"
    assert _bids(app) == 0


def test_a_bid_in_the_soft_close_window_moves_the_end(world):
    first_end = world.auction["ends_at"]
    with world.at(30):
        ok(world.bid("alpha", "9900.00"), 201)
        assert world.standing("alpha")["ends_at"] == first_end  # not in the last 5 min
    with world.at(57):
        placed = ok(world.bid("beta", "9850.00"), 201)
        assert placed["standing"]["extensions"] == 1
        extended = placed["standing"]["ends_at"]
        # The end moves by the soft-close window (5 minutes), whatever hour it crosses.
        assert (datetime.fromisoformat(extended) - datetime.fromisoformat(first_end)
                == timedelta(minutes=5))
        assert placed["bid"]["extended_to"] is not None
    with world.at(61):  # past the first end, before the extended one (65)
        ok(world.bid("alpha", "9800.00"), 201)  # 4 minutes left: moves it again
        assert world.standing("gamma")["extensions"] == 2
    with world.at(71):
        assert world.bid("gamma", "9700.00").status_code == 409


def test_every_bid_is_audited_and_a_bidder_sees_only_its_own(world):
    with world.at(1):
        ok(world.bid("alpha", "9900.00"), 201)
        ok(world.bid("beta", "9800.00"), 201)
        ok(world.bid("alpha", "9700.00"), 201)
    audit = ok(world.get("buyer", f"/auctions/{world.auction['id']}/bids"))["items"]
    assert [(row["amount"], row["supplier_name"].split()[0]) for row in audit] == [
        ("9700.00", "Alpha"), ("9800.00", "Beta"), ("9900.00", "Alpha")]
    assert all(row["member"] and row["placed_at"] for row in audit)
    assert audit[0]["previous_best"] == "9800.00"
    own = ok(world.get("alpha", f"/auctions/{world.auction['id']}/bids"))["items"]
    assert [row["amount"] for row in own] == ["9700.00", "9900.00"]
    assert "Beta" not in str(own) and "9800" not in str(own)
    ranking = ok(world.get("buyer", f"/auctions/{world.auction['id']}/standing"))["ranking"]
    assert [(r["rank"], r["supplier_name"].split()[0], r["amount"]) for r in ranking] == [
        (1, "Alpha", "9700.00"), (2, "Beta", "9800.00"), (None, "Gamma", None)]


def test_the_outbid_supplier_hears_of_it_in_the_bell(world, client):
    with world.at(1):
        ok(world.bid("alpha", "9900.00"), 201)
        ok(world.bid("beta", "9800.00"), 201)
    portal_login(client, world.suppliers["alpha"].email)
    bell = client.get("/notifications").get_data(as_text=True)
    assert "is no longer the lowest" in bell
    assert "Beta" not in bell and "9,800" not in bell and "9800" not in bell


def test_after_the_end_the_buyer_awards_the_best_final_bid(world, app):
    with world.at(1):
        ok(world.bid("alpha", "9900.00"), 201)
        ok(world.bid("beta", "9500.00"), 201)
    path = f"/auctions/{world.auction['id']}/award"
    with world.at(10):
        early = world.post("buyer", path, reason="too early")
        assert early.status_code == 409
    with world.at(61):
        with app.app_context():
            assert tasks.close_due() == 1
            assert tasks.close_due() == 0  # once
        standing = world.standing("beta")
        assert standing["state"] == "closed" and standing["quotation_id"]
        quotation = ok(world.get("beta", f"/documents/{standing['quotation_id']}"))
        assert quotation["status"] == "sent" and quotation["total"] == "9500.00"
        assert world.post("alpha", path).status_code == 403
        orders = ok(world.post("buyer", path, reason="Lowest total"), 201)[
            "purchase_order_ids"]
        assert len(orders) == 1
        order = ok(world.get("buyer", f"/documents/{orders[0]}"))
        assert order["type"] == "purchase_order" and order["status"] == "draft"
        assert order["total"] == "9500.00"
        assert order["recipient"]["id"] == world.suppliers["beta"].company_id
        again = world.post("buyer", path, reason="twice")
        assert again.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count(Document.id)).where(
            Document.type == "purchase_order")) == 1
    regret = ok(world.get("alpha", "/notifications"))
    assert "awarded" in str(regret) and "Beta" not in str(regret)


def test_the_history_says_the_marketplace_closed_it(world, app, client):
    with world.at(1):
        ok(world.bid("alpha", "9900.00"), 201)
    with world.at(61), app.app_context():
        assert tasks.close_due() == 1
    portal_login(client, world.buyer.email)
    page = client.get(f"/trading/documents/{world.rfq['id']}").get_data(as_text=True)
    assert "Reverse auction set up" in page and "Reverse auction closed" in page
    assert "the marketplace, on schedule" in page
    portal_login(client, world.suppliers["alpha"].email)
    quotation = world.standing("alpha")["quotation_id"]
    page = client.get(f"/trading/documents/{quotation}").get_data(as_text=True)
    assert "the marketplace, on schedule" in page and "a partner system" not in page
    assert "Final bid in the reverse auction" in page


def test_a_refused_bid_in_the_portal_says_why_once_and_keeps_nothing(world, app, client):
    from tests.factories import csrf_token

    portal_login(client, world.suppliers["gamma"].email)
    page = f"/sourcing/auctions/{world.auction['id']}"
    with world.at(1):
        answer = client.post(f"{page}/bid", data={"csrf_token": csrf_token(client, page),
                                                  "amount": "10000.50"})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert html.count("Your bid must be at most USD 10,000.00 (the starting price).") == 1
    assert _bids(app) == 0
    with world.at(61):
        late = client.post(f"{page}/bid", data={"csrf_token": csrf_token(client, page),
                                                "amount": "9000"})
    assert late.status_code == 409
    assert "no bid is taken after the end" in late.get_data(as_text=True)

"""Who sees what of an auction, over every auction route (API and portal): an outsider
(and a supplier not invited) gets 404 everywhere; an invited supplier never reads
another bidder's name or amount, nor how many bid; the buyer sees the full ranking."""

from __future__ import annotations

from tests.factories import csrf_token, portal_login
from tests.sourcing.auction_support import build_auction, ok
from tests.worlds import shared_world

# Amounts found nowhere else: a body that shows one to another supplier leaks it.
ALPHA, BETA = "9876.54", "9765.43"
ALPHA_MARKS = ("9876.54", "9,876.54")


@shared_world
def world(make, api):
    found = build_auction(make, api, names="Access")
    ok(found.bid("alpha", ALPHA), 201)
    ok(found.bid("beta", BETA), 201)
    return found


def _api_routes(world) -> list[tuple[str, str, dict | None]]:
    ident = world.auction["id"]
    return [("GET", f"/auctions/{ident}", None), ("GET", f"/auctions/{ident}/standing", None),
            ("GET", f"/auctions/{ident}/bids", None),
            ("POST", f"/auctions/{ident}/bids", {"amount": "100.00"}),
            ("POST", f"/auctions/{ident}/award", {})]


def _portal_routes(world) -> list[tuple[str, str]]:
    ident = world.auction["id"]
    return [("GET", f"/sourcing/auctions/{ident}"), ("POST", f"/sourcing/auctions/{ident}/bid"),
            ("POST", f"/sourcing/auctions/{ident}/award"),
            ("GET", f"/sourcing/rfqs/{world.rfq['id']}/auction")]


def test_every_auction_route_is_known_to_this_test(app, world):
    with app.test_request_context():
        rules = {rule.rule for rule in app.url_map.iter_rules() if "auction" in rule.rule}
    assert rules == {"/api/v1/auctions", "/api/v1/auctions/<int:auction_id>",
                     "/api/v1/auctions/<int:auction_id>/standing",
                     "/api/v1/auctions/<int:auction_id>/bids",
                     "/api/v1/auctions/<int:auction_id>/award",
                     "/sourcing/auctions", "/sourcing/auctions/<int:auction_id>",
                     "/sourcing/auctions/<int:auction_id>/bid",
                     "/sourcing/auctions/<int:auction_id>/award",
                     "/sourcing/rfqs/<int:rfq_id>/auction"}


def test_an_outsider_gets_404_on_every_route(world, client):
    for method, path, body in _api_routes(world):
        response = world.api.call(method, path, world.tokens["outsider"], json=body)
        assert response.status_code == 404, (method, path, response.status_code)
    listed = ok(world.get("outsider", "/auctions"))["items"]
    assert listed == []
    portal_login(client, world.outsider.email)
    token = csrf_token(client, "/sourcing/auctions")
    for method, path in _portal_routes(world):
        response = client.open(path, method=method, data={"csrf_token": token,
                                                          "amount": "100"})
        assert response.status_code == 404, (method, path, response.status_code)


def test_a_bidder_never_sees_another_bidders_name_or_amount(world, client):
    ident = world.auction["id"]
    seen = [world.get("gamma", f"/auctions/{ident}").get_data(as_text=True),
            world.get("gamma", f"/auctions/{ident}/standing").get_data(as_text=True),
            world.get("gamma", f"/auctions/{ident}/bids").get_data(as_text=True),
            world.get("gamma", "/auctions").get_data(as_text=True),
            world.get("alpha", f"/auctions/{ident}/standing").get_data(as_text=True)]
    standing = ok(world.get("alpha", f"/auctions/{ident}/standing"))
    assert standing["your_rank"] == 2 and standing["your_amount"] == ALPHA
    assert standing["best_amount"] is None and standing["ranking"] is None
    assert standing["bid_count"] is None
    portal_login(client, world.suppliers["gamma"].email)
    seen += [client.get(f"/sourcing/auctions/{ident}").get_data(as_text=True),
             client.get("/sourcing/auctions").get_data(as_text=True),
             client.get(f"/trading/documents/{world.invitations['gamma']['id']}")
             .get_data(as_text=True)]
    for body in seen:
        for leak in ("Alpha Access", "Beta Access", BETA, "9,765.43"):
            assert leak not in body
    for body in seen[:4] + seen[5:]:
        assert not any(mark in body for mark in ALPHA_MARKS)
    # A supplier's own page shows its own bid, not the one that beat it.
    portal_login(client, world.suppliers["alpha"].email)
    page = client.get(f"/sourcing/auctions/{ident}").get_data(as_text=True)
    assert "9,876.54" in page and "9,765.43" not in page and "Beta Access" not in page
    assert "auction-chart" not in page
    assert world.post("alpha", f"/auctions/{ident}/award").status_code == 403


def test_the_buyer_sees_the_full_ranking(world, client):
    ident = world.auction["id"]
    standing = ok(world.get("buyer", f"/auctions/{ident}/standing"))
    assert [(r["rank"], r["supplier_name"], r["amount"]) for r in standing["ranking"]] == [
        (1, "Beta Access Ltd", BETA), (2, "Alpha Access Ltd", ALPHA),
        (None, "Gamma Access Ltd", None)]
    assert standing["bid_count"] == 2
    assert world.post("buyer", f"/auctions/{ident}/bids", amount="1.00").status_code == 403
    portal_login(client, world.buyer.email)
    page = client.get(f"/sourcing/auctions/{ident}").get_data(as_text=True)
    assert "Beta Access Ltd" in page and "9,765.43" in page
    assert 'class="auction-chart"' in page  # the best bid falling, drawn

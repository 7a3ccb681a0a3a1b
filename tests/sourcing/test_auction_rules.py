"""The reverse auction's rules over the API, as a bidder meets them: the starting
price, the best less the decrement (amount or percent), never before the start or
after the end (409), soft close moving the end, every bid in the audit, and the
refusals' words (nothing written)."""

from __future__ import annotations

from tests.sourcing.auction_support import build_auction, ok
from tests.worlds import shared_world


@shared_world
def world(make, api):
    return build_auction(make, api)


def test_the_first_bid_is_at_most_the_starting_price(world):
    with world.at(1):
        refused = world.bid("alpha", "10000.01")
        assert refused.status_code == 422
        assert "at most USD 10,000.00 (the starting price)" in refused.get_json()["detail"]
        assert ok(world.bid("alpha", "10000.00"), 201)["standing"]["your_rank"] == 1


def test_pages_render(world, client):
    from tests.factories import portal_login
    portal_login(client, world.buyer.email)
    for path in (f"/sourcing/auctions/{world.auction['id']}", "/sourcing/auctions",
                 f"/sourcing/rfqs/{world.rfq['id']}/auction",
                 f"/trading/documents/{world.rfq['id']}"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[-3000:])
    portal_login(client, world.suppliers["alpha"].email)
    for path in (f"/sourcing/auctions/{world.auction['id']}", "/sourcing/auctions",
                 f"/trading/documents/{world.invitations['alpha']['id']}"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[-3000:])

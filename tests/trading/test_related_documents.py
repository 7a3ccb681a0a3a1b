"""Issue 17.9: an inquiry shows that it was answered, a quotation that it was ordered,
a purchase order links to the order it created — on the document pages and in the API,
as far as each side sees (the other side's draft is not there)."""

from __future__ import annotations

from tests.factories import portal_login
from tests.trading.support import Trade, accepted_purchase_order
from tests.worlds import shared_world


@shared_world
def flow(make, api):
    return accepted_purchase_order(make, api)


def _ids(documents: list[dict]) -> list[int]:
    return [document["id"] for document in documents]


def test_the_api_names_what_each_document_led_to(flow):
    trade = flow.trade
    for side in ("buyer", "supplier"):
        inquiry = trade.get(side, flow.inquiry)
        assert _ids(inquiry["answered_by"]) == [flow.quotation["id"]]
        assert inquiry["ordered_by"] == []
        quotation = trade.get(side, flow.quotation)
        assert _ids(quotation["ordered_by"]) == [flow["id"]]
        assert quotation["answered_by"] == []
        order = trade.get(side, flow)["order"]
        orders = trade.api.get("/orders", trade.token(side)).get_json()["items"]
        assert order is not None and order["id"] == orders[0]["id"]
        assert order["number"] == orders[0]["number"]
    assert trade.get("buyer", flow.inquiry).get("order") is None  # only a purchase order


def test_a_draft_answer_is_seen_by_its_issuer_only(make, api):
    trade = Trade.start(make, api)
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    draft = trade.derive("supplier", inquiry, "quotation")
    assert _ids(trade.get("supplier", inquiry)["answered_by"]) == [draft["id"]]
    assert trade.get("buyer", inquiry)["answered_by"] == []
    trade.act("supplier", trade.patch("supplier", draft, lines=trade.priced(draft)), "send")
    assert _ids(trade.get("buyer", inquiry)["answered_by"]) == [draft["id"]]


def test_the_pages_link_them(flow, client):
    trade = flow.trade
    portal_login(client, trade.buyer.email)
    inquiry = client.get(f"/trading/documents/{flow.inquiry['id']}").get_data(as_text=True)
    assert 'id="answered-by"' in inquiry
    assert f'/trading/documents/{flow.quotation["id"]}"' in inquiry
    quotation = client.get(f"/trading/documents/{flow.quotation['id']}").get_data(as_text=True)
    assert 'id="ordered-by"' in quotation and f'/trading/documents/{flow["id"]}"' in quotation
    order = trade.get("buyer", flow)["order"]
    page = client.get(f"/trading/documents/{flow['id']}").get_data(as_text=True)
    assert 'id="order-link"' in page and f'/fulfillment/orders/{order["id"]}"' in page
    assert order["number"] in page

"""The trade speed facts follow the documents without a recomputation: each document
action refreshes its supplier–buyer pair after commit (a real negotiation through the
API: inquiry → quotation → purchase order → accepted)."""

from __future__ import annotations

from tests.trading.support import accepted_purchase_order


def test_a_negotiation_through_the_api_shows_in_the_figures(make, api):
    flow = accepted_purchase_order(make, api)
    trade = flow.trade
    supplier = api.get("/analytics/response-times", trade.supplier_token).get_json()
    assert (supplier["inquiries"], supplier["inquiries_answered"]) == (1, 1)
    assert supplier["response_rate"] == "1.0000"
    assert supplier["inquiry_to_quotation_hours_median"] is not None
    assert supplier["purchase_orders"] == 1
    assert supplier["po_to_accepted_hours_median"] is not None
    assert (supplier["quotations"], supplier["quotation_win_rate"]) == (1, "1.0000")
    assert supplier["po_to_documents_hours_median"] is None  # nothing shipped yet
    buyer = api.get("/analytics/response-times", trade.buyer_token).get_json()
    assert buyer["side"] == "buyer" and buyer["inquiries"] == 1

"""The story of a request over the API: posted, seen by the suppliers of its category
(and the category above), answered, compared, awarded (a purchase order for the
winner, a regret for the other), closed."""

from __future__ import annotations

from tests.buying_requests.support import build_market, ok, request_body


def test_post_answer_compare_award(make, api, app):
    market = build_market(make, api, app)
    posted = ok(market.post("buyer", "/buying-requests", **request_body(market)), 201)
    assert posted["status"] == "open"
    rid = posted["id"]
    for who in ("inside", "above"):
        listed = ok(market.get(who, "/buying-requests?scope=matching"))["items"]
        assert [item["id"] for item in listed] == [rid]
    assert ok(market.get("outside", "/buying-requests"))["items"] == []
    assert market.get("outside", f"/buying-requests/{rid}").status_code == 404
    assert market.get("other_buyer", f"/buying-requests/{rid}").status_code == 404
    first = ok(market.post("inside", f"/buying-requests/{rid}/quotations",
                           unit_price="0.0410", lead_time_days=30, incoterm="FOB"), 201)
    second = ok(market.post("above", f"/buying-requests/{rid}/quotations",
                            unit_price="0.0390", lead_time_days=45), 201)
    assert first["status"] == "sent" and second["status"] == "sent"
    # Each supplier sees its own answer only.
    own = ok(market.get("inside", f"/buying-requests/{rid}/quotations"))
    assert [a["id"] for a in own] == [first["id"]]
    answers = ok(market.get("buyer", f"/buying-requests/{rid}/quotations"))
    assert {a["id"] for a in answers} == {first["id"], second["id"]}
    comparison = ok(market.get("buyer", f"/buying-requests/{rid}/comparison"))
    cells = comparison["lines"][0]["bids"]
    best = [cell for cell in cells if cell["best_price"]]
    assert [cell["quotation_id"] for cell in best] == [second["id"]]
    awarded = ok(market.post("buyer", f"/buying-requests/{rid}/award",
                             quotation_id=second["id"], reason="Cheapest"), 201)
    order = ok(market.get("buyer", f"/documents/{awarded['purchase_order_ids'][0]}"))
    assert order["type"] == "purchase_order" and order["status"] == "draft"
    assert order["lines"][0]["unit_price"] == "0.039"
    assert ok(market.get("buyer", f"/buying-requests/{rid}"))["status"] == "awarded"
    late = market.post("inside", f"/buying-requests/{rid}/quotations", unit_price="0.03")
    assert late.status_code == 409

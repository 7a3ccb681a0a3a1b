"""The demo (``flask seed-demo``) holds open buying requests in the demo suppliers'
categories, one answered, and the suppliers' category alerts."""

from decimal import Decimal

from marketplace.cli import DEMO_PASSWORD


def test_the_demo_has_open_requests_one_answered(api, demo):
    assert demo.exit_code == 0, demo.output
    lin = api.token("lin@tpf.example.com", DEMO_PASSWORD)
    seen = api.get("/buying-requests?scope=matching", lin).get_json()["items"]
    assert [r["title"] for r in seen] == ["Stainless hex bolts M8×30, A2-70"]
    answers = api.get(f"/buying-requests/{seen[0]['id']}/quotations", lin).get_json()
    assert [(Decimal(a["unit_price"]), a["status"]) for a in answers] == [
        (Decimal("0.043"), "sent")]
    elif_ = api.token("elif@anatolia.example.com", DEMO_PASSWORD)
    fabrics = api.get("/buying-requests?scope=matching", elif_).get_json()["items"]
    assert [r["title"] for r in fabrics] == ["Cotton canvas 12 oz, natural"]
    bell = api.get("/notifications", elif_).get_json()["items"]
    assert any(n["event"] == "buying_request.published" for n in bell)
    james = api.token("james@northwind.example.com", DEMO_PASSWORD)
    own = api.get("/buying-requests?scope=own", james).get_json()["items"]
    assert sorted(r["status"] for r in own) == ["draft", "open"]
    comparison = api.get(f"/buying-requests/{seen[0]['id']}/comparison", james).get_json()
    assert comparison["lines"][0]["bids"][0]["unit_price"] == "0.0430"

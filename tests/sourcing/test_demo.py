"""The demo (``flask seed-demo``) holds Hanse Import's two sealed rfqs to three
suppliers: one closed and opened, ready to compare and award; one still sealed."""

import re

from marketplace.cli import DEMO_PASSWORD

PRICES_OF_THE_SEALED_ONE = ("0.46", "0.52")


def prices_in(text: str, prices) -> list[str]:
    """The prices that stand in ``text`` as amounts (0.52, 0.5200), not inside another
    number: a time's seconds such as 10.523 are no price."""
    return [price for price in prices
            if re.search(rf"(?<![\d.]){re.escape(price)}0*(?!\d)", text)]


def test_the_demo_buyer_compares_and_awards_a_sealed_rfq(api, demo):
    assert demo.exit_code == 0, demo.output
    anna = api.token("anna@hanse.example.com", DEMO_PASSWORD)
    rfqs = api.get("/documents?box=outbox&type=rfq&per_page=100", anna).get_json()["items"]
    by_subject = {rfq["subject"]: rfq for rfq in rfqs if rfq["recipient"] is None}
    closed, sealed = by_subject["M10 bolts for the autumn range"], by_subject[
        "Stainless anchors"]
    comparison = api.get(f"/rfqs/{closed['id']}/comparison", anna).get_json()
    assert comparison["bid_count"] == 3 and comparison["opened_at"]
    bolts = comparison["lines"][0]
    best = [bid for bid in bolts["bids"] if bid["best_price"]]
    assert [(b["supplier_name"], b["unit_price"]) for b in best] == [
        ("Saigon Metalworks Co., Ltd.", "0.1040")]  # its revised price
    assert any(bid["landed_unit_cost"] for bid in bolts["bids"])  # freight quoted
    refused = api.get(f"/rfqs/{sealed['id']}/comparison", anna)
    assert refused.status_code == 409
    assert not prices_in(refused.get_data(as_text=True), PRICES_OF_THE_SEALED_ONE)
    awarded = api.post(f"/rfqs/{closed['id']}/award", anna, json={
        "awards": [{"line_id": line["line_id"], "quotation_id": best[0]["quotation_id"]}
                   for line in comparison["lines"]], "reason": "Best price after revision"})
    assert awarded.status_code == 201, awarded.get_json()
    # A supplier answered the sealed one in the portal's way: its own bid, only its own.
    lin = api.token("lin@tpf.example.com", DEMO_PASSWORD)
    own = api.get("/documents?box=outbox&type=quotation&q=WA-M10", lin).get_json()["items"]
    assert len(own) == 1


def test_the_demo_buyer_ran_and_awarded_a_reverse_auction(api, demo):
    assert demo.exit_code == 0, demo.output
    anna = api.token("anna@hanse.example.com", DEMO_PASSWORD)
    auctions = api.get("/auctions", anna).get_json()["items"]
    assert [(a["subject"], a["state"], a["extensions"]) for a in auctions] == [
        ("M10 hex nuts, 100,000", "closed", 2)]
    ranking = auctions[0]["ranking"]
    assert [(r["rank"], r["supplier_name"], r["amount"]) for r in ranking][0] == (
        1, "Osaka Fastening Works K.K.", "4550.00")
    assert all(r["quotation_id"] for r in ranking)
    sato = api.token("sato@osakafw.example.com", DEMO_PASSWORD)
    orders = api.get("/documents?box=inbox&type=purchase_order", sato).get_json()["items"]
    assert orders == []  # the purchase order is the buyer's draft until it sends it
    lin = api.token("lin@tpf.example.com", DEMO_PASSWORD)
    seen = api.get(f"/auctions/{auctions[0]['id']}/standing", lin).get_json()
    assert seen["your_rank"] == 2 and seen["best_amount"] is None
    assert "Osaka" not in str(seen)


def test_a_demo_supplier_answers_the_sealed_rfq_and_nothing_shows_until_the_opening(
        api, demo, app):
    """Saigon Metalworks, the one of three that has not answered "Stainless anchors",
    answers through the API; Hanse sees no bid and no price until the closing time, then
    the opening brings all three bids together."""
    from datetime import datetime, timedelta

    from marketplace.core.types import replayed_clock
    from marketplace.sourcing import tasks

    assert demo.exit_code == 0, demo.output
    anna = api.token("anna@hanse.example.com", DEMO_PASSWORD)
    minh = api.token("minh@saigonmetal.example.com", DEMO_PASSWORD)
    invitation = next(item for item in api.get("/documents?box=inbox&type=rfq", minh)
                      .get_json()["items"] if item["subject"] == "Stainless anchors")
    quotation = api.post(f"/documents/{invitation['id']}/derive", minh,
                         json={"type": "quotation"}).get_json()
    lines = [{"description": line["description"], "sku": line["sku"],
              "quantity": line["quantity"], "unit": line["unit"], "unit_price": "0.4848"}
             for line in quotation["lines"]]
    assert api.patch(f"/documents/{quotation['id']}", minh,
                     json={"lines": lines}).status_code == 200
    sent = api.post(f"/documents/{quotation['id']}/actions/send", minh, json={})
    assert sent.status_code == 200, sent.get_json()
    assert "0.4848" in api.get(f"/documents/{quotation['id']}", minh).get_data(as_text=True)
    rfq = next(item for item in api.get("/documents?box=outbox&type=rfq&per_page=100", anna)
               .get_json()["items"] if item["subject"] == "Stainless anchors"
               and item["recipient"] is None)
    for path in (f"/documents/{quotation['id']}", f"/rfqs/{rfq['id']}/comparison",
                 "/documents?box=inbox&type=quotation&per_page=100", "/notifications"):
        seen = api.get(path, anna)
        assert seen.status_code in (200, 404, 409)
        assert not prices_in(seen.get_data(as_text=True),
                             ("0.4848", *PRICES_OF_THE_SEALED_ONE)), path
    closes_at = datetime.fromisoformat(
        api.get(f"/documents/{rfq['id']}", anna).get_json()["extras"]["closes_at"])
    with replayed_clock() as move_to:
        move_to(closes_at + timedelta(minutes=1))
        with app.app_context():
            assert tasks.open_due() == 1
        anna = api.token("anna@hanse.example.com", DEMO_PASSWORD)  # two days on
        comparison = api.get(f"/rfqs/{rfq['id']}/comparison", anna).get_json()
    assert comparison["bid_count"] == 3, comparison
    assert sorted(bid["unit_price"] for bid in comparison["lines"][0]["bids"]) == [
        "0.4600", "0.4848", "0.5200"]

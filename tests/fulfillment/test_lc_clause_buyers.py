"""L/C clauses for one buyer are kept only for a buyer the supplier has orders from
(issue 12, item 10): any visible company id was accepted through the API."""

from tests.fulfillment.support import accepted_purchase_order


def test_clauses_for_a_company_the_supplier_does_not_trade_with_are_refused(make, api, pair):
    stranger = make.company("Stranger Ltd")  # active and visible, but no order
    refused = api.call("PUT", "/letter-of-credit-clauses", pair.supplier_token,
                       json={"buyer_company_id": stranger, "lc_number": "LC-X"})
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert list(refused.get_json()["errors"]) == ["buyer_company_id"]
    assert api.get("/letter-of-credit-clauses", pair.supplier_token).get_json() == []


def test_clauses_for_a_buyer_with_orders_and_for_every_buyer_are_kept(make, api, pair):
    accepted_purchase_order(make, pair.buyer, pair.supplier)
    for buyer in (pair.buyer.company_id, None):
        saved = api.call("PUT", "/letter-of-credit-clauses", pair.supplier_token,
                         json={"buyer_company_id": buyer, "lc_number": "LC-1"})
        assert saved.status_code == 200, saved.get_json()
    assert len(api.get("/letter-of-credit-clauses", pair.supplier_token).get_json()) == 2

"""An accepted change request or cancellation adjusts the order (through the engine)."""

from tests.trading.support import accepted_purchase_order


def _order(api, token):
    return api.get("/orders", token).get_json()["items"][0]["id"]


def _lines(api, token, order_id):
    return {line["sku"]: line for line in api.get(f"/orders/{order_id}", token)
            .get_json()["lines"]}


def test_accepted_change_request_sets_the_new_quantities(make, api):
    po = accepted_purchase_order(make, api)
    trade = po.trade
    order_id = _order(api, trade.supplier_token)
    change = trade.derive("buyer", po, "change_request")
    lines = [{**{k: line[k] for k in ("description", "sku", "unit", "unit_price")},
              "quantity": "25000" if line["sku"] == "HB-M8-30" else line["quantity"]}
             for line in change["lines"]]
    change = trade.patch("buyer", change, lines=lines)
    trade.act("buyer", change, "send")
    assert _lines(api, trade.buyer_token, order_id)["HB-M8-30"]["quantity"] == "20000"
    trade.act("supplier", change, "accept")
    assert _lines(api, trade.buyer_token, order_id)["HB-M8-30"]["quantity"] == "25000"
    events = api.get(f"/orders/{order_id}", trade.buyer_token).get_json()["events"]
    assert events[-1]["kind"] == "changed"
    assert events[-1]["details"]["number"] == change["number"]


def test_change_request_below_the_shipped_quantity_cannot_be_accepted(make, api):
    po = accepted_purchase_order(make, api)
    trade = po.trade
    order_id = _order(api, trade.supplier_token)
    bolt = _lines(api, trade.supplier_token, order_id)["HB-M8-30"]
    assert api.post("/shipments", trade.supplier_token, json={
        "order_ids": [order_id], "lines": [{"order_line_id": bolt["id"], "quantity": "15000"}]}
    ).status_code == 201
    change = trade.derive("buyer", po, "change_request")
    lines = [{**{k: line[k] for k in ("description", "sku", "unit", "unit_price")},
              "quantity": "10000" if line["sku"] == "HB-M8-30" else line["quantity"]}
             for line in change["lines"]]
    change = trade.act("buyer", trade.patch("buyer", change, lines=lines), "send")
    refused = api.post(f"/documents/{change['id']}/actions/accept", trade.supplier_token,
                       json={})
    assert refused.status_code == 422
    assert "15000" in refused.get_json()["detail"]
    assert trade.get("supplier", change)["status"] == "sent"  # the acceptance did not happen
    assert _lines(api, trade.buyer_token, order_id)["HB-M8-30"]["quantity"] == "20000"


def test_accepted_cancellation_cuts_the_order_to_what_is_shipped(make, api):
    po = accepted_purchase_order(make, api)
    trade = po.trade
    order_id = _order(api, trade.supplier_token)
    bolt = _lines(api, trade.supplier_token, order_id)["HB-M8-30"]
    assert api.post("/shipments", trade.supplier_token, json={
        "order_ids": [order_id], "lines": [{"order_line_id": bolt["id"], "quantity": "5000"}]}
    ).status_code == 201
    cancellation = trade.act("buyer", trade.derive("buyer", po, "cancellation"), "send")
    trade.act("supplier", cancellation, "accept")
    body = api.get(f"/orders/{order_id}", trade.buyer_token).get_json()
    assert {line["sku"]: line["quantity"] for line in body["lines"]} == {
        "HB-M8-30": "5000", "HN-M8": "0"}
    assert body["status"] == "shipped"


def test_cancellation_of_an_unshipped_order_cancels_it(make, api):
    po = accepted_purchase_order(make, api)
    trade = po.trade
    order_id = _order(api, trade.supplier_token)
    cancellation = trade.act("buyer", trade.derive("buyer", po, "cancellation"), "send")
    trade.act("supplier", cancellation, "accept")
    assert api.get(f"/orders/{order_id}", trade.buyer_token).get_json()["status"] == "cancelled"

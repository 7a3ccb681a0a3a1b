"""Orders: opened by an accepted purchase order, merged, split, received."""

from decimal import Decimal

import pytest

from marketplace.core.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.fulfillment.models import OrderLine
from marketplace.fulfillment.operations.orders import record_received_quantity
from tests.fulfillment.support import accepted_purchase_order


def test_accepted_purchase_order_opens_an_order(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    for token in (pair.buyer_token, pair.supplier_token):
        body = api.get(f"/orders/{order_id}", token).get_json()
        assert body["status"] == "open"
        assert body["buyer"]["name"] == "Nordic Tools"
        assert body["supplier"]["name"] == "Formosa Fasteners"
        assert [(line["sku"], line["quantity"], line["shipped_quantity"], line["unit_price"])
                for line in body["lines"]] == [("BOLT-M8", "1000", "0", "0.12"),
                                               ("NUT-M8", "500", "0", "0.05")]
        assert body["total"] == "145.00"
        assert [d["type"] for d in body["documents"]] == ["purchase_order"]
    listed = api.get("/orders?role=supplier", pair.supplier_token).get_json()
    assert [o["id"] for o in listed["items"]] == [order_id]
    assert api.get("/orders?role=buyer", pair.supplier_token).get_json()["total"] == 0


def _lines(api, token, order_id):
    return {line["sku"]: line for line in api.get(f"/orders/{order_id}", token)
            .get_json()["lines"]}


def test_merge_keeps_every_line_and_its_origin(make, api, pair):
    first = accepted_purchase_order(make, pair.buyer, pair.supplier)
    second = accepted_purchase_order(make, pair.buyer, pair.supplier,
                                     [("WASHER-M8", "2000", "0.01")])
    response = api.post("/orders/merge", pair.supplier_token, json={"order_ids": [first, second]})
    assert response.status_code == 201, response.get_json()
    merged = response.get_json()
    assert merged["total"] == "165.00"  # 145.00 + 20.00: totals reconcile
    assert {line["sku"]: line["origin_order_id"] for line in merged["lines"]} == {
        "BOLT-M8": first, "NUT-M8": first, "WASHER-M8": second}
    assert {d["type"] for d in merged["documents"]} == {"purchase_order"}
    assert len(merged["documents"]) == 2
    history = merged["events"][-1]
    assert history["kind"] == "merged_from" and history["details"]["order_ids"] == [first, second]
    for old in (first, second):
        body = api.get(f"/orders/{old}", pair.buyer_token).get_json()
        assert body["status"] == "closed" and body["merged_into_id"] == merged["id"]
        assert body["lines"] == []


def test_merging_orders_of_different_currencies_is_refused(make, api, pair):
    usd = accepted_purchase_order(make, pair.buyer, pair.supplier)
    eur = accepted_purchase_order(make, pair.buyer, pair.supplier, currency="EUR")
    response = api.post("/orders/merge", pair.supplier_token, json={"order_ids": [usd, eur]})
    assert response.status_code == 422
    assert "currency" in response.get_json()["detail"]
    assert api.get(f"/orders/{usd}", pair.supplier_token).get_json()["status"] == "open"
    assert api.get("/orders", pair.supplier_token).get_json()["total"] == 2


def test_merging_another_buyers_order_is_refused(make, api, pair):
    other_buyer = make.member(make.company("Other Buyer"), "admin")
    mine = accepted_purchase_order(make, pair.buyer, pair.supplier)
    theirs = accepted_purchase_order(make, other_buyer, pair.supplier)
    response = api.post("/orders/merge", pair.supplier_token, json={"order_ids": [mine, theirs]})
    assert response.status_code == 422
    assert api.get("/orders", pair.supplier_token).get_json()["total"] == 2


def test_merge_by_the_buyer_or_a_stranger_is_refused(make, api, pair):
    first = accepted_purchase_order(make, pair.buyer, pair.supplier)
    second = accepted_purchase_order(make, pair.buyer, pair.supplier)
    assert api.post("/orders/merge", pair.buyer_token,
                    json={"order_ids": [first, second]}).status_code == 403
    stranger = api.token(make.company_with_admin("Stranger", roles=("supplier",)))
    assert api.post("/orders/merge", stranger,
                    json={"order_ids": [first, second]}).status_code == 404


def test_split_moves_part_of_a_line_to_a_new_order(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    bolt = _lines(api, pair.supplier_token, order_id)["BOLT-M8"]
    response = api.post(f"/orders/{order_id}/split", pair.supplier_token,
                        json={"lines": [{"order_line_id": bolt["id"], "quantity": "400"}]})
    assert response.status_code == 201, response.get_json()
    new = response.get_json()
    assert [(line["sku"], line["quantity"], line["origin_line_id"]) for line in new["lines"]] \
        == [("BOLT-M8", "400", bolt["id"])]
    assert _lines(api, pair.supplier_token, order_id)["BOLT-M8"]["quantity"] == "600"
    old_total = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["total"]
    assert old_total == "97.00" and new["total"] == "48.00"  # 145.00 in all


def test_split_of_more_than_is_open_is_refused(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    lines = _lines(api, pair.supplier_token, order_id)
    too_much = api.post(f"/orders/{order_id}/split", pair.supplier_token, json={
        "lines": [{"order_line_id": lines["BOLT-M8"]["id"], "quantity": "1001"}]})
    assert too_much.status_code == 422
    assert "lines.0.quantity" in too_much.get_json()["errors"]
    everything = api.post(f"/orders/{order_id}/split", pair.supplier_token, json={"lines": [
        {"order_line_id": line["id"], "quantity": line["quantity"]} for line in lines.values()]})
    assert everything.status_code == 422
    unknown = api.post(f"/orders/{order_id}/split", pair.supplier_token, json={
        "lines": [{"order_line_id": lines["BOLT-M8"]["id"], "quantity": "1"}], "status": "x"})
    assert unknown.status_code == 422 and "status" in unknown.get_json()["errors"]
    assert _lines(api, pair.supplier_token, order_id)["BOLT-M8"]["quantity"] == "1000"
    assert api.get("/orders", pair.supplier_token).get_json()["total"] == 1


def test_split_with_a_stale_version_is_refused(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    bolt = _lines(api, pair.supplier_token, order_id)["BOLT-M8"]
    response = api.post(f"/orders/{order_id}/split", pair.supplier_token,
                        headers={"If-Match": '"99"'},
                        json={"lines": [{"order_line_id": bolt["id"], "quantity": "1"}]})
    assert response.status_code == 412


def test_receipts_move_the_status_on_to_received(make, api, pair, app):
    """What supplier link calls when the buyer records a receipt."""
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    lines = _lines(api, pair.supplier_token, order_id)
    assert api.post("/shipments", pair.supplier_token, json={
        "order_ids": [order_id], "lines": [{"order_line_id": line["id"],
                                            "quantity": line["quantity"]}
                                           for line in lines.values()]}).status_code == 201

    def receive(sku, quantity):
        def run():
            record_received_quantity(db.session.get(OrderLine, lines[sku]["id"]),
                                     Decimal(quantity))
        make._run(run)
        return api.get(f"/orders/{order_id}", pair.buyer_token).get_json()["status"]

    assert receive("BOLT-M8", "400") == "partially_received"
    assert receive("BOLT-M8", "600") == "partially_received"
    assert receive("NUT-M8", "500") == "received"  # not paid yet: not closed
    with app.test_request_context(), pytest.raises(ValidationFailed):
        record_received_quantity(db.session.get(OrderLine, lines["NUT-M8"]["id"]),
                                 Decimal(0))


def test_each_line_keeps_its_requested_delivery_date(make, api, pair, client):
    from datetime import date

    from tests.factories import portal_login

    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier,
                                       delivery_date=date(2027, 3, 1),
                                       line_dates={"BOLT-M8": "2027-02-01"})
    lines = api.get(f"/orders/{order_id}", pair.buyer_token).get_json()["lines"]
    assert [(line["sku"], line["requested_delivery_date"]) for line in lines] == [
        ("BOLT-M8", "2027-02-01"), ("NUT-M8", "2027-03-01")]  # else the order's date
    portal_login(client, pair.supplier.email)
    page = client.get(f"/fulfillment/orders/{order_id}").get_data(as_text=True)
    assert "Requested by" in page and "2027-02-01" in page and "2027-03-01" in page

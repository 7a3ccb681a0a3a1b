"""Orders: opened by an accepted purchase order, merged, split."""

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

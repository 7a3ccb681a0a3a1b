"""Replacement shipments: goods the buyer rejected, or that came short or were lost,
ship again, at most what the buyer's receipts did not accept; the order's shipped
quantities and the invoice stay as they were."""

from tests.fulfillment.support import SEA, accepted_purchase_order


def shipped(api, pair, order_id) -> dict:
    """The whole order (BOLT-M8 1000, NUT-M8 500) in one shipment, on its way."""
    lines = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"]
    shipment = api.post("/shipments", pair.supplier_token, json={
        **SEA, "order_ids": [order_id], "carrier": "Evergreen",
        "lines": [{"order_line_id": line["id"], "quantity": line["quantity"]}
                  for line in lines]})
    assert shipment.status_code == 201, shipment.get_json()
    return shipment.get_json()


def leave(api, pair, shipment):
    response = api.post(f"/shipments/{shipment['id']}/events", pair.supplier_token,
                        json={"status": "shipped", "location": "Kaohsiung"})
    assert response.status_code == 201, response.get_json()


def receive(api, pair, order_id, shipment, counts):
    """The buyer's goods receipt: ``{sku: (received, rejected)}``."""
    lines = {line["sku"]: line["order_line_id"] for line in shipment["lines"]}
    response = api.post("/supplier-link/receipts", pair.buyer_token, json={
        "order_id": order_id, "shipment_id": shipment["id"], "lines": [
            {"order_line_id": lines[sku], "quantity_received": received,
             "quantity_rejected": rejected, **({"reason": "damaged"} if rejected != "0" else {})}
            for sku, (received, rejected) in counts.items()]})
    assert response.status_code == 201, response.get_json()


def replace(api, token, shipment, quantities, **header):
    lines = {line["sku"]: line["id"] for line in shipment["lines"]}
    return api.post("/shipments/replacements", token, json={
        "carrier": "China Airlines Cargo", "mode": "air", **header,
        "lines": [{"shipment_line_id": lines[sku], "quantity": quantity}
                  for sku, quantity in quantities.items()]})


def shipment_count(api, pair) -> int:
    return api.get("/shipments", pair.supplier_token).get_json()["total"]


def test_rejected_and_short_goods_ship_again_within_what_was_not_accepted(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    original = shipped(api, pair, order_id)
    # Still at the supplier's warehouse: nothing to replace yet.
    early = replace(api, pair.supplier_token, original, {"BOLT-M8": "10"})
    assert early.status_code == 409 and "not left" in early.get_json()["detail"]
    leave(api, pair, original)
    receive(api, pair, order_id, original, {"BOLT-M8": ("1000", "100"), "NUT-M8": ("450", "0")})
    before = shipment_count(api, pair)

    too_many = replace(api, pair.supplier_token, original, {"BOLT-M8": "101", "NUT-M8": "50"})
    assert too_many.status_code == 422
    assert "Only 100 pcs of BOLT-M8" in too_many.get_json()["errors"]["lines.0.quantity"][0]
    assert "lines.1.quantity" not in too_many.get_json()["errors"]
    assert replace(api, pair.supplier_token, original, {"NUT-M8": "51"}).status_code == 422
    assert shipment_count(api, pair) == before  # nothing written

    made = replace(api, pair.supplier_token, original, {"BOLT-M8": "100", "NUT-M8": "50"},
                   flight_number="CI5151", tracking_number="297-0001")
    assert made.status_code == 201, made.get_json()
    replacement = made.get_json()
    assert replacement["replacement"] is True and replacement["buyer"]["id"] == \
        pair.buyer.company_id
    originals = {line["sku"]: line["id"] for line in original["lines"]}
    assert [(line["sku"], line["quantity"], line["replaces_shipment_line_id"])
            for line in replacement["lines"]] == [
        ("BOLT-M8", "100", originals["BOLT-M8"]), ("NUT-M8", "50", originals["NUT-M8"])]
    assert "Replacement for " + original["number"] in replacement["events"][0]["note"]

    # The order shipped its quantities once: they do not grow; its history says why.
    order = api.get(f"/orders/{order_id}", pair.buyer_token).get_json()
    assert [line["shipped_quantity"] for line in order["lines"]] == ["1000", "500"]
    assert "replacement" in [event["kind"] for event in order["events"]]
    # Replaced once: nothing is left to replace.
    again = replace(api, pair.supplier_token, original, {"BOLT-M8": "1"})
    assert again.status_code == 422 and "Only 0 pcs" in again.get_json()["errors"][
        "lines.0.quantity"][0]

    # Its paperwork: packing list and shipping advice, never a second invoice.
    invoice = api.post(f"/shipments/{replacement['id']}/commercial-invoice",
                       pair.supplier_token)
    assert invoice.status_code == 409 and "not invoiced again" in invoice.get_json()["detail"]
    assert api.post(f"/shipments/{replacement['id']}/documents/packing-list",
                    pair.supplier_token).status_code == 201
    assert api.get("/receivables", pair.supplier_token).get_json()["items"] == []


def test_a_lost_shipment_ships_again_in_full(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    original = shipped(api, pair, order_id)
    leave(api, pair, original)  # and never arrives: no receipt
    made = replace(api, pair.supplier_token, original, {"BOLT-M8": "1000", "NUT-M8": "500"})
    assert made.status_code == 201, made.get_json()
    assert replace(api, pair.supplier_token, original, {"NUT-M8": "1"}).status_code == 422


def test_only_the_supplier_replaces_and_bad_input_changes_nothing(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    original = shipped(api, pair, order_id)
    leave(api, pair, original)
    before = shipment_count(api, pair)
    assert replace(api, pair.buyer_token, original, {"BOLT-M8": "1"}).status_code == 403
    stranger = make.member(make.company("Other Fasteners", roles=("supplier",)), "admin")
    assert replace(api, api.token(stranger), original, {"BOLT-M8": "1"}).status_code == 404
    line = original["lines"][0]["id"]
    for body in ({"lines": [{"shipment_line_id": line, "quantity": "1"}], "order_ids": [1]},
                 {"lines": [{"shipment_line_id": line, "quantity": "0"}]},
                 {"lines": [{"shipment_line_id": line, "quantity": "-5"}]},
                 {"lines": []},
                 {"lines": [{"shipment_line_id": line, "quantity": "1"},
                            {"shipment_line_id": line, "quantity": "1"}]}):
        response = api.post("/shipments/replacements", pair.supplier_token, json=body)
        assert response.status_code == 422, (body, response.get_json())
    assert api.post("/shipments/replacements", pair.supplier_token, json={
        "lines": [{"shipment_line_id": 10**6, "quantity": "1"}]}).status_code == 404
    assert shipment_count(api, pair) == before


def test_the_replacement_page_says_what_it_replaces_and_offers_no_invoice(make, api, pair,
                                                                         client):
    from tests.factories import portal_login

    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    original = shipped(api, pair, order_id)
    leave(api, pair, original)
    replacement = replace(api, pair.supplier_token, original, {"NUT-M8": "500"}).get_json()
    portal_login(client, pair.supplier.email)
    page = client.get(f"/fulfillment/shipments/{replacement['id']}").get_data(as_text=True)
    assert 'id="replacement-note"' in page and original["number"] in page
    assert 'id="generate-commercial-invoice"' not in page
    assert 'id="generate-packing-list"' in page
    order_page = client.get(f"/fulfillment/orders/{order_id}").get_data(as_text=True)
    assert replacement["number"] in order_page


def test_ship_again_from_the_shipment_page(make, api, pair, client):
    from tests.factories import csrf_token, portal_login

    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    original = shipped(api, pair, order_id)
    portal_login(client, pair.supplier.email)
    path = f"/fulfillment/shipments/{original['id']}"
    assert 'id="ship-again"' not in client.get(path).get_data(as_text=True)  # not left yet
    leave(api, pair, original)
    receive(api, pair, order_id, original, {"BOLT-M8": ("1000", "40"), "NUT-M8": ("500", "0")})
    page = client.get(path).get_data(as_text=True)
    bolt, nut = (line["id"] for line in original["lines"])
    assert f'name="again-{bolt}"' in page and f'name="again-{nut}"' not in page  # all accepted
    token = csrf_token(client, path)
    refused = client.post(f"{path}/replacement", data={"csrf_token": token,
                                                       f"again-{bolt}": "41"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Only 40 pcs of BOLT-M8" in refused
    before = api.get("/shipments", pair.supplier_token).get_json()["total"]
    made = client.post(f"{path}/replacement", data={
        "csrf_token": token, f"again-{bolt}": "40", "carrier": "DHL", "mode": "courier"})
    assert made.status_code == 302
    assert api.get("/shipments", pair.supplier_token).get_json()["total"] == before + 1
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert 'id="replacement-note"' in page and "DHL" in page

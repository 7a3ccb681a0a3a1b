"""The demo (``flask seed-demo``) holds an order on its way."""

from marketplace.cli import DEMO_PASSWORD


def test_the_demo_holds_an_order_with_a_shipment_on_the_water(app, api, demo):
    assert demo.exit_code == 0, demo.output  # seeded once for the demo tests (conftest)
    anna = api.token("anna@hanse.example.com", DEMO_PASSWORD)
    murat = api.token("murat@anatolia.example.com", DEMO_PASSWORD)
    # Hanse also has a history of closed orders (crm.demo); this one is on its way.
    [order] = api.get("/orders?role=buyer&status=partially_shipped", anna).get_json()["items"]
    assert (order["status"], order["currency"]) == ("partially_shipped", "EUR")
    [shipment] = api.get(f"/shipments?order_id={order['id']}", anna).get_json()["items"]
    assert shipment["status"] == "in_transit"
    shown = api.get(f"/shipments/{shipment['id']}", anna).get_json()
    assert sorted(d["kind"] for d in shown["documents"]) == [
        "beneficiary-certificate", "certificate-of-origin", "commercial-invoice",
        "packing-list", "shipping-advice"]  # the two certificates its L/C requires
    credit = api.get(f"/letters-of-credit/{shown['letter_of_credit_id']}", anna).get_json()
    assert credit["number"] == "LC-CBK-2611-0042" and credit["order_ids"] == [order["id"]]
    [invoice] = api.get("/receivables?status=partially_paid", murat).get_json()["items"]
    assert invoice["paid"] != "0.00" and invoice["balance"] != "0.00"
    # The trading demo's negotiation is untouched: Northwind's order still waits.
    lin = api.token("lin@tpf.example.com", DEMO_PASSWORD)
    [purchase_order] = api.get("/documents?box=inbox&type=purchase_order&status=sent",
                               lin).get_json()["items"]
    orders = api.get("/orders?role=supplier&per_page=100", lin).get_json()
    assert orders["total"] <= 100
    assert purchase_order["id"] not in {o["purchase_order_id"] for o in orders["items"]}

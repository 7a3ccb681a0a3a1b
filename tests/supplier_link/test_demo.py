"""The demo (``flask seed-demo``) gives every supplier-link view of Northwind rows."""

from marketplace.cli import DEMO_PASSWORD


def test_the_demo_holds_a_counted_shipment_an_announced_one_and_stock_figures(app, api, demo):
    assert demo.exit_code == 0, demo.output  # seeded once for the demo tests (conftest)
    james = api.token("james@northwind.example.com", DEMO_PASSWORD)
    murat = api.token("murat@anatolia.example.com", DEMO_PASSWORD)
    lin = api.token("lin@tpf.example.com", DEMO_PASSWORD)
    cases = api.get("/supplier-link/discrepancies", james).get_json()
    assert sorted((d["short"], d["rejected"], d["status"]) for d in cases) == [
        ("0", "15", "open"), ("20", "0", "open")]
    [northwind] = [b for b in api.get("/supplier-link/buyers", murat).get_json()
                   if b["buyer"]["name"].startswith("Northwind")]
    base = f"/supplier-link/buyers/{northwind['buyer']['id']}"
    outstanding = api.get(f"{base}/outstanding", murat).get_json()["items"]
    assert [line["in_transit"] for line in outstanding] == ["200", "200", "200"]
    assert api.get(f"{base}/shortages", murat).get_json()["total"] == 3  # past the date
    figures = api.get(f"{base}/sales-inventory", lin).get_json()["items"]
    towels = api.get(f"{base}/sales-inventory", murat).get_json()["items"]
    assert figures and towels and not {f["sku"] for f in figures} & {t["sku"] for t in towels}
    # Each supplier sees its own orders only (both trade with Northwind: crm.demo).
    theirs = api.get(f"{base}/order-status?per_page=100", murat).get_json()["items"]
    own = api.get(f"{base}/order-status?per_page=100", lin).get_json()["items"]
    assert theirs and not {o["order_id"] for o in own} & {o["order_id"] for o in theirs}

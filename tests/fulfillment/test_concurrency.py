"""Shipments of the same order line made at the same moment: exactly one fits and is
made; the others are refused (422) and leave nothing behind. On PostgreSQL (run with
TEST_DATABASE_URL) the order rows are locked and the shipped quantity is added by a
conditional UPDATE; on SQLite the writers queue for the database's one write lock."""

import threading

from marketplace.extensions import db
from marketplace.fulfillment.models import OrderLine, Shipment
from tests.fulfillment.support import accepted_purchase_order

ATTEMPTS = 6


def test_concurrent_shipments_of_one_line_never_over_ship(make, api, pair, app):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier,
                                       [("BOLT-M8", "1000", "0.12")])
    line_id = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"][0]["id"]
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[int | str] = []

    def attempt():
        client = app.test_client()
        barrier.wait()
        try:
            response = client.post("/api/v1/shipments", json={
                "order_ids": [order_id],
                "lines": [{"order_line_id": line_id, "quantity": "600"}]},
                headers={"Authorization": f"Bearer {pair.supplier_token}"})
            outcomes.append(response.status_code)
        except Exception as error:  # a crash is an outcome too, and must show
            outcomes.append(repr(error))

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes, key=str) == [201] + [422] * (ATTEMPTS - 1)
    with app.app_context():
        assert str(db.session.get(OrderLine, line_id).shipped_quantity) == "600.0000"
        assert Shipment.query.count() == 1

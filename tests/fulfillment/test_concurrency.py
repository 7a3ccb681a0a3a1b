"""Two shipments of the same order line at the same moment, on PostgreSQL: exactly one
fits and is made; the other is refused (422) and leaves nothing behind."""

import threading

import pytest

from marketplace.extensions import db
from marketplace.fulfillment.models import OrderLine, Shipment
from tests.fulfillment.support import accepted_purchase_order

ATTEMPTS = 6


@pytest.fixture
def postgresql(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite lets one writer in "
                        "at a time, so the race cannot happen there")


def test_concurrent_shipments_of_one_line_never_over_ship(make, api, pair, app, postgresql):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier,
                                       [("BOLT-M8", "1000", "0.12")])
    line_id = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"][0]["id"]
    barrier = threading.Barrier(ATTEMPTS)
    statuses: list[int] = []

    def attempt():
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/shipments", json={
            "order_ids": [order_id], "lines": [{"order_line_id": line_id, "quantity": "600"}]},
            headers={"Authorization": f"Bearer {pair.supplier_token}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [201] + [422] * (ATTEMPTS - 1)
    with app.app_context():
        assert str(db.session.get(OrderLine, line_id).shipped_quantity) == "600.0000"
        assert Shipment.query.count() == 1

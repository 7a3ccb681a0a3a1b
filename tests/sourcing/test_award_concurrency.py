"""Two awards of one line at the same moment, from two threads with their own
connections: one wins (201, one purchase order), the other is refused (409) and leaves
nothing behind. On PostgreSQL (TEST_DATABASE_URL) the second waits on the request's row
lock and then finds the line awarded; the unique award per line backs it up."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from marketplace.core.types import replayed_clock
from marketplace.extensions import db
from marketplace.sourcing import tasks
from marketplace.sourcing.models import Award
from marketplace.workflow.models import Document
from tests.sourcing.support import build_sealed_rfq


def test_two_awards_of_one_line_at_once_one_wins(make, api, app):
    with replayed_clock() as move_to:  # bid two hours ago, closed ninety minutes ago
        past = datetime.now(UTC) - timedelta(hours=2)
        move_to(past)
        world = build_sealed_rfq(make, api, now=past)
    with app.app_context():
        assert tasks.open_due() == 1
    token = api.token(world.buyer)
    line_id = api.get(f"/rfqs/{world.rfq['id']}/comparison", token).get_json()[
        "lines"][0]["line_id"]
    barrier = threading.Barrier(2)
    outcomes: list = []

    def attempt(bid: str):
        client = app.test_client()
        barrier.wait()
        try:
            response = client.post(f"/api/v1/rfqs/{world.rfq['id']}/award", json={
                "awards": [{"line_id": line_id, "quotation_id": world.bids[bid]["id"]}]},
                headers={"Authorization": f"Bearer {token}"})
            outcomes.append(response.status_code)
        except Exception as error:  # a crash is an outcome too, and must show
            outcomes.append(repr(error))

    threads = [threading.Thread(target=attempt, args=(bid,)) for bid in ("alpha", "gamma")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes, key=str) == [201, 409]
    with app.app_context():
        assert db.session.scalar(select(func.count(Award.id))) == 1
        assert db.session.scalar(select(func.count(Document.id)).where(
            Document.type == "purchase_order")) == 1

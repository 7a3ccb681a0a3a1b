"""Numbers: per company, per type, per year, from a pattern the company may set;
never a duplicate, even under 50 creations at once (run on PostgreSQL with
TEST_DATABASE_URL; on SQLite the transactions queue on the database's write lock)."""

from __future__ import annotations

import threading

from marketplace.core.boundary import commit
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.auth import ensure_may_act
from marketplace.infrastructure.models import User
from marketplace.workflow import engine
from tests.trading.support import LINES, Trade

CONCURRENT = 50


def test_fifty_concurrent_creations_get_fifty_different_numbers(app, make, api):
    trade = Trade.start(make, api)
    numbers, failures = [], []
    start = threading.Barrier(CONCURRENT)

    def create() -> None:
        try:
            # All start together; more than the connection pool holds wait for a connection.
            start.wait(timeout=30)
            with app.test_request_context():
                actor = ensure_may_act(db.session.get(User, trade.buyer.user_id))
                document = engine.create_document(
                    "inquiry", actor=actor, recipient_company_id=trade.supplier.company_id,
                    header={"subject": "Concurrent"}, lines=LINES)
                number = document.number
                commit()
                numbers.append(number)
        except Exception as error:  # noqa: BLE001 - every failure is reported below
            failures.append(repr(error))

    threads = [threading.Thread(target=create) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    year = utcnow().year
    assert sorted(numbers) == [f"INQ-{year}-{n:05}" for n in range(1, CONCURRENT + 1)]
    listed = api.get("/documents?box=drafts&per_page=100", trade.buyer_token).get_json()
    assert listed["total"] == CONCURRENT


def test_each_company_and_type_has_its_own_series_and_pattern(make, api):
    trade = Trade.start(make, api)
    other = Trade.start(make, api, buyer_name="Lyon Quincaillerie",
                        supplier_name="Ningbo Bolts")
    year = utcnow().year
    assert trade.create("buyer", "inquiry")["number"] == f"INQ-{year}-00001"
    assert trade.create("buyer", "inquiry")["number"] == f"INQ-{year}-00002"
    assert other.create("buyer", "inquiry")["number"] == f"INQ-{year}-00001"
    assert trade.create("buyer", "rfq")["number"] == f"RFQ-{year}-00001"

    path = "/document-settings/numbering/inquiry"
    for bad in ("INQ-{seq}", "{year}", "INQ-{year}-{seq}-{company}", "INQ-{year}-{seq:zz}",
                "INQ-{year}-{seq", "X" * 49 + "{year}{seq}", "{year}-{seq[0]}",
                "{seq.real}{year}", "{0}{year}{seq}"):
        response = api.call("PUT", path, trade.buyer_token, json={"pattern": bad})
        assert response.status_code == 422, bad
    response = api.call("PUT", path, trade.buyer_token, json={"pattern": "HH/{yy}/{seq:04}"})
    assert response.status_code == 200, response.get_json()
    assert trade.create("buyer", "inquiry")["number"] == f"HH/{year % 100}/0003"
    assert other.create("buyer", "inquiry")["number"] == f"INQ-{year}-00002"
    patterns = {p["type"]: p["pattern"] for p in api.get(
        "/document-settings/numbering", trade.buyer_token).get_json()}
    assert patterns["inquiry"] == "HH/{yy}/{seq:04}"
    assert patterns["quotation"] == "QUO-{year}-{seq:05}"
    assert api.call("PUT", path, api.token(make.member(trade.buyer.company_id, "purchasing")),
                    json={"pattern": "X-{year}-{seq}"}).status_code == 403
    api.call("PUT", path, trade.buyer_token, json={"pattern": None})
    assert trade.create("buyer", "inquiry")["number"] == f"INQ-{year}-00004"


def test_a_pattern_that_comes_round_to_a_given_number_skips_it(make, api):
    trade = Trade.start(make, api)
    path = "/document-settings/numbering/inquiry"
    api.call("PUT", path, trade.buyer_token, json={"pattern": "Q{year}-{seq:03}"})
    first = trade.create("buyer", "inquiry")["number"]
    api.call("PUT", path, trade.buyer_token, json={"pattern": "Q{year}-{seq:02}"})
    second = trade.create("buyer", "inquiry")["number"]
    api.call("PUT", path, trade.buyer_token, json={"pattern": "Q{year}-{seq:03}"})
    third = trade.create("buyer", "inquiry")["number"]
    assert len({first, second, third}) == 3


def test_a_pattern_set_in_the_same_transaction_numbers_the_next_document(app, make, api):
    # On PostgreSQL the number is taken in a transaction apart, which cannot see a
    # pattern this one has not committed yet: setting one makes it number in itself.
    from marketplace.workflow import numbering

    trade = Trade.start(make, api)
    with app.test_request_context():
        actor = ensure_may_act(db.session.get(User, trade.buyer.user_id))
        numbering.set_pattern(trade.buyer.company_id, "inquiry", "B2B-{yy}-{seq:03}")
        document = engine.create_document(
            "inquiry", actor=actor, recipient_company_id=trade.supplier.company_id,
            header={"subject": "Patterned"}, lines=LINES)
        assert document.number == f"B2B-{utcnow().year % 100}-001"
        commit()


def test_the_types_pattern_skips_a_number_a_changed_pattern_gave_before(app, make, api):
    # The company's own pattern gives INQ-<year>-00011 as its first number; dropped, the
    # type's pattern reaches the same number at its eleventh and skips it.
    trade = Trade.start(make, api)
    year = utcnow().year
    path = "/document-settings/numbering/inquiry"
    api.call("PUT", path, trade.buyer_token, json={"pattern": "INQ-{year}-0001{seq}"})
    assert trade.create("buyer", "inquiry")["number"] == f"INQ-{year}-00011"
    api.call("PUT", path, trade.buyer_token, json={"pattern": None})
    numbers = [trade.create("buyer", "inquiry")["number"] for _ in range(10)]
    assert numbers == [f"INQ-{year}-{n:05}" for n in [*range(2, 11), 12]]


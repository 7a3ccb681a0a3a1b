"""Idempotency-Key under concurrency: parallel POSTs with one key and body create one
record; the others wait for it and replay its answer, or are told it is in progress."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.infrastructure.models import AddressBookEntry, ApiToken, TokenKind, User

ROUNDS = 100
PARALLEL = 20


def _count(app, statement) -> int:
    with app.app_context():
        return db.session.scalar(statement)


def _check_answers(answers) -> dict:
    statuses = [a.status_code for a in answers]
    assert set(statuses) <= {201, 409}, [a.text for a in answers if a.status_code not in
                                         (201, 409)][:2]
    created = [a.json() for a in answers if a.status_code == 201]
    assert created, "no request succeeded"
    assert all(body == created[0] for body in created), "replays differ from the first answer"
    for refused in (a for a in answers if a.status_code == 409):
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert "in progress" in refused.json()["detail"]
    return created[0]


def test_parallel_api_key_posts_with_one_key_create_one_key(live, make, api, app):
    admin = make.company_with_admin()
    token = api.token(admin)
    for round_number in range(ROUNDS):
        key = str(uuid.uuid4())
        answers = live.parallel(PARALLEL, "POST", "/api-keys", token,
                                headers={"Idempotency-Key": key},
                                json={"name": f"ERP {round_number}", "scopes": ["read"]})
        first = _check_answers(answers)
        assert first["key"]
        keys = _count(app, select(func.count()).select_from(ApiToken).where(
            ApiToken.kind == TokenKind.API_KEY, ApiToken.name == f"ERP {round_number}"))
        assert keys == 1, f"round {round_number}: {keys} keys"


def test_parallel_address_book_posts_with_one_key_create_one_entry(live, make, api, app):
    admin = make.company_with_admin()
    token = api.token(admin)
    for round_number in range(ROUNDS // 4):
        answers = live.parallel(PARALLEL, "POST", "/address-book", token,
                                headers={"Idempotency-Key": str(uuid.uuid4())},
                                json={"name": f"Partner {round_number}", "country": "JP"})
        _check_answers(answers)
        entries = _count(app, select(func.count()).select_from(AddressBookEntry).where(
            AddressBookEntry.name == f"Partner {round_number}"))
        assert entries == 1, f"round {round_number}: {entries} entries"


def test_a_duplicate_of_a_request_in_flight_is_told_in_the_callers_language(
        served, make, api, app, monkeypatch):
    """A key still claimed by a request that has not answered (claimed here by hand, as
    a request in flight would): after waiting, 409 problem+json in the caller's
    language, and nothing created."""
    import hashlib
    import json

    from marketplace.core.api import IdempotencyRecord

    monkeypatch.setitem(app.config, "IDEMPOTENCY_WAIT_SECONDS", 0.3)
    admin = make.company_with_admin()
    token = api.token(admin)
    body = json.dumps({"name": "ERP in flight", "scopes": ["read"]}).encode()
    fingerprint = hashlib.sha256(b"POST /api/v1/api-keys?\n" + body).hexdigest()
    key = str(uuid.uuid4())
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(
            ApiToken.user_id == admin.user_id, ApiToken.kind == TokenKind.ACCESS))
        db.session.add(IdempotencyRecord(principal=f"token:{token_id}", key=key,
                                         request_hash=fingerprint))
        db.session.get(User, admin.user_id).language = "zh_Hant"
        db.session.commit()
    answer = served.call("POST", "/api-keys", token, data=body, headers={
        "Idempotency-Key": key, "Content-Type": "application/json"})
    assert answer.status_code == 409
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["title"] == "目前的狀態不允許此操作"
    assert _count(app, select(func.count()).select_from(ApiToken).where(
        ApiToken.name == "ERP in flight")) == 0


def test_a_failed_request_frees_its_key(served, make, api, app):
    """A refused first request (422) stores nothing: the key can be used again."""
    admin = make.company_with_admin()
    token = api.token(admin)
    key = str(uuid.uuid4())
    refused = served.call("POST", "/address-book", token, headers={"Idempotency-Key": key},
                        json={"country": "JP"})
    assert refused.status_code == 422
    accepted = served.call("POST", "/address-book", token, headers={"Idempotency-Key": key},
                         json={"country": "JP"})
    assert accepted.status_code == 422  # the same body is judged again, not replayed
    other = served.call("POST", "/address-book", token, headers={"Idempotency-Key": key},
                      json={"name": "Now named", "country": "JP"})
    assert other.status_code == 201

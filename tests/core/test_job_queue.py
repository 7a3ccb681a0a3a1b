"""With REDIS_URL set, side work goes through Redis to a Celery worker, after commit
(the ``redis_worker`` fixture of tests/conftest.py)."""

import time

from tests.factories import PASSWORD


def test_mail_is_sent_by_a_worker_through_redis(redis_worker, api, mailbox):
    response = api.post("/auth/register", json={
        "company": {"name": "Queue Test Ltd.", "country": "SG", "roles": ["buyer"]},
        "user": {"email": "queue@example.com", "password": PASSWORD, "full_name": "Q"}})
    assert response.status_code == 202
    deadline = time.monotonic() + 15
    while not mailbox.to("queue@example.com") and time.monotonic() < deadline:
        time.sleep(0.1)
    [mail] = mailbox.to("queue@example.com")
    assert mail["Subject"] == "Confirm your e-mail address"


def test_mail_queued_by_a_rolled_back_operation_is_never_sent(app, mailbox):
    from marketplace.core.boundary import commit
    from marketplace.extensions import db
    from marketplace.infrastructure import operations

    with app.test_request_context():
        operations.register_company(
            company={"name": "Ghost Ltd.", "country": "SG", "roles": ["buyer"]},
            user={"email": "ghost@example.com", "password": PASSWORD, "full_name": "G"})
        db.session.rollback()
        commit()
    assert mailbox.messages == []

    with app.test_request_context():
        operations.register_company(
            company={"name": "Real Ltd.", "country": "SG", "roles": ["buyer"]},
            user={"email": "real@example.com", "password": PASSWORD, "full_name": "R"})
        commit()
    assert [m["To"] for m in mailbox.messages] == ["real@example.com"]

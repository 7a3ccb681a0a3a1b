"""With REDIS_URL set, side work goes through Redis to a Celery worker, after commit."""

import socket
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from marketplace.extensions import celery
from tests.factories import PASSWORD

REDIS = ("127.0.0.1", 6379)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_queue(app):
    if not _redis_answers():
        pytest.skip("Redis: SKIPPED — nothing answers on 127.0.0.1:6379")
    saved = {key: celery.conf[key]
             for key in ("broker_url", "task_always_eager", "task_default_queue")}
    # A queue of its own, so test runs sharing this Redis never take each other's jobs.
    celery.conf.update(broker_url="redis://127.0.0.1:6379/15", task_always_eager=False,
                       task_default_queue=f"test-{uuid.uuid4().hex}")
    celery.close()  # drop connections pooled for the previous broker
    celery.flask_app = app
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    celery.conf.update(saved)
    celery.close()


def test_mail_is_sent_by_a_worker_through_redis(redis_queue, api, mailbox):
    response = api.post("/auth/register", json={
        "company": {"name": "Queue Test Ltd.", "country": "SG", "roles": ["buyer"]},
        "user": {"email": "queue@example.com", "password": PASSWORD, "full_name": "Q"}})
    assert response.status_code == 201
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

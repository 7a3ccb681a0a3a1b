"""Rate limits while Redis is away: counted in this process's memory, with a logged
warning, and back in Redis once it answers again (issue 12, item 3)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import socket
import threading
import time
import uuid

import pytest

from marketplace import create_app
from marketplace.extensions import limiter
from tests.factories import PASSWORD


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Forwarder:
    """A TCP relay from ``port`` to the real Redis: Redis 'comes back' on that port."""

    def __init__(self, port: int):
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.2)
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            upstream = socket.create_connection(("127.0.0.1", 6379))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.running = False
        self.server.close()


@pytest.fixture
def redis_away_app(app, database_url, smtp_server, tmp_path):
    """An app whose REDIS_URL points at a closed port (jobs still run in-process)."""
    from marketplace.extensions import celery

    saved = {key: celery.conf[key] for key in ("broker_url", "task_always_eager")}
    port = _closed_port()
    away = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": database_url, "MAIL_PORT": smtp_server[1],
        "MAIL_BACKEND": "smtp", "BASE_URL": "http://localhost",
        "REDIS_URL": f"redis://127.0.0.1:{port}/15", "CELERY_TASK_ALWAYS_EAGER": True,
        "WTF_CSRF_ENABLED": False}, instance_path=str(tmp_path))
    away.redis_port = port
    yield away
    # The limiter and Celery are process-wide: give them back to the session's app.
    limiter.init_app(app)
    celery.conf.update(saved)
    celery.close()
    celery.flask_app = app


def test_login_registration_and_reset_work_while_redis_is_away(redis_away_app, make, caplog):
    make.member(make.company(), email="ada@example.com")
    client = redis_away_app.test_client()
    with caplog.at_level(logging.WARNING):
        ok = client.post("/api/v1/auth/token",
                         json={"email": "ada@example.com", "password": PASSWORD})
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert any("falling back to in-memory" in r.getMessage() for r in caplog.records)

    registered = client.post("/api/v1/auth/register", json={
        "company": {"name": "Away Ltd.", "country": "SG", "roles": ["buyer"]},
        "user": {"email": "away@example.com", "password": PASSWORD, "full_name": "A"}})
    assert registered.status_code in (201, 202), registered.get_data(as_text=True)
    reset = client.post("/api/v1/auth/password-reset", json={"email": "ada@example.com"})
    assert reset.status_code in (202, 204), reset.get_data(as_text=True)
    page = client.post("/login", data={"email": "ada@example.com", "password": PASSWORD})
    assert page.status_code == 302


def test_limits_still_hold_in_memory_and_go_back_to_redis(redis_away_app, make):
    import redis

    # An address of this run's own: the SQLite and PostgreSQL runs share this Redis, and
    # one run's count (or its clean-up) must not be the other's.
    email = f"ada-{uuid.uuid4().hex[:10]}@example.com"
    account = hashlib.sha256(email.encode()).hexdigest()[:32]
    make.member(make.company(), email=email)
    client = redis_away_app.test_client()
    wrong = {"email": email, "password": "not-the-password"}
    statuses = [client.post("/api/v1/auth/token", json=wrong).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]  # "5 per minute", counted in memory

    store = redis.Redis(host="127.0.0.1", port=6379, db=15)
    try:
        store.ping()
    except redis.ConnectionError:
        pytest.skip("Redis: SKIPPED — nothing answers on 127.0.0.1:6379")
    relay = _Forwarder(redis_away_app.redis_port)
    try:
        # Within the minute of the in-memory count (which says 429): a 401 again means
        # the attempts are counted afresh, and the count is found in Redis.
        deadline = time.monotonic() + 40
        status = 429
        while status == 429 and time.monotonic() < deadline:
            time.sleep(0.5)
            status = client.post("/api/v1/auth/token", json=wrong).status_code
        assert status == 401, "the limiter never went back to Redis"
        assert store.keys(f"LIMITS*{account}*")
    finally:
        relay.close()
        for key in store.keys(f"LIMITS*{account}*"):
            store.delete(key)

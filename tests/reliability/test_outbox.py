"""Side work goes through the outbox: a job row written with the change, kept while
Redis or the worker is away, run once when they are back; a worker killed mid-job
loses nothing. ``/healthz`` says what is away."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.core.boundary import commit
from marketplace.core.outbox import JobStatus, OutboxJob
from marketplace.extensions import celery, db
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/15"


class _Person:
    full_name = "Mia"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def _register(api, email: str):
    return api.post("/auth/register", json={
        "company": {"name": f"Outbox {email}", "country": "SG", "roles": ["buyer"]},
        "user": {"email": email, "password": PASSWORD, "full_name": "O"}})


def _mail_jobs(app) -> list[OutboxJob]:
    with app.app_context():
        jobs = db.session.scalars(select(OutboxJob).where(OutboxJob.task == "mail.send")
                                  .order_by(OutboxJob.id)).all()
        db.session.expunge_all()
        return jobs


def _wait(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _use_broker(url: str, app, monkeypatch) -> None:
    from tests.conftest import _forget_declared_queues

    celery.conf.update(broker_url=url)
    _forget_declared_queues(celery)
    monkeypatch.setitem(app.config, "REDIS_URL", url)  # what /healthz pings


# ----- in-process (no Redis) -----------------------------------------------------------------


def test_a_job_is_written_with_its_change_and_dropped_with_a_rollback(app, mailbox):
    from marketplace.infrastructure.mail import queue_mail

    with app.test_request_context():
        queue_mail("gone@example.com", "Gone", "verify_email", link="x", user=_Person())
        db.session.rollback()
        commit()
        assert db.session.scalars(select(OutboxJob)).all() == []
        queue_mail("kept@example.com", "Kept", "verify_email", link="x", user=_Person())
        commit()
        [job] = db.session.scalars(select(OutboxJob)).all()
        assert (job.task, job.status, job.attempts) == ("mail.send", JobStatus.DONE, 1)
    assert [m["To"] for m in mailbox.messages] == ["kept@example.com"]


def test_a_failing_job_waits_is_listed_and_runs_once_when_retried(app, mailbox, monkeypatch):
    from marketplace.infrastructure.mail import queue_mail

    monkeypatch.setitem(app.config, "MAIL_PORT", _closed_port())
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 1)
    with app.test_request_context():
        queue_mail("later@example.com", "Later", "verify_email", link="x", user=_Person())
        commit()
    [job] = _mail_jobs(app)
    assert job.status == JobStatus.FAILED and "ConnectionRefusedError" in job.last_error
    listing = app.test_cli_runner().invoke(args=["jobs"])
    assert f"{job.id}" in listing.output and "failed" in listing.output
    assert "mail.send" in listing.output and "ConnectionRefusedError" in listing.output

    monkeypatch.undo()
    retried = app.test_cli_runner().invoke(args=["jobs", "retry"])
    assert retried.exit_code == 0, retried.output
    assert "1 jobs handed over" in retried.output
    assert [m["To"] for m in mailbox.messages] == ["later@example.com"]
    assert _mail_jobs(app)[0].status == JobStatus.DONE
    app.test_cli_runner().invoke(args=["jobs", "retry"])  # nothing is run twice
    assert len(mailbox.messages) == 1
    assert "No waiting or failed jobs." in app.test_cli_runner().invoke(args=["jobs"]).output


# ----- Redis away, then back ------------------------------------------------------------------


def test_with_redis_away_jobs_wait_and_health_says_so_then_run_once(
        app, api, client, mailbox, redis_worker, monkeypatch):
    closed = f"redis://127.0.0.1:{_closed_port()}/15"
    _use_broker(closed, app, monkeypatch)
    try:
        for number in range(3):
            response = _register(api, f"away{number}@example.com")
            assert response.status_code == 202, response.get_json()
        jobs = _mail_jobs(app)
        assert [(j.status, j.handed_at) for j in jobs] == [(JobStatus.WAITING, None)] * 3
        health = client.get("/healthz")
        assert health.status_code == 200
        body = health.get_json()
        assert body["status"] == "degraded"
        assert body["checks"]["redis"]["status"] == "degraded"
        assert "Redis does not answer" in body["checks"]["redis"]["reason"]
        assert body["checks"]["worker"]["jobs"]["waiting"] == 3
        listing = app.test_cli_runner().invoke(args=["jobs"])
        assert listing.output.count("waiting") == 3
    finally:
        _use_broker(REDIS, app, monkeypatch)

    swept = app.test_cli_runner().invoke(args=["jobs", "retry"])  # as Celery beat does
    assert "3 jobs handed over" in swept.output, swept.output
    wanted = {f"away{number}@example.com" for number in range(3)}
    assert _wait(lambda: {m["To"] for m in mailbox.messages} == wanted)
    assert _wait(lambda: all(j.status == JobStatus.DONE for j in _mail_jobs(app)))
    app.test_cli_runner().invoke(args=["jobs", "retry"])
    time.sleep(1)
    assert sorted(m["To"] for m in mailbox.messages) == sorted(wanted)  # once each
    health = client.get("/healthz").get_json()
    assert health["checks"]["redis"]["status"] == "ok"
    assert health["checks"]["worker"]["status"] == "ok"  # the worker's heartbeat
    assert health["status"] == "ok"


def test_a_requests_jobs_handed_over_together_each_run_once(app, mailbox, redis_worker):
    from marketplace.infrastructure.mail import queue_mail

    with app.test_request_context():
        for name in ("first", "second", "third"):
            queue_mail(f"{name}@example.com", name, "verify_email", link="x", user=_Person())
        commit()
    wanted = ["first@example.com", "second@example.com", "third@example.com"]
    assert _wait(lambda: all(j.status == JobStatus.DONE for j in _mail_jobs(app)))
    assert [(j.status, j.attempts) for j in _mail_jobs(app)] == [(JobStatus.DONE, 1)] * 3
    app.test_cli_runner().invoke(args=["jobs", "retry"])  # nothing is run twice
    time.sleep(1)
    assert sorted(m["To"] for m in mailbox.messages) == wanted


def test_health_says_degraded_when_no_worker_has_beaten(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS)
    monkeypatch.setitem(celery.conf, "task_always_eager", False)
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"] == {
        "status": "degraded", "reason": "no worker has reported yet", "last_heartbeat": None,
        "jobs": {"waiting": 0, "failed": 0}}


# ----- a worker killed mid-job ------------------------------------------------------------------


class _SilentSmtp:
    """Accepts connections and never greets: a send hangs there until killed."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.connections.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        self.sock.close()
        for connection in self.connections:
            connection.close()


def _worker(app, queue: str, mail_port: int) -> subprocess.Popen:
    env = {**os.environ, "MARKETPLACE_CONFIG": "testing", "REDIS_URL": REDIS,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "MARKETPLACE_MAIL_PORT": str(mail_port), "MARKETPLACE_MAIL_BACKEND": "smtp",
           "MARKETPLACE_OUTBOX_LEASE_SECONDS": "2"}
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "marketplace.worker:celery", "worker",
         "--pool=solo", "-Q", queue, "--without-mingle", "--without-gossip",
         "--loglevel=warning"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def worker_queue(app):
    """The app sends to Redis, on a queue of this test's own; no worker in this process."""
    from tests.conftest import _forget_declared_queues

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("Redis: SKIPPED — nothing answers on 127.0.0.1:6379")
    saved = {key: celery.conf[key]
             for key in ("broker_url", "task_always_eager", "task_default_queue")}
    queue = f"test-{uuid.uuid4().hex}"
    celery.conf.update(broker_url=REDIS, task_always_eager=False, task_default_queue=queue)
    _forget_declared_queues(celery)
    saved_redis = app.config.get("REDIS_URL")
    app.config["REDIS_URL"] = REDIS
    yield queue
    app.config["REDIS_URL"] = saved_redis
    celery.conf.update(saved)
    _forget_declared_queues(celery)


def test_a_worker_killed_mid_job_loses_nothing(app, api, mailbox, worker_queue, monkeypatch):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and ":memory:" in \
            app.config["SQLALCHEMY_DATABASE_URI"]:
        pytest.skip("the worker process needs a database file or server")
    monkeypatch.setitem(app.config, "OUTBOX_LEASE_SECONDS", 2)
    silent = _SilentSmtp()
    first = _worker(app, worker_queue, silent.port)
    second = None
    try:
        assert _register(api, "killed@example.com").status_code == 202
        # The worker has claimed the job and hangs in the SMTP greeting: kill it there.
        assert _wait(lambda: silent.connections and _mail_jobs(app)[0].status == "running",
                     60), "the worker never took the job"
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        [job] = _mail_jobs(app)
        assert job.status == JobStatus.RUNNING and job.attempts == 1
        assert mailbox.messages == []

        second = _worker(app, worker_queue, app.config["MAIL_PORT"])
        time.sleep(2.5)  # the dead worker's lease ends
        swept = app.test_cli_runner().invoke(args=["jobs", "retry"])  # Celery beat's sweep
        assert "1 jobs handed over" in swept.output, swept.output
        assert _wait(lambda: mailbox.to("killed@example.com"), 60)
        assert _wait(lambda: _mail_jobs(app)[0].status == JobStatus.DONE)
        [job] = _mail_jobs(app)
        assert job.attempts == 2
        assert len(mailbox.to("killed@example.com")) == 1
    finally:
        silent.close()
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)

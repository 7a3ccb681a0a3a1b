"""Production serving (README, "Production"): gunicorn with config/gunicorn.conf.py, a
Celery worker and Celery beat for the periodic work; without a worker, due work is swept
after requests instead."""

from __future__ import annotations

import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask import Response
from sqlalchemy import select

from marketplace.core import outbox, sweeps
from marketplace.core.outbox import JobStatus, OutboxJob
from marketplace.extensions import celery, db

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
VENV_BIN = Path(sys.executable).parent
# What beat sends: the sweeps of due work (core/sweeps.py) and crm's nightly runs.
PERIODIC_TASKS = {
    "marketplace.outbox.sweep",
    "marketplace.notifications.send_due_webhooks",
    "marketplace.crm.recompute_all_customers",
    "marketplace.crm.refresh_all_speed",
    "marketplace.crm.compute_all_associations",
    "marketplace.sourcing.open_due_rfqs",
    "marketplace.favourites.saved_search_alerts",
    "marketplace.buying_requests.close_due",
}
GUNICORN_ENV = ("GUNICORN_BIND", "PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS",
                "GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT", "GUNICORN_MAX_REQUESTS",
                "GUNICORN_ACCESS_LOG")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_settings(monkeypatch, **env) -> dict:
    """The settings gunicorn takes from the file, checked by gunicorn's own validators."""
    from gunicorn.config import Config

    for name in GUNICORN_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    module = runpy.run_path(str(GUNICORN_CONF))
    config = Config()
    for name, value in module.items():
        if name in config.settings:
            config.set(name, value)
    return {name: config.settings[name].get() for name in config.settings}


def _production_env(tmp_path, **extra) -> dict:
    """A production node on SQLite in tmp_path, no Redis: what a test process may start."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MARKETPLACE_", "GUNICORN_")) and key not in (
               "REDIS_URL", "DATABASE_URL", "SECRET_KEY", "WEB_CONCURRENCY", "PORT")}
    env.update({
        "MARKETPLACE_CONFIG": "production",
        "SECRET_KEY": "a-test-secret-key-of-more-than-32-bytes-0123456789",
        "BASE_URL": "https://market.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serving.db'}",
        "MARKETPLACE_SEARCH_INDEX_DIR": str(tmp_path / "search"),
        "MARKETPLACE_MEDIA_FOLDER": str(tmp_path / "media"),
        "PYTHONPATH": str(ROOT),
        **extra})
    return env


# ----- gunicorn -----------------------------------------------------------------------------


@pytest.mark.database_independent
def test_gunicorn_config_takes_its_workers_from_the_cpu_count(monkeypatch):
    settings = _gunicorn_settings(monkeypatch)
    cpus = len(os.sched_getaffinity(0))
    assert settings["workers"] == 2 * cpus + 1
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["wsgi_app"] == "marketplace:create_app()"
    assert settings["preload_app"] is True
    assert settings["accesslog"] == "-"
    assert settings["graceful_timeout"] == 30 and settings["timeout"] == 60
    assert callable(settings["post_fork"])


@pytest.mark.database_independent
def test_gunicorn_config_reads_the_node_settings_from_the_environment(monkeypatch):
    settings = _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3", PORT="9001",
                                  GUNICORN_THREADS="4", GUNICORN_ACCESS_LOG="")
    assert settings["workers"] == 3 and settings["threads"] == 4
    assert settings["bind"] == ["127.0.0.1:9001"]
    assert settings["accesslog"] is None
    settings = _gunicorn_settings(monkeypatch, GUNICORN_BIND="0.0.0.0:8080")
    assert settings["bind"] == ["0.0.0.0:8080"]


@pytest.mark.database_independent
def test_gunicorn_serves_healthz_with_the_config(tmp_path):
    # Each worker is replaced after two requests: the node answers throughout, and a
    # leaving worker closes its connections and ends (config: worker_exit).
    env = _production_env(tmp_path, GUNICORN_BIND=f"127.0.0.1:{_free_port()}",
                          WEB_CONCURRENCY="2", GUNICORN_MAX_REQUESTS="2")
    migrated = subprocess.run([str(VENV_BIN / "flask"), "--app", "marketplace", "db",
                               "upgrade"], env=env, cwd=tmp_path, capture_output=True,
                              text=True, timeout=300)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-c", str(GUNICORN_CONF)],
                              env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://{env['GUNICORN_BIND']}/healthz"
    try:
        body = _get_json(url, server, log, seconds=120)
        assert body["checks"]["database"]["status"] == "ok"
        assert body["checks"]["worker"]["status"] == "ok"  # no Redis: jobs in-process
        for _ in range(4):  # whichever worker takes it
            assert _get_json(url, server, log, seconds=10)["checks"]["database"] == {
                "status": "ok"}
    finally:
        server.send_signal(signal.SIGTERM)  # a graceful stop
        code = server.wait(timeout=60)
    log.seek(0)
    output = log.read()
    assert code == 0, output[-3000:]
    assert "Booting worker" in output and output.count('"GET /healthz HTTP/1.1" 200') >= 5
    restarted = output.count("Autorestarting worker after current request")
    assert restarted >= 2, output[-3000:]
    assert output.count("left, its connections closed") >= restarted, output[-3000:]
    assert "exited with code" not in output and "Exception during worker exit" not in output


def _get_json(url, server, log, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200
                return json.loads(response.read())
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"gunicorn did not answer {url}:\n{log.read()[-3000:]}")
            time.sleep(0.3)


# ----- Celery beat ---------------------------------------------------------------------------


@pytest.mark.database_independent
def test_beat_schedule_holds_every_periodic_task_and_the_worker_knows_each(tmp_path):
    """As the beat process sees it: marketplace.worker loaded, Celery finalized."""
    script = (
        "import json\n"
        "from marketplace.worker import celery\n"
        "celery.finalize()\n"
        "print(json.dumps({'schedule': {name: {'task': entry['task'], 'schedule':\n"
        "    entry['schedule'] if isinstance(entry['schedule'], float)\n"
        "    else str(entry['schedule'])} for name, entry in celery.conf.beat_schedule.items()},\n"
        "    'registered': sorted(celery.tasks),\n"
        "    'schedule_file': celery.conf.beat_schedule_filename}))\n")
    env = _production_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15",
                          MARKETPLACE_OUTBOX_SWEEP_SECONDS="7")
    result = subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    by_task = {entry["task"]: entry["schedule"] for entry in seen["schedule"].values()}
    assert set(by_task) == PERIODIC_TASKS
    assert by_task["marketplace.outbox.sweep"] == 7.0  # OUTBOX_SWEEP_SECONDS
    assert by_task["marketplace.notifications.send_due_webhooks"] == 60.0  # WEBHOOK_SWEEP_...
    assert "crontab" in by_task["marketplace.crm.recompute_all_customers"]
    assert by_task["marketplace.sourcing.open_due_rfqs"] == 30.0  # RFQ_OPENING_SECONDS
    assert set(seen["registered"]) >= PERIODIC_TASKS
    assert seen["schedule_file"].endswith("instance/celerybeat-schedule")


def test_beat_schedule_of_the_sweeps_follows_the_settings(app):
    schedule = sweeps.beat_schedule({"OUTBOX_SWEEP_SECONDS": 12, "WEBHOOK_SWEEP_INTERVAL": None})
    assert schedule["the outbox"] == {"task": "marketplace.outbox.sweep", "schedule": 12.0}
    assert schedule["due webhook deliveries"]["schedule"] == 60.0  # beat has no "never"


@outbox.handler("testing.serving_noted")
def _noted(note: str) -> None:
    _NOTES.append(note)


_NOTES: list[str] = []


def _waiting_job(app, note: str) -> int:
    """A due job nobody handed over (Redis was away when its change committed)."""
    with app.app_context():
        job = OutboxJob(task="testing.serving_noted", kwargs={"note": note},
                        status=JobStatus.WAITING, attempts=0)
        db.session.add(job)
        db.session.commit()
        return job.id


def _status(app, job_id: int) -> JobStatus:
    with app.app_context():
        return db.session.scalar(select(OutboxJob.status).where(OutboxJob.id == job_id))


def test_each_periodic_task_runs_in_process(app):
    _NOTES.clear()
    job_id = _waiting_job(app, "swept by beat")
    with app.app_context():
        for name in sorted(PERIODIC_TASKS):
            result = celery.tasks[name].apply()
            assert result.successful(), (name, result.traceback)
        assert outbox.last_heartbeat() is not None  # the sweep is the worker's sign of life
    assert _NOTES == ["swept by beat"] and _status(app, job_id) == JobStatus.DONE


def test_beat_sweep_runs_on_a_worker_through_redis(app, redis_worker):
    _NOTES.clear()
    job_id = _waiting_job(app, "swept by a worker")
    with app.app_context():
        celery.send_task("marketplace.outbox.sweep")  # what beat sends every interval
    deadline = time.monotonic() + 30
    while _status(app, job_id) != JobStatus.DONE and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _NOTES == ["swept by a worker"] and _status(app, job_id) == JobStatus.DONE


# ----- sweeps after requests: only without a worker ------------------------------------------


def test_due_work_is_swept_after_requests_only_without_a_worker(app):
    runs = []
    sweep = sweeps.RequestEndSweep("TESTING_SWEEP_SECONDS", lambda: runs.append(1),
                                   what="testing serving")
    app.config["TESTING_SWEEP_SECONDS"] = 0.001
    saved = celery.conf.task_always_eager
    try:
        for eager, expected in ((False, []), (True, [1])):
            celery.conf.task_always_eager = eager
            time.sleep(0.01)
            with app.test_request_context():
                response = sweep.after_request(Response("ok"))
                response.close()  # the answer has gone out
            assert runs == expected, f"eager={eager}"
    finally:
        celery.conf.task_always_eager = saved
        app.config.pop("TESTING_SWEEP_SECONDS")

"""``GET /healthz``: each dependency's state, for a load balancer and for people.

200 while the database answers (the app can serve), 503 when it does not. The body
says ``ok``, or ``degraded`` with the reason of each check that is not ok: Redis
away (jobs wait in the outbox, rate limits count in memory), the search index not
readable, the file store (core.storage: a bucket) not answering, no worker heartbeat
for WORKER_HEARTBEAT_MAX_AGE seconds, jobs failed.

core checks what it owns (the database, Redis, the worker); a module adds the check of
what it owns with ``register_check`` when it is imported (content: the search index),
so core imports no module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, text

from marketplace.core.types import utcnow
from marketplace.extensions import db

# A check answers ok(...) or degraded(reason, ...); an exception reads as degraded.
Check = Callable[[], dict]
_checks: dict[str, Check] = {}


def ok(**extra) -> dict:
    return {"status": "ok", **extra}


def degraded(reason: str, **extra) -> dict:
    return {"status": "degraded", "reason": reason, **extra}


def register_check(name: str, check: Check) -> None:
    """Add a module's check to the report, under ``name`` (once per name)."""
    _checks[name] = check


def _database() -> dict:
    db.session.execute(text("SELECT 1"))
    return ok()


def _redis() -> dict:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return ok(detail="not used: jobs run in-process, rate limits count in memory")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return degraded(f"Redis does not answer ({type(error).__name__}): jobs wait in the "
                         "outbox, rate limits count in memory")
    return ok()


def _storage() -> dict:
    from marketplace.core import storage

    backend = (current_app.config.get("STORAGE_BACKEND") or "local").lower()
    reason = storage.store("media").check()
    if reason:
        return degraded(f"files cannot be kept or served: {reason}", backend=backend)
    return ok(backend=backend)


def _worker() -> dict:
    from marketplace.core.outbox import JobStatus, OutboxJob, eager, last_heartbeat

    counts = dict(db.session.execute(
        select(OutboxJob.status, func.count()).where(OutboxJob.status.in_(
            [JobStatus.WAITING, JobStatus.RUNNING, JobStatus.FAILED]))
        .group_by(OutboxJob.status)).all())
    jobs = {"waiting": counts.get(JobStatus.WAITING, 0) + counts.get(JobStatus.RUNNING, 0),
            "failed": counts.get(JobStatus.FAILED, 0)}
    if eager():
        beat = None
        state = ok(detail="no worker needed: jobs run in-process")
    else:
        beat = last_heartbeat()
        state = _worker_state(beat)
    if state["status"] == "ok" and jobs["failed"]:
        state = degraded(f"{jobs['failed']} jobs failed (flask jobs)")
    return {**state, "last_heartbeat": beat.isoformat() if beat else None, "jobs": jobs}


def _worker_state(beat: datetime | None) -> dict:
    limit = float(current_app.config["WORKER_HEARTBEAT_MAX_AGE"])
    if beat is None:
        return degraded("no worker has reported yet")
    age = (utcnow() - beat).total_seconds()
    if age > limit:
        return degraded(f"no worker heartbeat for {int(age)} s")
    return ok()


def report() -> tuple[dict, int]:
    try:
        database = _database()
    except Exception as error:  # noqa: BLE001 - the probe answers, whatever happens
        db.session.rollback()
        return {"status": "unavailable", "checks": {"database": {
            "status": "unavailable", "reason": type(error).__name__}}}, 503
    checks = {"database": database, "redis": _redis(), "storage": _storage()}
    for name, check in (*_checks.items(), ("worker", _worker)):
        try:
            checks[name] = check()
        except Exception as error:  # noqa: BLE001
            db.session.rollback()
            checks[name] = degraded(f"the check failed ({type(error).__name__})")
    status = "ok" if all(c["status"] == "ok" for c in checks.values()) else "degraded"
    return {"status": status, "checks": checks}, 200

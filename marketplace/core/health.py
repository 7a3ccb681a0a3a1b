"""``GET /healthz``: each dependency's state, for a load balancer and for people.

200 while the database answers (the app can serve), 503 when it does not. The body
says ``ok``, or ``degraded`` with the reason of each check that is not ok: Redis
away (jobs wait in the outbox, rate limits count in memory), the search index not
readable, no worker heartbeat for WORKER_HEARTBEAT_MAX_AGE seconds, jobs failed.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, text

from marketplace.core.types import utcnow
from marketplace.extensions import db


def _ok(**extra) -> dict:
    return {"status": "ok", **extra}


def _degraded(reason: str, **extra) -> dict:
    return {"status": "degraded", "reason": reason, **extra}


def _database() -> dict:
    db.session.execute(text("SELECT 1"))
    return _ok()


def _redis() -> dict:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return _ok(detail="not used: jobs run in-process, rate limits count in memory")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return _degraded(f"Redis does not answer ({type(error).__name__}): jobs wait in the "
                         "outbox, rate limits count in memory")
    return _ok()


def _search() -> dict:
    from marketplace.content.search.indexing import backend

    try:
        counts = {kind: backend().doc_count(kind) for kind in ("products", "companies")}
    except Exception as error:  # noqa: BLE001
        return _degraded(f"the search index cannot be read ({type(error).__name__})")
    return _ok(documents=counts)


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
        state = _ok(detail="no worker needed: jobs run in-process")
    else:
        beat = last_heartbeat()
        state = _worker_state(beat)
    if state["status"] == "ok" and jobs["failed"]:
        state = _degraded(f"{jobs['failed']} jobs failed (flask jobs)")
    return {**state, "last_heartbeat": beat.isoformat() if beat else None, "jobs": jobs}


def _worker_state(beat: datetime | None) -> dict:
    limit = float(current_app.config["WORKER_HEARTBEAT_MAX_AGE"])
    if beat is None:
        return _degraded("no worker has reported yet")
    age = (utcnow() - beat).total_seconds()
    if age > limit:
        return _degraded(f"no worker heartbeat for {int(age)} s")
    return _ok()


def report() -> tuple[dict, int]:
    try:
        database = _database()
    except Exception as error:  # noqa: BLE001 - the probe answers, whatever happens
        db.session.rollback()
        return {"status": "unavailable", "checks": {"database": {
            "status": "unavailable", "reason": type(error).__name__}}}, 503
    checks = {"database": database, "redis": _redis()}
    for name, check in (("search", _search), ("worker", _worker)):
        try:
            checks[name] = check()
        except Exception as error:  # noqa: BLE001
            db.session.rollback()
            checks[name] = _degraded(f"the check failed ({type(error).__name__})")
    status = "ok" if all(c["status"] == "ok" for c in checks.values()) else "degraded"
    return {"status": status, "checks": checks}, 200

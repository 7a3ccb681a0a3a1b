"""Work that comes due with time (outbox retries, webhook retries): who wakes it.

- With a worker (REDIS_URL set, Celery not eager): Celery beat. Each sweep names the
  Celery task beat calls every ``interval_setting`` seconds; ``beat_schedule`` lists
  them for the beat process (``marketplace/worker.py``). Modules with work at fixed
  times (crm's nightly recomputations) add their own entries with Celery's
  ``add_periodic_task``.
- Without one (the embedded default, jobs in-process, nothing else to start): after
  a response has gone out, at most once per interval in each process and one sweep at
  a time. With a worker the app nodes leave it to beat: a busy node would otherwise
  sweep once a minute per process, every node at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Flask, current_app

from marketplace.extensions import celery, db

log = logging.getLogger(__name__)


def without_worker() -> bool:
    """True when jobs run in-process (no REDIS_URL): nothing else wakes due work."""
    return bool(celery.conf.task_always_eager)


@dataclass(frozen=True)
class BeatEntry:
    """Beat's call of ``task`` every ``interval_setting`` seconds (``fallback`` when the
    setting is unset: beat has no "never")."""

    name: str
    task: str
    interval_setting: str
    fallback: float


_BEAT: dict[str, BeatEntry] = {}


def beat_schedule(config: Mapping) -> dict[str, dict]:
    """Celery's ``beat_schedule`` entries of every sweep, with their intervals from
    ``config`` (the app's settings)."""
    return {entry.name: {"task": entry.task,
                         "schedule": float(config.get(entry.interval_setting) or entry.fallback)}
            for entry in _BEAT.values()}


class RequestEndSweep:
    """``work`` runs after a response, at most once per ``app.config[interval_setting]``
    seconds (unset or 0: never), and only while ``wanted()`` says so (by default: while
    there is no worker). With ``beat_task``, beat calls that task at the same interval
    (``beat_fallback`` seconds when the setting is unset) when a worker runs."""

    def __init__(self, interval_setting: str, work: Callable[[], object], *, what: str,
                 wanted: Callable[[], bool] = without_worker, beat_task: str | None = None,
                 beat_fallback: float = 60.0):
        self.interval_setting, self.work, self.what, self.wanted = (
            interval_setting, work, what, wanted)
        self._lock = threading.Lock()
        self._last = float("-inf")
        if beat_task:
            _BEAT[what] = BeatEntry(what, beat_task, interval_setting, beat_fallback)

    def after_request(self, response):
        app = current_app._get_current_object()
        interval = app.config.get(self.interval_setting)
        if not interval or not self.wanted():
            return response
        now = time.monotonic()
        with self._lock:
            if now - self._last < float(interval):
                return response
            self._last = now
        response.call_on_close(lambda: self.sweep(app))
        return response

    def sweep(self, app: Flask) -> None:
        with app.app_context():
            try:
                self.work()
            except Exception:  # what was due stays due; the next sweep takes it
                log.exception("sweeping %s failed", self.what)
            finally:
                db.session.remove()

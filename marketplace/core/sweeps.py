"""Work that comes due with time (outbox retries, webhook retries) and has no worker to
wake it: done after a response has gone out, at most once per interval in each process
and one sweep at a time."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app

from marketplace.extensions import db

log = logging.getLogger(__name__)


class RequestEndSweep:
    """``work`` runs after a response, at most once per ``app.config[interval_setting]``
    seconds (unset or 0: never), and only while ``wanted()`` says so."""

    def __init__(self, interval_setting: str, work: Callable[[], object], *, what: str,
                 wanted: Callable[[], bool] = lambda: True):
        self.interval_setting, self.work, self.what, self.wanted = (
            interval_setting, work, what, wanted)
        self._lock = threading.Lock()
        self._last = float("-inf")

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

"""The periodic alert run of saved searches: new matches told in the bell, then the
daily digests mailed. Every ``SAVED_SEARCH_ALERT_SECONDS``: by Celery beat with a worker
(``marketplace.favourites.saved_search_alerts``, in beat's schedule through
core/sweeps.py and marketplace/worker.py), else after a response has been sent, at most
once per interval in each process (the in-process fallback)."""

from __future__ import annotations

import logging

from sqlalchemy import text

from marketplace.core import boundary
from marketplace.core.sweeps import RequestEndSweep
from marketplace.extensions import celery, db

log = logging.getLogger(__name__)
_LOCK_KEY = 0x5EA4C4  # PostgreSQL: one run at a time across processes and nodes


def run_alerts() -> dict[str, int]:
    """One run, committed: the matches found and the digests queued (mail goes after
    the commit). A second run at the same time on PostgreSQL does nothing; elsewhere
    the unique pair of a match keeps a product from being told twice."""
    from marketplace.favourites import operations

    if db.session.get_bind().dialect.name == "postgresql" and not db.session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _LOCK_KEY}):
        db.session.rollback()
        return {"matches": 0, "digests": 0}
    matches = operations.run_saved_search_alerts()
    digests = operations.send_saved_search_digests()
    boundary.commit()
    if matches or digests:
        log.info("saved searches: %d new matches, %d digests", matches, digests)
    return {"matches": matches, "digests": digests}


@celery.task(name="marketplace.favourites.saved_search_alerts", ignore_result=True)
def saved_search_alerts() -> dict[str, int]:
    """Celery beat's periodic call with a worker."""
    return run_alerts()


request_end_sweep = RequestEndSweep("SAVED_SEARCH_ALERT_SECONDS", run_alerts,
                                    what="saved search alerts",
                                    beat_task="marketplace.favourites.saved_search_alerts",
                                    beat_fallback=900.0)

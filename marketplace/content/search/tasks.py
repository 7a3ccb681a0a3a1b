"""The background job that writes index updates (a Celery task; in-process without Redis).

Whoosh has one writer per index: a job that finds it locked past the write timeout
tries again with growing pauses. The ids it carries are already in the index's
pending file by then (``indexing.refresh``), so even a job that gives up loses
nothing: the next write takes them along.
"""

from __future__ import annotations

import logging
import time

from marketplace.core import outbox
from marketplace.extensions import celery

log = logging.getLogger(__name__)

# In-process (eager) runs wait here, inside the request that committed: briefly.
EAGER_ATTEMPTS = 3
MAX_RETRIES = 10


def backoff(attempt: int) -> float:
    """Seconds to wait before attempt ``attempt + 1``: 0.2, 0.4, 0.8 ... at most 60."""
    return min(0.2 * 2 ** attempt, 60.0)


@outbox.handler("search.refresh_index")
def refresh_job(kind: str, ids: list[int]) -> None:
    """The outbox job: a busy index is retried by the outbox, after growing pauses (the
    ids wait in the index's pending file meanwhile)."""
    from marketplace.content.search.indexing import refresh
    from marketplace.content.search.whoosh_backend import IndexBusy

    for attempt in range(EAGER_ATTEMPTS):
        try:
            refresh(kind, ids)
            return
        except IndexBusy:
            if attempt + 1 < EAGER_ATTEMPTS:
                time.sleep(backoff(attempt))
    raise outbox.RetryLater(backoff(EAGER_ATTEMPTS),
                            f"search index {kind} busy; {len(ids)} ids wait in its pending file")


@celery.task(bind=True, name="marketplace.search.refresh_index", max_retries=MAX_RETRIES)
def refresh_index(self, kind: str, ids: list[int]) -> None:
    from marketplace.content.search.indexing import refresh
    from marketplace.content.search.whoosh_backend import IndexBusy

    attempts = EAGER_ATTEMPTS if self.request.is_eager else 1
    for attempt in range(attempts):
        try:
            refresh(kind, ids)
            return
        except IndexBusy as busy:
            if not self.request.is_eager:
                raise self.retry(exc=busy, countdown=backoff(self.request.retries)) from busy
            if attempt + 1 < attempts:
                time.sleep(backoff(attempt))
    log.warning("search index %s stayed busy; %d ids wait in its pending file", kind, len(ids))

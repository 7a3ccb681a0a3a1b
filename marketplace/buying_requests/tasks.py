"""Closing buying requests at their date: periodic work (docs/JOBS.md).

With a worker, Celery beat calls ``marketplace.buying_requests.close_due`` every
``BUYING_REQUEST_CLOSING_SECONDS`` (60); without one, due requests are closed after
requests at most that often per process (``core.sweeps.RequestEndSweep``). Answers
are refused from the closing time on in any case (the engine asks
``operations._action_refusal``): the job only records the closing and tells the buyer."""

from __future__ import annotations

import logging

from marketplace.buying_requests import operations
from marketplace.core import boundary
from marketplace.core.sweeps import RequestEndSweep
from marketplace.extensions import celery, db

log = logging.getLogger(__name__)


def close_due() -> int:
    """Close every open request whose closing date has come; how many were closed."""
    try:
        closed = len(operations.close_due())
        boundary.commit()
    except Exception:  # the next round tries again
        db.session.rollback()
        log.exception("closing due buying requests failed")
        return 0
    return closed


@celery.task(name="marketplace.buying_requests.close_due", ignore_result=True)
def close_due_requests() -> int:
    return close_due()


request_end_sweep = RequestEndSweep("BUYING_REQUEST_CLOSING_SECONDS", close_due,
                                    what="buying requests due to close",
                                    beat_task="marketplace.buying_requests.close_due",
                                    beat_fallback=60.0)

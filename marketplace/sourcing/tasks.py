"""The opening of sealed rfqs at their closing time: periodic work (docs/JOBS.md).

With a worker, Celery beat calls ``marketplace.sourcing.open_due_rfqs`` every
``RFQ_OPENING_SECONDS``; without one, due rfqs are opened after requests at most that
often per process (``core.sweeps.RequestEndSweep``), and ``flask sourcing open-due``
opens them from cron. Each rfq is opened in its own transaction, under a row lock, once:
a second opener finds it opened and does nothing."""

from __future__ import annotations

import logging

from marketplace.core import boundary
from marketplace.core.sweeps import RequestEndSweep
from marketplace.extensions import celery, db
from marketplace.sourcing import operations

log = logging.getLogger(__name__)


def open_due() -> int:
    """Open every rfq whose closing time has come; how many were opened now."""
    opened = 0
    for request_id in operations.due_requests():
        try:
            opened += operations.open_bids(request_id)
            boundary.commit()
        except Exception:  # the next round tries it again; the others still open
            db.session.rollback()
            log.exception("opening the bids of sourcing request %s failed", request_id)
    return opened


@celery.task(name="marketplace.sourcing.open_due_rfqs", ignore_result=True)
def open_due_rfqs() -> int:
    return open_due()


request_end_sweep = RequestEndSweep("RFQ_OPENING_SECONDS", open_due,
                                    what="sealed rfqs due to open",
                                    beat_task="marketplace.sourcing.open_due_rfqs",
                                    beat_fallback=30.0)

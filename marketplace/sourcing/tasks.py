"""The opening of sealed rfqs at their closing time, and the close of reverse auctions
at their end: periodic work (docs/JOBS.md), one task for both.

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
from marketplace.sourcing import operations, queries

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


def close_due() -> int:
    """Close every reverse auction past its end (each its own transaction, once)."""
    closed = 0
    for auction_id in queries.due_auctions():
        try:
            closed += operations.close_auction(auction_id)
            boundary.commit()
        except Exception:
            db.session.rollback()
            log.exception("closing reverse auction %s failed", auction_id)
    return closed


def sweep() -> int:
    """Both periodic steps of sourcing: due rfqs opened, due auctions closed."""
    return open_due() + close_due()


@celery.task(name="marketplace.sourcing.open_due_rfqs", ignore_result=True)
def open_due_rfqs() -> int:
    return sweep()


request_end_sweep = RequestEndSweep("RFQ_OPENING_SECONDS", sweep,
                                    what="sealed rfqs due to open, auctions due to close",
                                    beat_task="marketplace.sourcing.open_due_rfqs",
                                    beat_fallback=30.0)

"""The index follows the database: signal receivers that queue index updates.

Every change of one transaction is gathered (a catalog import of 10,000 rows makes
one job, not 10,000). With Whoosh they are handed to the background job once the
transaction has committed; with PostgreSQL's search the rows are written just before
the transaction commits, inside it (``_write_search_rows``), so a search sees the
change exactly when the change is committed, and never a change that was not. A
rollback forgets them with the rest of the work.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.content.search import (
    KINDS,
    tables,  # noqa: F401 - PostgreSQL search's tables, for create_all and migrations
    tasks,  # noqa: F401 - registers the job's handler
)
from marketplace.core import health, outbox
from marketplace.core.signals import (
    company_approved,
    company_profile_changed,
    company_suspended,
    product_changed,
)
from marketplace.extensions import db

_BATCH = "search_index_batch"
_ROWS = "search_rows_to_write"


def index_health() -> dict:
    """``/healthz``: the search index can be read (Whoosh loads on the first probe)."""
    from marketplace.content.search.indexing import backend  # loads Whoosh

    try:
        counts = {kind: backend().doc_count(kind) for kind in KINDS}
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return health.degraded(f"the search index cannot be read ({type(error).__name__})")
    return health.ok(documents=counts)


health.register_check("search", index_health)


def queue_refresh(kind: str, ids) -> None:
    """Refresh these ids of ``kind`` in the index after the current transaction commits."""
    ids = {int(i) for i in ids if i is not None}
    if not ids:
        return
    from marketplace.content.search.indexing import in_database

    if in_database():  # written before this transaction commits, in it
        db.session.info.setdefault(_ROWS, {}).setdefault(kind, set()).update(ids)
        return
    # One outbox job per kind and transaction, its ids growing with the transaction
    # (a catalog import of 10,000 rows makes one job).
    jobs = db.session.info.setdefault(_BATCH, {})
    job = jobs.get(kind)
    if job is None or job not in db.session:  # none yet, or rolled back with a savepoint
        job = jobs[kind] = outbox.enqueue("search.refresh_index", kind=kind, ids=[])
    if job is None:  # side work dropped (a replay of past trade)
        jobs.pop(kind)
        return
    job.kwargs = {"kind": kind, "ids": sorted(set(job.kwargs["ids"]) | ids)}


@event.listens_for(Session, "before_commit")
def _write_search_rows(session: Session) -> None:
    """PostgreSQL search: the rows of what this transaction changed, written in it. A
    savepoint's release fires this too; only the transaction's own commit writes."""
    if session.in_nested_transaction() or not session.info.get(_ROWS):
        return
    from marketplace.content.search.indexing import backend

    session.flush()  # the changes first: the rows are read from them
    pending = session.info.pop(_ROWS)
    backend().write(pending)


@event.listens_for(Session, "after_commit")
def _done(session: Session) -> None:
    # A savepoint released (a catalog import saves each row in one) fires this too: the
    # transaction's job takes ids until the transaction itself ends.
    if not session.in_nested_transaction():
        session.info.pop(_BATCH, None)
        session.info.pop(_ROWS, None)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_BATCH, None)
        session.info.pop(_ROWS, None)


@product_changed.connect
def on_product_changed(sender, product_id=None, **_):
    queue_refresh("products", [product_id if product_id is not None
                               else getattr(sender, "id", None)])


@company_approved.connect
@company_suspended.connect
def on_company_status_changed(company, **_):
    queue_refresh("companies", [company.id])


@company_profile_changed.connect
def on_company_profile_changed(sender, company_id=None, **_):
    queue_refresh("companies", [company_id if company_id is not None
                                else getattr(sender, "id", None)])

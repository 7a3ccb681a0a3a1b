"""The unit of work: operations flush, the boundary commits once.

A request (portal or API) commits when it answers below 400 and rolls back
otherwise, so a failure anywhere leaves nothing half-written. Side work (mail,
webhooks, index updates) is an outbox job (core/outbox.py): a row written in the
same transaction, handed over once the data it speaks of is really stored; a
rollback drops it. ``after_commit`` runs a callable after the commit, in this
process only (lost if the process dies): the outbox uses it to hand its jobs over;
work that cannot be written down as a job would use it (none does at present).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from marketplace.core.errors import Conflict, PreconditionFailed, handle_domain_error
from marketplace.extensions import db

log = logging.getLogger(__name__)
_JOBS = "after_commit_jobs"
_DROPPING = "side_work_dropped"


def after_commit(job: Callable[[], object]) -> None:
    """Run ``job`` after the current transaction commits; forget it on rollback."""
    db.session.info.setdefault(_JOBS, []).append(job)


@contextmanager
def side_work_dropped() -> Iterator[None]:
    """Write without the side work the writes queue (mail, webhook deliveries): replaying
    past trade (the demo's history) must not tell anybody about it today."""
    jobs = db.session.info.setdefault(_JOBS, [])
    mark = len(jobs)
    db.session.info[_DROPPING] = True
    try:
        yield
    finally:
        db.session.info.pop(_DROPPING, None)
        del jobs[mark:]


def side_work_is_dropped() -> bool:
    """True inside ``side_work_dropped``: the outbox then writes no job either."""
    return bool(db.session.info.get(_DROPPING))


def commit() -> None:
    """Commit the unit of work, then run what waited for it. CLI commands and
    background jobs call this; requests get it from the boundary."""
    db.session.commit()
    for job in db.session.info.pop(_JOBS, []):
        try:
            job()
        except Exception:  # the data is stored; a failed side job must not undo the answer
            log.exception("after-commit job %r failed", job)


@event.listens_for(Session, "after_rollback")
def _drop_jobs(session: Session) -> None:
    # A savepoint rolled back (begin_nested) fires this event too; the request's
    # transaction goes on, and so does the work it queued before the savepoint.
    if session.in_nested_transaction():
        return
    session.info.pop(_JOBS, None)


def _commit_or_refuse(response: Response) -> Response:
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        commit()
    except StaleDataError:
        db.session.rollback()
        return _as_response(PreconditionFailed(str(_l(
            "This record was changed by someone else since you loaded it. Reload and try again."))))
    except IntegrityError:
        db.session.rollback()
        log.info("integrity error at commit", exc_info=True)
        return _as_response(Conflict(str(_l(
            "This conflicts with a record saved at the same moment. Try again."))))
    return response


def _as_response(error) -> Response:
    result = handle_domain_error(error)
    if isinstance(result, tuple):
        from flask import make_response
        return make_response(*result)
    return result


def init_app(app: Flask) -> None:
    # Registered first, so Flask runs it last among after_request hooks: every
    # other hook (idempotency record, audit) still belongs to this transaction.
    app.after_request(_commit_or_refuse)

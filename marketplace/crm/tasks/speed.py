"""Keeping the trade speed facts in step with the documents.

- Incrementally: every document action (the engine's ``document_transitioned``) notes
  the document's thread; once the transaction has committed, one job refreshes just
  those threads' facts (``refresh_speed_threads``). An inquiry, its quotations, the
  purchase order and the shipping documents share a thread (a shipping document is an
  engine document in the order's thread), so a few rows are rewritten, whatever the
  history.
- In full: ``refresh_all_speed`` (Celery beat, nightly; ``flask crm speed``).
"""

from __future__ import annotations

import logging

import click
from celery.schedules import crontab
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.core import boundary, outbox
from marketplace.core.signals import document_transitioned
from marketplace.crm.cli import crm_cli
from marketplace.extensions import celery, db

log = logging.getLogger(__name__)
_THREADS = "crm_speed_threads"


@celery.task(name="marketplace.crm.refresh_speed_threads", ignore_result=True)
def refresh_speed_threads(thread_ids: list[int]) -> None:
    """Refresh the facts of these threads, in one transaction."""
    from marketplace.crm.operations.speed import refresh_threads

    try:
        refresh_threads(thread_ids)
        boundary.commit()
    except Exception:  # the nightly run puts them right
        db.session.rollback()
        log.exception("crm: trade speed of threads %s failed", thread_ids)


@celery.task(name="marketplace.crm.refresh_all_speed", ignore_result=True)
def refresh_all_speed() -> int:
    """Every fact again, in one transaction (a few set-based statements)."""
    from marketplace.crm.operations.speed import refresh_response_facts

    written = refresh_response_facts()
    boundary.commit()
    log.info("crm: %d trade speed facts written", written)
    return written


@celery.on_after_finalize.connect
def _schedule(sender, **_) -> None:
    sender.add_periodic_task(crontab(hour=2, minute=10), refresh_all_speed.s(),
                             name="crm: recompute every trade speed fact")


@crm_cli.command("speed")
def speed_command() -> None:
    """Recompute every trade speed fact (response times) from the documents."""
    click.echo(f"{refresh_all_speed()} trade speed facts written")


# ----- what moved in a transaction ----------------------------------------------------------


@document_transitioned.connect
def _note(sender=None, document=None, action: str | None = None, **_) -> None:
    """Note the document's thread; one outbox job per transaction (core/outbox.py)
    refreshes every thread noted, written with the change (a rollback drops both).
    A new draft is not noted: every fact is read from sent documents and their events
    (operations/speed.py), and a draft is neither."""
    document = document if document is not None else sender
    thread_id = getattr(document, "thread_id", None)
    if thread_id is None or action == "create" or not _enabled():
        return
    session: Session = db.session()
    noted = session.info.get(_THREADS)
    if noted is None:
        noted = session.info[_THREADS] = {"threads": set(), "job": None}
    if thread_id in noted["threads"]:
        return
    noted["threads"].add(thread_id)
    wanted = sorted(noted["threads"])
    if noted["job"] is None:
        noted["job"] = outbox.enqueue("crm.refresh_speed_threads", thread_ids=wanted)
    else:
        noted["job"].kwargs = {"thread_ids": wanted}


def _enabled() -> bool:
    try:
        return bool(current_app.config.get("CRM_INCREMENTAL_UPDATES", True))
    except RuntimeError:
        return False


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_THREADS, None)


@outbox.handler("crm.refresh_speed_threads")
def _refresh_job(thread_ids: list[int]) -> None:
    refresh_speed_threads(thread_ids)

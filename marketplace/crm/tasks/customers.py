"""Keeping customer figures in step with the trade (docs/ANALYTICS.md, "Updates").

- Incrementally: whenever an order (or its lines), an invoice or a payment is written,
  the transaction's (supplier, buyer) pairs are gathered at flush and written, just
  before it commits, as one outbox job (``core/outbox.py``); the job recomputes just
  those customers' rows (``recompute_customers``). A rollback drops it with the rest.
  ``CRM_INCREMENTAL_UPDATES = False`` turns this off (bulk loads).
- Periodically: ``recompute_all_customers`` (Celery beat, nightly; ``flask crm
  recompute``) recomputes every supplier in full, which ranks every customer into
  fifths and segments again and writes this month's segment snapshot.

An incremental job places its customer among the others' stored values; theirs move
only at the periodic run, as fifths depend on everyone.
"""

from __future__ import annotations

import logging

from celery.schedules import crontab
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.core import boundary, outbox
from marketplace.crm.queries import trade_changes
from marketplace.extensions import celery, db

log = logging.getLogger(__name__)
_BATCH = "crm_customers_batch"


@celery.task(name="marketplace.crm.recompute_customers", ignore_result=True)
def recompute_customers(pairs: list[list[int]]) -> None:
    """Recompute the rows of these (supplier, buyer) customers, one commit each."""
    from marketplace.crm.operations.customers import recompute_customer

    for supplier_id, buyer_id in pairs:
        try:
            recompute_customer(supplier_id, buyer_id)
            boundary.commit()
        except Exception:  # one customer's failure must not hold up the others
            db.session.rollback()
            log.exception("crm: recomputing customer %s of %s failed", buyer_id, supplier_id)


@celery.task(name="marketplace.crm.recompute_all_customers", ignore_result=True)
def recompute_all_customers() -> None:
    """Every supplier's customers in full, one commit per supplier."""
    from marketplace.crm.operations.customers import recompute_supplier, suppliers_with_orders

    for supplier_id in suppliers_with_orders():
        try:
            count = recompute_supplier(supplier_id)
            boundary.commit()
            log.info("crm: %d customers of supplier %s recomputed", count, supplier_id)
        except Exception:
            db.session.rollback()
            log.exception("crm: recomputing supplier %s failed", supplier_id)


@celery.on_after_finalize.connect
def _schedule(sender, **_) -> None:
    sender.add_periodic_task(crontab(hour=2, minute=30), recompute_all_customers.s(),
                             name="crm: recompute every supplier's customers")


# ----- what changed in a transaction --------------------------------------------------------


def _batch(session: Session) -> dict:
    batch = session.info.get(_BATCH)
    if batch is None:
        batch = session.info[_BATCH] = {"pairs": set(), "orders": set(), "invoices": set()}
    return batch


@event.listens_for(Session, "after_flush")
def _gather(session: Session, _context) -> None:
    touched = [*session.new, *session.dirty, *session.deleted]
    if not any(trade_changes.is_trade_row(obj) for obj in touched):
        return
    if not _enabled():
        return
    batch = _batch(session)
    for obj in touched:
        trade_changes.note_change(obj, batch["pairs"], batch["orders"], batch["invoices"])


def _enabled() -> bool:
    try:
        return bool(current_app.config.get("CRM_INCREMENTAL_UPDATES", True))
    except RuntimeError:  # no app: nothing to queue into
        return False


@event.listens_for(Session, "before_commit")
def _write_job(session: Session) -> None:
    """The transaction's job (core/outbox.py), written into it just before it commits
    (after a last flush, so every change is gathered): stored with the change, dropped
    with a rollback."""
    if session.info.get(_BATCH) is None and not (session.new or session.dirty
                                                  or session.deleted):
        return
    session.flush()
    batch = session.info.pop(_BATCH, None)
    if not batch:
        return
    outbox.enqueue("crm.recompute_customers",
                   pairs=sorted([list(pair) for pair in batch["pairs"]]),
                   orders=sorted(batch["orders"]), invoices=sorted(batch["invoices"]))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_BATCH, None)


@outbox.handler("crm.recompute_customers")
def _recompute_job(pairs: list[list[int]], orders: list[int], invoices: list[int]) -> None:
    found = {tuple(pair) for pair in pairs} | trade_changes.pairs_of(orders, invoices)
    if found:
        recompute_customers(sorted([list(pair) for pair in found]))


@outbox.handler("crm.recompute_supplier")
def _recompute_supplier_job(supplier_id: int) -> None:
    """One supplier in full (after its reporting currency changed)."""
    from marketplace.crm.operations.customers import recompute_supplier

    recompute_supplier(supplier_id)
    boundary.commit()

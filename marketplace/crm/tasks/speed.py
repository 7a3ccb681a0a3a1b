"""Keeping the trade speed facts in step with the documents.

- Incrementally: every document action (the engine's ``document_transitioned``) notes
  the document's supplier–buyer pair; once the transaction has committed, one job
  refreshes just those pairs' facts (``refresh_speed_pairs``). A shipping document is
  an engine document too, so printing one refreshes its order's pair.
- In full: ``refresh_all_speed`` (Celery beat, nightly; ``flask crm speed``).
"""

from __future__ import annotations

import logging

import click
from celery.schedules import crontab
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.core import boundary
from marketplace.core.signals import document_transitioned
from marketplace.crm.cli import crm_cli
from marketplace.extensions import celery, db

log = logging.getLogger(__name__)
_PAIRS = "crm_speed_pairs"
SUPPLIER_ISSUED = {"quotation", "proforma_invoice", "order_confirmation", "commercial_invoice",
                   "packing_list", "shipping_advice", "credit_note"}


@celery.task(name="marketplace.crm.refresh_speed_pairs", ignore_result=True)
def refresh_speed_pairs(pairs: list[list[int]]) -> None:
    """Refresh these (supplier, buyer) pairs' facts, one commit each."""
    from marketplace.crm.operations.speed import refresh_pair

    for supplier_id, buyer_id in pairs:
        try:
            refresh_pair(supplier_id, buyer_id)
            boundary.commit()
        except Exception:  # one pair's failure must not hold up the others
            db.session.rollback()
            log.exception("crm: trade speed of %s with %s failed", supplier_id, buyer_id)


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


def _pair(document) -> tuple[int, int] | None:
    if document.issuer_company_id is None or document.recipient_company_id is None:
        return None
    if document.type in SUPPLIER_ISSUED:
        return document.issuer_company_id, document.recipient_company_id
    return document.recipient_company_id, document.issuer_company_id


@document_transitioned.connect
def _note(sender=None, document=None, **_) -> None:
    document = document if document is not None else sender
    if document is None or not hasattr(document, "issuer_company_id") or not _enabled():
        return
    pair = _pair(document)
    if pair is None:
        return
    session: Session = db.session()
    pairs = session.info.get(_PAIRS)
    if pairs is None:
        pairs = session.info[_PAIRS] = set()
        boundary.after_commit(_send)
    pairs.add(pair)


def _enabled() -> bool:
    try:
        return bool(current_app.config.get("CRM_INCREMENTAL_UPDATES", True))
    except RuntimeError:
        return False


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PAIRS, None)


def _send() -> None:
    pairs = db.session.info.pop(_PAIRS, None)
    if pairs:
        refresh_speed_pairs.delay(sorted([list(pair) for pair in pairs]))

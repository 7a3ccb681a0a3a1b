"""Recomputing the association rules ("often ordered together") in the background.

``compute_all_associations`` is the Celery task (beat: nightly; also ``flask crm
associations``); it recomputes every supplier's rules in one transaction. The rules
change slowly (they need many orders to move), so a nightly run is enough.
"""

from __future__ import annotations

import logging
import time

import click
from celery.schedules import crontab

from marketplace.core import boundary
from marketplace.crm.cli import crm_cli
from marketplace.extensions import celery

log = logging.getLogger(__name__)


def run_associations(supplier_id: int | None = None) -> int:
    """Recompute and commit the rules (every supplier's, or one's); returns how many were
    kept. What the beat schedule, the CLI and a benchmark call."""
    from marketplace.crm.operations.associations import compute_associations

    started = time.monotonic()
    kept = compute_associations(supplier_id)
    boundary.commit()
    log.info("crm: %d association rules in %.1f s", kept, time.monotonic() - started)
    return kept


@celery.task(name="marketplace.crm.compute_all_associations", ignore_result=True)
def compute_all_associations() -> int:
    return run_associations()


@celery.on_after_finalize.connect
def _schedule(sender, **_) -> None:
    sender.add_periodic_task(crontab(hour=3, minute=0), compute_all_associations.s(),
                             name="crm: recompute the association rules")


@crm_cli.command("associations")
@click.option("--supplier", "supplier_id", type=int, default=None,
              help="One supplier's company id (default: every supplier).")
def associations_command(supplier_id: int | None) -> None:
    """Recompute the association rules (products often ordered together)."""
    started = time.monotonic()
    kept = run_associations(supplier_id)
    click.echo(f"{kept} association rules kept in {time.monotonic() - started:.1f} s")

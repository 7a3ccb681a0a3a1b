"""``flask crm ...``: the analytics' periodic work by hand (cron, after a bulk load)."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

crm_cli = AppGroup("crm", help="Customer analytics: recompute figures and history.")


@crm_cli.command("recompute")
@click.option("--supplier", "supplier_id", type=int, default=None,
              help="One supplier's company id (default: every supplier with orders).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Compute as of this day (YYYY-MM-DD; default today).")
@click.option("--history", "history", type=click.IntRange(0, 120), default=0,
              help="Also write the segment snapshots of this many past month ends.")
def recompute(supplier_id: int | None, as_of, history: int) -> None:
    """Recompute customer figures, fifths and segments from the trade records."""
    from marketplace.core.boundary import commit
    from marketplace.crm.operations.customers import (
        backfill_segment_history,
        recompute_supplier,
        suppliers_with_orders,
    )

    day: date | None = as_of.date() if as_of else None
    suppliers = [supplier_id] if supplier_id else suppliers_with_orders()
    for supplier in suppliers:
        count = recompute_supplier(supplier, day)
        if history:
            backfill_segment_history(supplier, history, today=day)
        commit()
        click.echo(f"supplier {supplier}: {count} customers")

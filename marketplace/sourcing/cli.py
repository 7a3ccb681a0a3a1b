"""``flask sourcing ...``: the opening of due sealed rfqs by hand (cron, no worker)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

sourcing_cli = AppGroup("sourcing", help="Sourcing: sealed requests for quotation.")


@sourcing_cli.command("open-due")
def open_due() -> None:
    """Open every sealed rfq whose closing time has come (all its bids together)."""
    from marketplace.sourcing.tasks import open_due as open_them

    click.echo(f"{open_them()} requests opened")


@sourcing_cli.command("close-due")
def close_due() -> None:
    """Close every reverse auction past its end (final bids become quotations)."""
    from marketplace.sourcing.tasks import close_due as close_them

    click.echo(f"{close_them()} auctions closed")

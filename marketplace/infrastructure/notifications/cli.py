"""``flask deliver-webhooks``: send the webhook deliveries whose (next) attempt is due."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from marketplace.extensions import db


@click.command("deliver-webhooks")
@click.option("--every", type=click.FloatRange(min=1), default=None, metavar="SECONDS",
              help="Keep running: look for due deliveries every SECONDS (for a service "
                   "or a container); without it, send what is due now and stop.")
@with_appcontext
def deliver_webhooks(every: float | None) -> None:
    """Send due webhook deliveries: first attempts whose job was lost, and retries.

    Without REDIS_URL each delivery is attempted here, in this process; with a Celery
    worker a job is queued for each, and the worker sends it."""
    from marketplace.extensions import celery
    from marketplace.infrastructure.notifications.tasks import SWEEP_BATCH, send_due

    while True:
        total = sent = send_due()
        # In-process each one is attempted before the next look; a worker's queue is
        # filled once per round (what it has not claimed yet is still due).
        while sent == SWEEP_BATCH and celery.conf.task_always_eager:
            sent = send_due()
            total += sent
        db.session.remove()
        if every is None:
            click.echo(f"{total} due deliveries sent.")
            return
        time.sleep(every)

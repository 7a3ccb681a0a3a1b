"""``flask jobs``: the outbox's jobs that are not done (waiting, running, failed), and
``flask jobs retry`` to hand them over again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.extensions import db


@click.group("jobs", invoke_without_command=True)
@click.pass_context
@with_appcontext
def jobs_cli(context: click.Context) -> None:
    """List the background jobs not done yet: waiting (Redis or the worker away, or a
    retry due later), running, and failed (with their last error)."""
    if context.invoked_subcommand is not None:
        return
    from marketplace.core.outbox import waiting_and_failed

    jobs = waiting_and_failed()
    if not jobs:
        click.echo("No waiting or failed jobs.")
        return
    for job in jobs:
        line = (f"{job.id:>8}  {job.status:<8} {job.task:<34} attempts {job.attempts}  "
                f"created {job.created_at:%Y-%m-%d %H:%M:%S}  due {job.next_attempt_at:%H:%M:%S}")
        click.echo(line)
        if job.last_error:
            click.echo(f"          {job.last_error.splitlines()[0][:160]}")
    db.session.remove()


@jobs_cli.command("retry")
@click.argument("job_ids", nargs=-1, type=int)
@with_appcontext
def retry(job_ids: tuple[int, ...]) -> None:
    """Run the failed jobs (these, or all) again, and hand over every due waiting job:
    to the worker with REDIS_URL, else here and now."""
    from marketplace.core import outbox

    handed = outbox.retry(list(job_ids) or None)
    remaining = sum(1 for job in outbox.waiting_and_failed() if job.status == "waiting")
    click.echo(f"{handed} jobs handed over; {remaining} waiting.")
    db.session.remove()

"""Celery's entry point, for deployments with REDIS_URL set: the worker and beat.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/celery -A marketplace.worker:celery worker
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/celery -A marketplace.worker:celery beat

Run one beat for the whole deployment (two would send each periodic task twice: harmless,
as every job is claimed before it runs, but twice the work) and as many workers as the
jobs need. ``make serve`` starts both beside gunicorn; ``make worker`` starts a worker
with an embedded beat. Without REDIS_URL the app runs its jobs in-process and sweeps due
work after requests (core/sweeps.py): no worker, no beat.

Beat's schedule (docs/JOBS.md): the sweeps of due work (the outbox every
OUTBOX_SWEEP_SECONDS, webhook retries every WEBHOOK_SWEEP_INTERVAL, saved search alerts
and digests every SAVED_SEARCH_ALERT_SECONDS), and the entries
modules add at fixed times (crm's nightly recomputations, ``add_periodic_task`` when
Celery is finalized).
"""

from pathlib import Path

from marketplace import create_app
from marketplace.core import sweeps

app = create_app()
celery = app.extensions["celery"]
# Merged with entries already there; modules add theirs (add_periodic_task) to this dict
# when Celery is finalized, which happens later, in the worker or beat.
celery.conf.beat_schedule = {**(celery.conf.beat_schedule or {}),
                             **sweeps.beat_schedule(app.config)}
# Beat remembers when each entry last ran; in the instance folder, not wherever it started.
celery.conf.beat_schedule_filename = str(Path(app.instance_path) / "celerybeat-schedule")

"""Celery worker entry point, for deployments with REDIS_URL set:

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/celery -A marketplace.worker:celery worker --beat

(``make worker`` does this.) Without REDIS_URL the app runs its jobs in-process
and needs no worker.
"""

from marketplace import create_app

app = create_app()
celery = app.extensions["celery"]

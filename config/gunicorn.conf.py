"""gunicorn settings for an app node: ``gunicorn -c config/gunicorn.conf.py``.

Everything a node needs to differ by comes from the environment (README, "Production"):

- ``GUNICORN_BIND`` (default ``127.0.0.1:$PORT``, PORT default 8000): ``0.0.0.0:8000``
  behind a load balancer on another machine.
- ``WEB_CONCURRENCY``: worker processes; default 2 × the CPUs this process may use + 1
  (gunicorn's advice: one worker computes while another waits on the database).
- ``GUNICORN_THREADS`` (default 1: sync workers, one request a process);
  ``GUNICORN_TIMEOUT`` (default 60 s: a worker silent that long is restarted);
  ``GUNICORN_GRACEFUL_TIMEOUT`` (default 30 s: on a restart or SIGTERM, requests in
  flight get this long to finish); ``GUNICORN_MAX_REQUESTS`` (default 2000: a worker is
  replaced after that many requests, so memory a request left behind goes back);
  ``GUNICORN_ACCESS_LOG`` (default ``-``, stdout; empty: none).
- The app's own settings (``MARKETPLACE_CONFIG``, ``SECRET_KEY``, ``DATABASE_URL``,
  ``REDIS_URL``, ``MARKETPLACE_TRUSTED_PROXIES`` ...) as for ``flask``.
"""

from __future__ import annotations

import os


def _cpus() -> int:
    # The CPUs this process may run on (a container's or taskset's share), not the host's.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "marketplace:create_app()"
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"
workers = _number("WEB_CONCURRENCY", 2 * _cpus() + 1)
threads = _number("GUNICORN_THREADS", 1)
timeout = _number("GUNICORN_TIMEOUT", 60)
graceful_timeout = _number("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _number("GUNICORN_KEEPALIVE", 5)
max_requests = _number("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10  # workers started together do not restart together
proc_name = "marketplace"

# The app is built once in the master and the workers are forked from it: a setting that
# refuses to start (production without SECRET_KEY) stops the master with its reason
# instead of workers failing in a loop, and the workers share the loaded code's memory.
preload_app = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client as the load balancer saw it, and the time taken (ms).
access_log_format = ('%(h)s %({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s '
                     '"%(f)s" "%(a)s" %(M)sms')

# The worker's heartbeat file on a RAM disk: a slow disk must not look like a hung worker.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


def post_fork(server, worker) -> None:
    """Each worker opens its own database connections: a connection made in the master
    (while the app was built) must not be shared by two processes."""
    from marketplace.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)  # forget the master's; they stay the master's


def worker_exit(server, worker) -> None:
    """A worker that finished its last request (``max_requests`` reached, or the node
    stopping) closes its connections and ends its process at once. Python's own
    teardown freed, one by one, every object the app had loaded before the fork (the
    Chinese dictionary, the mappers, the schemas), copying each page it touched: 1.2 s
    of CPU a worker, and the workers of a node reach ``max_requests`` within seconds of
    each other (measured: create + send flows fell by a third for that quarter minute,
    bench/README). A worker that failed is left to Python, so the master reads its
    exit code (a worker that cannot boot stops the node)."""
    import logging
    import sys

    if not worker.booted or worker.alive:
        return
    from marketplace.core.apart import dispose_apart
    from marketplace.extensions import db

    try:
        app = server.app.wsgi()
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()  # say goodbye to the database, not just drop the socket
        dispose_apart()
        server.log.info("Worker %s left, its connections closed", worker.pid)
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

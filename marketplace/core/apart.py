"""Transactions apart from the request's, for a hot row touched by every request of a
company (a number series, a counter of API calls): locked for one statement and
committed at once, instead of until the request commits, so concurrent requests of one
company do not queue behind each other.

PostgreSQL only. On SQLite (one writer at a time) and where the session runs inside a
transaction its caller owns (the tests' rolled-back worlds) ``engine_apart()`` is None
and the caller writes in the session's transaction as before.
"""

from __future__ import annotations

import os
import threading

from sqlalchemy import Connection, Engine, create_engine

from marketplace.extensions import db

# One small pool per process and database: apart from the requests' pool, so a request
# holding its connection never waits for another of the same pool (which, with every
# connection held, would wait forever).
_engines: dict[tuple[int, str], Engine] = {}
_lock = threading.Lock()


def engine_apart() -> Engine | None:
    """The engine for a short transaction of its own; None where there is none to use."""
    if db.engine.dialect.name != "postgresql" or isinstance(db.session().get_bind(), Connection):
        return None
    url = db.engine.url
    key = (os.getpid(), url.render_as_string(hide_password=False))
    engine = _engines.get(key)
    if engine is None:
        with _lock:
            engine = _engines.get(key)
            if engine is None:
                # No pre-ping (a round trip before every use, as the requests' pool has
                # none either): a connection the server dropped fails its one statement.
                engine = _engines[key] = create_engine(
                    url, pool_size=2, max_overflow=30, pool_timeout=60)
    return engine


def dispose_apart() -> None:
    """Close this process's connections apart (a worker leaving)."""
    pid = os.getpid()
    with _lock:
        for key in [key for key in _engines if key[0] == pid]:
            _engines.pop(key).dispose()

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
import weakref

from sqlalchemy import Connection, Engine, create_engine

from marketplace.extensions import db

# One small pool per process and database: apart from the requests' pool, so a request
# holding its connection never waits for another of the same pool (which, with every
# connection held, would wait forever). Found by the requests' engine (weakly: the tests
# make an app, so an engine, after another) and the process (a forked worker opens its own).
_engines: weakref.WeakKeyDictionary[Engine, tuple[int, Engine]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def engine_apart() -> Engine | None:
    """The engine for a statement that commits itself; None where there is none to use.

    Its connections are in autocommit: each statement is its own transaction, with no
    BEGIN or COMMIT to send, and nothing to roll back when a connection goes back."""
    main = db.engine
    if main.dialect.name != "postgresql" or isinstance(db.session().get_bind(), Connection):
        return None
    found = _engines.get(main)
    if found is not None and found[0] == os.getpid():
        return found[1]
    with _lock:
        found = _engines.get(main)
        if found is None or found[0] != os.getpid():
            # No pre-ping (a round trip before every use, as the requests' pool has
            # none either): a connection the server dropped fails its one statement.
            found = _engines[main] = (os.getpid(), create_engine(
                main.url, pool_size=2, max_overflow=30, pool_timeout=60,
                isolation_level="AUTOCOMMIT", pool_reset_on_return=None))
    return found[1]


def dispose_apart() -> None:
    """Close this process's connections apart (a worker leaving)."""
    pid = os.getpid()
    with _lock:
        for main, (owner, engine) in list(_engines.items()):
            if owner == pid:
                del _engines[main]
                engine.dispose()

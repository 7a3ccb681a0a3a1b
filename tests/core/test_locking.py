"""``core.locking.lock_for_update``: a read that a write depends on, locked on both
databases. Real threads, each with its own session and connection, read a counter and
write it plus one, pausing between the read and the write so that they overlap: through
the helper no increment is lost (on SQLite the writer lock is taken before the read, on
PostgreSQL the row is locked); on SQLite the same race with a bare ``with_for_update``
loses them, which shows the race is real."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, update

from marketplace.core.locking import lock_for_update
from marketplace.extensions import db

THREADS = 4
PAUSE = 0.05  # between the read and the write: long enough for the others to read

metadata = MetaData()
counter = Table("lock_probe_counter", metadata, Column("id", Integer, primary_key=True),
                Column("n", Integer, nullable=False))


@pytest.fixture
def probe(app):
    with app.app_context():
        metadata.create_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(counter.insert().values(id=1, n=0))
    yield
    with app.app_context():
        metadata.drop_all(db.engine)


def _race(app, read, *, nested: bool = False) -> int:
    """THREADS read-then-write increments at once; the counter's value after them."""
    barrier = threading.Barrier(THREADS)
    failures: list[str] = []

    def increment():
        with app.app_context():
            try:
                barrier.wait()
                if nested:  # a transaction already open (a savepoint) before the read
                    db.session.begin_nested()
                n = db.session.execute(read(select(counter.c.n).where(counter.c.id == 1))
                                       ).scalar_one()
                time.sleep(PAUSE)
                db.session.execute(update(counter).where(counter.c.id == 1).values(n=n + 1))
                db.session.commit()
            except Exception as error:  # a crash must show, not pass as a lost update
                failures.append(repr(error))
                db.session.rollback()

    threads = [threading.Thread(target=increment) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    with app.app_context():
        return db.session.execute(select(counter.c.n).where(counter.c.id == 1)).scalar_one()


def test_concurrent_read_then_write_loses_no_update(app, probe):
    assert _race(app, lock_for_update) == THREADS


def test_an_open_transaction_takes_the_lock_too(app, probe):
    assert _race(app, lock_for_update, nested=True) == THREADS


def test_with_for_update_alone_loses_updates_on_sqlite_only(app, probe):
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    after = _race(app, lambda stmt: stmt.with_for_update())
    assert after < THREADS if sqlite else after == THREADS  # PostgreSQL locks the row


# Files that may still call with_for_update themselves, and why.
OWN_LOCKS = {
    "core/locking.py": "the helper itself",
    "content/search/postgres_backend.py": "PostgreSQL's search backend: never runs on SQLite",
}


def test_reads_locked_for_a_write_go_through_the_helper():
    """A new ``.with_for_update()`` elsewhere would lock nothing on SQLite."""
    root = Path(__file__).resolve().parents[2] / "marketplace"
    calls = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                   if ".with_for_update(" in path.read_text(encoding="utf-8"))
    assert set(calls) <= set(OWN_LOCKS), (
        f"{sorted(set(calls) - set(OWN_LOCKS))}: use core.locking.lock_for_update(stmt)")

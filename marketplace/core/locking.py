"""Reads that a write depends on, locked until the transaction ends, on both databases.

A read-then-write (the balance before a payment, the best bid before a bid, a request's
state before an answer) must not let two transactions read the same value and both
write from it. PostgreSQL locks the rows read with ``SELECT ... FOR UPDATE``. SQLite has
no row locks and drops ``FOR UPDATE``; worse, pysqlite reads outside a transaction until
the first write, so the value read may be overwritten before the write. There the
database's one writer lock is taken before the read: ``BEGIN IMMEDIATE`` when no
transaction is open, else a write that changes nothing (a transaction that has written
holds the lock already; one that only read takes it now). Either waits for the writer
before (the busy timeout) and then reads what it committed.

    stmt = lock_for_update(select(Invoice).where(Invoice.id == invoice_id))
    invoice = db.session.scalar(stmt)

Use it for every read whose rows the transaction then changes (instead of
``stmt.with_for_update()``)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Table, false, update
from sqlalchemy.sql import Select

from marketplace.extensions import db

S = TypeVar("S", bound=Select)


def lock_for_update(stmt: S, **options: Any) -> S:
    """``stmt`` with ``FOR UPDATE`` (``options``: ``of``, ``key_share``, ``nowait``... as
    ``Select.with_for_update`` takes them); on SQLite the writer lock is taken now, so
    run the statement in the same transaction."""
    if db.session.get_bind().dialect.name == "sqlite":
        writer_lock(_table_of(stmt))
    return stmt.with_for_update(**options)


def writer_lock(table: Table | None = None) -> None:
    """On SQLite, hold the database's one writer lock until the transaction ends (waits
    for another writer's commit); nothing on PostgreSQL, whose row locks do the work.
    ``table``: one the no-op write may name when a transaction is open already."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    if table is None:
        raise ValueError("writer_lock inside an open SQLite transaction needs a table")
    key = next(iter(table.primary_key.columns))
    # A write that matches no row still takes the lock (the statement opens a write
    # transaction before it looks at any row).
    connection.execute(update(table).where(false()).values({key: key}))


def _table_of(stmt: Select) -> Table | None:
    """A table the statement reads (any will do for the no-op write): from its columns
    when they name one, which costs nothing; else from its final FROM list, which makes
    SQLAlchemy compile the ORM statement's state (about a millisecond a call)."""
    for source in stmt.columns_clause_froms:
        for table in _tables(source):
            return table
    for source in stmt.get_final_froms():
        for table in _tables(source):
            return table
    return None


def _tables(source) -> list[Table]:
    if isinstance(source, Table):
        return [source]
    left, right = getattr(source, "left", None), getattr(source, "right", None)
    if left is not None:
        return [*_tables(left), *_tables(right)]
    return []

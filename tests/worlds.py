"""Worlds built once and shared by many cases, each case's writes rolled back.

An access matrix checks one world (companies, members, documents, files) against every
route × every actor: hundreds of cases that each change at most a row or two. Building
that world over HTTP for every case cost about 0.3-0.7 s a case, most of the suite's
time. ``@shared_world`` turns a world builder into a fixture whose world is built (and
committed) once, by the first case that needs it, and kept while the following cases
use the same builder; every case runs inside a transaction that is rolled back at its
end, so it starts from exactly the world as built:

    @shared_world
    def world(make, api):
        ...
        return World(...)

The builder asks for fixtures by name as any fixture does; they are looked up only
when the world is built. Two names are special, as they must live as long as the
world rather than one case: ``monkeypatch`` (undone when the world goes) and ``keep``
(a contextlib.ExitStack closed when the world goes: local servers, stubs). A builder
may also be a generator (what follows its ``yield`` runs when the world goes).

How a case is undone (SQLAlchemy's "Joining a Session into an External Transaction"):
the session of every app context is bound to one connection holding an outer
transaction, with ``join_transaction_mode="create_savepoint"``: a request's commit
releases a savepoint, its rollback returns to one, and the case's end rolls the outer
transaction back. Code that takes a connection of its own (``db.engine.begin()``, the
Idempotency-Key claim) would not be undone and, on SQLite, would wait for the case's
lock: meanwhile ``db.engine`` stands for the case's connection, ``begin()`` a savepoint.
Threads of the app (a live server) are not covered: they would share the connection.

The world goes (its tables emptied, as after any test) when a test not sharing it
runs, when another world is needed, and at the end of the run. Files the world
uploaded are kept in a copy and put back in the media folder before every case.
"""

from __future__ import annotations

import functools
import inspect
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import text

from marketplace.content.search.indexing import index_folder
from marketplace.core import storage
from marketplace.extensions import db

# Every sequence of the schema starts again at 1, as after TRUNCATE ... RESTART IDENTITY
# (those never used, or reset already, have no last value and are left alone).
_RESTART_SEQUENCES = text("""
    SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)
    FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL
""")


def empty_tables() -> None:
    """Delete every row of every table (in an app context)."""
    if db.engine.dialect.name == "postgresql":
        _empty_postgresql_tables()
    else:
        _empty_sqlite_tables()


def _empty_postgresql_tables() -> None:
    with db.engine.begin() as conn:
        if not conn.info.get(_EMPTYING_FUNCTION):
            conn.exec_driver_sql(_emptying_function())
        conn.execute(_EMPTY_EVERY_TABLE)
        conn.execute(_RESTART_SEQUENCES)  # also after inserts rolled back
        conn.info[_EMPTYING_FUNCTION] = True  # reached only when nothing failed


# DELETE and a sequence reset, not TRUNCATE: TRUNCATE makes new files for every table
# (about 180 ms a test, a third of the PostgreSQL run), DELETE of a test's few rows takes
# milliseconds. Children before their parents (the metadata's order reversed; the schema
# has no cycle): turning the foreign-key triggers off instead (session_replication_role)
# made PostgreSQL discard every cached plan on the connection (the probe 0.5 -> 13 ms).
# Each table is asked and emptied by its own statement of a PL/pgSQL function, whose
# plans the server keeps from one call to the next: sent from here as one probe of a
# hundred EXISTS (planned again after nearly every test, even when prepared), then the
# DELETEs, an emptying took 10.4 ms (median of trading's 151); as the function, 4.9 ms.
# The function lives in pg_temp: each connection makes its own on its first emptying,
# and it goes with the connection; nothing is added to the schema.
_EMPTYING_FUNCTION = "pg_temp.empty_every_table"
_EMPTY_EVERY_TABLE = text(f"SELECT {_EMPTYING_FUNCTION}()")


def _emptying_function() -> str:
    tables, _ = _tables_and_probe()
    steps = "\n".join(f'IF EXISTS (SELECT 1 FROM "{t}") THEN DELETE FROM "{t}"; END IF;'
                      for t in tables)
    return (f"CREATE FUNCTION {_EMPTYING_FUNCTION}() RETURNS void LANGUAGE plpgsql "
            f"AS $$ BEGIN\n{steps}\nEND $$")


def _empty_sqlite_tables() -> None:
    """With the connection's foreign keys off while every row goes: SQLite checked each
    deleted parent row against its child tables (7 ms a test, 2.5 ms without). The pragma
    is a no-op inside a transaction, so it is set before the deletes begin one, and set
    back on whatever happens: the connection returns to the app's pool."""
    tables, probe = _tables_and_probe()
    with db.engine.connect() as conn:
        filled = {row[0] for row in conn.execute(probe)}
        conn.rollback()
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        try:
            _delete_rows(conn, tables, filled)
            conn.commit()
        finally:
            conn.rollback()
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")


def _delete_rows(conn, tables: list[str], filled: set[str]) -> None:
    for table in tables:
        if table in filled:
            conn.execute(text(f'DELETE FROM "{table}"'))


def empty_file_stores(app) -> None:
    """Remove every folder of the instance folder but the search index (the stores of
    core/storage.py's local backend, the mail folder) and the media folder. Their keys
    start with ids (a document's, a company's) that begin again at 1 once the tables are
    emptied, so a file a test left would be counted as, or served for, the next test's
    record of the same id. The search index stays open in the process; the search tests
    clear it themselves."""
    shutil.rmtree(storage.local_folder(app, "media"), ignore_errors=True)
    index = index_folder(app)
    for folder in Path(app.instance_path).iterdir():
        if folder.is_dir() and folder != index:
            shutil.rmtree(folder, ignore_errors=True)


@functools.cache
def _tables_and_probe() -> tuple[list[str], object]:
    """The tables, children first, and one statement naming those holding rows (a test
    fills a few of a hundred), built once: the text of a hundred subqueries cost a few
    ms of CPU to build and parse on every test."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    probe = text(" UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM \"{table}\")" for table in tables))
    return tables, probe


MARKER = "_shares_a_world"  # the fixture every shared-world case depends on


class _Held:
    """The world the database holds now (committed), or none."""

    key: tuple | None = None
    value: object = None
    stack: ExitStack | None = None
    media: Path | None = None      # the media folder as the world left it, copied
    media_root: Path | None = None  # where the world's files were written


_held = _Held()


def drop_world(app) -> None:
    """Let the held world go: its resources closed, its rows and files removed."""
    if _held.key is None:
        return
    stack, media, media_root = _held.stack, _held.media, _held.media_root
    _held.key, _held.value, _held.stack, _held.media, _held.media_root = (None,) * 5
    try:
        stack.close()
    finally:
        with app.app_context():
            db.session.remove()
            empty_tables()
        if media is not None:
            shutil.rmtree(media, ignore_errors=True)
        if media_root is not None:
            shutil.rmtree(media_root, ignore_errors=True)
        empty_file_stores(app)


def _restore_media(app) -> None:
    root = storage.local_folder(app, "media")
    shutil.rmtree(root, ignore_errors=True)
    if _held.media is not None:
        shutil.copytree(_held.media, root)


class _JoinedSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the app's engine even when the session was given
    a connection to use; this one uses that connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _close_all_sessions() -> None:
    """Close the session of every app context (a test's own context may hold one)."""
    sessions = db.session.registry.registry  # ScopedRegistry: scope -> session
    for session in list(sessions.values()):
        session.close()
    sessions.clear()


class _EngineOverConnection:
    """``db.engine`` inside a rolled-back block: what the code runs on a connection of
    its own (the Idempotency-Key claim) runs in a savepoint of the block's connection,
    so it is undone with the rest and never waits for the block's locks."""

    def __init__(self, engine, connection):
        self._engine, self._connection = engine, connection

    @contextmanager
    def begin(self) -> Iterator:
        with self._connection.begin_nested():
            yield self._connection

    @contextmanager
    def connect(self) -> Iterator:
        yield self._connection

    def __getattr__(self, name):
        return getattr(self._engine, name)


@contextmanager
def rolled_back(app) -> Iterator[None]:
    """Everything written inside the block, by requests or directly, is undone at its end."""
    with app.app_context():
        _close_all_sessions()
        engine = db.engine
    connection = engine.connect()
    # Sessions now answer get_bind() with this connection; code reading the engine's URL
    # from it (a cache key) finds it here too.
    connection.url = engine.url
    sqlite = engine.dialect.name == "sqlite"
    dbapi_connection = connection.connection.dbapi_connection
    if sqlite:
        # pysqlite begins its own transactions only before writes, and a SAVEPOINT
        # outside a transaction would be committed by its RELEASE: begin ourselves.
        saved_isolation = dbapi_connection.isolation_level
        dbapi_connection.isolation_level = None
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    factory = db.session.session_factory
    saved_kw, saved_class = dict(factory.kw), factory.class_
    factory.kw.update(bind=connection, join_transaction_mode="create_savepoint")
    factory.class_ = _JoinedSession
    engines = db._app_engines[app]
    db._app_engines[app] = {**engines, None: _EngineOverConnection(engine, connection)}
    try:
        yield
    finally:
        db._app_engines[app] = engines
        with app.app_context():
            _close_all_sessions()
        factory.kw.clear()
        factory.kw.update(saved_kw)
        factory.class_ = saved_class
        outer.rollback()
        if sqlite:
            dbapi_connection.isolation_level = saved_isolation
        connection.close()


def shared_world(build: Callable) -> Callable:
    """The decorator described above: ``build``'s world, built once, rolled back per case."""
    names = list(inspect.signature(build).parameters)
    key = (build.__module__, build.__qualname__)

    def fixture(request, app, _shares_a_world):
        if _held.key != key:
            drop_world(app)
            _build(request, app)
        else:
            _restore_media(app)
        with rolled_back(app):
            yield _held.value

    def _build(request, app):
        stack = ExitStack()
        arguments = {}
        try:
            for name in names:
                if name == "monkeypatch":
                    patch = pytest.MonkeyPatch()
                    stack.callback(patch.undo)
                    arguments[name] = patch
                elif name == "keep":
                    arguments[name] = stack
                else:
                    arguments[name] = request.getfixturevalue(name)
            if inspect.isgeneratorfunction(build):
                steps = build(**arguments)
                value = next(steps)
                stack.callback(_finish, steps)
            else:
                value = build(**arguments)
        except BaseException:  # what the builder committed goes, as after any test
            stack.close()
            with app.app_context():
                db.session.remove()
                empty_tables()
            raise
        media_root = storage.local_folder(app, "media")
        copy = None
        if media_root.exists():
            copy = Path(tempfile.mkdtemp(prefix="world-media-")) / "media"
            shutil.copytree(media_root, copy)
        _held.key, _held.value, _held.stack = key, value, stack
        _held.media, _held.media_root = copy, media_root

    fixture.__module__ = build.__module__
    fixture.__doc__ = build.__doc__
    return pytest.fixture(name=build.__name__)(fixture)


def _finish(steps) -> None:
    try:
        next(steps)
    except StopIteration:
        return
    raise RuntimeError("a shared world's generator yields once")

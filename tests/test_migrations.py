"""`make run` builds the schema with Alembic, the tests with create_all: they must agree.
And a migration that has landed is history: its file never changes (migrations/landed.txt).
"""

import os
import shutil
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from marketplace import create_app, landed_migrations
from marketplace.core.schema_compare import include_object_for
from marketplace.extensions import db
from marketplace.landed_migrations import HISTORY_MESSAGE, MIGRATIONS_DIR


def _fresh_database_url(tmp_path):
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        return f"sqlite:///{tmp_path / 'migrated.db'}", None
    url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"marketplace_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return url.set(database=name).render_as_string(hide_password=False), (admin, name)


def gin_storage(conn) -> dict[str, list[str] | None]:
    """Each GIN index of the database with its storage parameters."""
    return dict(conn.execute(text(
        "SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_am a ON a.oid = c.relam "
        "WHERE c.relkind = 'i' AND a.amname = 'gin'")).all())


def gin_indexes() -> dict[str, list[str] | None]:
    """The GIN indexes the models describe, with the storage parameters they give them
    (as ``gin_storage`` reads them)."""
    return {index.name: [f"{k}={v}" for k, v in with_.items()] if (
                with_ := index.dialect_options["postgresql"]["with"]) else None
            for table in db.metadata.tables.values() for index in table.indexes
            if index.dialect_options["postgresql"]["using"] == "gin"}


def test_migrations_build_the_schema_the_models_describe(tmp_path):
    url, cleanup = _fresh_database_url(tmp_path)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url}, instance_path=str(tmp_path))
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={
                    "include_object": include_object_for(conn.dialect.name)})
                differences = compare_metadata(context, db.metadata)
                gin = gin_storage(conn) if conn.dialect.name == "postgresql" else None
            assert differences == []
            if gin is not None:  # Alembic does not compare storage parameters
                assert gin == gin_indexes()
            downgrade(revision="base")
            with db.engine.connect() as conn:
                remaining = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
            assert remaining == set()
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


@pytest.mark.database_independent
def test_no_landed_migration_has_changed():
    listed = landed_migrations.read_manifest()
    assert listed, "migrations/landed.txt lists no migration"
    breaches = landed_migrations.breaches()
    assert not breaches, "\n".join(str(b) for b in breaches)


def _copy_of_migrations(tmp_path):
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.mark.database_independent
def test_a_changed_or_deleted_landed_migration_is_named_and_a_new_one_is_allowed(tmp_path):
    migrations = _copy_of_migrations(tmp_path)
    changed, deleted = sorted(landed_migrations.read_manifest(migrations))[:2]
    (migrations / changed).write_text(
        (migrations / changed).read_text() + "# regenerated in place\n")
    (migrations / deleted).unlink()
    (migrations / "versions" / "zz99_a_new_change.py").write_text('revision = "zz99"\n')

    found = landed_migrations.breaches(migrations)
    assert {(b.name, b.problem) for b in found} == {(changed, "changed"), (deleted, "deleted")}
    assert all(HISTORY_MESSAGE in str(b) for b in found)
    assert HISTORY_MESSAGE == "a landed migration is history: add a new migration instead"
    assert landed_migrations.unlisted(migrations) == ["versions/zz99_a_new_change.py"]

    # The command reports them and cannot paper over the edit by listing the new digest.
    result = CliRunner().invoke(landed_migrations.db_manifest,
                                ["--check", "--directory", str(migrations)])
    assert result.exit_code == 1
    assert f"{changed} changed: {HISTORY_MESSAGE}" in result.output
    assert f"{deleted} deleted: {HISTORY_MESSAGE}" in result.output
    before = (migrations / "landed.txt").read_bytes()
    result = CliRunner().invoke(landed_migrations.db_manifest, ["--directory", str(migrations)])
    assert result.exit_code != 0 and HISTORY_MESSAGE in result.output
    assert (migrations / "landed.txt").read_bytes() == before


@pytest.mark.database_independent
def test_the_manifest_command_appends_new_migrations_and_never_rewrites_listed_ones(tmp_path):
    migrations = _copy_of_migrations(tmp_path)
    before = (migrations / "landed.txt").read_bytes()
    new = migrations / "versions" / "zz99_a_new_change.py"
    new.write_text('revision = "zz99"\n')

    result = CliRunner().invoke(landed_migrations.db_manifest, ["--directory", str(migrations)])
    assert result.exit_code == 0, result.output
    assert "listed versions/zz99_a_new_change.py" in result.output
    after = (migrations / "landed.txt").read_bytes()
    assert after.startswith(before)
    assert after[len(before):].decode().split() == [
        landed_migrations.file_digest(new), "versions/zz99_a_new_change.py"]

    # Listed now, so it is history too.
    new.write_text('revision = "zz99"\n# edited after it landed\n')
    assert [(b.name, b.problem) for b in landed_migrations.breaches(migrations)] == [
        ("versions/zz99_a_new_change.py", "changed")]


@pytest.mark.database_independent
def test_line_endings_of_a_checkout_are_not_a_change(tmp_path):
    migrations = _copy_of_migrations(tmp_path)
    name = sorted(landed_migrations.read_manifest(migrations))[0]
    path = migrations / name
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert landed_migrations.breaches(migrations) == []


@pytest.mark.database_independent
def test_the_manifest_starts_a_new_file_with_its_header(tmp_path):
    migrations = _copy_of_migrations(tmp_path)
    (migrations / "landed.txt").unlink()
    assert landed_migrations.append_new(migrations) == sorted(
        landed_migrations.migration_files(migrations))
    header = (migrations / "landed.txt").read_text()
    assert header.startswith("# Landed migrations")
    assert landed_migrations.read_manifest(migrations) == landed_migrations.read_manifest()
    assert landed_migrations.read_manifest(tmp_path / "nowhere") == {}


@pytest.mark.database_independent
def test_on_sqlite_the_migrations_make_the_box_search_the_models_make(tmp_path):
    """The FTS5 table and its triggers are SQLite's own (outside the models' metadata):
    the migrated database has the same as create_all, and fills it with the documents
    already there."""
    def full_text_objects(url):
        with create_engine(url).connect() as conn:
            return sorted(conn.execute(text(
                "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'documents_search%' "
                "AND type IN ('table', 'trigger')")).all())

    migrated = create_app("testing", {"SQLALCHEMY_DATABASE_URI":
                                      f"sqlite:///{tmp_path / 'migrated.db'}"},
                          instance_path=str(tmp_path))
    with migrated.app_context():
        upgrade(revision="w3lists")
        with db.engine.begin() as conn:
            conn.execute(text("PRAGMA foreign_keys = OFF"))
            conn.execute(text(
                "INSERT INTO documents (id, type, number, status, issuer_company_id, thread_id, "
                "currency, extras, total_amount, created_at, updated_at, version, search_text) "
                "VALUES (7, 'inquiry', 'INQ-1', 'sent', 1, 1, 'USD', '{}', 0, "
                "'2026-01-01', '2026-01-01', 1, 'inq-1 不鏽鋼螺栓 hex bolts')"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT rowid FROM documents_search WHERE "
                                     "documents_search MATCH '\"鏽鋼螺\"'")).scalars().all() == [7]
        db.engine.dispose()
    made = create_app("testing", {"SQLALCHEMY_DATABASE_URI":
                                  f"sqlite:///{tmp_path / 'made.db'}"},
                      instance_path=str(tmp_path))
    with made.app_context():
        db.create_all()
        db.engine.dispose()
    objects = full_text_objects(f"sqlite:///{tmp_path / 'made.db'}")
    assert sorted(name for _, name, _ in objects) == [
        "documents_search", "documents_search_config", "documents_search_data",
        "documents_search_delete", "documents_search_docsize", "documents_search_idx",
        "documents_search_insert", "documents_search_update"]
    assert full_text_objects(f"sqlite:///{tmp_path / 'migrated.db'}") == objects

"""`make run` builds the schema with Alembic, the tests with create_all: they must agree."""

import os
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from marketplace import create_app
from marketplace.extensions import db


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


def test_migrations_build_the_schema_the_models_describe(tmp_path):
    url, cleanup = _fresh_database_url(tmp_path)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url}, instance_path=str(tmp_path))
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert differences == []
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

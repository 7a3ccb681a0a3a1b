"""``core.sets.among``: a column among many values finds exactly those rows on both
databases, with no value, a few, and more than a catalog import's batch; on PostgreSQL
the statement is one array parameter, the same text whatever the count (the IN list it
replaces wrote a parameter per value: 4-6 KB statements, rendered, parsed and planned
again for each batch)."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, select

from marketplace.core.sets import among
from marketplace.extensions import db

metadata = MetaData()
rows = Table("sets_probe", metadata, Column("id", Integer, primary_key=True),
             Column("code", String(20), nullable=False))


@pytest.fixture
def probe(app):
    with app.app_context():
        metadata.create_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(rows.insert(), [{"id": n, "code": f"C-{n}"} for n in range(1, 601)])
    yield
    with app.app_context():
        metadata.drop_all(db.engine)


@pytest.mark.parametrize("wanted", [[], [7], [3, 600, 42], list(range(2, 601, 2))])
def test_among_finds_exactly_the_rows_with_those_values(app, probe, wanted):
    with app.app_context():
        by_id = db.session.scalars(select(rows.c.id).where(among(rows.c.id, wanted)))
        by_code = db.session.scalars(select(rows.c.id).where(
            among(rows.c.code, [f"C-{n}" for n in wanted] + ["C-none"])))
        assert sorted(by_id) == sorted(wanted)
        assert sorted(by_code) == sorted(wanted)


def test_on_postgresql_the_statement_is_the_same_for_any_count(app, probe):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only: SQLite has no arrays and keeps IN")
        sent: list[str] = []

        def record(connection, cursor, statement, *_):
            sent.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            for count in (2, 300):
                found = db.session.scalars(select(rows.c.id).where(
                    among(rows.c.id, range(1, count + 1)))).all()
                assert len(found) == count
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert len(sent) == 2 and sent[0] == sent[1] and len(sent[0]) < 200, sent

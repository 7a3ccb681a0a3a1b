"""Many new rows of one table written at once: PostgreSQL's COPY, an executemany elsewhere.

An executemany through psycopg still runs one INSERT per row on the server (a catalog
import's 10,000 products wrote some 50,000 rows: products, their tiers, their audit rows,
a fifth of the import's time spent waiting on those statements); COPY streams them in one
statement. The rows go in as SQLAlchemy's INSERT would write them: each value through its
column type's bind processing (enums, JSON, UTC datetimes), and the columns a row leaves
out given their Python-side defaults. A column whose default only SQL can compute sends
the rows through the INSERT instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Column, Table, insert

from marketplace.extensions import db


def insert_rows(table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (each with the same keys) into ``table`` in the session's
    transaction. Nothing is read back: callers that need the new ids look them up."""
    if not rows:
        return
    connection = db.session.connection()
    plan = _copy_plan(table, rows[0].keys()) if connection.dialect.name == "postgresql" \
        else None
    if plan is None:
        db.session.execute(insert(table), list(rows))
        return
    columns, given, defaults = plan
    processors = [column.type._cached_bind_processor(connection.dialect)
                  for column in columns]
    names = ", ".join(f'"{column.name}"' for column in columns)
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, \
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            values = [row[key] for key in given] + [default() for default in defaults]
            copy.write_row([process(value) if process and value is not None else value
                            for process, value in zip(processors, values, strict=True)])


def _copy_plan(table: Table, keys) -> tuple[list[Column], list[str], list[Callable]] | None:
    """The columns COPY writes (the given ones, then the defaulted ones), the rows' keys
    in that order, and a callable per defaulted column; None when a default cannot be
    computed here."""
    given = list(keys)
    columns = [table.c[key] for key in given]
    defaults: list[Callable] = []
    for column in table.columns:
        if column.key in keys or column.default is None:
            continue  # given, or left to the database (its sequence, a server default)
        default = column.default
        if default.is_scalar:
            defaults.append(lambda value=default.arg: value)
        elif default.is_callable:
            defaults.append(lambda make=default.arg: make(None))
        else:
            return None
        columns.append(column)
    return columns, given, defaults

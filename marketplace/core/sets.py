"""A column's value among many given values: one array parameter on PostgreSQL, IN
elsewhere.

``column.in_(values)`` writes a parameter per value into the statement: a catalog
import's batch of 200 SKUs or ids made statements of 4-6 KB whose text changed with the
count, each one rendered again by SQLAlchemy, parsed again by psycopg (which keeps
statements under 4 KB only) and planned again by the server. ``column = ANY(:values)``
is one short statement whatever the count: rendered once, kept by psycopg, prepared by
the server after a few uses. SQLite has no arrays, so there it stays IN.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from marketplace.extensions import db


def among(column, values: Iterable) -> ColumnElement[bool]:
    """``column`` equal to one of ``values``, for the session's database."""
    values = list(values)
    if db.session.get_bind().dialect.name != "postgresql":
        return column.in_(values)
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))

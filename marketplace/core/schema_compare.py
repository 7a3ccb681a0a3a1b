"""What Alembic compares between the models and a database: an index the models create
for one database only (``Index(...).ddl_if(dialect="postgresql")``: a trigram GIN index)
is left out of the comparison on any other, as ``create_all`` leaves it out there; and a
full-text table made on SQLite only (an FTS5 virtual table and the shadow tables SQLite
keeps for it, registered with ``sqlite_full_text``) is not a table the models lack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Index

_SQLITE_FULL_TEXT: set[str] = set()
# The tables FTS5 keeps beside a virtual table of that name (external content: no _content).
_FTS5_SHADOWS = ("", "_data", "_idx", "_docsize", "_config", "_content")


def sqlite_full_text(name: str) -> str:
    """Declare an FTS5 table the models make on SQLite (DDL events), outside the metadata."""
    _SQLITE_FULL_TEXT.add(name)
    return name


def _is_sqlite_full_text(name: str) -> bool:
    return any(name == f"{table}{shadow}" for table in _SQLITE_FULL_TEXT
               for shadow in _FTS5_SHADOWS)


def include_object_for(dialect_name: str) -> Callable[..., bool]:
    def include_object(obj: Any, name, type_: str, reflected: bool, compare_to) -> bool:
        if type_ == "index" and isinstance(obj, Index):
            condition = getattr(obj, "_ddl_if", None)
            wanted = getattr(condition, "dialect", None) if condition is not None else None
            if wanted is not None and dialect_name not in (
                    wanted if isinstance(wanted, tuple | list | set) else (wanted,)):
                return False
        # A table of the database's own the models do not describe (its FTS5 tables).
        return not (type_ == "table" and reflected and compare_to is None
                    and dialect_name == "sqlite" and _is_sqlite_full_text(name))
    return include_object

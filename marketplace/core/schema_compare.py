"""What Alembic compares between the models and a database: an index the models create
for one database only (``Index(...).ddl_if(dialect="postgresql")``: a trigram GIN index)
is left out of the comparison on any other, as ``create_all`` leaves it out there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Index


def include_object_for(dialect_name: str) -> Callable[..., bool]:
    def include_object(obj: Any, _name, type_: str, _reflected: bool, _compare_to) -> bool:
        if type_ == "index" and isinstance(obj, Index):
            condition = getattr(obj, "_ddl_if", None)
            wanted = getattr(condition, "dialect", None) if condition is not None else None
            if wanted is not None and dialect_name not in (
                    wanted if isinstance(wanted, tuple | list | set) else (wanted,)):
                return False
        return True
    return include_object

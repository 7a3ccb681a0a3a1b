"""Company-scoped reads: the one way to load company-owned rows.

Authentication (infrastructure.auth) records who acts for which company on
``flask.g``; every query for company-owned data goes through ``visible`` or
``get_visible`` so another company's record is simply not there (404, never 403).
"""

from __future__ import annotations

from typing import TypeVar

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false, select

from marketplace.core.errors import NotFound
from marketplace.extensions import db

M = TypeVar("M")


def acting_company_id() -> int | None:
    return getattr(g, "acting_company_id", None)


def acting_as_operator() -> bool:
    return bool(getattr(g, "acting_as_operator", False))


def is_own(row) -> bool:
    """Whether ``row`` (anything with a ``company_id``) belongs to the acting company."""
    company_id = acting_company_id()
    return company_id is not None and row.company_id == company_id


def visibility_clause(model, company_id: int | None):
    """The model's own rule (``visible_to``) when it has one, else ownership."""
    if company_id is None:
        return false()
    if hasattr(model, "visible_to"):
        return model.visible_to(company_id)
    return model.company_id == company_id


def visible(model, stmt: Select | None = None, *, operator_sees_all: bool = True) -> Select:
    """``stmt`` (default ``select(model)``) limited to rows the acting company may see."""
    stmt = select(model) if stmt is None else stmt
    if operator_sees_all and acting_as_operator():
        return stmt
    return stmt.where(visibility_clause(model, acting_company_id()))


def get_visible(model: type[M], ident: int, *, operator_sees_all: bool = True) -> M:
    """The row with this id if the acting company may see it; NotFound either way."""
    stmt = visible(model, operator_sees_all=operator_sees_all).where(model.id == ident)
    row = db.session.scalars(stmt).first()
    if row is None:
        raise NotFound(str(_l("%(what)s %(id)s was not found.",
                              what=getattr(model, "__label__", model.__name__), id=ident)))
    return row

"""Paginated lists: ``?page=&per_page=`` in, ``{items, total, page, per_page}`` out.

A list never counts more than it must: ``total`` stops at ``LIST_COUNT_CAP`` (10,000
unless configured) and ``total_capped`` then says the real number is larger (the portal
shows "10,000+"). Counting a million-row box exactly on every page read every row of
it; counting up to the cap reads at most that many index entries.

Lists that grow without bound (the document boxes) also answer ``next``: an opaque
cursor to pass back as ``?after=`` for the following page. A cursor page starts right
after the last item seen, so walking a list with it reads each item once even while
new ones arrive, and costs the same on the ten-thousandth page as on the first
(``page=`` keeps working, with its ``OFFSET``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import Select, case, func, literal, select

from marketplace.extensions import db

MAX_PER_PAGE = 100
COUNT_CAP = 10_000


class PaginationArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


def _check_cursor(value: str) -> None:
    if decode_cursor(value) is None:
        raise ValidationError(str(_l("Pass back the \"next\" value of the previous page.")))


class CursorArgsSchema(PaginationArgsSchema):
    """``page``/``per_page``, and ``after``: the ``next`` cursor of the previous page."""

    after = fields.String(validate=[validate.Length(max=40), _check_cursor], metadata={
        "description": "The `next` value of the previous page: the page after it "
                       "(instead of `page`)."})


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int
    # True when there are more than ``total`` (the count stopped at the cap).
    total_capped: bool = False
    # The cursor of the page after this one (None: this is the last page).
    next: str | None = None
    # The cursor this page was read after (None: read by ``page``).
    after: str | None = None
    # The list answers ``next`` (None on its last page); others page by number only.
    by_cursor: bool = False


def count_cap() -> int:
    if has_app_context():
        return int(current_app.config.get("LIST_COUNT_CAP") or COUNT_CAP)
    return COUNT_CAP


def capped_count(stmt: Select) -> tuple[int, bool]:
    """``(total, capped)``: the rows of ``stmt``, counted up to the cap and no further."""
    cap = count_cap()
    inner = stmt.order_by(None)
    if db.session.get_bind().dialect.name == "sqlite":
        total = db.session.scalar(_sqlite_capped_count(inner, cap)) or 0
    else:
        total = db.session.scalar(
            select(func.count()).select_from(inner.limit(cap + 1).subquery())) or 0
    return (cap, True) if total > cap else (total, False)


def _sqlite_capped_count(inner: Select, cap: int) -> Select:
    """SQLite: is there a row past the cap (``LIMIT 1 OFFSET cap``: the index entries
    stepped over, nothing else done with them)? If not, the plain count of the at most
    ``cap`` rows. Counting the rows of ``LIMIT cap + 1`` passed each of them through a
    subquery's co-routine: 0.7 ms for a 100,000-document inbox's 10,001 index entries,
    against 0.3-0.4 ms to step over them; a smaller list is counted in one pass after
    the step finds nothing."""
    past = select(literal(1)).select_from(inner.limit(1).offset(cap).subquery()).exists()
    every = select(func.count()).select_from(inner.subquery()).scalar_subquery()
    return select(case((past, cap + 1), else_=every))


def encode_cursor(key: int) -> str:
    """An opaque cursor for the position after ``key`` (a descending integer key)."""
    return f"c{key:x}"


def decode_cursor(value: str | None) -> int | None:
    if not value or not value.startswith("c"):
        return None
    try:
        key = int(value[1:], 16)
    except ValueError:
        return None
    return key if 0 < key < 2 ** 62 else None


def paginate(stmt: Select, page: int = 1, per_page: int = 20) -> Page:
    total, capped = capped_count(stmt)
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=list(items), total=total, page=page, per_page=per_page,
                total_capped=capped)


_page_schemas: dict[type, type[Schema]] = {}


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """The list envelope for ``item_schema``, one class per item schema (named for OpenAPI)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(name, (Schema,), {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "total": fields.Integer(required=True, metadata={
                "description": "How many there are, counted up to 10,000: see "
                               "`total_capped`."}),
            "total_capped": fields.Boolean(dump_default=False, metadata={
                "description": "True when there are more than `total` (shown as "
                               "\"10,000+\")."}),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "next": fields.String(allow_none=True, dump_default=None, metadata={
                "description": "Lists that take `after`: pass this back as `after` for "
                               "the next page; null on the last page."}),
        })
    return _page_schemas[item_schema]

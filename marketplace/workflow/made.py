"""Documents made in the session's current transaction, and the rows the session holds.

A document created in this transaction is not visible to any other until it commits, so
every row pointing at it (its party rows, approval steps, an order) was made in this
transaction too, through this session: the answer to "which rows point at it" is in the
session, and the create's own answer need not ask the database (three reads fewer on
``POST /documents``). Where the session cannot tell (a row of the model expired, its
values not loaded), the callers read as before."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.extensions import db

_MADE = "workflow_documents_made"
_HELD = "workflow_rows_held"
_ABSENT = "workflow_rows_absent"
_AHEAD = "workflow_read_ahead"


def _this_transaction(key: str, empty):
    """The session's store ``key`` for its current transaction: a new ``empty()`` once
    another transaction began (what was noted held for the one that ended)."""
    transaction = db.session().get_transaction()
    stored = db.session.info.get(key)
    if stored is None or stored[0] is not transaction:
        stored = db.session.info[key] = (transaction, empty())
    return stored[1]


def note_made(document_id: int) -> None:
    """Record that this document was created in the current transaction."""
    _this_transaction(_MADE, set).add(document_id)


def made_here(document) -> bool:
    """Whether the document was created in the session's current transaction."""
    return document.id in _this_transaction(_MADE, set)


def hold(*rows) -> None:
    """Keep ``rows`` in the session until the current transaction ends: the identity map
    holds rows weakly, and a row read beside another (a party row with its document) or
    made and flushed by a function that returned it (approval steps) would be gone before
    ``rows_in_session`` looks for it."""
    _this_transaction(_HELD, list).extend(rows)


def note_absent(model, **values: Any) -> None:
    """Record that the database held no row of ``model`` with ``values`` when this
    transaction read (an EXISTS asked with another read): ``absent`` answers it until
    the transaction ends or writes a row of the model."""
    _this_transaction(_ABSENT, set).add((model, tuple(sorted(values.items()))))


def absent(model, **values: Any) -> bool:
    """Whether ``note_absent`` recorded this in the current transaction."""
    return (model, tuple(sorted(values.items()))) in _this_transaction(_ABSENT, set)


def note_read_ahead(kind: str, key: Any, value: Any) -> None:
    """Record what a read asked ahead of its use (a ``kind`` of fact about ``key``), for
    this transaction; ``forget_read_ahead`` drops it when the rows it came from change."""
    _this_transaction(_AHEAD, dict)[(kind, key)] = value


def read_ahead(kind: str, key: Any) -> Any:
    """What ``note_read_ahead`` recorded in the current transaction, else None."""
    return _this_transaction(_AHEAD, dict).get((kind, key))


def forget_read_ahead(session: Session, kind: str, models: tuple) -> None:
    """Drop the ``kind`` of facts read ahead when the session is about to write a row of
    ``models`` (call it before a flush). Nothing is looked at when nothing was noted: the
    session's changed rows are only gathered then."""
    known = session.info.get(_AHEAD)
    if not known or not any(key[0] == kind for key in known[1]):
        return
    if any(isinstance(row, models)
           for row in (*session.new, *session.dirty, *session.deleted)):
        for key in [key for key in known[1] if key[0] == kind]:
            del known[1][key]


@event.listens_for(Session, "before_flush")
def _forget_absence_of_new(session: Session, _context, _instances) -> None:
    """A row of a model noted absent is being written: what was noted no longer holds
    (the next ask reads the database)."""
    known = session.info.get(_ABSENT)
    if known and session.new:
        models = {type(row) for row in session.new}
        known[1].difference_update({key for key in known[1] if key[0] in models})


def rows_in_session(model, **values: Any) -> list | None:
    """The session's rows of ``model`` (loaded or pending, not deleted) whose attributes
    equal ``values``, by id; None when it cannot tell (a row of the model is expired)."""
    found, deleted = [], set(map(id, db.session.deleted))
    for row in [*db.session.identity_map.values(), *db.session.new]:
        if not isinstance(row, model) or id(row) in deleted:
            continue
        loaded = row.__dict__
        if any(name not in loaded for name in values):
            return None
        if all(loaded[name] == value for name, value in values.items()):
            found.append(row)
    return sorted(found, key=lambda row: row.__dict__.get("id") or 0)


def pointing_at_new(document, model, **values: Any) -> list | None:
    """``rows_in_session`` for a document made in this transaction; None otherwise (the
    caller reads the database)."""
    if document.id is None or not made_here(document):
        return None
    return rows_in_session(model, **values)

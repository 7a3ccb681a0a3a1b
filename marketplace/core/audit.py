"""The audit log: who did what to which record, when, and what changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import JSON, ForeignKey, String, inspect
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.bulk import insert_rows
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db

_UNNAMED = object()
# The member a background job acts for (``acting_user``); unset: the request's actor.
_JOB_ACTOR: ContextVar[object] = ContextVar("audit_job_actor", default=_UNNAMED)


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int | None]
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(64))


_AS_THEY_ARE = frozenset({str, int, float, bool, type(None), dict})  # exactly these types


def _plain(value: Any) -> Any:
    if type(value) in _AS_THEY_ARE:  # most values (a bulk write audits thousands at once)
        return value
    if type(value) is list:  # an [old, new] pair, or a list of tiers: its plain items as they are
        return [v if type(v) in _AS_THEY_ARE else _plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal | datetime | date):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "__mapper__"):  # a related record: by its id (None while unsaved)
        return getattr(value, "id", None)
    return value


def pending_changes(obj: Any, *, hidden: frozenset[str] = frozenset()) -> dict[str, list]:
    """``{attribute: [old, new]}`` for the attributes changed but not yet flushed."""
    changes: dict[str, list] = {}
    state = inspect(obj)
    for attr in state.attrs:
        history = attr.history
        if not history.has_changes() or attr.key in ("version", "updated_at"):
            continue
        relationship = state.mapper.relationships.get(attr.key)
        if relationship is not None and relationship.uselist:  # a collection: whole lists
            old = [*history.unchanged, *history.deleted]
            new = [*history.unchanged, *history.added]
        else:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
        if attr.key in hidden:
            old, new = "***", "***"
        changes[attr.key] = [_plain(old), _plain(new)]
    return changes


@contextmanager
def acting_user(user_id: int | None) -> Iterator[None]:
    """Name the member a background job acts for, so the audit rows its operations write
    name them. A job has no request (and must not fake one): a request's actor comes
    from its login, a job's from the job (who queued it)."""
    token = _JOB_ACTOR.set(user_id)
    try:
        yield
    finally:
        _JOB_ACTOR.reset(token)


def _actor_user_id() -> int | None:
    named = _JOB_ACTOR.get()
    if named is not _UNNAMED:
        return named  # type: ignore[return-value]
    return getattr(g, "actor_user_id", None) if has_request_context() else None


def record_audit(action: str, obj: Any, *, company_id: int | None = None,
                 changes: dict | None = None) -> AuditEvent:
    """Add an audit row to the current unit of work (committed with it, or not at all)."""
    event = AuditEvent(
        actor_user_id=_actor_user_id(),
        company_id=company_id if company_id is not None else getattr(obj, "company_id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def record_audits(action: str, object_type: str,
                  entries: list[tuple[int, int | None, dict]]) -> None:
    """The rows ``record_audit`` would add one by one, for many objects of one type at
    once (a bulk write: a catalog import's new products), inserted together. ``entries``:
    (object id, company id, changes)."""
    if not entries:
        return
    actor = _actor_user_id()
    address = request.remote_addr if has_request_context() else None
    now = utcnow()
    insert_rows(AuditEvent.__table__, [
        {"at": now, "actor_user_id": actor, "company_id": company_id, "action": action,
         "object_type": object_type, "object_id": object_id,
         "changes": {k: _plain(v) for k, v in (changes or {}).items()},
         "ip_address": address}
        for object_id, company_id, changes in entries])

"""Who may open a portal page: the one set of guards every module's views use.

core imports no module, so it does not know how the acting member is found or where
the login page is: the accounts layer (infrastructure) tells it at app creation with
``init_app(app, actor=..., login_endpoint=...)``. An actor is anything with
``company``, ``is_operator`` and ``can(permission)``.

The guards raise ``Forbidden``; the central error handler (core/errors.py) answers it
with the error page (portal) or problem+json (API).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import Forbidden

View = TypeVar("View", bound=Callable[..., Any])

_EXTENSION = "marketplace.guards"


class Actor(Protocol):
    """What the guards ask of the acting member (infrastructure.auth.Actor)."""

    company: Any

    @property
    def is_operator(self) -> bool: ...

    def can(self, permission: str) -> bool: ...


@dataclass(frozen=True)
class _Registration:
    actor: Callable[[], Actor | None]
    login_endpoint: str


def init_app(app: Flask, *, actor: Callable[[], Actor | None], login_endpoint: str) -> None:
    """Tell the guards how to find the acting member and which page logs in."""
    app.extensions[_EXTENSION] = _Registration(actor=actor, login_endpoint=login_endpoint)


def _registration() -> _Registration:
    return current_app.extensions[_EXTENSION]


def current_actor() -> Actor | None:
    """The acting member of this request, as the accounts layer found it (None: nobody)."""
    return _registration().actor()


def _to_login():
    # A session ended by the server (removed member, suspended company, logged out
    # elsewhere) says why instead of the plain "please log in"; the accounts layer
    # leaves the reason in the session or on g.
    reason = session.pop("ended_because", None) or g.get("session_end_reason")
    flash(reason or _l("Please log in to see this page."), "warning")
    return redirect(url_for(_registration().login_endpoint, next=request.full_path))


def login_required(view: View) -> View:
    """Anybody logged in; the others go to the login page and come back afterwards."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_actor() is None:
            return _to_login()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def permission_required(permission: str) -> Callable[[View], View]:
    """Logged in, and the role has ``permission`` (the operator has no role: refused)."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_actor().can(permission):
                raise Forbidden(str(_l("Your role does not allow this.")))
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def operator_required(view: View) -> View:
    """Logged in as the platform operator."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_actor().is_operator:
            raise Forbidden(str(_l("Only the platform operator may do this.")))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def company_actor(message: str | None = None) -> Actor:
    """The acting member of a company; Forbidden (with ``message``, or a general reason)
    when the actor is the platform operator, who belongs to no company. For views and
    API routes whose actor is already known to be logged in. A ``message`` given at
    import time (a decorator's argument) is a lazy string (``lazy_gettext``), so it is
    translated per request."""
    actor = current_actor()
    if actor is None or actor.company is None:
        raise Forbidden(str(message or _l("This belongs to companies; the platform operator "
                                          "has none.")))
    return actor


def company_member_required(permission: str | None = None, *,
                            message: str | None = None) -> Callable[[View], View]:
    """Logged in as a member of a company (not the operator: Forbidden with ``message``,
    see ``company_actor``) whose role has ``permission`` when one is named."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if current_actor() is None:
                return _to_login()
            actor = company_actor(message)
            if permission is not None and not actor.can(permission):
                raise Forbidden(str(_l("Your role does not allow this.")))
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator

"""Domain errors, and the one place that turns any error into problem+json (API)
or a page / flashed message (portal)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, flash, jsonify, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from marketplace.core.redirects import same_site_path

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class DomainError(Exception):
    """An expected refusal. Operations raise these; they never reach the user as a 500."""

    status = 400
    title = _l("Bad request")
    slug = "bad-request"
    headers: dict[str, str] = {}

    def __init__(self, detail: str | None = None, *, errors: dict | None = None, **extra: Any):
        super().__init__(detail or str(self.title))
        self.detail = detail or str(self.title)
        self.errors = errors or {}
        self.extra = extra


class Unauthorized(DomainError):
    status, title, slug = 401, _l("Authentication required"), "unauthorized"
    headers = {"WWW-Authenticate": 'Bearer realm="marketplace"'}


class Forbidden(DomainError):
    status, title, slug = 403, _l("Not allowed"), "forbidden"


class NotFound(DomainError):
    status, title, slug = 404, _l("Not found"), "not-found"


class Conflict(DomainError):
    """An action not allowed in the current state; ``allowed_actions`` says what is."""

    status, title, slug = 409, _l("Not allowed in the current state"), "conflict"


class PreconditionFailed(DomainError):
    status, title, slug = 412, _l("Changed by someone else"), "stale-version"


class PayloadTooLarge(DomainError):
    status, title, slug = 413, _l("Upload too large"), "too-large"


class UnsupportedMediaType(DomainError):
    status, title, slug = 415, _l("Unsupported file type"), "unsupported-media-type"


class ValidationFailed(DomainError):
    status, title, slug = 422, _l("Validation failed"), "validation-failed"


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem_response(status: int, title: str, detail: str, *, slug: str | None = None,
                     errors: dict | None = None, headers: dict | None = None, **extra: Any):
    body = {
        "type": f"/problems/{slug}" if slug else "about:blank",
        "title": str(title),
        "status": status,
        "detail": str(detail),
        "errors": errors or {},
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MEDIA_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow nest messages by location and field; the contract wants
    ``{field: [messages]}`` with dotted paths for nested fields."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "form", "files", "headers", "path"):
                name = ""
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, msgs in flatten_messages(value, name).items():
                flat.setdefault(field, []).extend(msgs)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_messages(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


# ----- refusals in the portal ---------------------------------------------------------------


def refusal_lines(detail: str, errors: dict | None = None) -> list[str]:
    """The reason, then each field's reason on a line of its own ("lines.0.quantity: Not a
    valid number."), for a page that shows the form again beside them."""
    return [str(detail), *(" ".join(str(m) for m in messages) if name == "_schema"
                           else f"{name}: {' '.join(str(m) for m in messages)}"
                           for name, messages in flatten_messages(errors or {}).items())]


def refusal_text(error: DomainError) -> str:
    """The reason a page flashes: the refusal's detail, then each field's message. The
    field messages are whole sentences ("Say why you reject it."); when the detail is
    only the class's title ("Validation failed") it says nothing more and is left out."""
    if getattr(error, "fields_in_detail", False):  # core/field_errors.py named them
        return error.detail
    from marketplace.core.field_errors import translated  # it builds on this module

    said = [translated(m) for messages in flatten_messages(error.errors or {}).values()
            for m in messages]
    if said and error.detail == str(error.title):
        return " ".join(said)
    return " ".join([error.detail, *said])


def go_back(error: DomainError, fallback: str | None = None, *, code: int = 303):
    """A refused portal request: nothing of it is kept, the reason (``refusal_text``) is
    flashed, and the browser goes back to the page it came from (``fallback``, then "/",
    when the Referer is missing or leads off-site).

    The rollback comes first: the redirect answers below 400, so the request boundary
    would otherwise commit what the operation flushed before it refused."""
    from marketplace.extensions import db

    db.session.rollback()
    flash(refusal_text(error), "danger")
    return redirect(same_site_path(request.referrer) or fallback or "/", code)


@contextmanager
def refusal_goes_back(fallback: str | None = None, *, code: int = 303) -> Iterator[None]:
    """Around the operation a portal view calls: a DomainError raised inside is answered
    by ``go_back`` (through the central handler) instead of an error page. Only around
    the operation: a refused access before it (403, 404) keeps its error page.

        with refusal_goes_back(url_for("trading.document_page", document_id=document.id)):
            operations.perform_action(document, action, actor, params)
    """
    try:
        yield
    except DomainError as error:
        error.goes_back = (fallback, code)
        raise


def _render_portal_error(status: int, title: str, detail: str,
                         refusal: DomainError | None = None):
    # A refused state change goes back to the page with the reason; a refused
    # access (403, 404) keeps its status, so nobody mistakes it for success.
    if status in (409, 412, 422) and request.method == "POST":
        return go_back(refusal or DomainError(detail), code=302)
    return render_template("errors.html", status=status, title=title, detail=detail), status


def handle_domain_error(error: DomainError):
    if wants_problem_json():
        return problem_response(error.status, error.title, error.detail, slug=error.slug,
                                errors=error.errors, headers=error.headers, **error.extra)
    going_back = getattr(error, "goes_back", None)
    if going_back is not None:
        fallback, code = going_back
        return go_back(error, fallback, code=code)
    return _render_portal_error(error.status, str(error.title), error.detail, error)


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if status == 413:  # a body over MAX_CONTENT_LENGTH, refused before it is read
        from flask import current_app

        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        limit = f"{limit / 2**20:.0f} MB" if limit >= 2**20 else f"{limit / 2**10:.0f} KB"
        return handle_domain_error(PayloadTooLarge(str(_l(
            "The upload is too large: one request may carry at most %(limit)s.",
            limit=limit))))
    detail = error.description or error.name
    data = getattr(error, "data", None) or {}
    errors = flatten_messages(data["messages"]) if "messages" in data else {}
    if status == 422 and errors:
        detail = str(_l("Some fields are not valid."))
    if status == 400 and errors:
        detail = "; ".join(m for msgs in errors.values() for m in msgs)
        errors = {}
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    if wants_problem_json():
        return problem_response(status, error.name, detail, errors=errors, headers=headers)
    return _render_portal_error(status, error.name, detail)


def _roll_back() -> None:
    """The failed flush left the session unusable; roll back before anything (the
    caller's language, the audit) is read through it again."""
    from marketplace.extensions import db

    db.session.rollback()


def handle_stale_data(error: StaleDataError):
    _roll_back()
    return handle_domain_error(PreconditionFailed(str(_l(
        "This record was changed by someone else since you loaded it. Reload and try again."))))


def handle_integrity_error(error: IntegrityError):
    """A unique rule broken by a record saved at the same moment (two commercial invoices
    of one shipment): the other request won; this one is refused, nothing saved."""
    _roll_back()
    log.info("integrity error on %s %s", request.method, request.path, exc_info=True)
    return handle_domain_error(Conflict(str(_l(
        "This conflicts with a record saved at the same moment. Try again.")),
        allowed_actions=[]))


# PostgreSQL's answers when two transactions collide: deadlock, serialization failure,
# lock not available. The database rolled one back; the caller may simply try again.
_COLLISION_CODES = frozenset({"40P01", "40001", "55P03"})


def handle_operational_error(error: OperationalError):
    if getattr(getattr(error, "orig", None), "sqlstate", None) not in _COLLISION_CODES:
        return handle_unexpected(error)
    _roll_back()
    log.info("transactions collided on %s %s", request.method, request.path, exc_info=True)
    return handle_domain_error(Conflict(str(_l(
        "This conflicts with a change made at the same moment. Try again.")),
        allowed_actions=[]))


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    if wants_problem_json():
        return problem_response(500, "Internal Server Error",
                                str(_l("Something went wrong on our side; nothing was saved.")))
    return render_template("errors.html", status=500, title=str(_l("Internal Server Error")),
                           detail=str(_l("Something went wrong on our side; nothing was saved."))
                           ), 500


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(Exception, handle_unexpected)

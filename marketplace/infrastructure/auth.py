"""Who is acting: portal sessions, bearer tokens and API keys become one ``Actor``.

The actor is resolved afresh on every request, from the database, so a removed
member, a revoked token or a suspended company loses access on the next request.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from marketplace.core.api import problem_responses
from marketplace.core.errors import Forbidden, Unauthorized
from marketplace.core.limits import (
    API_CALLS,
    MEMBERS,
    LimitReached,
    check_editable,
    check_limit,
    check_metered,
)
from marketplace.core.types import utcnow
from marketplace.extensions import csrf, db, login_manager
from marketplace.infrastructure.models import (
    API_KEY_PERMISSIONS,
    ROLE_PERMISSIONS,
    ApiToken,
    Company,
    CompanyStatus,
    LoginSession,
    MemberRole,
    Membership,
    TokenKind,
    User,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _with_user_and_company(user_attribute):
    """Load the user behind a credential with membership and company in the same query."""
    return joinedload(user_attribute).joinedload(User.membership).joinedload(Membership.company)

# ----- secrets ---------------------------------------------------------------------------


def _hasher() -> PasswordHasher:
    config = current_app.config
    # Lanes computed in threads of their own (argon2's default 4): the tests take 1, as a
    # hash of their 64 KiB spent ten times its work starting and joining the threads.
    return PasswordHasher(time_cost=config.get("ARGON2_TIME_COST", 3),
                          memory_cost=config.get("ARGON2_MEMORY_COST", 64 * 1024),
                          parallelism=config.get("ARGON2_PARALLELISM", 4))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Hashes to verify against when the e-mail is unknown, so timing does not tell: made
# with the hasher's own settings (a fixed cheaper hash answered an unknown address in a
# fraction of a real check's time), once per process and settings.
_dummy_hashes: dict[tuple[int, int, int], str] = {}


def dummy_hash() -> str:
    hasher = _hasher()
    settings = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if settings not in _dummy_hashes:
        _dummy_hashes[settings] = hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hashes[settings]


def burn_password_check(password: str) -> None:
    verify_password(dummy_hash(), password)


def new_secret(prefix: str) -> tuple[str, str]:
    """A random bearer secret and the SHA-256 under which it is stored."""
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    return secret, digest(secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# ----- the actor -------------------------------------------------------------------------


@dataclass
class Actor:
    user: User | None
    company: Company | None
    role: MemberRole | None
    via: str  # "session", "token" or "api_key"
    token: ApiToken | None = None
    scopes: frozenset[str] = field(default_factory=lambda: frozenset({"read", "write"}))

    @property
    def is_operator(self) -> bool:
        return bool(self.user and self.user.is_operator)

    @property
    def permissions(self) -> frozenset[str]:
        if self.via == "api_key":
            return API_KEY_PERMISSIONS
        return ROLE_PERMISSIONS[self.role] if self.role else frozenset()

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def principal(self) -> str:
        return f"token:{self.token.id}" if self.token else f"user:{self.user.id}"


def _actor_for_user(user: User, via: str, token: ApiToken | None = None) -> Actor:
    if user.is_operator:
        return Actor(user=user, company=None, role=None, via=via, token=token)
    membership = user.membership
    if membership is None:
        raise Unauthorized(str(_l("You are no longer a member of a company on this marketplace.")))
    _refuse_suspended(membership.company)
    return Actor(user=user, company=membership.company, role=membership.role, via=via,
                 token=token)


def ensure_may_act(user: User) -> Actor:
    """The actor a user would be; refuses removed members and suspended companies."""
    return _actor_for_user(user, "session")


def _refuse_suspended(company: Company) -> None:
    if company.status == CompanyStatus.SUSPENDED:
        if company.status_reason:  # the company is told why (moderation, issue 15.6)
            raise Forbidden(str(_l("Your company is suspended: %(reason)s. Contact the "
                                   "operator.", reason=company.status_reason.rstrip("."))))
        raise Forbidden(str(_l("Your company is suspended; contact the operator.")))


@functools.cache
def _bearer_statement():
    """Built once with the hash bound at each run, as the login session's below: every
    API call asks, and building it with its joined loads cost as much CPU as running it."""
    return select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash")).options(
        joinedload(ApiToken.company), _with_user_and_company(ApiToken.user))


def actor_from_bearer(header: str) -> Actor:
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized(str(_l("Send 'Authorization: Bearer <token>'.")))
    token = db.session.scalar(_bearer_statement(), {"token_hash": digest(secret.strip())})
    if token is None or not token.is_usable():
        raise Unauthorized(str(_l("The token is unknown, expired or revoked.")))
    _note_use(token)
    if token.kind == TokenKind.API_KEY:
        _refuse_suspended(token.company)
        return Actor(user=None, company=token.company, role=None, via="api_key", token=token,
                     scopes=frozenset(token.scopes))
    return _actor_for_user(token.user, "token", token)


LAST_USED_PRECISION = timedelta(minutes=1)


def _note_use(token: ApiToken) -> None:
    """Keep ``last_used_at`` to the minute: a write per call would cost every call a commit."""
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now


def bind_actor(actor: Actor | None) -> None:
    """Record the actor where scoped queries, audit and idempotency look for it."""
    g.actor = actor
    g.acting_company_id = actor.company.id if actor and actor.company else None
    g.acting_as_operator = bool(actor and actor.is_operator)
    g.actor_user_id = actor.user.id if actor and actor.user else None
    g.api_principal = actor.principal if actor else None


def current_actor() -> Actor | None:
    return getattr(g, "actor", None)


# ----- portal sessions (Flask-Login) -----------------------------------------------------


@functools.cache
def _login_session_statement():
    """Built once with the session id bound at each run: every portal request asks, and
    building it (with its joined loads) cost as much CPU as running it."""
    return select(LoginSession).where(LoginSession.id == bindparam("session_id")).options(
        _with_user_and_company(LoginSession.user))


@login_manager.user_loader
def load_session_user(session_id: str) -> User | None:
    login_session = db.session.scalar(_login_session_statement(), {"session_id": session_id})
    if login_session is None:
        return None
    if login_session.revoked_at is not None:
        g.session_end_reason = LoginSession.END_MESSAGES.get(login_session.end_reason or "")
        return None
    return login_session.user


def portal_actor() -> Actor | None:
    """The actor behind the session cookie, or None (and the session ended) when the
    user may no longer act: removed from the company, company suspended."""
    if not current_user.is_authenticated:
        return None
    try:
        return _actor_for_user(current_user._get_current_object(), "session")
    except (Unauthorized, Forbidden) as refusal:
        session["ended_because"] = refusal.detail
        end_portal_session()
        return None


# What a member beyond the plan's members (read-only, core/limits.py) may still post in
# the portal: leave, and choose a language.
READ_ONLY_MAY_POST = frozenset({"infrastructure.logout", "infrastructure.switch_language"})


def refuse_read_only_member() -> None:
    """Before a portal page's post (after the actor is bound): a member beyond what the
    company's plan allows now (a lapsed plan held to the free plan's limits) may read
    but change nothing; refused with the limit named, flashed on the page they came
    from. The API refuses the same in ``_authorize``."""
    if request.method in SAFE_METHODS or request.path.startswith("/api/") or \
            request.endpoint in READ_ONLY_MAY_POST:
        return
    actor = current_actor()
    if actor is None or actor.company is None or actor.user is None:
        return
    try:
        check_editable(MEMBERS, actor.company.id, actor.user.id)
    except LimitReached as refusal:
        refusal.goes_back = (None, 303)  # flashed, back to the page it came from
        raise


def end_portal_session() -> None:
    from flask_login import logout_user

    session_id = session.get("_user_id")
    if session_id:
        login_session = db.session.get(LoginSession, session_id)
        if login_session is not None:
            login_session.end("logout")
    logout_user()


# ----- API routes ------------------------------------------------------------------------


def api_auth(*, write: bool | None = None, permission: str | None = None,
             operator: bool = False, optional: bool = False):
    """Authenticate an API call (bearer token, API key, or portal session with CSRF),
    then check scope, role permission or operator rights. ``write`` defaults to
    "the method is not a safe one"."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            actor = _api_actor(optional)
            bind_actor(actor)
            if actor is not None:
                _authorize(actor, write, permission, operator)
                if actor.via != "session" and actor.company is not None:
                    # A partner system's call counts towards the plan's calls a day.
                    check_limit(API_CALLS, actor.company.id)
                if request.method == "GET" and actor.company is not None:
                    check_metered(request.blueprint, actor.company.id)  # e.g. analytics views
            return view(*args, **kwargs)

        security = [{"bearerAuth": []}, {}] if optional else [{"bearerAuth": []}]
        # A bad credential is refused even where none is needed.
        return Blueprint.doc(security=security, responses=problem_responses(401, 403))(wrapper)

    return decorator


def _api_actor(optional: bool) -> Actor | None:
    header = request.headers.get("Authorization")
    if header:
        return actor_from_bearer(header)
    actor = portal_actor()
    if actor is not None:
        if request.method not in SAFE_METHODS:
            csrf.protect()  # a cookie is sent by the browser on its own; the CSRF token is not
        return actor
    if optional:
        return None
    raise Unauthorized(str(_l("Log in, or send a bearer token or API key.")))


def _authorize(actor: Actor, write: bool | None, permission: str | None, operator: bool) -> None:
    needs_write = request.method not in SAFE_METHODS if write is None else write
    if needs_write and "write" not in actor.scopes:
        raise Forbidden(str(_l("This API key may only read (scope 'read').")))
    if needs_write and actor.via != "api_key" and actor.company is not None \
            and actor.user is not None:
        check_editable(MEMBERS, actor.company.id, actor.user.id)  # beyond the plan: reads
    if operator and not actor.is_operator:
        raise Forbidden(str(_l("Only the platform operator may do this.")))
    if permission and not actor.can(permission):
        raise Forbidden(str(_l("Your role does not allow this.")))

"""Rate limits (Flask-Limiter), read from the settings at request time.

Failed logins are counted twice: per account (RATELIMIT_LOGIN: a failing account slows
down, from wherever it is tried, and nobody else is held up) and per client address
(RATELIMIT_LOGIN_ADDRESS: one address trying many accounts is stopped). The address is
the client's own behind a trusted reverse proxy (TRUSTED_PROXIES, see create_app)."""

import hashlib

from flask import current_app, request
from flask_limiter.util import get_remote_address

from marketplace.infrastructure.models import User


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def login_address_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN_ADDRESS"]


def register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


def reset_limit() -> str:
    return current_app.config["RATELIMIT_PASSWORD_RESET"]


def login_account_key() -> str:
    """The account a login names (as the login looks it up), hashed: the limit store
    never holds e-mail addresses. A login without an e-mail counts by address."""
    if request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    else:
        email = request.form.get("email")
    if not isinstance(email, str) or not email.strip():
        return "address:" + get_remote_address()
    normalized = User.normalize_email(email).encode("utf-8", "replace")
    return "account:" + hashlib.sha256(normalized).hexdigest()[:32]


def failed_login(response) -> bool:
    """Only refused logins count towards the login limits."""
    return response.status_code == 401


def page_view() -> bool:
    """Showing a form costs nothing; submitting it counts."""
    return request.method == "GET"

"""Rate limits (Flask-Limiter), read from the settings at request time."""

from flask import current_app, request


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


def reset_limit() -> str:
    return current_app.config["RATELIMIT_PASSWORD_RESET"]


def failed_login(response) -> bool:
    """Only refused logins count towards the login limit."""
    return response.status_code == 401


def page_view() -> bool:
    """Showing a form costs nothing; submitting it counts."""
    return request.method == "GET"

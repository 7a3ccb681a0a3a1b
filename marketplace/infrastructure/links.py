"""Signed, expiring links sent by mail: e-mail verification and password reset."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from marketplace.infrastructure.models import User


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"marketplace.{purpose}")


def verification_token(user: User) -> str:
    return _serializer("verify-email").dumps({"user": user.id, "email": user.email})


def read_verification_token(token: str, max_age: timedelta) -> dict | None:
    return _load("verify-email", token, max_age)


def password_reset_token(user: User) -> str:
    # The hash's tail changes with the password, so a used link is dead.
    return _serializer("password-reset").dumps({"user": user.id,
                                                "pw": user.password_hash[-16:]})


def read_password_reset_token(token: str, max_age: timedelta) -> dict | None:
    return _load("password-reset", token, max_age)


def _load(purpose: str, token: str, max_age: timedelta) -> dict | None:
    try:
        return _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except (SignatureExpired, BadSignature):
        return None


def absolute_url(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path

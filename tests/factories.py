"""Factories for test data and a small JSON API client."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from marketplace.core.boundary import commit
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure import operations
from marketplace.infrastructure.models import (
    Company,
    CompanyStatus,
    MemberRole,
    Membership,
    User,
)

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


@dataclass
class Member:
    """A test user with what tests need at hand."""

    user_id: int
    company_id: int | None
    email: str
    password: str = PASSWORD


class Factory:
    def __init__(self, app):
        self.app = app

    def _run(self, fn):
        with self.app.test_request_context():
            result = fn()
            commit()
            return result

    def company(self, name: str | None = None, *, roles=("buyer",), country: str = "TW",
                status: CompanyStatus = CompanyStatus.ACTIVE) -> int:
        def build():
            company = Company(name=name or f"Company {next(_sequence)}", country=country,
                              status=status, approved_at=utcnow() if status != "pending" else None)
            company.roles = list(roles)
            db.session.add(company)
            db.session.flush()
            return company.id

        return self._run(build)

    def member(self, company_id: int, role: str = "admin", *, email: str | None = None,
               full_name: str = "Test Person", verified: bool = True) -> Member:
        email = email or f"user{next(_sequence)}@example.com"

        def build():
            user = operations.create_user(email, PASSWORD, full_name)
            user.email_verified_at = utcnow() if verified else None
            db.session.add(Membership(company_id=company_id, user=user, role=MemberRole(role)))
            db.session.flush()
            return Member(user.id, company_id, user.email)

        return self._run(build)

    def operator(self, email: str = "operator@example.com") -> Member:
        def build():
            user = operations.create_operator(email, PASSWORD)
            return Member(user.id, None, user.email)

        return self._run(build)

    def company_with_admin(self, name: str | None = None, **kwargs) -> Member:
        return self.member(self.company(name, **kwargs), "admin")

    def api_key(self, member: Member, scopes=("read", "write")) -> str:
        def build():
            user = db.session.get(User, member.user_id)
            _, secret = operations.create_api_key(user.company, "ERP", list(scopes), user)
            return secret

        return self._run(build)

    def get(self, model, ident):
        with self.app.app_context():
            row = db.session.get(model, ident)
            if row is not None:
                db.session.expunge(row)
            return row


class ApiClient:
    """JSON calls with a bearer token; answers are the Flask test responses."""

    def __init__(self, client):
        self.client = client

    def token(self, member: Member | str, password: str = PASSWORD) -> str:
        email = member if isinstance(member, str) else member.email
        response = self.client.post("/api/v1/auth/token",
                                    json={"email": email, "password": password})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["access_token"]

    def call(self, method: str, path: str, token: str | None = None, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path, token=None, **kwargs):
        return self.call("GET", path, token, **kwargs)

    def post(self, path, token=None, **kwargs):
        return self.call("POST", path, token, **kwargs)

    def patch(self, path, token=None, **kwargs):
        return self.call("PATCH", path, token, **kwargs)

    def delete(self, path, token=None, **kwargs):
        return self.call("DELETE", path, token, **kwargs)


def csrf_token(client, path: str) -> str:
    """The CSRF token from the form on ``path`` (the portal's own pages carry one)."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def portal_login(client, email: str, password: str = PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token})


def link_in(text: str) -> str:
    match = re.search(r"http://localhost(/\S+)", text)
    assert match, f"no link in mail: {text!r}"
    return match.group(1)

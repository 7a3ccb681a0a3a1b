"""Benchmark: the cost of being authenticated.

Prints requests per second and p50/p95 latency for GET /api/v1/me with a bearer
token, an API key and a portal session, next to a bare Flask + SQLAlchemy endpoint
that reads one row (the floor any framework work sits on), and logins per second
(argon2 at production strength). Run: .venv/bin/python bench/api_auth.py [requests]
Set DATABASE_URL to measure on PostgreSQL instead of a temporary SQLite file.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

from sqlalchemy import select

from marketplace import create_app
from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.infrastructure import operations
from marketplace.infrastructure.models import Company, CompanyStatus, MemberRole, Membership

PASSWORD = "benchmark-password"


def build_app(folder: str):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                                     "WTF_CSRF_ENABLED": False}, instance_path=folder)
    app.config.pop("ARGON2_TIME_COST", None)  # production-strength hashing

    @app.route("/bench/bare")
    def bare():
        return {"id": db.session.scalar(select(Company.id).limit(1))}

    with app.app_context():
        db.drop_all()
        db.create_all()
    with app.test_request_context():
        company = Company(name="Bench Co", country="TW", status=CompanyStatus.ACTIVE)
        company.roles = ["supplier"]
        user = operations.create_user("bench@example.com", PASSWORD, "Bench")
        db.session.add_all([company, Membership(company=company, user=user,
                                                role=MemberRole.ADMIN)])
        db.session.flush()
        _, key = operations.create_api_key(company, "bench", ["read"], user)
        commit()
    return app, key


def measure(label: str, call, count: int) -> None:
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        response = call()
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.get_data(as_text=True)
    total = sum(timings)
    quantiles = statistics.quantiles(timings, n=20)
    print(f"{label:<34} {count / total:9.0f} req/s   p50 {quantiles[9] * 1000:6.2f} ms"
          f"   p95 {quantiles[18] * 1000:6.2f} ms")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as folder:
        app, key = build_app(folder)
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={
            "email": "bench@example.com", "password": PASSWORD}).get_json()["access_token"]
        browser = app.test_client()
        browser.post("/login", data={"email": "bench@example.com", "password": PASSWORD})
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, "
              f"{count} requests each, in-process WSGI client")
        measure("bare Flask+SQLAlchemy (1 row)", lambda: client.get("/bench/bare"), count)
        measure("GET /me, bearer token", lambda: client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {token}"}), count)
        measure("GET /me, API key", lambda: client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {key}"}), count)
        measure("GET /me, portal session", lambda: browser.get("/api/v1/me"), count)
        logins = max(count // 100, 10)
        measure("POST /auth/token (argon2)", lambda: client.post("/api/v1/auth/token", json={
            "email": "bench@example.com", "password": PASSWORD}), logins)


if __name__ == "__main__":
    main()

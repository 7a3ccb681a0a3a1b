"""What billing's tests share: the plans seeded, a plan's limits set, the Stripe
stand-in wired to the app, a closed port for "Stripe is down"."""

from __future__ import annotations

import socket
from contextlib import contextmanager

from marketplace.billing import operations, queries
from marketplace.core.boundary import commit
from marketplace.extensions import db

SECRET = "whsec_billing"


def seed_plans(app, **free_limits) -> None:
    """Free, Standard and Premium; ``free_limits`` overrides Free's (max_products=2)."""
    with app.test_request_context():
        operations.ensure_default_plans()
        if free_limits:
            plan = queries.free_plan()
            for name, value in free_limits.items():
                setattr(plan, name, value)
        commit()


def set_limits(app, code: str, **limits) -> None:
    with app.test_request_context():
        plan = queries.plan_by_code(code)
        for name, value in limits.items():
            setattr(plan, name, value)
        commit()


def standing(app, company_id: int):
    with app.test_request_context():
        result = queries.standing(company_id, with_usage=True)
        db.session.expunge_all()
        return result


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def stripe_configured(app, monkeypatch, base: str):
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", base)
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setitem(app.config, "STRIPE_BILLING_WEBHOOK_SECRET", SECRET)
    monkeypatch.setitem(app.config, "STRIPE_TIMEOUT", 3)
    yield


def webhook(api, payload: str, secret: str = SECRET, signature_header: str | None = None):
    from tests.fulfillment.stripe_stub import signature

    return api.client.post("/api/v1/billing/webhooks/stripe", data=payload, headers={
        "Stripe-Signature": signature_header or signature(payload, secret),
        "Content-Type": "application/json"})

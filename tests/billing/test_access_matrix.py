"""Every billing route × the company's admin, a member of it (sales), another company's
admin, the operator and nobody. A company's plan and usage are its members'; choosing
the plan, its invoices and Stripe's portal are its administrators'; another company's
invoice is not found (404); the operator has no plan (403) and edits the plans."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from marketplace.billing.models import Plan
from tests.billing.stripe_stub import BillingStripeStub
from tests.billing.support import SECRET, seed_plans, webhook
from tests.factories import Member, csrf_token, portal_login
from tests.worlds import shared_world

ACTORS = ("admin", "member", "other", "operator", "anonymous")


@dataclass
class World:
    people: dict[str, Member]
    ids: dict


@shared_world
def world(make, api, app, keep, monkeypatch):
    stub = keep.enter_context(BillingStripeStub())
    for name, value in (("STRIPE_API_BASE", stub.base), ("STRIPE_SECRET_KEY", "sk_test_local"),
                        ("STRIPE_BILLING_WEBHOOK_SECRET", SECRET)):
        monkeypatch.setitem(app.config, name, value)
    seed_plans(app)
    admin = make.company_with_admin("Formosa Bolts", roles=("supplier",))
    people = {"admin": admin, "member": make.member(admin.company_id, "sales"),
              "other": make.company_with_admin("Baltic Tools"), "operator": make.operator()}
    token = api.token(admin)
    answer = api.post("/billing/checkout", token, json={"plan": "standard"})
    assert answer.status_code == 201, answer.get_json()
    for payload in stub.paid_events(answer.get_json()["checkout_url"].rsplit("/", 1)[1]):
        assert webhook(api, payload).status_code == 200
    invoice_id = api.get("/billing/invoices", token).get_json()["items"][0]["id"]
    with app.app_context():
        from sqlalchemy import select

        from marketplace.extensions import db
        plan_id = db.session.scalar(select(Plan.id).where(Plan.code == "standard"))
    return World(people, {"I": invoice_id, "P": plan_id})


def _token(world, api, actor):
    return None if actor == "anonymous" else api.token(world.people[actor])


API_ROUTES = [
    ("GET", "/plans", None, (200, 200, 200, 200, 200)),
    ("GET", "/billing/subscription", None, (200, 200, 200, 403, 401)),
    ("GET", "/billing/invoices", None, (200, 403, 200, 403, 401)),
    ("GET", "/billing/invoices/{I}/pdf", None, (200, 403, 404, 403, 401)),
    ("POST", "/billing/checkout", {"plan": "premium"}, (201, 403, 201, 403, 401)),
    ("POST", "/billing/portal", {}, (201, 403, 409, 403, 401)),
    ("POST", "/billing/webhooks/stripe", {"id": "evt_x"}, (400, 400, 400, 400, 400)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, body, expected):
    response = api.call(method, path.format(**world.ids), _token(world, api, actor), json=body)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
    if response.status_code == 404:
        assert "MEM-" not in response.get_data(as_text=True)


PLAN_FORM = {"name": "Standard", "name_zh": "標準方案", "monthly_price": "59.00",
             "currency": "USD", "max_products": "120", "max_members": "10",
             "max_buying_request_answers": "50", "max_analytics_views": "500",
             "max_api_calls": "10000", "position": "1", "active": "y"}

PORTAL_ROUTES = [
    ("GET", "/billing", (200, 200, 200, 403, 302)),
    ("POST", "/billing/checkout", (303, 403, 303, 403, 302)),
    ("POST", "/billing/portal", (303, 403, 303, 403, 302)),
    ("POST", "/billing/cancel", (303, 403, 303, 403, 302)),
    ("GET", "/billing/invoices/{I}.pdf", (200, 403, 404, 403, 302)),
    ("GET", "/admin/billing/plans", (403, 403, 403, 200, 302)),
    ("GET", "/admin/billing/plans/{P}", (403, 403, 403, 200, 302)),
    ("POST", "/admin/billing/plans/{P}", (403, 403, 403, 303, 302)),
    ("GET", "/admin/billing/subscriptions", (403, 403, 403, 200, 302)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "expected"), PORTAL_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in PORTAL_ROUTES])
def test_portal_access(world, client, actor, method, path, expected):
    if actor != "anonymous":
        assert portal_login(client, world.people[actor].email).status_code == 302
    url = path.format(**world.ids)
    if method == "POST":
        response = client.post(url, data={"csrf_token": csrf_token(client, "/login"),
                                          "plan": "premium", **PLAN_FORM})
    else:
        response = client.get(url)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
    if response.status_code == 404:
        assert "MEM-" not in response.get_data(as_text=True)

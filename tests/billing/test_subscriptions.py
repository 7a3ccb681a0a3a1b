"""The subscription lifecycle through the local Stripe stand-in: checkout (subscription
mode) → paid → the plan changes and a membership invoice is issued; a replayed or forged
event changes nothing; past due → the grace period → the free plan's limits (nothing
deleted); cancelled → Free. Stripe unreachable: the plan stays, the company is told to
try again."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.billing.models import MembershipInvoice, StripeEvent, Subscription
from marketplace.core.types import utcnow
from marketplace.extensions import db
from tests.billing.support import closed_port, seed_plans, standing, stripe_configured, webhook
from tests.factories import csrf_token, portal_login


@pytest.fixture
def company(make, api, app):
    seed_plans(app, max_products=2)
    admin = make.company_with_admin("Formosa Bolts", roles=("supplier",))
    admin.token = api.token(admin)
    return admin


def checkout(api, company, stub, plan="standard") -> str:
    answer = api.post("/billing/checkout", company.token, json={"plan": plan})
    assert answer.status_code == 201, answer.get_json()
    url = answer.get_json()["checkout_url"]
    assert url.startswith(stub.base + "/pay/")
    return url.rsplit("/", 1)[1]


def invoices(app) -> list[MembershipInvoice]:
    with app.app_context():
        rows = list(db.session.scalars(select(MembershipInvoice).order_by(MembershipInvoice.id)))
        db.session.expunge_all()
        return rows


def subscription(api, company) -> dict:
    return api.get("/billing/subscription", company.token).get_json()


def test_checkout_paid_webhook_changes_the_plan_once(company, api, app, stub):
    session_id = checkout(api, company, stub)
    customer, session = stub.requests[0], stub.requests[1]
    assert customer["path"] == "/v1/customers"
    assert customer["form"]["metadata[company_id]"] == str(company.company_id)
    assert session["form"]["mode"] == "subscription"
    assert session["form"]["customer"] == "cus_test_0001"
    assert session["form"]["line_items[0][price_data][unit_amount]"] == "4900"
    assert session["form"]["line_items[0][price_data][recurring][interval]"] == "month"
    assert session["form"]["subscription_data[metadata][plan]"] == "standard"
    # Nothing changes before Stripe says it is paid.
    before = subscription(api, company)
    assert before["plan"]["code"] == "free" and before["status"] == "free"

    completed, paid = stub.paid_events(session_id)
    for payload in (completed, paid):
        answer = webhook(api, payload)
        assert answer.status_code == 200 and answer.get_json()["outcome"] == "applied"
    after = subscription(api, company)
    assert after["plan"]["code"] == "standard" and after["status"] == "active"
    assert after["usage"]["products"] == {"used": 0, "allowed": 100}
    assert after["current_period_end"] is not None
    [invoice] = invoices(app)
    year = utcnow().year
    assert invoice.number == f"MEM-{year}-00001"
    assert str(invoice.amount) == "49.0000" and invoice.currency == "USD"
    assert invoice.plan_name == "Standard"

    # Replayed (Stripe delivers again): nothing more.
    for payload in (completed, paid):
        again = webhook(api, payload)
        assert again.status_code == 200 and again.get_json()["outcome"] == "replayed"
    assert len(invoices(app)) == 1
    # invoice.payment_succeeded for the same Stripe invoice (Stripe sends both): one invoice.
    twin = json.loads(paid)
    twin["id"], twin["type"] = "evt_twin", "invoice.payment_succeeded"
    assert webhook(api, json.dumps(twin)).get_json()["outcome"] == "applied"
    assert len(invoices(app)) == 1

    # The company's invoices and the PDF.
    listed = api.get("/billing/invoices", company.token).get_json()
    assert [i["number"] for i in listed["items"]] == [f"MEM-{year}-00001"]
    pdf = api.get(listed["items"][0]["pdf_url"].removeprefix("/api/v1"), company.token)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")

    # The next month is paid: a second numbered invoice.
    next_month = stub.invoice_paid(session_id, invoice_id="in_next_month")
    assert webhook(api, next_month).get_json()["outcome"] == "applied"
    assert [i.number for i in invoices(app)] == [f"MEM-{year}-00001", f"MEM-{year}-00002"]


def test_forged_or_unsigned_events_change_nothing(company, api, app, stub):
    session_id = checkout(api, company, stub)
    completed = stub.checkout_completed(session_id)
    forged = webhook(api, completed, secret="whsec_someone_else")
    assert forged.status_code == 400
    assert forged.get_json()["title"] == "Bad signature"
    assert webhook(api, completed, signature_header="t=1,v1=00").status_code == 400
    tampered = completed.replace('"standard"', '"premium"')
    from tests.fulfillment.stripe_stub import signature
    assert webhook(api, tampered, signature_header=signature(completed, "whsec_billing")
                   ).status_code == 400
    assert subscription(api, company)["plan"]["code"] == "free"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StripeEvent)) == 0


def _paid(api, company, stub) -> str:
    session_id = checkout(api, company, stub)
    for payload in stub.paid_events(session_id):
        assert webhook(api, payload).status_code == 200
    return session_id


def product(sku):
    return {"sku": sku, "name": f"Bolt {sku}", "status": "published", "currency": "USD",
            "unit": "pcs", "price_tiers": [{"min_qty": "1", "unit_price": "1.00"}]}


def test_past_due_keeps_the_plan_for_the_grace_period_then_the_free_limits(
        company, api, app, stub, monkeypatch):
    session_id = _paid(api, company, stub)
    for sku in ("A", "B", "C"):  # three published: more than Free's two
        assert api.post("/products", company.token, json=product(sku)).status_code == 201
    monkeypatch.setitem(app.config, "BILLING_GRACE_DAYS", 5)
    assert webhook(api, stub.payment_failed(session_id)).get_json()["outcome"] == "applied"
    due = subscription(api, company)
    assert due["status"] == "past_due" and due["plan"]["code"] == "standard"
    assert due["limits_plan"] == "standard" and not due["read_only_beyond_free"]
    assert due["grace_until"][:10] == (utcnow() + timedelta(days=5)).date().isoformat()
    assert api.post("/products", company.token, json=product("D")).status_code == 201

    # The grace period is over: what exceeds Free is read-only, nothing is deleted.
    with app.app_context():
        row = db.session.scalar(select(Subscription))
        row.grace_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
    over = subscription(api, company)
    assert over["read_only_beyond_free"] and over["limits_plan"] == "free"
    assert over["usage"]["products"] == {"used": 4, "allowed": 2}
    refused = api.post("/products", company.token, json=product("E"))
    assert refused.status_code == 409
    assert refused.get_json()["detail"].startswith(
        "Your plan (Free) allows 2 products; 4 are published.")
    assert api.get("/search/products?q=Bolt", None).status_code == 200
    listed = api.get("/billing/subscription", company.token).get_json()["usage"]["products"]
    assert listed["used"] == 4  # still published: nothing unpublished, nothing deleted

    # Paid after all: the plan is whole again.
    assert webhook(api, stub.invoice_paid(session_id, invoice_id="in_retry")
                   ).get_json()["outcome"] == "applied"
    back = subscription(api, company)
    assert back["status"] == "active" and not back["read_only_beyond_free"]
    assert back["grace_until"] is None
    assert api.post("/products", company.token, json=product("E")).status_code == 201


def test_cancelled_goes_back_to_free_and_an_old_event_does_not_undo_it(company, api, app, stub,
                                                                       client):
    session_id = _paid(api, company, stub)
    # The admin asks to cancel at the period's end: Stripe is told, the plan stays.
    portal_login(client, company.email)
    answer = client.post("/billing/cancel", data={"csrf_token": csrf_token(client, "/billing")},
                         follow_redirects=True)
    assert "Your subscription ends at the end of the paid period" in \
        answer.get_data(as_text=True)
    assert stub.requests[-1]["form"] == {"cancel_at_period_end": "true"}
    assert subscription(api, company)["cancel_at_period_end"] is True
    assert subscription(api, company)["plan"]["code"] == "standard"

    created = int(utcnow().timestamp()) + 60
    assert webhook(api, stub.subscription_deleted(session_id, created=created)
                   ).get_json()["outcome"] == "applied"
    ended = subscription(api, company)
    assert ended["status"] == "cancelled" and ended["plan"]["code"] == "free"
    assert ended["usage"]["products"]["allowed"] == 2
    # An "active" update Stripe sent earlier, arriving late, does not bring the plan back.
    late = stub.subscription_updated(session_id, status="active", created=created - 30)
    assert webhook(api, late).get_json()["outcome"] == "applied"
    assert subscription(api, company)["status"] == "cancelled"

    # Subscribing again later: a new subscription; the ended one is left alone.
    again = checkout(api, company, stub)
    asked = len(stub.requests)
    for payload in stub.paid_events(again):
        assert webhook(api, payload).status_code == 200
    back = subscription(api, company)
    assert back["status"] == "active" and back["plan"]["code"] == "standard"
    assert not any(r["method"] == "DELETE" for r in stub.requests[asked:])


def test_a_plan_change_through_checkout_ends_the_former_subscription(company, api, app, stub):
    first = _paid(api, company, stub)
    second = checkout(api, company, stub, plan="premium")
    for payload in stub.paid_events(second):
        assert webhook(api, payload).status_code == 200
    now = subscription(api, company)
    assert now["plan"]["code"] == "premium" and now["usage"]["products"]["allowed"] is None
    former = stub.subscription_of(first)["id"]
    assert {"method": "DELETE", "path": f"/v1/subscriptions/{former}", "form": {}} in \
        stub.requests
    # The former subscription's own end, told afterwards, changes nothing.
    webhook(api, stub.subscription_deleted(first))
    assert subscription(api, company)["plan"]["code"] == "premium"
    # The same paid plan again: refused, nothing asked of Stripe.
    asked = len(stub.requests)
    again = api.post("/billing/checkout", company.token, json={"plan": "premium"})
    assert again.status_code == 409 and len(stub.requests) == asked


def test_bad_checkout_input_is_refused(company, api, stub):
    for body in ({"plan": "free"}, {"plan": "gold"}, {}, {"plan": "standard", "x": 1}):
        assert api.post("/billing/checkout", company.token, json=body).status_code == 422, body
    assert stub.requests == []


def test_stripe_unreachable_keeps_the_plan_and_says_try_again(
        company, api, app, monkeypatch, client):
    with stripe_configured(app, monkeypatch, f"http://127.0.0.1:{closed_port()}"):
        refused = api.post("/billing/checkout", company.token, json={"plan": "standard"})
        assert refused.status_code == 503
        assert "cannot be reached right now" in refused.get_json()["detail"]
        assert "try again" in refused.get_json()["detail"]
        assert subscription(api, company)["plan"]["code"] == "free"
        with app.app_context():  # nothing kept of the attempt
            assert db.session.scalar(select(func.count()).select_from(Subscription)) == 0
        # In the portal: back on the billing page with the reason.
        portal_login(client, company.email)
        token = csrf_token(client, "/billing")
        answer = client.post("/billing/checkout", data={"csrf_token": token, "plan": "standard"},
                             follow_redirects=True)
        assert "Please try again in a few minutes" in answer.get_data(as_text=True)
        assert standing(app, company.company_id).plan.code == "free"


def test_the_portal_upgrade_and_customer_portal_redirect_to_stripe(company, client, stub, api,
                                                                   app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_CHECKOUT_ORIGIN", stub.base)
    portal_login(client, company.email)
    page = client.get("/billing")
    assert f"form-action 'self' {stub.base}" in page.headers["Content-Security-Policy"]
    token = csrf_token(client, "/billing")
    go = client.post("/billing/checkout", data={"csrf_token": token, "plan": "standard"})
    assert go.status_code == 303 and go.headers["Location"].startswith(stub.base + "/pay/")
    # The customer portal once a customer exists.
    session_id = go.headers["Location"].rsplit("/", 1)[1]
    for payload in stub.paid_events(session_id):
        webhook(api, payload)
    html = client.get("/billing").get_data(as_text=True)
    assert 'id="current-plan">Standard<' in html and "MEM-" in html
    manage = client.post("/billing/portal", data={"csrf_token": token})
    assert manage.status_code == 303 and manage.headers["Location"].startswith(
        stub.base + "/portal/")
    assert client.post("/billing/cancel", data={"csrf_token": token}).status_code == 303
    assert "Ends on" in client.get("/billing").get_data(as_text=True)

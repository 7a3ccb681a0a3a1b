"""Each plan limit, enforced where the lower modules add what it counts (core/limits.py):
refused with the limit named, what the plan allows and what is used, and nothing of the
refused request kept."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from marketplace.billing import queries
from marketplace.billing.models import Subscription, SubscriptionStatus, UsageCounter
from marketplace.content.models import Product, ProductStatus
from marketplace.core.limits import BUYING_REQUEST_ANSWERS, LimitReached, check_limit
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Invitation
from tests.billing.support import seed_plans, set_limits, standing
from tests.factories import csrf_token, portal_login


def product(sku: str, status: str = "published") -> dict:
    return {"sku": sku, "name": f"Hex bolt {sku}", "status": status, "currency": "USD",
            "unit": "pcs", "price_tiers": [{"min_qty": "100", "unit_price": "0.20"}]}


def published(app, company_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Product).where(
            Product.company_id == company_id, Product.status == ProductStatus.PUBLISHED))


def test_without_plans_nothing_is_limited_nor_counted(make, api, app):
    supplier = make.company_with_admin("Formosa Bolts", roles=("supplier",))
    token = api.token(supplier)
    for number in range(12):
        assert api.post("/products", token, json=product(f"B-{number}")).status_code == 201
    with app.app_context():  # twelve partner calls, and no plan to count them against
        assert db.session.scalar(select(func.count()).select_from(UsageCounter)) == 0


def test_published_products_stop_at_the_plan_and_drafts_wait(make, api, app):
    seed_plans(app, max_products=2)
    supplier = make.company_with_admin("Formosa Bolts", roles=("supplier",))
    token = api.token(supplier)
    for sku in ("B-1", "B-2"):
        assert api.post("/products", token, json=product(sku)).status_code == 201
    refused = api.post("/products", token, json=product("B-3"))
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["detail"].startswith("Your plan (Free) allows 2 products; 2 are published.")
    assert body["limit"] == "products" and body["allowed"] == 2 and body["used"] == 2
    assert published(app, supplier.company_id) == 2
    with app.app_context():  # nothing of the refused product is kept
        assert db.session.scalar(select(Product).where(Product.sku == "B-3")) is None
    # A draft is kept; publishing it is what the plan refuses.
    draft = api.post("/products", token, json=product("B-4", "draft"))
    assert draft.status_code == 201
    again = api.patch(f"/products/{draft.get_json()['id']}", token, json={"status": "published"})
    assert again.status_code == 409 and again.get_json()["limit"] == "products"
    assert published(app, supplier.company_id) == 2
    # The usage bar says so.
    usage = api.get("/billing/subscription", token).get_json()["usage"]["products"]
    assert usage == {"used": 2, "allowed": 2}
    # A bigger allowance: the draft publishes.
    set_limits(app, "free", max_products=3)
    assert api.patch(f"/products/{draft.get_json()['id']}", token,
                     json={"status": "published"}).status_code == 200


def test_the_billing_page_shows_a_full_usage_bar(make, client, app):
    seed_plans(app, max_products=0)
    supplier = make.company_with_admin("Formosa Bolts", roles=("supplier",))
    assert portal_login(client, supplier.email).status_code == 302
    page = client.get("/billing")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="usage-products"' in html and 'data-allowed="0"' in html


def test_members_and_invitations_stop_at_the_plan(make, api, app):
    seed_plans(app, max_members=2)
    admin = make.company_with_admin("Big Buyer")
    token = api.token(admin)
    path = f"/companies/{admin.company_id}/members"
    assert api.post(path, token, json={"email": "one@example.com", "role": "sales"}
                    ).status_code == 201
    refused = api.post(path, token, json={"email": "two@example.com", "role": "sales"})
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["detail"].startswith(
        "Your plan (Free) allows 2 members; 2 are members or invited.")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
    # Inviting the same person again replaces the invitation: it still fits.
    assert api.post(path, token, json={"email": "one@example.com", "role": "viewer"}
                    ).status_code == 201


def test_the_portal_invitation_is_refused_with_the_limit_named(make, client, app):
    seed_plans(app, max_members=1)
    admin = make.company_with_admin("Big Buyer")
    portal_login(client, admin.email)
    token = csrf_token(client, "/members")
    answer = client.post("/members/invite", data={"csrf_token": token, "email": "x@example.com",
                                                  "role": "sales"}, follow_redirects=True)
    assert "Your plan (Free) allows 1 members; 1 are members or invited." in \
        answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_api_calls_a_day_are_counted_and_refused_with_429(make, api, app, client):
    seed_plans(app, max_api_calls=3)
    admin = make.company_with_admin("Big Buyer")
    token = api.token(admin)
    for _ in range(3):
        assert api.get("/me", token).status_code == 200
    refused = api.get("/me", token)
    assert refused.status_code == 429
    assert refused.get_json()["detail"].startswith(
        "Your plan (Free) allows 3 API calls a day; 3 were made today.")
    assert refused.get_json()["limit"] == "api_calls"
    # The portal's own calls (a session) are not a partner system's.
    portal_login(client, admin.email)
    assert client.get("/api/v1/me").status_code == 200
    assert standing(app, admin.company_id).usage["api_calls"].used == 3


def test_calls_at_once_at_the_allowance_are_answered_as_many_as_it_allows(make, api, app):
    # Each call is counted on its own (apart from its request's transaction on
    # PostgreSQL) and a refused one is taken back: of twelve at once with four left,
    # four are answered, and the day's count ends at the allowance.
    seed_plans(app, max_api_calls=5)
    admin = make.company_with_admin("Big Buyer")
    token = api.token(admin)
    assert api.get("/me", token).status_code == 200
    start, statuses = threading.Barrier(12), []

    def call() -> None:
        client = app.test_client()
        start.wait(timeout=30)
        statuses.append(client.get("/api/v1/me", headers={
            "Authorization": f"Bearer {token}"}).status_code)

    threads = [threading.Thread(target=call) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * 4 + [429] * 8
    assert standing(app, admin.company_id).usage["api_calls"].used == 5


def test_calls_of_a_plan_overdue_past_its_grace_stop_at_the_free_allowance(make, api, app):
    seed_plans(app, max_api_calls=2)
    set_limits(app, "standard", max_api_calls=100)
    admin = make.company_with_admin("Big Buyer")
    token = api.token(admin)
    with app.test_request_context():
        db.session.add(Subscription(company_id=admin.company_id, status=SubscriptionStatus.PAST_DUE,
                                    plan=queries.plan_by_code("standard"),
                                    grace_until=utcnow() + timedelta(days=1)))
        db.session.commit()
    for _ in range(3):  # within the grace period: the paid plan's allowance
        assert api.get("/me", token).status_code == 200
    with app.test_request_context():
        db.session.scalar(select(Subscription)).grace_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
    refused = api.get("/me", token)
    assert refused.status_code == 429
    assert refused.get_json()["detail"].startswith(
        "Your plan (Free) allows 2 API calls a day; 3 were made today.")
    assert standing(app, admin.company_id).usage["api_calls"].used == 3


def test_analytics_views_a_month_in_the_portal_and_the_api(make, api, app, client):
    seed_plans(app, max_analytics_views=2)
    supplier = make.company_with_admin("Formosa Bolts", roles=("supplier",))
    token = api.token(supplier)
    assert api.get("/analytics/quintiles", token).status_code == 200
    portal_login(client, supplier.email)
    assert client.get("/crm/quintiles").status_code == 200
    refused = client.get("/crm/customers")
    assert refused.status_code == 409
    assert "allows 2 analytics views a month; 2 were viewed this month" in \
        refused.get_data(as_text=True)
    api_refused = api.get("/analytics/quintiles", token)
    assert api_refused.status_code == 409 and api_refused.get_json()["limit"] == \
        "analytics_views"
    with app.app_context():
        counter = db.session.scalar(select(UsageCounter).where(
            UsageCounter.kind == "analytics_views"))
        assert counter.count == 2  # the refused views counted nothing


def test_buying_request_answers_a_month(make, app):
    seed_plans(app, max_buying_request_answers=1)
    supplier = make.company_with_admin("Formosa Bolts", roles=("supplier",))
    with app.test_request_context():
        check_limit(BUYING_REQUEST_ANSWERS, supplier.company_id)
        try:
            check_limit(BUYING_REQUEST_ANSWERS, supplier.company_id)
        except LimitReached as refused:
            assert str(refused.detail).startswith(
                "Your plan (Free) allows 1 answers to buying requests a month; 1 were sent")
            assert refused.status == 409
        else:
            raise AssertionError("the second answer of the month was allowed")


def test_answers_to_buying_requests_stop_at_the_plan(make, api, app):
    """Through buying requests' own API: the second answer of the month is refused with
    the limit named, and no quotation of it is kept."""
    from tests.buying_requests.support import build_market, ok, request_body

    market = build_market(make, api, app)
    seed_plans(app, max_buying_request_answers=1)
    first = ok(market.post("buyer", "/buying-requests", **request_body(market)), 201)
    second = ok(market.post("buyer", "/buying-requests",
                            **request_body(market, title="Zinc washers")), 201)
    ok(market.post("inside", f"/buying-requests/{first['id']}/quotations",
                   unit_price="0.0410"), 201)
    refused = market.post("inside", f"/buying-requests/{second['id']}/quotations",
                          unit_price="0.0400")
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["limit"] == "buying_request_answers"
    assert "allows 1 answers to buying requests a month; 1 were sent this month" in \
        refused.get_json()["detail"]
    assert market.get("buyer", f"/buying-requests/{second['id']}/quotations"
                      ).get_json() == []

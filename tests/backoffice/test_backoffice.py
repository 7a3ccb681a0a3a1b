"""The operator's back office (issue 15.4-6): the dashboard's figures on a world of known
counts (page, API, exports), the audit trail's filters and scope, moderation (report →
hide → gone from search, lists and the page → restore), a suspension with its reason
shown to the company and a reinstatement, and the access matrix of every new route."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, CompanyStatus
from tests.factories import csrf_token, portal_login
from tests.fulfillment.support import accepted_purchase_order
from tests.worlds import shared_world


class World:
    pass


@shared_world
def world(make, api, app):
    w = World()
    w.operator = make.operator("ops@example.com")
    w.supplier = make.company_with_admin("Formosa Fasteners", roles=("supplier",), country="TW")
    w.supplier_sales = make.member(w.supplier.company_id, "sales")
    w.buyer = make.company_with_admin("Nordic Tools", roles=("buyer",), country="SE")
    w.buyer_viewer = make.member(w.buyer.company_id, "viewer")
    w.pending = make.company("Waiting Ltd", country="SE", status=CompanyStatus.PENDING)
    w.gone = make.company_with_admin("Gone Goods", roles=("supplier",), country="US",
                                     status=CompanyStatus.SUSPENDED)
    w.supplier_token = api.token(w.supplier)
    w.buyer_token = api.token(w.buyer)
    w.operator_token = api.token(w.operator)
    product = api.post("/products", w.supplier_token, json={
        "sku": "FAKE-1", "name": "Brand-name bolt", "status": "published", "currency": "USD",
        "unit": "pcs", "price_tiers": [{"min_qty": "100", "unit_price": "0.20"}]})
    assert product.status_code == 201, product.get_json()
    w.product = product.get_json()["id"]
    with app.app_context():
        from marketplace.infrastructure.models import Category
        db.session.add(Category(code="hardware", name="Hardware"))
        db.session.commit()
    bulletin = api.post("/bulletins", w.supplier_token, json={
        "kind": "sell_offer", "title": "Cheap brand bolts", "body": "Any brand you like.",
        "category": "hardware"})
    assert bulletin.status_code == 201, bulletin.get_json()
    w.bulletin = bulletin.get_json()["id"]
    # Two accepted purchase orders today: 1000 x 0.12 + 500 x 0.05 = 145.00 USD, and
    # 100 x 2.50 = 250.00 EUR.
    w.orders = [accepted_purchase_order(make, w.buyer, w.supplier),
                accepted_purchase_order(make, w.buyer, w.supplier, [("BOLT-M8", "100", "2.50")],
                                        currency="EUR")]
    with app.app_context():
        # One member last logged in long ago: not active.
        from marketplace.infrastructure.models import User
        db.session.get(User, w.buyer_viewer.user_id).last_login_at = utcnow() - timedelta(
            days=45)
        db.session.commit()
    return w


def _stats(api, w, **query):
    response = api.get("/admin/stats", w.operator_token, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# ----- the dashboard ---------------------------------------------------------------------------


def test_the_figures_of_a_known_world(world, api):
    stats = _stats(api, world)
    assert stats["companies_by_status"] == {"active": 2, "pending": 1, "suspended": 1}
    assert {c["key"]: c["count"] for c in stats["companies_by_country"]} == {
        "SE": 2, "TW": 1, "US": 1}
    today = utcnow().date()
    assert {c["key"]: c["count"] for c in stats["registrations_per_month"]}[
        today.strftime("%Y-%m")] == 4
    monday = (today - timedelta(days=today.weekday())).isoformat()
    assert {c["key"]: c["count"] for c in stats["registrations_per_week"]}[monday] == 4
    assert sum(c["count"] for c in stats["registrations_per_week"]) == 4
    # Five members; the supplier's and buyer's admins logged in (a token), the sales
    # member and the suspended company's admin never, the viewer 45 days ago.
    assert (stats["members"], stats["active_members"]) == (5, 2)
    documents = {c["key"]: c["count"] for c in stats["documents_per_day"]}
    orders = {c["key"]: c["count"] for c in stats["orders_per_day"]}
    assert documents[today.isoformat()] == 2 and sum(documents.values()) == 2
    assert orders[today.isoformat()] == 2 and sum(orders.values()) == 2
    gmv = {(p["currency"], p["month"]): p["value"] for p in stats["trade_value_per_month"]
           if p["value"] != "0"}
    assert {k: Decimal(v) for k, v in gmv.items()} == {
        ("USD", today.strftime("%Y-%m")): Decimal("145"),
        ("EUR", today.strftime("%Y-%m")): Decimal("250")}
    assert stats["period"]["to"] == today.isoformat()


def test_a_period_before_anything_happened_counts_nothing_but_the_standing(world, api):
    stats = _stats(api, world, **{"from": "2020-01-01", "to": "2020-03-31"})
    assert [c["key"] for c in stats["registrations_per_month"]] == [
        "2020-01", "2020-02", "2020-03"]
    assert sum(c["count"] for c in stats["registrations_per_month"]) == 0
    assert len(stats["documents_per_day"]) == 91
    assert all(p["value"] == "0" for p in stats["trade_value_per_month"])
    assert stats["companies_by_status"]["active"] == 2  # what stands now
    backwards = api.get("/admin/stats", world.operator_token,
                        query_string={"from": "2021-01-01", "to": "2020-01-01"})
    assert backwards.status_code == 422 and "from" in backwards.get_json()["errors"]
    assert api.get("/admin/stats", world.operator_token,
                   query_string={"from": "yesterday"}).status_code == 422
    assert api.get("/admin/stats", world.operator_token,
                   query_string={"to": "9999-12-31"}).status_code == 422
    odd = api.get("/admin/audit-events", world.operator_token, query_string={
        "to": "9999-12-31", "company": "99999999999999999999", "member": "²"})
    assert odd.status_code == 200 and odd.get_json()["total"] == 0


def test_the_dashboard_page_draws_its_charts_and_exports_the_same_figures(world, client):
    portal_login(client, world.operator.email)
    page = client.get("/admin/dashboard")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("<svg class=\"backoffice-chart") >= 5
    assert 'id="figure-companies">4<' in html
    assert 'id="figure-active-members">2<' in html
    assert 'data-currency="USD">145.00<' in html and 'data-currency="EUR">250.00<' in html
    assert "cdn" not in html.lower()
    exported = client.get("/admin/dashboard/export?format=csv")
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    found = {(r["figure"], r["period"], r["currency"]): r["value"] for r in rows}
    assert found[("companies_by_status", "pending", "")] == "1"
    assert found[("active_members_30_days", "", "")] == "2"
    month = utcnow().strftime("%Y-%m")
    assert Decimal(found[("trade_value_per_month", month, "USD")]) == Decimal("145")
    book = load_workbook(io.BytesIO(client.get("/admin/dashboard/export?format=xlsx").data))
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert sheet_rows[0] == ("figure", "period", "currency", "value")
    assert ("companies_by_country", "SE", None, 2) in sheet_rows
    bad = client.get("/admin/dashboard?start=2021-01-01&end=2020-01-01")
    assert bad.status_code == 200 and "The start is after the end." in bad.get_data(as_text=True)


# ----- the audit trail ------------------------------------------------------------------------


def test_the_audit_trail_filters_and_shows_each_change(world, api, client):
    api.patch(f"/products/{world.product}", world.supplier_token, json={"name": "Plain bolt"})
    portal_login(client, world.operator.email)
    everything = client.get("/audit-trail").get_data(as_text=True)
    assert "product.changed" in everything or "product.updated" in everything
    by_company = client.get(f"/audit-trail?company={world.buyer.company_id}").get_data(
        as_text=True)
    assert 'id="no-events"' in by_company  # nothing done in the buyer's name yet
    by_id = client.get(f"/audit-trail?company={world.supplier.company_id}").get_data(
        as_text=True)
    assert "Formosa Fasteners" in by_id and "Nordic Tools" not in by_id
    by_name = client.get("/audit-trail?company=formosa&object_type=Product").get_data(
        as_text=True)
    assert "Brand-name bolt" in by_name and "Plain bolt" in by_name  # before → after
    assert 'data-action="bulletin.posted"' not in by_name
    by_member = client.get(f"/audit-trail?member={world.supplier.email}&action=bulletin.")
    assert 'data-action="bulletin.posted"' in by_member.get_data(as_text=True)
    none = client.get("/audit-trail?start=2020-01-01&end=2020-01-31").get_data(as_text=True)
    assert 'id="no-events"' in none
    exported = client.get("/audit-trail/export?format=csv&company=formosa&object_type=Product")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows and {r["company"] for r in rows} == {"Formosa Fasteners"}
    assert any("Plain bolt" in r["changes"] for r in rows)
    listed = api.get("/admin/audit-events", world.operator_token,
                     query_string={"object_type": "Product", "object_id": world.product})
    assert listed.status_code == 200
    assert {e["object_id"] for e in listed.get_json()["items"]} == {world.product}


def test_a_company_admin_reads_only_its_own_companys_trail(world, client):
    portal_login(client, world.buyer.email)
    html = client.get(f"/audit-trail?company={world.supplier.company_id}").get_data(
        as_text=True)
    # The company filter is the operator's; an admin's scope is its own company.
    assert 'data-action="product.published"' not in html
    own = client.get("/audit-trail").get_data(as_text=True)
    assert 'data-action="product.published"' not in own
    assert 'data-action="bulletin.posted"' not in own


# ----- moderation ------------------------------------------------------------------------------


def test_report_hide_gone_everywhere_then_restore(world, api, client, app):
    portal_login(client, world.buyer.email)
    page = client.get(f"/products/{world.product}").get_data(as_text=True)
    assert f'href="/report/product/{world.product}"' in page
    form = client.get(f"/report/product/{world.product}")
    assert form.status_code == 200
    token = csrf_token(client, f"/report/product/{world.product}")
    missing = client.post(f"/report/product/{world.product}",
                          data={"csrf_token": token, "reason": "other", "text": ""})
    assert missing.status_code == 422 and "Say what is wrong." in missing.get_data(as_text=True)
    sent = client.post(f"/report/product/{world.product}", data={
        "csrf_token": token, "reason": "counterfeit", "text": "Fake brand logo"})
    assert sent.status_code == 303
    again = api.post("/reports", world.buyer_token, json={
        "kind": "product", "object_id": world.product, "reason": "misleading"})
    assert again.status_code == 409
    own = api.post("/reports", world.supplier_token, json={
        "kind": "product", "object_id": world.product, "reason": "misleading"})
    assert own.status_code == 422 and "object_id" in own.get_json()["errors"]
    assert api.post("/reports", world.buyer_token, json={
        "kind": "product", "object_id": 999999, "reason": "misleading"}).status_code == 404

    queue = api.get("/admin/reports?status=open", world.operator_token).get_json()
    assert [(r["kind"], r["object_id"], r["reason"]) for r in queue["items"]] == [
        ("product", world.product, "counterfeit")]
    work = api.get("/me/work-list", world.operator_token).get_json()["items"]
    assert [(w["title"], w["detail"]) for w in work if w["kind"] == "reports_to_moderate"] == [
        ("Brand-name bolt", "Counterfeit")]
    hidden = api.post(f"/admin/moderation/product/{world.product}/hide", world.operator_token,
                      json={"reason": "Counterfeit brand"})
    assert hidden.status_code == 200 and hidden.get_json()["hidden"] is True
    assert api.get("/admin/reports?status=open", world.operator_token).get_json()["total"] == 0

    # Gone for the buyer and anonymous: the page, the search, the supplier's catalog.
    assert api.get(f"/products/{world.product}", world.buyer_token).status_code == 404
    assert client.get(f"/products/{world.product}").status_code == 404
    found = api.get("/search/products?q=bolt", world.buyer_token).get_json()
    assert world.product not in [item["id"] for item in found["items"]]
    catalog = client.get(f"/catalog/suppliers/{world.supplier.company_id}").get_data(
        as_text=True)
    assert "Brand-name bolt" not in catalog
    # Its owner still sees it, with the reason.
    owner = app.test_client()
    portal_login(owner, world.supplier.email)
    mine = owner.get(f"/products/{world.product}").get_data(as_text=True)
    assert 'id="hidden-banner"' in mine and "Counterfeit brand" in mine
    bell = api.get("/notifications", world.supplier_token).get_json()["items"]
    assert any("Counterfeit brand" in n["message"] for n in bell)

    restored = api.post(f"/admin/moderation/product/{world.product}/restore",
                        world.operator_token)
    assert restored.status_code == 200 and restored.get_json()["hidden"] is False
    assert api.post(f"/admin/moderation/product/{world.product}/restore",
                    world.operator_token).status_code == 409
    assert api.get(f"/products/{world.product}", world.buyer_token).status_code == 200
    found = api.get("/search/products?q=bolt", world.buyer_token).get_json()
    assert world.product in [item["id"] for item in found["items"]]


def test_a_reported_bulletin_hidden_from_the_queue_page_and_a_dismissal(world, api, client):
    assert api.post("/reports", world.buyer_token, json={
        "kind": "bulletin", "object_id": world.bulletin, "reason": "prohibited",
        "text": "Replica goods"}).status_code == 201
    portal_login(client, world.operator.email)
    queue = client.get("/admin/moderation").get_data(as_text=True)
    assert "Cheap brand bolts" in queue and "Replica goods" in queue
    token = csrf_token(client, "/admin/moderation")
    refused = client.post(f"/admin/moderation/bulletin/{world.bulletin}/hide",
                          data={"csrf_token": token, "reason": " "})
    assert refused.status_code == 303  # back, with the reason to give
    assert api.get(f"/bulletins/{world.bulletin}", world.buyer_token).status_code == 200
    client.post(f"/admin/moderation/bulletin/{world.bulletin}/hide",
                data={"csrf_token": token, "reason": "Replicas are prohibited"})
    assert api.get(f"/bulletins/{world.bulletin}", world.buyer_token).status_code == 404
    listed = api.get("/bulletins", world.buyer_token).get_json()["items"]
    assert world.bulletin not in [b["id"] for b in listed]
    page = client.get("/admin/moderation").get_data(as_text=True)
    assert 'id="queue-empty"' in page and 'data-kind="bulletin"' in page
    client.post(f"/admin/moderation/bulletin/{world.bulletin}/restore",
                data={"csrf_token": token})
    assert api.get(f"/bulletins/{world.bulletin}", world.buyer_token).status_code == 200
    # A report found groundless: dismissed, the product untouched.
    api.post("/reports", world.buyer_token, json={
        "kind": "product", "object_id": world.product, "reason": "misleading"})
    dismissed = api.post(f"/admin/moderation/product/{world.product}/dismiss",
                         world.operator_token, json={"note": "Genuine, invoices seen"})
    assert dismissed.status_code == 200 and dismissed.get_json()[0]["reason"] == "misleading"
    assert api.post(f"/admin/moderation/product/{world.product}/dismiss",
                    world.operator_token, json={}).status_code == 409
    assert api.get(f"/products/{world.product}", world.buyer_token).status_code == 200


def test_suspension_with_its_reason_told_and_a_reinstatement(world, api, client, app, mailbox):
    suspended = api.post(f"/admin/companies/{world.buyer.company_id}/suspend",
                         world.operator_token, json={"reason": "Unpaid fees since May"})
    assert suspended.status_code == 200
    me = api.get("/me", world.buyer_token)
    assert me.status_code == 403
    assert "Unpaid fees since May" in me.get_json()["detail"]
    mails = mailbox.to(world.buyer.email)
    assert any("Unpaid fees since May" in mailbox.body(mail) for mail in mails)

    assert api.post(f"/admin/companies/{world.supplier.company_id}/reinstate",
                    world.operator_token, json={"reason": "x"}).status_code == 409
    assert api.post(f"/admin/companies/{world.buyer.company_id}/reinstate",
                    world.operator_token, json={"reason": " "}).status_code == 422
    back = api.post(f"/admin/companies/{world.buyer.company_id}/reinstate",
                    world.operator_token, json={"reason": "Fees paid on 3 Dec"})
    assert back.status_code == 200 and back.get_json()["status"] == "active"
    office = app.test_client()
    portal_login(office, world.buyer.email)
    html = office.get("/").get_data(as_text=True)
    assert 'id="reinstated-banner"' in html and "Fees paid on 3 Dec" in html
    trail = api.get("/admin/audit-events", world.operator_token, query_string={
        "company": str(world.buyer.company_id), "action": "company."}).get_json()["items"]
    assert [e["action"] for e in trail[:2]] == ["company.reinstated", "company.suspended"]
    assert trail[0]["changes"]["reason"] == ["Unpaid fees since May", "Fees paid on 3 Dec"]
    with app.app_context():
        assert db.session.get(Company, world.buyer.company_id).status == CompanyStatus.ACTIVE


# ----- who may open what -----------------------------------------------------------------------

PAGES = ["/admin/dashboard", "/admin/dashboard/export?format=csv", "/admin/moderation"]
API_GETS = ["/admin/stats", "/admin/audit-events", "/admin/reports"]


@pytest.mark.parametrize("who", ["anonymous", "admin", "member"])
def test_only_the_operator_opens_the_back_office(world, api, client, who):
    member = {"admin": world.buyer, "member": world.buyer_viewer}.get(who)
    token = api.token(member) if member else None
    if member:
        portal_login(client, member.email)
    for path in PAGES:
        answer = client.get(path)
        assert answer.status_code == (302 if who == "anonymous" else 403), path
    for path in API_GETS:
        assert api.get(path, token).status_code == (401 if who == "anonymous" else 403), path
    for path in (f"/admin/moderation/product/{world.product}/hide",
                 f"/admin/moderation/product/{world.product}/dismiss",
                 f"/admin/moderation/product/{world.product}/restore",
                 f"/admin/companies/{world.supplier.company_id}/reinstate"):
        answer = api.post(path, token, json={"reason": "x"})
        assert answer.status_code == (401 if who == "anonymous" else 403), path
    audit = client.get("/audit-trail")
    expected = {"anonymous": 302, "admin": 200, "member": 403}[who]
    assert audit.status_code == expected
    assert client.get("/audit-trail/export?format=csv").status_code == expected
    report = client.get(f"/report/product/{world.product}")
    assert report.status_code == (302 if who == "anonymous" else 200)


def _portal_posts(world) -> list[str]:
    return [f"/admin/moderation/product/{world.product}/hide",
            f"/admin/moderation/product/{world.product}/dismiss",
            f"/admin/moderation/product/{world.product}/restore",
            f"/admin/moderation/bulletin/{world.bulletin}/hide",
            f"/admin/moderation/companies/{world.buyer.company_id}/suspend",
            f"/admin/moderation/companies/{world.gone.company_id}/reinstate"]


@pytest.mark.parametrize("who", ["anonymous", "admin", "member"])
def test_only_the_operator_moderates_in_the_portal(world, api, client, app, who):
    """Every moderation post of the portal: nobody → the login page, a company's admin or
    member → 403, and nothing hidden, suspended or reinstated."""
    member = {"admin": world.supplier, "member": world.supplier_sales}.get(who)
    if member:
        portal_login(client, member.email)
    token = csrf_token(client, "/login")
    for path in _portal_posts(world):
        answer = client.post(path, data={"csrf_token": token, "reason": "Replicas"})
        if who == "anonymous":
            assert answer.status_code == 302 and "/login" in answer.headers["Location"], path
        else:
            assert answer.status_code == 403, path
    report = client.post(f"/report/product/{world.product}",
                         data={"csrf_token": token, "reason": "other", "text": "x"})
    if who == "anonymous":
        assert report.status_code == 302 and "/login" in report.headers["Location"]
        assert api.post("/reports", None, json={"kind": "product", "object_id": world.product,
                                                "reason": "other"}).status_code == 401
    assert api.get(f"/products/{world.product}", world.buyer_token).status_code == 200
    assert api.get(f"/bulletins/{world.bulletin}", world.buyer_token).status_code == 200
    with app.app_context():
        assert db.session.get(Company, world.buyer.company_id).status == CompanyStatus.ACTIVE
        assert db.session.get(Company, world.gone.company_id).status == CompanyStatus.SUSPENDED


def test_the_operator_suspends_and_reinstates_in_the_portal(world, api, client, app):
    portal_login(client, world.operator.email)
    token = csrf_token(client, "/admin/moderation")
    path = f"/admin/moderation/companies/{world.buyer.company_id}"
    no_reason = client.post(f"{path}/suspend", data={"csrf_token": token, "reason": " "},
                            follow_redirects=True)
    assert "Give a reason; the company sees it." in no_reason.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Company, world.buyer.company_id).status == CompanyStatus.ACTIVE
    done = client.post(f"{path}/suspend", data={"csrf_token": token,
                                                "reason": "Unpaid fees since May"},
                       follow_redirects=True)
    assert "Nordic Tools is suspended." in done.get_data(as_text=True)
    with app.app_context():
        company = db.session.get(Company, world.buyer.company_id)
        assert company.status == CompanyStatus.SUSPENDED
        assert company.status_reason == "Unpaid fees since May"
    back = client.post(f"{path}/reinstate", data={"csrf_token": token,
                                                  "reason": "Fees paid on 3 Dec"},
                       follow_redirects=True)
    assert "Nordic Tools is reinstated." in back.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Company, world.buyer.company_id).status == CompanyStatus.ACTIVE


def test_the_operator_opens_everything_but_the_report_form(world, api, client):
    portal_login(client, world.operator.email)
    for path in [*PAGES, "/audit-trail", "/audit-trail/export?format=xlsx"]:
        assert client.get(path).status_code == 200, path
    for path in API_GETS:
        assert api.get(path, world.operator_token).status_code == 200, path
    assert client.get(f"/report/product/{world.product}").status_code == 403
    assert api.post("/reports", world.operator_token, json={
        "kind": "product", "object_id": world.product, "reason": "other",
        "text": "x"}).status_code == 403
    assert api.post("/admin/moderation/shoe/1/hide", world.operator_token,
                    json={"reason": "x"}).status_code == 404
    assert api.post("/admin/moderation/product/999999/hide", world.operator_token,
                    json={"reason": "x"}).status_code == 404


def test_a_hidden_or_foreign_draft_cannot_be_reported(world, api):
    draft = api.post("/products", world.supplier_token, json={
        "sku": "DRAFT-9", "name": "Secret", "status": "draft", "currency": "USD",
        "unit": "pcs", "price_tiers": [{"min_qty": "1", "unit_price": "1"}]}).get_json()["id"]
    assert api.post("/reports", world.buyer_token, json={
        "kind": "product", "object_id": draft, "reason": "misleading"}).status_code == 404


def test_the_demo_loader_reports_what_it_finds_once(world, api, app):
    from marketplace.backoffice.demo import load_demo
    from marketplace.core.boundary import commit

    with app.test_request_context():
        load_demo("unused")
        commit()
        load_demo("unused")  # once: nothing more
        commit()
    queue = api.get("/admin/reports?status=open", world.operator_token).get_json()["items"]
    assert [(r["kind"], r["object_id"], r["reason"]) for r in queue] == [
        ("bulletin", world.bulletin, "other")]

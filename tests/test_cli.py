"""Operator commands: demo data whose every account logs in, operator creation."""

from sqlalchemy import func, select

from marketplace.cli import DEMO_COMPANIES, DEMO_OPERATOR, DEMO_PASSWORD
from marketplace.crm.demo import DEMO_BUYERS
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus, User
from marketplace.sourcing.demo import NEW_SUPPLIERS
from tests.factories import portal_login


def test_every_demo_account_logs_in_to_the_portal_and_the_api(app, api, demo):
    runner = app.test_cli_runner()
    result = demo  # `seed-demo --if-empty` on the empty database (tests/conftest.py)
    assert result.exit_code == 0, result.output
    accounts = [DEMO_OPERATOR[0]] + [m[0] for c in DEMO_COMPANIES for m in c[3]] + [
        b[2] for b in DEMO_BUYERS] + [s[2] for s in NEW_SUPPLIERS]
    for email in accounts:
        api.token(email, DEMO_PASSWORD)
        browser = app.test_client()
        assert portal_login(browser, email, DEMO_PASSWORD).status_code == 302, email
    with app.app_context():
        companies = db.session.scalars(select(Company)).all()
        # The four named companies, the analytics' ten more buyers (crm.demo) and the
        # two more suppliers of the sealed rfqs (sourcing.demo).
        assert {c.name for c in companies} == {c[0] for c in DEMO_COMPANIES} | {
            b[0] for b in DEMO_BUYERS} | {s[0] for s in NEW_SUPPLIERS}
        assert all(c.status == CompanyStatus.ACTIVE for c in companies)
        taiwanese = next(c for c in companies if c.country == "TW")
        assert "臺灣" in taiwanese.name and taiwanese.is_supplier
        assert sum(c.is_buyer for c in companies) == 2 + len(DEMO_BUYERS)
        assert db.session.scalar(select(func.count()).select_from(Category)) > 20

    # The two suppliers' catalogs: published, pictured, and found by search.
    found = api.get("/search/products?q=不鏽鋼螺栓").get_json()
    assert {item["sku"] for item in found["items"]} >= {"HB-M8-30", "HB-M10-40"}
    towels = api.get("/search/products?q=towel&country=TR").get_json()
    assert towels["total"] >= 2
    product = api.get(f"/products/{towels['items'][0]['id']}").get_json()
    assert product["media"][0]["kind"] == "image" and product["price_tiers"]
    assert api.get("/bulletins").get_json()["total"] == 2

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already present" in again.output


def test_create_operator_takes_the_password_from_the_environment(app, api, monkeypatch):
    monkeypatch.setenv("MARKETPLACE_OPERATOR_PASSWORD", "operator-secret-99")
    result = app.test_cli_runner().invoke(args=["create-operator", "Ops@Example.com"])
    assert result.exit_code == 0, result.output
    assert "operator-secret-99" not in result.output
    token = api.token("ops@example.com", "operator-secret-99")
    assert api.get("/me", token).get_json()["user"]["is_operator"] is True


def test_create_operator_asks_twice_without_the_environment(app, api, monkeypatch):
    monkeypatch.delenv("MARKETPLACE_OPERATOR_PASSWORD", raising=False)
    runner = app.test_cli_runner()
    mismatch = runner.invoke(args=["create-operator", "ops@example.com"],
                             input="first-password-1\nother-password-2\n"
                                   "first-password-1\nfirst-password-1\n")
    assert mismatch.exit_code == 0, mismatch.output
    assert "do not match" in mismatch.output
    api.token("ops@example.com", "first-password-1")

    weak = runner.invoke(args=["create-operator", "ops2@example.com"], input="short\nshort\n")
    assert weak.exit_code != 0 and "at least 10 characters" in weak.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "ops2@example.com")) is None


def test_the_demo_holds_a_negotiation_between_buyer_and_supplier(app, api, demo):
    assert demo.exit_code == 0  # seeded once for the demo tests (tests/conftest.py)
    james = api.token("james@northwind.example.com", DEMO_PASSWORD)
    lin = api.token("lin@tpf.example.com", DEMO_PASSWORD)
    [order] = api.get("/documents?box=inbox&type=purchase_order&status=sent",
                      lin).get_json()["items"]
    assert order["status"] == "sent" and order["total"] == "4335.00"
    details = api.get(f"/documents/{order['id']}", lin).get_json()
    assert "accept" in details["allowed_actions"]
    thread = api.get(f"/documents/{order['id']}/thread", james).get_json()
    assert [(d["type"], d["status"]) for d in thread] == [
        ("inquiry", "sent"), ("quotation", "accepted"), ("purchase_order", "sent")]
    history = api.get(f"/documents/{order['id']}/history", james).get_json()
    assert [e["action"] for e in history] == ["create", "send", "approve"]

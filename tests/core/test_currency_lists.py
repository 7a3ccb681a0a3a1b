"""Every currency a person picks in the portal comes from one list (issue 13.1): the
active ISO currencies (no XAU, XTS, XXX), the company's usual ones first — the buying
request form, the bank details and the operator's plan editor as much as the product
form and the document editor. (The every-page walk checks that no page offers a metal or
test code or has a currency typed in a box: tests/infrastructure/test_every_page_...)."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.billing.models import Plan
from marketplace.core.currencies import NOT_TRADED
from marketplace.extensions import db
from marketplace.infrastructure.banking.models import CompanyBankAccount
from tests.billing.support import seed_plans
from tests.factories import csrf_token, portal_login
from tests.trading.conftest import make_product  # noqa: F401 - the fixture


def _offered(html: str) -> tuple[list[str], str | None]:
    """The codes of the page's currency select, in order, and the one selected."""
    select_html = re.search(r'<select[^>]*name="currency"[^>]*>(.*?)</select>', html, re.S)[1]
    options = re.findall(r'<option([^>]*)value="([A-Z]{3}|)"([^>]*)>', select_html)
    selected = [code for before, code, after in options if "selected" in before + after]
    return [code for _, code, _ in options], (selected[0] if selected else None)


def test_a_companys_own_currencies_come_first_in_every_form(app, make, make_product, client):
    trader = make.company_with_admin("Nippon Screw Trading", roles=("buyer", "supplier"))
    for currency in ("JPY", "JPY", "EUR"):
        make_product(trader.company_id, currency=currency)
    portal_login(client, trader.email)

    codes, selected = _offered(client.get("/buying-requests/new").get_data(as_text=True))
    assert codes[:3] == ["JPY", "EUR", "USD"] and selected == "JPY"
    assert not NOT_TRADED & set(codes) and len(codes) == len(set(codes)) > 100

    path = "/company/bank-details"
    codes, selected = _offered(client.get(path).get_data(as_text=True))
    assert codes[:4] == ["", "JPY", "EUR", "USD"] and selected in (None, "")  # optional
    assert not NOT_TRADED & set(codes)
    saved = client.post(path, data={
        "csrf_token": csrf_token(client, path), "beneficiary_name": "Nippon Screw Trading",
        "bank_name": "MUFG Bank", "swift_bic": "BOTKJPJT", "account_number": "1234567",
        "currency": "JPY"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    with app.app_context():
        assert db.session.scalar(select(CompanyBankAccount.currency).where(
            CompanyBankAccount.company_id == trader.company_id)) == "JPY"
    assert _offered(client.get(path).get_data(as_text=True))[1] == "JPY"


def test_the_plan_editor_picks_an_active_currency(app, make, client):
    seed_plans(app)
    portal_login(client, make.operator().email)
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id).where(Plan.code == "standard"))
    url = f"/admin/billing/plans/{plan_id}"
    codes, selected = _offered(client.get(url).get_data(as_text=True))
    assert codes[:2] == ["USD", "EUR"] and selected == "USD"
    assert not NOT_TRADED & set(codes)
    form = {"csrf_token": csrf_token(client, url), "name": "Standard", "monthly_price": "49",
            "max_members": "10", "active": "y"}
    refused = client.post(url, data={**form, "currency": "XAU"})
    assert refused.status_code == 422
    assert "Choose a currency." in refused.get_data(as_text=True)
    assert client.post(url, data={**form, "currency": "EUR"}).status_code == 303
    with app.app_context():
        assert db.session.get(Plan, plan_id).currency == "EUR"

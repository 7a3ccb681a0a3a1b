"""Card payments without Stripe settings (issue 13, rough edge 13): the buyer reads that
cards are not available and to pay by bank transfer (never a setting's name); the
operator reads, in the office, which settings to set."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.factories import csrf_token, portal_login
from tests.fulfillment.test_payments import invoiced

ZH = {"Accept-Language": "zh-TW,zh;q=0.9"}


@pytest.fixture
def no_stripe(app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", None)
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", None)


def _flashes(html: str) -> str:
    return " ".join(re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", text)))
                    for text in re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', html,
                                           re.S))


def test_the_buyer_is_told_to_pay_by_bank_transfer_in_the_api(make, api, pair, no_stripe):
    invoice = invoiced(make, api, pair)
    response = api.post(f"/invoices/{invoice['id']}/checkout", pair.buyer_token, json={})
    assert response.status_code == 409
    detail = response.get_json()["detail"]
    assert "not available" in detail and "bank transfer" in detail
    assert "STRIPE" not in response.get_data(as_text=True)


def test_the_buyer_is_told_to_pay_by_bank_transfer_in_the_portal(
        make, api, pair, client, no_stripe):
    invoice = invoiced(make, api, pair)
    assert portal_login(client, pair.buyer.email).status_code == 302
    token = csrf_token(client, "/fulfillment/payables")
    response = client.post(f"/fulfillment/invoices/{invoice['id']}/checkout",
                           data={"csrf_token": token}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Card payments are not available on this marketplace: please pay by bank " \
           "transfer." in _flashes(html)
    assert "STRIPE" not in html


def test_the_operator_sees_the_settings_in_the_office(make, client, no_stripe):
    operator = make.operator()
    assert portal_login(client, operator.email).status_code == 302
    html = client.get("/").get_data(as_text=True)
    notice = html.split('id="card-payments-off"', 1)[1].split("</div>", 1)[0]
    assert "STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET" in notice
    assert "bank transfer" in notice


def test_the_operator_sees_no_notice_once_cards_are_set_up(make, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", "whsec_local")
    operator = make.operator()
    assert portal_login(client, operator.email).status_code == 302
    assert 'id="card-payments-off"' not in client.get("/").get_data(as_text=True)


def test_a_company_member_never_sees_the_notice(make, client, pair, no_stripe):
    assert portal_login(client, pair.buyer.email).status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert 'id="card-payments-off"' not in html and "STRIPE" not in html

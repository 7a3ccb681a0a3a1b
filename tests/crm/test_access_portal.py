"""Who may reach the portal subject's routes (terms per segment, the customer pages,
win-back): every route × anonymous, own supplier, another supplier, a buyer and the
operator. A supplier sees and touches only its own customers; a buyer and the operator
are refused; another supplier's customer is not found, as anything else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.crm.treatment_support import customers_of, set_terms
from tests.factories import csrf_token, portal_login
from tests.trading.support import Trade
from tests.worlds import shared_world

OWN, OTHER, BUYER, OPERATOR = "own", "other", "buyer", "operator"


@shared_world
def parties(app, make, api):
    trade = Trade.start(make, api)
    customers_of(app, trade.supplier.company_id, [
        {"buyer_id": trade.buyer.company_id, "segment": "MVC", "quintile": 1,
         "lifetime_value": Decimal("5000"), "at_risk": True,
         "value_at_risk": Decimal("900")}])
    set_terms(app, trade.supplier.company_id, "MVC", payment_terms="tt")
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    quotation = trade.derive("supplier", inquiry, "quotation")
    other = make.company_with_admin("Other Supplier", roles=("supplier",))
    return {"trade": trade, "quotation": quotation["id"], OWN: trade.supplier,
            OTHER: other, BUYER: trade.buyer, OPERATOR: make.operator()}


# (method, path, body, {who: status}); anonymous is 401 on the API, sent to log in on pages.
API_ROUTES = [
    ("GET", "/analytics/treatments", None, {OWN: 200, OTHER: 200, BUYER: 403, OPERATOR: 403}),
    ("PUT", "/analytics/treatments", {"treatments": [{"segment": "BZ", "discount_pct": "1"}]},
     {OWN: 200, OTHER: 200, BUYER: 403, OPERATOR: 403}),
    ("GET", "/analytics/treatments/applied/{Q}", None,
     {OWN: 200, OTHER: 404, BUYER: 403, OPERATOR: 403}),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES)
def test_api_routes(api, parties, method, path, body, expected):
    url = path.replace("{Q}", str(parties["quotation"]))
    anonymous = api.call(method, url, json=body)
    assert anonymous.status_code == 401
    for who, status in expected.items():
        response = api.call(method, url, api.token(parties[who]), json=body)
        assert response.status_code == status, (who, response.get_json())
        if status >= 400:
            assert response.content_type.startswith("application/problem+json")


PAGES = ["/crm/customers", "/crm/quintiles", "/crm/segments", "/crm/at-risk",
         "/crm/treatments"]


@pytest.mark.parametrize("path", PAGES)
def test_pages(app, parties, path):
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    for who, status in ((OWN, 200), (OTHER, 200), (BUYER, 403), (OPERATOR, 403)):
        client = app.test_client()
        assert portal_login(client, parties[who].email).status_code == 302
        response = client.get(path)
        assert response.status_code == status, who
        if who == OTHER:
            assert "Hamburg Hardware GmbH" not in response.get_data(as_text=True)


def test_win_back_routes(app, parties):
    buyer_id = parties["trade"].buyer.company_id
    quotation, message = f"/crm/customers/{buyer_id}/quotation", \
        f"/crm/customers/{buyer_id}/message"
    anonymous = app.test_client()
    assert anonymous.get(message).status_code == 302
    assert anonymous.post(quotation).status_code in (302, 400)  # login first (or no token)
    for who, status in ((OWN, 302), (OTHER, 404), (BUYER, 403), (OPERATOR, 403)):
        client = app.test_client()
        assert portal_login(client, parties[who].email).status_code == 302
        token = csrf_token(client, "/login") if who in (BUYER, OPERATOR) else \
            csrf_token(client, "/crm/customers")
        assert client.post(quotation, data={"csrf_token": token}).status_code == status, who
        assert client.get(message).status_code == (200 if who == OWN else status), who
        answered = client.post(message, data={"csrf_token": token, "message": "Hello"})
        assert answered.status_code == status, who


def test_a_company_unknown_to_the_supplier_is_not_found(app, make, parties):
    stranger = make.company("Stranger Buyer", roles=("buyer",))
    client = app.test_client()
    assert portal_login(client, parties[OWN].email).status_code == 302
    token = csrf_token(client, "/crm/customers")
    assert client.post(f"/crm/customers/{stranger}/quotation",
                       data={"csrf_token": token}).status_code == 404
    assert client.get("/crm/customers/999999/message").status_code == 404

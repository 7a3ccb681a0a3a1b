"""Money's routes × anonymous, the supplier (own), its buyer (partner), another company,
the operator: another company's invoices, advices and statements are not found (404)."""

from dataclasses import dataclass

import pytest

from tests.factories import csrf_token, portal_login
from tests.fulfillment.money_support import invoice_of
from tests.fulfillment.support import trade_pair
from tests.worlds import shared_world

ACTORS = ("anonymous", "own", "partner", "other", "operator")
LINES = [("BOLT-M8", "100", "1.00")]


@dataclass
class World:
    members: dict
    ids: dict


@shared_world
def world(make, api):
    pair = trade_pair(make, api)
    invoice = invoice_of(make, api, pair, LINES)
    advice = api.post(f"/invoices/{invoice['id']}/payment-advices", pair.buyer_token, json={
        "amount": "10", "paid_on": "2026-01-02", "reference": "MT-1"}).get_json()["id"]
    members = {"own": pair.supplier, "partner": pair.buyer,
               "other": make.company_with_admin("Other Co", roles=("buyer", "supplier")),
               "operator": make.operator()}
    return World(members, {"i": invoice["id"], "a": advice, "B": pair.buyer.company_id})


BANK = {"beneficiary_name": "X", "bank_name": "Y", "swift_bic": "DEUTDEFF",
        "account_number": "12345678"}
API_ROUTES = [
    ("GET", "/invoices/{i}", None, (401, 200, 200, 404, 403)),
    ("GET", "/invoices/{i}/payment-advices", None, (401, 200, 200, 404, 403)),
    ("POST", "/invoices/{i}/payment-advices",
     {"amount": "1", "paid_on": "2026-01-02", "reference": "R"}, (401, 403, 201, 404, 403)),
    ("GET", "/payment-advices", None, (401, 200, 200, 200, 403)),
    ("GET", "/payment-advices/{a}", None, (401, 200, 200, 404, 403)),
    ("POST", "/payment-advices/{a}/confirm", {}, (401, 200, 403, 404, 403)),
    ("POST", "/payment-advices/{a}/decline", {"reason": "no"}, (401, 200, 403, 404, 403)),
    ("GET", "/receivables/statement?buyer_id={B}", None, (401, 200, 404, 404, 403)),
    ("GET", "/bank-details", None, (401, 404, 404, 404, 403)),
    ("PUT", "/bank-details", BANK, (401, 200, 200, 200, 403)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, body, expected):
    who = world.members.get(actor)
    token = api.token(who) if who else None
    response = api.call(method, path.format(**world.ids), token, json=body)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)


def test_another_company_lists_none_of_it(world, api):
    token = api.token(world.members["other"])
    for role in ("buyer", "supplier"):
        assert api.get(f"/payment-advices?role={role}", token).get_json()["total"] == 0


PORTAL_ROUTES = [
    ("GET", "/fulfillment/statement", (302, 200, 200, 200, 403)),
    ("GET", "/fulfillment/statement.pdf?buyer_id={B}", (302, 200, 404, 404, 403)),
    ("GET", "/fulfillment/statement.xlsx?buyer_id={B}", (302, 200, 404, 404, 403)),
    ("GET", "/fulfillment/payment-advices", (302, 200, 200, 200, 403)),
    ("GET", "/fulfillment/invoices/{i}/payment-advice", (302, 200, 200, 404, 403)),
    ("POST", "/fulfillment/payment-advices/{a}/confirm", (302, 302, 403, 404, 403)),
    ("GET", "/company/bank-details", (302, 200, 200, 200, 403)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "expected"), PORTAL_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in PORTAL_ROUTES])
def test_portal_access(world, client, actor, method, path, expected):
    who = world.members.get(actor)
    if who:
        assert portal_login(client, who.email).status_code == 302
    url = path.format(**world.ids)
    if method == "POST":
        response = client.post(url, data={"csrf_token": csrf_token(client, "/login")})
    else:
        response = client.get(url)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)
    if response.status_code == 302 and actor == "anonymous":
        assert response.headers["Location"].startswith("/login")

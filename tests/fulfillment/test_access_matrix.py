"""Every fulfillment route × anonymous, own company (the supplier), its partner (the
buyer), another company, operator. Another company's records are not found (404)."""

from dataclasses import dataclass

import pytest

from tests.factories import csrf_token, portal_login
from tests.fulfillment.stripe_stub import StripeStub
from tests.fulfillment.support import SEA, accepted_purchase_order
from tests.worlds import shared_world

ACTORS = ("anonymous", "own", "partner", "other", "operator")


@dataclass
class World:
    members: dict
    ids: dict


@shared_world
def world(make, api, pair, app, monkeypatch):
    with StripeStub() as stub:
        monkeypatch.setitem(app.config, "STRIPE_API_BASE", stub.base)
        monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_local")
        monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", "whsec_matrix")
        order = accepted_purchase_order(make, pair.buyer, pair.supplier)
        second = accepted_purchase_order(make, pair.buyer, pair.supplier)
        lines = api.get(f"/orders/{order}", pair.supplier_token).get_json()["lines"]
        shipment = api.post("/shipments", pair.supplier_token, json={
            **SEA, "order_ids": [order], "lines": [{"order_line_id": lines[0]["id"],
                                             "quantity": "10"}]}).get_json()["id"]
        fresh = api.post("/shipments", pair.supplier_token, json={
            **SEA, "order_ids": [order], "lines": [{"order_line_id": lines[0]["id"],
                                             "quantity": "10"}]}).get_json()["id"]
        gone = api.post("/shipments", pair.supplier_token, json={
            **SEA, "order_ids": [order], "lines": [{"order_line_id": lines[0]["id"],
                                             "quantity": "10"}]}).get_json()
        assert api.post(f"/shipments/{gone['id']}/events", pair.supplier_token,
                        json={"status": "shipped"}).status_code == 201
        assert api.post(f"/shipments/{shipment}/documents/packing-list",
                        pair.supplier_token).status_code == 201
        invoice = api.post(f"/shipments/{shipment}/commercial-invoice",
                           pair.supplier_token).get_json()["invoice"]["id"]
        credit = api.post("/letters-of-credit", pair.supplier_token, json={
            "number": "LC-M-1", "issuing_bank": "Bank", "issue_date": "2026-01-01",
            "expiry_date": "2099-01-01", "amount": "1000", "currency": "USD",
            "order_ids": [order]}).get_json()["id"]
        issued = api.post("/shipments", pair.supplier_token, json={
            **SEA, "order_ids": [order], "issue_documents": True,
            "lines": [{"order_line_id": lines[0]["id"], "quantity": "10"}]}).get_json()
        other = make.company_with_admin("Other Co", roles=("buyer", "supplier"))
        members = {"own": pair.supplier, "partner": pair.buyer, "other": other,
                   "operator": make.operator()}
        yield World(members, {"o": order, "o2": second, "l": lines[1]["id"], "s": shipment,
                              "s2": fresh, "i": invoice, "line": lines[0]["id"],
                              "B": pair.buyer.company_id, "lc": credit,
                              "rs": issued["id"], "r": issued["render_id"],
                              "gone": gone["id"], "gone_line": gone["lines"][0]["id"]})


# method, path, body, expected for (anonymous, own, partner, other, operator)
API_ROUTES = [
    ("GET", "/orders", None, (401, 200, 200, 200, 403)),
    ("GET", "/orders/{o}", None, (401, 200, 200, 404, 403)),
    ("POST", "/orders/merge", {"order_ids": ["{o}", "{o2}"]}, (401, 201, 403, 404, 403)),
    ("POST", "/orders/{o}/split", {"lines": [{"order_line_id": "{l}", "quantity": "1"}]},
     (401, 201, 403, 404, 403)),
    ("GET", "/shipments", None, (401, 200, 200, 200, 403)),
    ("POST", "/shipments", {"order_ids": ["{o}"],
                            "lines": [{"order_line_id": "{l}", "quantity": "1"}]},
     (401, 201, 403, 404, 403)),
    ("POST", "/shipments/replacements",
     {"lines": [{"shipment_line_id": "{gone_line}", "quantity": "1"}]},
     (401, 201, 403, 404, 403)),
    ("GET", "/shipments/{s}", None, (401, 200, 200, 404, 403)),
    ("POST", "/shipments/{s}/events", {"status": "packed"}, (401, 201, 403, 404, 403)),
    ("POST", "/shipments/{s2}/commercial-invoice", None, (401, 201, 403, 404, 403)),
    ("POST", "/shipments/{s}/documents/shipping-advice", None, (401, 201, 403, 404, 403)),
    ("GET", "/shipments/{s}/documents/packing-list", None, (401, 200, 200, 404, 403)),
    ("GET", "/receivables", None, (401, 200, 200, 200, 403)),
    ("GET", "/payables", None, (401, 200, 200, 200, 403)),
    ("GET", "/invoices/{i}", None, (401, 200, 200, 404, 403)),
    ("POST", "/invoices/{i}/payments", {"amount": "1", "method": "tt"},
     (401, 201, 403, 404, 403)),
    ("POST", "/invoices/{i}/checkout", {}, (401, 403, 201, 404, 403)),
    ("POST", "/webhooks/stripe", {"type": "checkout.session.completed"},
     (400, 400, 400, 400, 400)),
    ("GET", "/letter-of-credit-clauses", None, (401, 200, 200, 200, 403)),
    ("POST", "/letters-of-credit", {"number": "LC-M-2", "issuing_bank": "Bank",
                                    "issue_date": "2026-01-01", "expiry_date": "2099-01-01",
                                    "amount": "1", "currency": "USD", "order_ids": ["{o2}"]},
     (401, 201, 403, 404, 403)),
    ("GET", "/letters-of-credit/{lc}", None, (401, 200, 200, 404, 403)),
    ("POST", "/shipments/{s2}/document-set", {}, (401, 201, 403, 404, 403)),
    ("PATCH", "/shipments/{s}/papers", {"consignee": "TO ORDER OF A BANK"},
     (401, 200, 403, 404, 403)),
    ("GET", "/shipments/{s}/checklist", None, (401, 200, 200, 404, 403)),
    # A buyer names its own company, another company one it has no orders from: 422.
    ("PUT", "/buyers/{B}/document-settings", {"document_language": "bilingual"},
     (401, 200, 422, 422, 403)),
]


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, body, expected):
    who = world.members.get(actor)
    token = api.token(who) if who else None
    response = api.call(method, path.format(**world.ids), token, json=_fill(body, world.ids))
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)


def test_another_company_sees_none_of_it_in_lists(world, api):
    token = api.token(world.members["other"])
    for path in ("/orders", "/shipments", "/receivables", "/payables"):
        assert api.get(path, token).get_json()["total"] == 0, path


# method, path, expected for (anonymous, own, partner, other, operator)
PORTAL_ROUTES = [
    ("GET", "/fulfillment/orders", (302, 200, 200, 200, 403)),
    ("GET", "/fulfillment/orders/{o}", (302, 200, 200, 404, 403)),
    ("POST", "/fulfillment/orders/merge", (302, 302, 403, 404, 403)),
    ("POST", "/fulfillment/orders/{o}/split", (302, 302, 403, 404, 403)),
    ("GET", "/fulfillment/shipments", (302, 200, 200, 200, 403)),
    # The buyer's own admin may ship as a supplier too: for this buyer it finds nothing open.
    ("GET", "/fulfillment/shipments/new?buyer={B}", (302, 200, 200, 200, 403)),
    ("GET", "/fulfillment/shipments/{s}", (302, 200, 200, 404, 403)),
    ("GET", "/fulfillment/shipments/{s}/timeline.json", (302, 200, 200, 404, 403)),
    ("POST", "/fulfillment/shipments/{s}/events", (302, 302, 403, 404, 403)),
    ("POST", "/fulfillment/shipments/{s}/documents/shipping-advice", (302, 302, 403, 404, 403)),
    ("POST", "/fulfillment/shipments/{gone}/replacement", (302, 302, 403, 404, 403)),
    ("GET", "/fulfillment/receivables", (302, 200, 200, 200, 403)),
    ("GET", "/fulfillment/payables", (302, 200, 200, 200, 403)),
    ("POST", "/fulfillment/invoices/{i}/payments", (302, 302, 403, 404, 403)),
    ("POST", "/fulfillment/invoices/{i}/checkout", (302, 403, 303, 404, 403)),
    ("GET", "/fulfillment/letter-of-credit", (302, 301, 301, 301, 403)),
    ("GET", "/fulfillment/letters-of-credit", (302, 200, 200, 200, 403)),
    ("GET", "/fulfillment/letters-of-credit/new", (302, 200, 200, 200, 403)),
    ("GET", "/fulfillment/letters-of-credit/{lc}", (302, 200, 200, 404, 403)),
    ("GET", "/fulfillment/orders/{o}/ship", (302, 200, 404, 404, 403)),
    ("GET", "/fulfillment/shipments/{rs}/papers/{r}", (302, 200, 200, 404, 403)),
    ("GET", "/fulfillment/shipments/{rs}/papers/{r}/progress", (302, 200, 200, 404, 403)),
    ("POST", "/fulfillment/shipments/{s2}/document-set", (302, 302, 403, 404, 403)),
    ("GET", "/fulfillment/shipments/{s}/papers", (302, 200, 200, 404, 403)),
    ("POST", "/fulfillment/shipments/{s}/papers", (302, 302, 403, 404, 403)),
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
        response = client.post(url, data={
            "csrf_token": csrf_token(client, "/login"), "order_ids": [world.ids["o"],
                                                                      world.ids["o2"]],
            f"split-{world.ids['l']}": "1", f"again-{world.ids['gone_line']}": "1",
            "status": "packed", "amount": "1",
            "method": "tt"})
    else:
        response = client.get(url)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)
    if response.status_code == 302 and actor == "anonymous":
        assert response.headers["Location"].startswith("/login")


def test_new_shipment_page_lists_only_the_own_open_lines(world, client):
    """What 200 means above for the partner and the other company: nothing to ship."""
    for actor, shown in (("own", True), ("partner", False), ("other", False)):
        client.get("/logout")
        portal_login(client, world.members[actor].email)
        page = client.get(f"/fulfillment/shipments/new?buyer={world.ids['B']}")
        assert (f'name="ship-{world.ids["l"]}"' in page.get_data(as_text=True)) is shown, actor

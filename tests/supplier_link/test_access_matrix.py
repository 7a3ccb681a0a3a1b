"""Every supplier-link route × anonymous, the buyer, its supplier A, its other supplier
B, a stranger (a supplier that does not trade with the buyer) and the operator.
Records of others are not found (404), never merely forbidden; supplier B never reads
supplier A's records although both sell to the same buyer."""

from __future__ import annotations

import pytest

from tests.factories import csrf_token, portal_login
from tests.supplier_link.support import Trade
from tests.worlds import shared_world

# Calls are made in this order: refusals first, the successful writes last.
ACTORS = ("anonymous", "supplier_b", "stranger", "operator", "supplier_a", "buyer")
VIEWS = ("order-status", "shortages", "receipts", "discrepancies", "outstanding", "returns",
         "payables", "sales-inventory")


@shared_world
def world(make, api):
    trade = Trade(make, api)
    stranger = trade._party("Stranger Supplier", ("supplier",))
    operator = make.operator()
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    trade.ship(trade.supplier_a, order, {order.line_ids[0]: "100"})
    trade.order(trade.supplier_b, [("Z-1", "10", "1.00", None)])
    receipt = api.post("/supplier-link/receipts", trade.buyer.token, json={
        "order_id": order.id, "lines": [{"order_line_id": order.line_ids[0],
                                         "quantity_received": "90"}]}).get_json()
    xref = trade.map_sku("B-100", trade.supplier_a, "A-100")
    ids = {"B": trade.buyer.company_id, "S": trade.supplier_a.company_id, "O": order.id,
           "L": order.line_ids[0], "R": receipt["id"], "D": receipt["discrepancies"][0]["id"],
           "X": xref["id"]}
    who = {"buyer": trade.buyer.member, "supplier_a": trade.supplier_a.member,
           "supplier_b": trade.supplier_b.member, "stranger": stranger.member,
           "operator": operator}
    return ids, who


# (anonymous, buyer, supplier_a, supplier_b, stranger, operator)
READ = (401, 200, 200, 200, 200, 403)
API_ROUTES = [
    *[("GET", f"/supplier-link/buyers/{{B}}/{view}", None, (401, 403, 200, 200, 404, 403))
      for view in VIEWS],
    ("GET", "/supplier-link/buyers/{B}/order-status?format=csv", None,
     (401, 403, 200, 200, 404, 403)),
    ("GET", "/supplier-link/buyers", None, READ),
    ("POST", "/supplier-link/receipts", lambda i: {"order_id": i["O"], "lines": [
        {"order_line_id": i["L"], "quantity_received": "1"}]}, (401, 201, 403, 404, 404, 403)),
    ("GET", "/supplier-link/receipts", None, READ),
    ("GET", "/supplier-link/receipts/{R}", None, (401, 200, 200, 404, 404, 403)),
    ("POST", "/supplier-link/returns", lambda i: {"order_id": i["O"], "lines": [
        {"order_line_id": i["L"], "quantity": "1", "reason": "quality"}]},
     (401, 201, 403, 404, 404, 403)),
    ("GET", "/supplier-link/returns", None, READ),
    ("POST", "/supplier-link/stock-reports", lambda i: {"rows": [
        {"sku": "B-100", "period_start": "2026-10-05", "period_end": "2026-10-11",
         "quantity_sold": "1", "quantity_on_hand": "1"}]}, (401, 200, 200, 200, 200, 403)),
    ("GET", "/supplier-link/sharing", None, READ),
    ("GET", "/supplier-link/sharing/{S}", None, (401, 200, 404, 404, 404, 403)),
    ("PATCH", "/supplier-link/sharing/{S}", lambda i: {"share_payables": False},
     (401, 200, 404, 404, 404, 403)),
    ("GET", "/supplier-link/sku-cross-references", None, READ),
    ("POST", "/supplier-link/sku-cross-references", lambda i: {
        "buyer_sku": "NEW-1", "supplier_id": i["S"], "supplier_sku": "A-100"},
     (401, 201, 422, 201, 201, 403)),  # a supplier maps no own product
    ("DELETE", "/supplier-link/sku-cross-references/{X}", None, (401, 204, 404, 404, 404, 403)),
    ("GET", "/supplier-link/discrepancies", None, READ),
    ("GET", "/supplier-link/discrepancies/{D}", None, (401, 200, 200, 404, 404, 403)),
    ("POST", "/supplier-link/discrepancies/{D}/claim", lambda i: {},
     (401, 200, 409, 404, 404, 403)),
    ("POST", "/supplier-link/discrepancies/{D}/resolve", lambda i: {"resolution": "credit_note"},
     (401, 409, 409, 404, 404, 403)),
    ("POST", "/supplier-link/discrepancies/{D}/close", lambda i: {},
     (401, 409, 409, 404, 404, 403)),
]
EXPECTED_ORDER = ("anonymous", "buyer", "supplier_a", "supplier_b", "stranger", "operator")


@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, method, path, body, expected):
    ids, who = world
    for actor in ACTORS:
        token = api.token(who[actor]) if actor in who else None
        response = api.call(method, path.format(**ids), token,
                            json=body(ids) if body else None)
        wanted = expected[EXPECTED_ORDER.index(actor)]
        assert response.status_code == wanted, (actor, response.get_data(as_text=True))
        if wanted in (403, 404) and method == "GET":
            assert "items" not in (response.get_json() or {}), actor


# (anonymous, buyer, supplier_a, supplier_b, stranger, operator)
PAGE = (302, 200, 200, 200, 200, 403)
PORTAL_ROUTES = [
    ("GET", "/supplier_link/", PAGE),
    *[("GET", f"/supplier_link/buyers/{{B}}/{view}", (302, 403, 200, 200, 404, 403))
      for view in VIEWS],
    ("GET", "/supplier_link/receipts", PAGE),
    ("GET", "/supplier_link/orders/{O}/receipt", (302, 200, 403, 404, 404, 403)),
    ("GET", "/supplier_link/orders/{O}/return", (302, 200, 403, 404, 404, 403)),
    ("GET", "/supplier_link/returns", PAGE),
    ("GET", "/supplier_link/stock-reports", PAGE),
    ("GET", "/supplier_link/stock-reports/template.csv", PAGE),
    ("GET", "/supplier_link/sku-cross-references", PAGE),
    ("GET", "/supplier_link/sharing", PAGE),
    ("GET", "/supplier_link/discrepancies", PAGE),
    ("POST", "/supplier_link/sku-cross-references/{X}/delete", (302, 302, 404, 404, 404, 403)),
    ("POST", "/supplier_link/sharing/{S}", (302, 302, 404, 404, 404, 403)),
    ("GET", "/supplier_link/discrepancies/{D}/claim", (302, 200, 302, 404, 404, 403)),
    ("POST", "/supplier_link/discrepancies/{D}/claim", (302, 302, 302, 404, 404, 403)),
]


@pytest.mark.parametrize(("method", "path", "expected"), PORTAL_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in PORTAL_ROUTES])
def test_portal_access(world, app, method, path, expected):
    ids, who = world
    for actor in ACTORS:
        client = app.test_client()
        if actor in who:
            assert portal_login(client, who[actor].email).status_code == 302
        url = path.format(**ids)
        if method == "POST":
            response = client.post(url, data={"csrf_token": csrf_token(client, "/login")})
        else:
            response = client.get(url)
        wanted = expected[EXPECTED_ORDER.index(actor)]
        assert response.status_code == wanted, (actor, url)
        if actor == "anonymous":
            assert response.headers["Location"].startswith("/login")


def test_the_claim_the_supplier_tried_is_still_open(world, api):
    """The 302 of supplier A's portal claim above is a refusal (flashed), not a claim."""
    ids, who = world
    client_token = api.token(who["supplier_a"])
    assert api.post(f"/supplier-link/discrepancies/{ids['D']}/claim", client_token,
                    json={}).status_code == 409
    state = api.get(f"/supplier-link/discrepancies/{ids['D']}", api.token(who["buyer"]))
    assert state.get_json()["status"] == "open"


def test_receipt_import_access(world, api):
    import io

    ids, who = world
    expected = dict(zip(EXPECTED_ORDER, (401, 201, 403, 404, 404, 403), strict=True))
    for actor in ACTORS:
        token = api.token(who[actor]) if actor in who else None
        response = api.post("/supplier-link/receipts/import", token, data={
            "order_id": str(ids["O"]),
            "file": (io.BytesIO(b"order_line_id,quantity_received\n%d,1\n" % ids["L"]),
                     "r.csv")}, content_type="multipart/form-data")
        assert response.status_code == expected[actor], (actor, response.get_json())

"""Every buying-request route × the buyer, a supplier of the category (through the
category above it), a supplier outside it, another buyer, the operator and nobody. A
request is there for its buyer and the suppliers of its category; for anyone else it
is not found (404), never merely forbidden; the operator has no company (403)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.buying_requests.support import Market, build_market, ok, request_body
from tests.factories import csrf_token, portal_login
from tests.worlds import shared_world

ACTORS = ("buyer", "above", "outside", "other_buyer", "operator", "anonymous")


@dataclass
class World:
    market: Market
    ids: dict


@shared_world
def world(make, api, app):
    market = build_market(make, api, app)
    open_ = ok(market.post("buyer", "/buying-requests", **request_body(market)), 201)
    draft = ok(market.post("buyer", "/buying-requests", publish=False,
                           **request_body(market, title="Draft washers")), 201)
    answer = ok(market.post("inside", f"/buying-requests/{open_['id']}/quotations",
                            unit_price="0.0410"), 201)
    return World(market, {"R": open_["id"], "D": draft["id"], "Q": answer["id"]})


def _token(world, api, actor):
    if actor == "anonymous":
        return None
    if actor == "operator":
        return api.token(world.market.operator)
    return world.market.tokens[actor]


# (method, path, body, expected per ACTORS)
API_ROUTES = [
    ("GET", "/buying-requests", None, (200, 200, 200, 200, 403, 401)),
    ("POST", "/buying-requests", "new", (201, 403, 403, 201, 403, 401)),
    ("GET", "/buying-requests/{R}", None, (200, 200, 404, 404, 403, 401)),
    ("GET", "/buying-requests/{D}", None, (200, 404, 404, 404, 403, 401)),
    ("PATCH", "/buying-requests/{D}", {"title": "Zinc washers"}, (200, 404, 404, 404, 403, 401)),
    ("POST", "/buying-requests/{D}/publish", {}, (200, 404, 404, 404, 403, 401)),
    ("POST", "/buying-requests/{R}/close", {}, (200, 404, 404, 404, 403, 401)),
    ("GET", "/buying-requests/{R}/quotations", None, (200, 200, 404, 404, 403, 401)),
    ("POST", "/buying-requests/{R}/quotations", {"unit_price": "0.04"},
     (409, 201, 404, 404, 403, 401)),
    ("GET", "/buying-requests/{R}/comparison", None, (200, 404, 404, 404, 403, 401)),
    ("GET", "/buying-requests/{R}/comparison?format=xlsx", None,
     (200, 404, 404, 404, 403, 401)),
    ("POST", "/buying-requests/{R}/award", {"quotation_id": "Q"}, (201, 404, 404, 404, 403, 401)),
    ("GET", "/buying-requests/subscriptions", None, (403, 200, 200, 403, 403, 401)),
    ("PUT", "/buying-requests/subscriptions", {"category_ids": []},
     (403, 200, 200, 403, 403, 401)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, body, expected):
    if body == "new":
        body = request_body(world.market)
    elif isinstance(body, dict) and body.get("quotation_id") == "Q":
        body = {"quotation_id": world.ids["Q"]}
    response = api.call(method, path.format(**world.ids), _token(world, api, actor), json=body)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
    if response.status_code == 404:  # nothing of the request is told
        assert "Stainless" not in response.get_data(as_text=True)


PORTAL_ROUTES = [
    ("GET", "/buying-requests", (200, 200, 200, 200, 403, 302)),
    ("GET", "/buying-requests/new", (200, 200, 200, 200, 403, 302)),
    ("GET", "/buying-requests/{R}", (200, 200, 404, 404, 403, 302)),
    ("GET", "/buying-requests/{D}", (200, 404, 404, 404, 403, 302)),
    ("POST", "/buying-requests/{D}/publish", (303, 404, 404, 404, 403, 302)),
    ("POST", "/buying-requests/{R}/close", (303, 404, 404, 404, 403, 302)),
    ("POST", "/buying-requests/{R}/answer", (409, 303, 404, 404, 403, 302)),
    ("GET", "/buying-requests/subscriptions", (200, 200, 200, 200, 403, 302)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "expected"), PORTAL_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in PORTAL_ROUTES])
def test_portal_access(world, client, actor, method, path, expected):
    who = {"operator": world.market.operator}.get(actor, getattr(world.market, actor, None))
    if actor != "anonymous":
        assert portal_login(client, who.email).status_code == 302
    url = path.format(**world.ids)
    if method == "POST":
        response = client.post(url, data={"csrf_token": csrf_token(client, "/login"),
                                          "unit_price": "0.0405"})
    else:
        response = client.get(url)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
    if response.status_code == 404:
        assert "Stainless" not in response.get_data(as_text=True)

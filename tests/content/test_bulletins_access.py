"""Every bulletin route (API and portal) × anonymous, own company, other company, operator.
Another company's bulletin that is not public is not found (404), never merely forbidden."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from marketplace.content.models import Bulletin
from marketplace.core.types import utcnow
from tests.content.test_bulletins import add_category, bulletin_body, set_bulletin
from tests.factories import csrf_token, portal_login
from tests.worlds import shared_world

ACTORS = ("anonymous", "own", "other", "operator")


@dataclass
class World:
    own: object
    other: object
    operator: object
    ids: dict


@shared_world
def world(app, make, api):
    add_category(app, "hardware", "Hardware")
    add_category(app, "hardware.fasteners", "Fasteners", "hardware")
    own = make.company_with_admin("Own Co", roles=("supplier",))
    other = make.company_with_admin("Other Co", roles=("buyer",))
    operator = make.operator()
    token = api.token(own)

    def post(title):
        response = api.post("/bulletins", token, json=bulletin_body(title=title))
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    ids = {"b": post("Public offer"), "x": post("Expired offer"), "h": post("Hidden offer")}
    set_bulletin(app, ids["x"], expires_at=utcnow() - timedelta(days=1))
    set_bulletin(app, ids["h"], hidden_at=utcnow(), hidden_reason="spam")
    return World(own, other, operator, ids)


# method, path, body, expected status for (anonymous, own, other, operator)
API_ROUTES = [
    ("GET", "/bulletins", None, (200, 200, 200, 200)),
    ("GET", "/bulletins?mine=true", None, (200, 200, 200, 200)),
    ("POST", "/bulletins", bulletin_body(), (401, 201, 201, 403)),
    ("GET", "/bulletins/{b}", None, (200, 200, 200, 200)),
    ("GET", "/bulletins/{x}", None, (404, 200, 404, 200)),
    ("GET", "/bulletins/{h}", None, (404, 200, 404, 200)),
    ("PATCH", "/bulletins/{b}", {"title": "Changed"}, (401, 200, 404, 403)),
    ("PATCH", "/bulletins/{h}", {"title": "Changed"}, (401, 200, 404, 403)),
    ("DELETE", "/bulletins/{b}", None, (401, 204, 404, 403)),
    ("POST", "/admin/bulletins/{b}/hide", {"reason": "Fake brand"}, (401, 403, 403, 200)),
    ("POST", "/admin/bulletins/{h}/unhide", None, (401, 403, 403, 200)),
]


def _who(world, actor):
    return {"own": world.own, "other": world.other, "operator": world.operator}.get(actor)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, body, expected):
    who = _who(world, actor)
    token = api.token(who) if who else None
    response = api.call(method, path.format(**world.ids), token, json=body)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)


def test_the_listings_show_each_caller_what_it_may_see(world, api):
    def titles(who, query=""):
        token = api.token(who) if who else None
        return sorted(i["title"] for i in api.get(f"/bulletins{query}", token).get_json()["items"])

    assert titles(None) == titles(world.other) == titles(world.own) == ["Public offer"]
    assert titles(world.operator) == ["Hidden offer", "Public offer"]
    assert titles(world.own, "?mine=true") == ["Expired offer", "Hidden offer", "Public offer"]
    assert titles(world.other, "?mine=true") == titles(world.operator, "?mine=true") == []


# method, path, expected status for (anonymous, own, other, operator)
PORTAL_ROUTES = [
    ("GET", "/bulletins", (200, 200, 200, 200)),
    ("GET", "/bulletins?mine=1", (200, 200, 200, 200)),
    ("GET", "/bulletins/{b}", (200, 200, 200, 200)),
    ("GET", "/bulletins/{x}", (404, 200, 404, 200)),
    ("GET", "/bulletins/{h}", (404, 200, 404, 200)),
    ("GET", "/bulletins/new", (302, 200, 200, 403)),
    ("POST", "/bulletins/new", (302, 422, 422, 403)),
    ("GET", "/bulletins/{b}/edit", (302, 200, 404, 403)),
    ("POST", "/bulletins/{b}/edit", (302, 422, 404, 403)),
    ("POST", "/bulletins/{b}/delete", (302, 302, 404, 403)),
    ("POST", "/bulletins/{b}/hide", (302, 403, 403, 302)),
    ("POST", "/bulletins/{h}/unhide", (302, 403, 403, 302)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "expected"), PORTAL_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in PORTAL_ROUTES])
def test_portal_access(app, world, client, actor, method, path, expected):
    who = _who(world, actor)
    if who:
        assert portal_login(client, who.email).status_code == 302
    url = path.format(**world.ids)
    if method == "POST":
        # A valid CSRF token and a reason; the forms' other fields are missing on purpose
        # (422 shows the request got past the access check to the form).
        response = client.post(url, data={"csrf_token": csrf_token(client, "/login"),
                                          "reason": "checking"})
    else:
        response = client.get(url)
    assert response.status_code == expected[ACTORS.index(actor)]
    if response.status_code == 302 and actor == "anonymous":
        assert response.headers["Location"].startswith("/login")


def test_portal_changes_by_the_owner_and_the_operator_take_effect(app, world, client, make):
    """The 302s above are successes: the delete deleted, the hide hid."""
    portal_login(client, world.own.email)
    client.post(f"/bulletins/{world.ids['b']}/delete",
                data={"csrf_token": csrf_token(client, "/bulletins")})
    assert make.get(Bulletin, world.ids["b"]) is None
    client.post("/logout", data={"csrf_token": csrf_token(client, "/bulletins")})
    portal_login(client, world.operator.email)
    client.post(f"/bulletins/{world.ids['h']}/unhide",
                data={"csrf_token": csrf_token(client, "/bulletins")})
    assert make.get(Bulletin, world.ids["h"]).hidden_at is None

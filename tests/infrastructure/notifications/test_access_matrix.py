"""Every notification and webhook route × anonymous, the member concerned (a company
admin), a colleague (same company, sales), another company's admin, the operator, and
the company's API key. Someone else's notification and another company's webhook are
not found (404); managing webhooks needs a company administrator in person (403)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from marketplace.infrastructure.notifications import N_
from tests.factories import csrf_token, portal_login
from tests.infrastructure.notifications.support import Receiver, notify_now
from tests.worlds import shared_world

ACTORS = ("anonymous", "own", "colleague", "other", "operator", "key")


@dataclass
class World:
    people: dict
    key: str
    ids: dict


@shared_world
def world(app, make, api, keep):
    own = make.company_with_admin("Own Co")
    people = {"own": own, "colleague": make.member(own.company_id, "sales"),
              "other": make.company_with_admin("Other Co"), "operator": make.operator()}
    [notification_id] = notify_now(
        app, event="testing.parcel_arrived", company_id=own.company_id,
        user_ids=[own.user_id], message=N_("Parcel %(number)s arrived."),
        params={"number": "P-1"}, link="/catalog", email=False)
    token = api.token(own)
    webhook_id = api.post("/webhooks", token, json={
        "url": _receiver(keep).url, "events": ["testing.parcel_arrived"]}).get_json()["id"]
    delivery_id = api.post(f"/webhooks/{webhook_id}/test", token).get_json()["id"]
    return World(people, make.api_key(own),
                 {"n": notification_id, "w": webhook_id, "d": delivery_id})


def _receiver(keep) -> Receiver:
    """A local webhook receiver that lives as long as the world (cases test-send to it)."""
    server = Receiver(statuses=[200]).start()
    keep.callback(server.stop)
    return server


def _token(world, api, actor):
    if actor == "key":
        return world.key
    who = world.people.get(actor)
    return api.token(who) if who else None


NEW_HOOK = {"url": "https://erp.example.com/in", "events": ["webhook.ping"]}

# method, path, body, expected for (anonymous, own, colleague, other, operator, key)
API_ROUTES = [
    ("GET", "/notifications", None, (401, 200, 200, 200, 200, 403)),
    ("GET", "/notifications?unread=true", None, (401, 200, 200, 200, 200, 403)),
    ("POST", "/notifications/{n}/read", None, (401, 200, 404, 404, 404, 403)),
    ("POST", "/notifications/read-all", None, (401, 200, 200, 200, 200, 403)),
    ("GET", "/notifications/preferences", None, (401, 200, 200, 200, 200, 403)),
    ("PATCH", "/notifications/preferences", {"email": {"webhook.failed": False}},
     (401, 200, 200, 200, 200, 403)),
    ("GET", "/webhooks/events", None, (401, 200, 200, 200, 200, 200)),
    ("GET", "/webhooks", None, (401, 200, 403, 200, 403, 403)),
    ("POST", "/webhooks", NEW_HOOK, (401, 201, 403, 201, 403, 403)),
    ("GET", "/webhooks/{w}", None, (401, 200, 403, 404, 403, 403)),
    ("PATCH", "/webhooks/{w}", {"description": "ERP"}, (401, 200, 403, 404, 403, 403)),
    ("GET", "/webhooks/{w}/deliveries", None, (401, 200, 403, 404, 403, 403)),
    ("POST", "/webhooks/{w}/test", None, (401, 202, 403, 404, 403, 403)),
    ("POST", "/webhooks/{w}/deliveries/{d}/redeliver", None, (401, 202, 403, 404, 403, 403)),
    ("DELETE", "/webhooks/{w}", None, (401, 204, 403, 404, 403, 403)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, body, expected):
    response = api.call(method, path.format(**world.ids), _token(world, api, actor), json=body)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)


def test_members_see_only_their_own_notifications(world, api):
    mine = api.get("/notifications", api.token(world.people["own"])).get_json()
    assert [n["id"] for n in mine["items"]] == [world.ids["n"]] and mine["unread"] == 1
    for actor in ("colleague", "other", "operator"):
        theirs = api.get("/notifications", api.token(world.people[actor])).get_json()
        assert theirs == {"items": [], "total": 0, "total_capped": False, "page": 1,
                          "per_page": 20, "unread": 0}


# method, path, expected for (anonymous, own, colleague, other, operator)
PORTAL_ROUTES = [
    ("GET", "/notifications", (302, 200, 200, 200, 200)),
    ("GET", "/notifications/bell", (302, 200, 200, 200, 200)),
    ("POST", "/notifications/preferences", (302, 302, 302, 302, 302)),
    ("POST", "/notifications/{n}/open", (302, 302, 404, 404, 404)),
    ("POST", "/notifications/{n}/read", (302, 302, 404, 404, 404)),
    ("POST", "/notifications/read-all", (302, 302, 302, 302, 302)),
    ("GET", "/webhooks", (302, 200, 403, 200, 403)),
    ("GET", "/webhooks/{w}", (302, 200, 403, 404, 403)),
    ("POST", "/webhooks/{w}/disable", (302, 302, 403, 404, 403)),
    ("POST", "/webhooks/{w}/enable", (302, 302, 403, 404, 403)),
    ("POST", "/webhooks/{w}/test", (302, 302, 403, 404, 403)),
    ("POST", "/webhooks/{w}/deliveries/{d}/redeliver", (302, 302, 403, 404, 403)),
    ("POST", "/webhooks/{w}/delete", (302, 302, 403, 404, 403)),
]


@pytest.mark.parametrize("actor", ACTORS[:-1])
@pytest.mark.parametrize(("method", "path", "expected"), PORTAL_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in PORTAL_ROUTES])
def test_portal_access(world, client, actor, method, path, expected):
    who = world.people.get(actor)
    if who:
        assert portal_login(client, who.email).status_code == 302
    url = path.format(**world.ids)
    if method == "POST":
        response = client.post(url, data={"csrf_token": csrf_token(client, "/login")})
    else:
        response = client.get(url)
    assert response.status_code == expected[ACTORS.index(actor)]
    if response.status_code == 302:
        went_to_login = response.headers["Location"].startswith("/login")
        assert went_to_login == (actor == "anonymous")

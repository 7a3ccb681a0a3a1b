"""Every route of the infrastructure module × anonymous, own company, other company,
operator. Another company's records are not found (404), never merely forbidden."""

from dataclasses import dataclass

import pytest

from marketplace.infrastructure.models import CompanyStatus
from tests.factories import csrf_token, portal_login
from tests.worlds import shared_world

ACTORS = ("anonymous", "own", "other", "operator")


@dataclass
class World:
    own: object
    other: object
    operator: object
    colleague: object
    pending_company_id: int
    ids: dict


@shared_world
def world(make, api):
    own = make.company_with_admin("Own Co", roles=("supplier",))
    other = make.company_with_admin("Other Co", roles=("buyer",))
    colleague = make.member(own.company_id, "sales")
    pending = make.company(status=CompanyStatus.PENDING)
    operator = make.operator()
    token = api.token(own)
    members = api.get(f"/companies/{own.company_id}/members", token).get_json()["items"]
    ids = {
        "A": own.company_id,
        "P": pending,
        "m": next(m["id"] for m in members if m["user"]["id"] == colleague.user_id),
        "inv": api.post(f"/companies/{own.company_id}/members", token,
                        json={"email": "invitee@example.com", "role": "viewer"}
                        ).get_json()["id"],
        "key": api.post("/api-keys", token, json={"name": "ERP"}).get_json()["id"],
        "e": api.post("/address-book", token, json={"name": "Forwarder"}).get_json()["id"],
    }
    return World(own, other, operator, colleague, pending, ids)


# method, path, body, expected status for (anonymous, own, other, operator)
API_ROUTES = [
    ("GET", "/me", None, (401, 200, 200, 200)),
    ("GET", "/me/work-list", None, (401, 200, 200, 200)),
    ("GET", "/companies/{A}", None, (200, 200, 200, 200)),
    ("GET", "/companies/{P}", None, (404, 404, 404, 200)),
    ("PATCH", "/companies/{A}", {"city": "Taipei"}, (401, 200, 404, 403)),
    ("GET", "/companies/{A}/members", None, (401, 200, 404, 200)),
    ("POST", "/companies/{A}/members", {"email": "new@example.com", "role": "viewer"},
     (401, 201, 404, 403)),
    ("GET", "/companies/{A}/invitations", None, (401, 200, 404, 403)),
    ("DELETE", "/companies/{A}/invitations/{inv}", None, (401, 204, 404, 403)),
    ("PATCH", "/companies/{A}/members/{m}", {"role": "viewer"}, (401, 200, 404, 403)),
    ("DELETE", "/companies/{A}/members/{m}", None, (401, 204, 404, 403)),
    ("GET", "/api-keys", None, (401, 200, 200, 403)),
    ("POST", "/api-keys", {"name": "WMS"}, (401, 201, 201, 403)),
    ("DELETE", "/api-keys/{key}", None, (401, 204, 404, 403)),
    ("GET", "/address-book", None, (401, 200, 200, 403)),
    ("POST", "/address-book", {"name": "Bank"}, (401, 201, 201, 403)),
    ("GET", "/address-book/{e}", None, (401, 200, 404, 403)),
    ("PATCH", "/address-book/{e}", {"notes": "call first"}, (401, 200, 404, 403)),
    ("DELETE", "/address-book/{e}", None, (401, 204, 404, 403)),
    ("GET", "/categories", None, (200, 200, 200, 200)),
    ("POST", "/admin/categories", {"code": "toys", "name": "Toys"}, (401, 403, 403, 201)),
    ("GET", "/admin/companies", None, (401, 403, 403, 200)),
    ("POST", "/admin/companies/{P}/approve", None, (401, 403, 403, 200)),
    ("POST", "/admin/companies/{A}/suspend", {"reason": "fraud report"},
     (401, 403, 403, 200)),
    ("DELETE", "/auth/token", None, (401, 204, 204, 204)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, body, expected):
    who = {"own": world.own, "other": world.other, "operator": world.operator}.get(actor)
    token = api.token(who) if who else None
    response = api.call(method, path.format(**world.ids), token, json=body)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)


# method, path, expected status for (anonymous, own, other, operator)
PORTAL_ROUTES = [
    # The operator's office shows platform totals (it logs in to the approval queue).
    ("GET", "/", (200, 200, 200, 200)),
    ("GET", "/profile", (302, 200, 200, 200)),
    ("GET", "/company", (302, 200, 200, 404)),
    ("GET", "/members", (302, 200, 200, 404)),
    ("POST", "/members/{m}/role", (302, 302, 404, 403)),
    ("POST", "/members/{m}/remove", (302, 302, 404, 403)),
    ("POST", "/invitations/{inv}/revoke", (302, 302, 404, 403)),
    ("GET", "/api-keys", (302, 200, 200, 403)),
    ("POST", "/api-keys/{key}/revoke", (302, 302, 404, 403)),
    ("GET", "/address-book", (302, 200, 200, 403)),
    ("GET", "/address-book/{e}", (302, 200, 404, 403)),
    ("POST", "/address-book/{e}/delete", (302, 302, 404, 403)),
    ("GET", "/admin/companies", (302, 403, 403, 200)),
    ("POST", "/admin/companies/{P}/approve", (302, 403, 403, 302)),
    ("GET", "/admin/categories", (302, 403, 403, 200)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "expected"), PORTAL_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in PORTAL_ROUTES])
def test_portal_access(world, client, actor, method, path, expected):
    who = {"own": world.own, "other": world.other, "operator": world.operator}.get(actor)
    if who:
        assert portal_login(client, who.email).status_code == 302
    url = path.format(**world.ids)
    if method == "POST":
        form = {"csrf_token": csrf_token(client, "/login"), "role": "viewer",
                "reason": "checking"}
        response = client.post(url, data=form)
    else:
        response = client.get(url)
    assert response.status_code == expected[ACTORS.index(actor)]
    if response.status_code == 302 and actor == "anonymous":
        assert response.headers["Location"].startswith("/login")


def test_portal_changes_by_own_admin_take_effect(world, client, api):
    """The 302s above for the own company are successes: check one of each kind."""
    portal_login(client, world.own.email)
    token = csrf_token(client, "/members")
    client.post(f"/members/{world.ids['m']}/role", data={"csrf_token": token, "role": "viewer"})
    client.post(f"/address-book/{world.ids['e']}/delete", data={"csrf_token": token})
    own_token = api.token(world.own)
    members = api.get(f"/companies/{world.ids['A']}/members", own_token).get_json()["items"]
    assert {m["id"]: m["role"] for m in members}[world.ids["m"]] == "viewer"
    assert api.get(f"/address-book/{world.ids['e']}", own_token).status_code == 404

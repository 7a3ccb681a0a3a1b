"""Every profile, factory tour and certification route (API and portal) × anonymous,
own company, other company, operator. A pending company's profile is not found (404)
by anyone but itself and the operator; another company's items are not found either."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from marketplace.content.models import Certification, FactoryTourItem
from marketplace.infrastructure.models import CompanyStatus
from tests.content.test_profiles import media_folder, pdf_bytes, png_bytes, upload  # noqa: F401
from tests.factories import csrf_token, portal_login
from tests.worlds import shared_world

ACTORS = ("anonymous", "own", "other", "operator")


@dataclass
class World:
    own: object
    other: object
    operator: object
    pending: object
    ids: dict


@shared_world
def world(make, api):
    own = make.company_with_admin("Own Co", roles=("supplier",))
    other = make.company_with_admin("Other Co", roles=("buyer",))
    pending = make.company_with_admin("Pending Co", roles=("supplier",),
                                      status=CompanyStatus.PENDING)
    operator = make.operator()

    def created(member, path, data):
        response = api.post(path.format(c=member.company_id), api.token(member), data=data)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    tour = created(own, "/companies/{c}/factory-tour", upload(png_bytes(), "hall.png"))
    cert = created(own, "/companies/{c}/certifications",
                   upload(pdf_bytes(), "iso.pdf", name="ISO 9001"))
    pending_tour = created(pending, "/companies/{c}/factory-tour", upload(png_bytes(), "p.png"))
    pending_cert = created(pending, "/companies/{c}/certifications",
                           upload(pdf_bytes(), "p.pdf", name="ISO 14001"))
    ids = {"A": own.company_id, "P": pending.company_id, "t": tour["id"], "c": cert["id"],
           "pt": pending_tour["id"], "pc": pending_cert["id"],
           "tm": tour["media"]["id"], "cm": cert["document"]["id"],
           "ptm": pending_tour["media"]["id"], "pcm": pending_cert["document"]["id"]}
    return World(own, other, operator, pending, ids)


def _who(world, actor):
    return {"own": world.own, "other": world.other, "operator": world.operator}.get(actor)


# method, path, body (json or multipart), expected status for (anonymous, own, other, operator)
API_ROUTES = [
    ("GET", "/companies/{A}/profile", None, (200, 200, 200, 200)),
    ("GET", "/companies/{P}/profile", None, (404, 404, 404, 200)),
    ("PATCH", "/companies/{A}/profile", {"year_founded": 1990}, (401, 200, 404, 403)),
    ("PATCH", "/companies/{P}/profile", {"year_founded": 1990}, (401, 404, 404, 403)),
    ("GET", "/companies/{A}/factory-tour", None, (200, 200, 200, 200)),
    ("GET", "/companies/{P}/factory-tour", None, (404, 404, 404, 200)),
    ("POST", "/companies/{A}/factory-tour", "photo", (401, 201, 404, 403)),
    ("GET", "/companies/{A}/factory-tour/{t}", None, (200, 200, 200, 200)),
    ("GET", "/companies/{P}/factory-tour/{pt}", None, (404, 404, 404, 200)),
    ("GET", "/companies/{A}/factory-tour/{pt}", None, (404, 404, 404, 404)),
    ("PATCH", "/companies/{A}/factory-tour/{t}", {"caption_en": "Hall"}, (401, 200, 404, 403)),
    ("PUT", "/companies/{A}/factory-tour/order", {"ids": ["{t}"]}, (401, 200, 404, 403)),
    ("DELETE", "/companies/{A}/factory-tour/{t}", None, (401, 204, 404, 403)),
    ("GET", "/companies/{A}/certifications", None, (200, 200, 200, 200)),
    ("GET", "/companies/{P}/certifications", None, (404, 404, 404, 200)),
    ("POST", "/companies/{A}/certifications", "certificate", (401, 201, 404, 403)),
    ("GET", "/companies/{A}/certifications/{c}", None, (200, 200, 200, 200)),
    ("GET", "/companies/{P}/certifications/{pc}", None, (404, 404, 404, 200)),
    ("PATCH", "/companies/{A}/certifications/{c}", {"issuer": "SGS"}, (401, 200, 404, 403)),
    ("DELETE", "/companies/{A}/certifications/{c}", None, (401, 204, 404, 403)),
]


def _body(body, ids):
    if body == "photo":
        return {"data": upload(png_bytes(), "new.png", caption_en="New")}
    if body == "certificate":
        return {"data": upload(pdf_bytes(), "new.pdf", name="CE")}
    if isinstance(body, dict) and "ids" in body:
        return {"json": {"ids": [int(i.format(**ids)) for i in body["ids"]]}}
    return {"json": body}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, body, expected):
    who = _who(world, actor)
    token = api.token(who) if who else None
    response = api.call(method, path.format(**world.ids), token, **_body(body, world.ids))
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)


def test_the_pending_company_reaches_its_own_profile(world, api):
    token = api.token(world.pending)
    for path in ("/companies/{P}/profile", "/companies/{P}/factory-tour/{pt}",
                 "/companies/{P}/certifications/{pc}"):
        assert api.get(path.format(**world.ids), token).status_code == 200, path


# The files: factory tour media and certificates of an active company are public; a
# pending company's are seen by itself and the operator only.
MEDIA_ROUTES = [
    ("/media/{tm}", (200, 200, 200, 200)),
    ("/media/{tm}/thumbnail", (200, 200, 200, 200)),
    ("/media/{cm}", (200, 200, 200, 200)),
    ("/media/{ptm}", (404, 404, 404, 200)),
    ("/media/{pcm}", (404, 404, 404, 200)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("path", "expected"), MEDIA_ROUTES, ids=[r[0] for r in MEDIA_ROUTES])
def test_profile_files_follow_the_company(world, client, actor, path, expected):
    who = _who(world, actor)
    if who:
        portal_login(client, who.email)
    response = client.get(path.format(**world.ids))
    assert response.status_code == expected[ACTORS.index(actor)]


def test_a_pending_companys_files_are_served_to_itself(world, client):
    portal_login(client, world.pending.email)
    assert client.get(f"/media/{world.ids['ptm']}").status_code == 200
    assert client.get(f"/media/{world.ids['pcm']}").status_code == 200


# method, path, expected status for (anonymous, own, other, operator)
PORTAL_ROUTES = [
    ("GET", "/companies/{A}", (200, 200, 200, 200)),
    ("GET", "/companies/{P}", (404, 404, 404, 200)),
    ("GET", "/my/profile", (302, 200, 200, 403)),
    ("POST", "/my/profile", (302, 302, 302, 403)),
    ("GET", "/my/profile/factory-tour", (302, 200, 200, 403)),
    ("POST", "/my/profile/factory-tour", (302, 422, 422, 403)),
    ("POST", "/my/profile/factory-tour/{t}/captions", (302, 302, 404, 403)),
    ("POST", "/my/profile/factory-tour/{t}/move/down", (302, 302, 404, 403)),
    ("POST", "/my/profile/factory-tour/{t}/delete", (302, 302, 404, 403)),
    ("GET", "/my/profile/certifications", (302, 200, 200, 403)),
    ("POST", "/my/profile/certifications", (302, 422, 422, 403)),
    ("GET", "/my/profile/certifications/{c}", (302, 200, 404, 403)),
    ("POST", "/my/profile/certifications/{c}", (302, 422, 404, 403)),
    ("POST", "/my/profile/certifications/{c}/delete", (302, 302, 404, 403)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "expected"), PORTAL_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in PORTAL_ROUTES])
def test_portal_access(world, client, actor, method, path, expected):
    who = _who(world, actor)
    if who:
        assert portal_login(client, who.email).status_code == 302
    url = path.format(**world.ids)
    if method == "POST":
        # The CSRF token and a version; a file or a name is missing on purpose (422
        # shows the request got past the access check to the form).
        form = {"csrf_token": csrf_token(client, "/login"), "version": "0"}
        response = client.post(url, data=form)
    else:
        response = client.get(url)
    assert response.status_code == expected[ACTORS.index(actor)]
    if response.status_code == 302 and actor == "anonymous":
        assert response.headers["Location"].startswith("/login")


def test_portal_changes_by_the_own_admin_take_effect(world, client, make):
    portal_login(client, world.own.email)
    token = csrf_token(client, "/my/profile")
    client.post(f"/my/profile/factory-tour/{world.ids['t']}/delete", data={"csrf_token": token})
    client.post(f"/my/profile/certifications/{world.ids['c']}/delete",
                data={"csrf_token": token})
    assert make.get(FactoryTourItem, world.ids["t"]) is None
    assert make.get(Certification, world.ids["c"]) is None

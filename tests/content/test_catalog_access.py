"""Who may use the offline catalog: every route × anonymous, own administrator, own
viewer, another company's administrator, the operator. Another company's import job is
not found (404), never merely forbidden."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from tests.content.catalog_support import TEA, categories, csv_file, post_import  # noqa: F401
from tests.factories import csrf_token, portal_login
from tests.worlds import shared_world

ACTORS = ("anonymous", "own", "viewer", "other", "operator")


@dataclass
class World:
    own: object
    viewer: object
    other: object
    operator: object
    job_id: int


@shared_world
def world(make, api, categories):  # noqa: F811 - fixture
    own = make.company_with_admin("Own Supplier", roles=("supplier",))
    viewer = make.member(own.company_id, "viewer")
    other = make.company_with_admin("Other Supplier", roles=("supplier",))
    operator = make.operator()
    response = post_import(api, api.token(own), csv_file([TEA]), path="/catalog/imports")
    assert response.status_code == 202, response.get_json()
    return World(own, viewer, other, operator, response.get_json()["id"])


def _who(world, actor):
    return {"own": world.own, "viewer": world.viewer, "other": world.other,
            "operator": world.operator}.get(actor)


# method, path, multipart upload?, expected (anonymous, own, viewer, other, operator)
API_ROUTES = [
    ("GET", "/catalog/template", False, (401, 200, 200, 200, 200)),
    ("GET", "/catalog/export?format=csv", False, (401, 200, 200, 200, 403)),
    ("POST", "/catalog/import", True, (401, 200, 403, 200, 403)),
    ("POST", "/catalog/imports", True, (401, 202, 403, 202, 403)),
    ("GET", "/catalog/imports", False, (401, 200, 403, 200, 403)),
    ("GET", "/catalog/imports/{job}", False, (401, 200, 403, 404, 403)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "upload", "expected"), API_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in API_ROUTES])
def test_api_access(world, api, actor, method, path, upload, expected):
    who = _who(world, actor)
    token = api.token(who) if who else None
    url = path.format(job=world.job_id)
    if upload:
        response = post_import(api, token, csv_file([TEA]), path=url)
    else:
        response = api.call(method, url, token)
    assert response.status_code == expected[ACTORS.index(actor)], response.get_data(as_text=True)


def test_another_companys_export_holds_only_its_own_products(world, api):
    text = api.get("/catalog/export?format=csv", api.token(world.other)).get_data()
    assert text.decode("utf-8-sig").splitlines()[1:] == []


PORTAL_ROUTES = [
    ("GET", "/my/catalog", (302, 200, 403, 200, 403)),
    ("POST", "/my/catalog", (302, 302, 403, 302, 403)),
    ("GET", "/my/catalog/imports/{job}", (302, 200, 403, 404, 403)),
    ("GET", "/my/catalog/imports/{job}/progress", (302, 200, 403, 404, 403)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "path", "expected"), PORTAL_ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in PORTAL_ROUTES])
def test_portal_access(world, client, actor, method, path, expected):
    who = _who(world, actor)
    if who:
        assert portal_login(client, who.email).status_code == 302
    url = path.format(job=world.job_id)
    if method == "POST":
        response = client.post(url, content_type="multipart/form-data", data={
            "csrf_token": csrf_token(client, "/login"),
            "file": (io.BytesIO(csv_file([TEA])), "catalog.csv")})
    else:
        response = client.get(url)
    assert response.status_code == expected[ACTORS.index(actor)]
    if response.status_code == 302 and actor == "anonymous":
        assert response.headers["Location"].startswith("/login")
    elif response.status_code == 302:
        assert response.headers["Location"].startswith("/my/catalog/imports/")

"""Access matrix over every route of service cases and departments: anonymous (401 in
the API, the login page in the portal), the case's two companies, another company (404:
its case and its department are simply not there) and the operator (404 for a case
between two companies; its own cases are the operator's)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from tests.content.conftest import pdf_bytes  # noqa: F401
from tests.factories import csrf_token, portal_login
from tests.trading.support import Trade
from tests.worlds import shared_world


@dataclass
class World:
    tokens: dict
    emails: dict
    case: int
    message: int
    media: int
    department: int
    clerk: object  # a sales member of the handling company, in no department


@shared_world
def world(make, api):
    trade = Trade.start(make, api)
    stranger = make.company_with_admin("Nosy Trading", roles=("buyer", "supplier"))
    operator = make.operator()
    tokens = {"opener": trade.buyer_token, "handler": trade.supplier_token,
              "other": api.token(stranger), "operator": api.token(operator)}
    emails = {"opener": trade.buyer.email, "handler": trade.supplier.email,
              "other": stranger.email, "operator": operator.email}
    case = api.post("/service-cases", tokens["opener"], json={
        "counterparty_company_id": trade.supplier.company_id, "type": "complaint",
        "subject": "Dented cartons", "body": "Cartons 4-6 arrived dented."}).get_json()
    message = api.post(f"/service-cases/{case['id']}/messages", tokens["handler"],
                       data={"body": "Photo of our packing",
                             "file": (io.BytesIO(pdf_bytes()), "packing.pdf")},
                       content_type="multipart/form-data").get_json()
    department = api.post("/departments", tokens["handler"],
                          json={"name": "Claims"}).get_json()
    clerk = make.member(trade.supplier.company_id, "sales", email="clerk@tpf.example")
    tokens["clerk"], emails["clerk"] = api.token(clerk), clerk.email
    return World(tokens, emails, case["id"], message["id"], message["attachments"][0]["id"],
                 department["id"], clerk)


def _paths(world):
    case, message, media = world.case, world.message, world.media
    return {
        "case": f"/service-cases/{case}",
        "messages": f"/service-cases/{case}/messages",
        "attachment": f"/service-cases/{case}/messages/{message}/attachments/{media}",
        "department": f"/departments/{world.department}",
    }


API_READS = [  # (path key or path, expected for opener, handler, other, operator)
    ("case", 200, 200, 404, 404),
    ("messages", 200, 200, 404, 404),
    ("attachment", 200, 200, 404, 404),
    ("/service-cases", 200, 200, 200, 200),
    ("/service-figures", 200, 200, 200, 200),
    ("/departments", 200, 200, 200, 403),
    ("department", 404, 200, 404, 403),
]
SIDES = ("opener", "handler", "other", "operator")


@pytest.mark.parametrize("route", API_READS, ids=[r[0] for r in API_READS])
def test_api_reads(api, world, route):
    path = _paths(world).get(route[0], route[0])
    assert api.get(path).status_code == 401
    for side, expected in zip(SIDES, route[1:], strict=True):
        assert api.get(path, world.tokens[side]).status_code == expected, (side, path)


def test_api_writes(api, world):
    paths = _paths(world)
    case = paths["case"]
    writes = [("post", f"{case}/messages", {"body": "Any news?"}, (201, 201, 404, 404)),
              ("post", f"{case}/actions/resolve", {}, (200, 200, 404, 404)),
              ("post", f"{case}/rating", {"score": 3}, (409, 409, 404, 404)),
              ("patch", paths["department"], {"name": "Claims desk"}, (404, 200, 404, 403)),
              ("delete", paths["department"], None, (404, 204, 404, 403)),
              ("post", "/departments", {"name": "Returns"}, (201, 201, 201, 403))]
    for method, path, body, expected in writes:
        kwargs = {"json": body} if body is not None else {}
        assert getattr(api, method)(path, **kwargs).status_code == 401
        for side, status in zip(SIDES, expected, strict=True):
            # Each write alone on the world as built (the case's writes are undone by
            # the next case; here every side tries in turn on the same state).
            response = getattr(api, method)(path, world.tokens[side], **kwargs)
            if side in ("opener", "handler") and status in (200, 201, 204):
                assert response.status_code in (status, 409), (side, path, response.get_json())
            else:
                assert response.status_code == status, (side, path, response.status_code)
    assert api.post("/service-cases", world.tokens["operator"], json={
        "subject": "x", "body": "y"}).status_code == 403


PORTAL = [("/service-cases", 200, 200, 200, 200),
          ("/service-cases/figures", 200, 200, 200, 200),
          ("/service-cases/new", 200, 200, 200, 403),
          ("case", 200, 200, 404, 404),
          ("attachment", 200, 200, 404, 404),
          ("/company/departments", 200, 200, 200, 403),
          ("/departments/{department}/box", 404, 200, 404, 404)]


@pytest.mark.parametrize("route", PORTAL, ids=[r[0] for r in PORTAL])
def test_portal_pages(app, world, route):
    path = _paths(world).get(route[0], route[0]).format(department=world.department)
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    for side, expected in zip(SIDES, route[1:], strict=True):
        client = app.test_client()
        portal_login(client, world.emails[side])
        assert client.get(path).status_code == expected, (side, path)


def test_portal_writes_of_another_company_are_not_found(app, world):
    client = app.test_client()
    portal_login(client, world.emails["other"])
    token = csrf_token(client, "/service-cases/new")
    case = _paths(world)["case"]
    for path in (case, f"{case}/actions/resolve", f"{case}/rating",
                 f"/company/departments/{world.department}",
                 f"/company/departments/{world.department}/delete"):
        assert client.post(path, data={"csrf_token": token, "body": "x", "score": "5"}) \
            .status_code == 404, path


def test_opening_a_case_in_the_api_and_the_portal(app, api, world):
    body = {"counterparty_company_id": None, "type": "question", "subject": "Fees?",
            "body": "What does Premium cost a year?"}
    assert api.post("/service-cases", json=body).status_code == 401
    for side, status in (("opener", 201), ("handler", 201), ("other", 201),
                         ("operator", 403)):
        assert api.post("/service-cases", world.tokens[side], json=body).status_code == \
            status, side
    nobody = app.test_client()
    anonymous = nobody.post("/service-cases/new", data={
        "csrf_token": csrf_token(nobody, "/login"), "subject": "x"})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    client = app.test_client()
    portal_login(client, world.emails["operator"])
    assert client.post("/service-cases/new", data={
        "csrf_token": csrf_token(client, "/service-cases"), "subject": "x",
        "body": "y", "type": "question"}).status_code == 403


def test_a_member_who_is_no_admin_reads_departments_and_changes_none(app, api, world):
    """The handling company's sales clerk: the departments listed, each one readable, but
    setting them up is its administrators' (403), and the clerk, in no department, does
    not open the box (403); another company finds none of it (404)."""
    token, department = world.tokens["clerk"], world.department
    assert api.get("/departments", token).status_code == 200
    assert api.get(f"/departments/{department}", token).status_code == 200
    assert api.post("/departments", token, json={"name": "Mine"}).status_code == 403
    assert api.patch(f"/departments/{department}", token,
                     json={"name": "Taken"}).status_code == 403
    assert api.delete(f"/departments/{department}", token).status_code == 403
    assert api.get(f"/service-cases?department_id={department}", token).status_code == 404
    client = app.test_client()
    portal_login(client, world.emails["clerk"])
    csrf = csrf_token(client, "/company/departments")
    assert client.get(f"/departments/{department}/box").status_code == 403
    assert client.get(f"/company/departments/{department}").status_code == 403
    for path in ("/company/departments", f"/company/departments/{department}",
                 f"/company/departments/{department}/delete"):
        assert client.post(path, data={"csrf_token": csrf, "name": "Taken"}
                           ).status_code == 403, path
    other = app.test_client()
    portal_login(other, world.emails["other"])
    assert other.get(f"/company/departments/{department}").status_code == 404
    names = [d["name"] for d in api.get("/departments", world.tokens["handler"]).get_json()]
    assert names == ["Claims"]

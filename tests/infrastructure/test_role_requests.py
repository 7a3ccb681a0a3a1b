"""Changing a company's roles is the operator's decision (issue 12, item 9): a company
admin could PATCH its own company into a supplier and publish at once. Now the admin
asks, the operator is told and approves or declines, in the API and the portal."""

import re

from marketplace.infrastructure.models import Company
from tests.factories import csrf_token, portal_login


def _company_roles(make, company_id):
    return make.get(Company, company_id).roles


def test_an_admin_cannot_patch_its_own_roles(api, make):
    admin = make.company_with_admin(roles=("buyer",))
    response = api.patch(f"/companies/{admin.company_id}", api.token(admin),
                         json={"roles": ["buyer", "supplier"]})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["roles"]
    assert _company_roles(make, admin.company_id) == ["buyer"]
    same = api.patch(f"/companies/{admin.company_id}", api.token(admin),
                     json={"roles": ["buyer"], "city": "Taipei"})
    assert same.status_code == 200  # unchanged roles alongside other changes: fine


def test_a_request_waits_for_the_operator_who_is_mailed_and_approves(api, make, mailbox):
    admin = make.company_with_admin(roles=("buyer",))
    operator = make.operator()
    token = api.token(admin)
    asked = api.post(f"/companies/{admin.company_id}/role-requests", token,
                     json={"roles": ["buyer", "supplier"]})
    assert asked.status_code == 201, asked.get_json()
    request = asked.get_json()
    assert (request["status"], request["roles"]) == ("pending", ["buyer", "supplier"])
    assert _company_roles(make, admin.company_id) == ["buyer"]  # not yet
    [mail] = mailbox.to(operator.email)
    assert "role" in mail["Subject"].lower()
    again = api.post(f"/companies/{admin.company_id}/role-requests", token,
                     json={"roles": ["supplier"]})
    assert again.status_code == 409  # one open request at a time

    operator_token = api.token(operator)
    queue = api.get("/admin/role-requests?status=pending", operator_token).get_json()
    assert [r["id"] for r in queue["items"]] == [request["id"]]
    assert api.post(f"/admin/role-requests/{request['id']}/approve", token).status_code == 403
    approved = api.post(f"/admin/role-requests/{request['id']}/approve", operator_token)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert _company_roles(make, admin.company_id) == ["buyer", "supplier"]
    twice = api.post(f"/admin/role-requests/{request['id']}/approve", operator_token)
    assert twice.status_code == 409
    mine = api.get(f"/companies/{admin.company_id}/role-requests", token).get_json()
    assert [r["status"] for r in mine] == ["approved"]


def test_a_declined_request_leaves_the_roles_and_says_why(api, make):
    admin = make.company_with_admin(roles=("buyer",))
    operator_token = api.token(make.operator())
    request = api.post(f"/companies/{admin.company_id}/role-requests", api.token(admin),
                       json={"roles": ["supplier"]}).get_json()
    no_reason = api.post(f"/admin/role-requests/{request['id']}/decline", operator_token,
                         json={})
    assert no_reason.status_code == 422
    declined = api.post(f"/admin/role-requests/{request['id']}/decline", operator_token,
                        json={"reason": "No business licence for manufacturing."})
    assert declined.status_code == 200
    assert declined.get_json()["reason"] == "No business licence for manufacturing."
    assert _company_roles(make, admin.company_id) == ["buyer"]


def test_only_the_companys_admins_ask_and_nobody_asks_for_nothing(api, make):
    admin = make.company_with_admin(roles=("buyer",))
    member = make.member(admin.company_id, "sales")
    other = make.company_with_admin()
    path = f"/companies/{admin.company_id}/role-requests"
    assert api.post(path, api.token(member), json={"roles": ["supplier"]}).status_code == 403
    assert api.post(path, api.token(other), json={"roles": ["supplier"]}).status_code == 404
    same = api.post(path, api.token(admin), json={"roles": ["buyer"]})
    assert same.status_code == 422 and list(same.get_json()["errors"]) == ["roles"]
    assert api.post(path, api.token(admin), json={"roles": []}).status_code == 422


def test_the_portal_turns_a_roles_change_into_a_request_the_operator_approves(client, make):
    admin = make.company_with_admin("Harbour Goods", roles=("buyer",))
    operator = make.operator()
    portal_login(client, admin.email)
    token = csrf_token(client, "/company")
    version = re.search(r'name="version" type="hidden" value="(\d+)"',
                        client.get("/company").get_data(as_text=True)).group(1)
    saved = client.post("/company", data={
        "csrf_token": token, "name": "Harbour Goods", "country": "TW", "version": version,
        "roles": ["buyer", "supplier"]}, follow_redirects=True)
    assert saved.status_code == 200
    assert "operator" in saved.get_data(as_text=True)
    assert _company_roles(make, admin.company_id) == ["buyer"]

    client.post("/logout", data={"csrf_token": csrf_token(client, "/company")})
    portal_login(client, operator.email)
    page = client.get("/admin/role-requests").get_data(as_text=True)
    assert "Harbour Goods" in page
    [request_id] = [int(part.split('"')[0]) for part in page.split('data-request="')[1:]]
    approved = client.post(f"/admin/role-requests/{request_id}/approve",
                           data={"csrf_token": csrf_token(client, "/admin/role-requests")})
    assert approved.status_code == 302
    assert _company_roles(make, admin.company_id) == ["buyer", "supplier"]


def test_access_anonymous_company_members_and_the_operator(api, make, client):
    admin = make.company_with_admin(roles=("buyer",))
    operator_token = api.token(make.operator())
    path = f"/companies/{admin.company_id}/role-requests"
    assert api.post(path, json={"roles": ["supplier"]}).status_code == 401
    assert api.get(path).status_code == 401
    assert api.get(path, operator_token).status_code == 403  # not a member of the company
    assert api.get("/admin/role-requests").status_code == 401
    assert api.get("/admin/role-requests", api.token(admin)).status_code == 403
    assert api.post("/admin/role-requests/999/approve", operator_token).status_code == 404
    assert client.get("/admin/role-requests").status_code == 302  # to the login page
    portal_login(client, admin.email)
    assert client.get("/admin/role-requests").status_code == 403

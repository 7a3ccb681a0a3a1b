"""Departments (API.md, "Service"): a company admin organises members into departments
with a head; a dispatch rule routes an incoming document (and a service case) to a
department's shared box, which its members open and others of the company cannot; an
approval rule names a department's head, who alone (or an admin) approves."""

from __future__ import annotations

from dataclasses import dataclass

from tests.factories import csrf_token, portal_login
from tests.trading.support import Trade
from tests.worlds import shared_world


@dataclass
class World:
    trade: Trade
    head: object
    member: object
    outsider: object
    head_token: str
    member_token: str
    outsider_token: str
    stranger_token: str
    department: dict
    stranger: object


@shared_world
def world(make, api):
    trade = Trade.start(make, api)
    supplier_id = trade.supplier.company_id
    head = make.member(supplier_id, "sales", email="head@tpf.example")
    member = make.member(supplier_id, "sales", email="clerk@tpf.example")
    outsider = make.member(supplier_id, "sales", email="other@tpf.example")
    stranger = make.company_with_admin("Nosy Trading", roles=("buyer", "supplier"))
    made = api.post("/departments", trade.supplier_token, json={
        "name": "Sales Europe", "head_user_id": head.user_id, "member_ids": [member.user_id]})
    assert made.status_code == 201, made.get_json()
    return World(trade, head, member, outsider, api.token(head), api.token(member),
                 api.token(outsider), api.token(stranger), made.get_json(), stranger)


def test_a_department_has_its_head_among_its_members(api, world):
    department = world.department
    assert department["name"] == "Sales Europe"
    assert department["head_user_id"] == world.head.user_id
    assert sorted(department["member_ids"]) == sorted([world.head.user_id,
                                                       world.member.user_id])
    listed = api.get("/departments", world.member_token).get_json()
    assert [d["name"] for d in listed] == ["Sales Europe"]
    assert api.get("/departments", world.stranger_token).get_json() == []
    assert api.get(f"/departments/{department['id']}", world.stranger_token).status_code == 404


def test_bad_department_input_names_each_field(api, world):
    token = world.trade.supplier_token
    empty = api.post("/departments", token, json={"name": " ", "member_ids": [999999]})
    assert empty.status_code == 422
    assert set(empty.get_json()["errors"]) == {"name", "member_ids.0"}
    taken = api.post("/departments", token, json={"name": "sales europe"})
    assert taken.get_json()["errors"]["name"] == [
        "Your company has a department of this name already."]
    foreign = api.post("/departments", token, json={
        "name": "Purchasing", "head_user_id": world.trade.buyer.user_id})
    assert set(foreign.get_json()["errors"]) == {"head_user_id"}
    # Only administrators organise departments.
    assert api.post("/departments", world.member_token,
                    json={"name": "Mine"}).status_code == 403
    assert api.patch(f"/departments/{world.department['id']}", world.stranger_token,
                     json={"name": "Taken over"}).status_code == 404
    assert [d["name"] for d in api.get("/departments", token).get_json()] == ["Sales Europe"]


def test_a_document_routed_to_the_department_lands_in_its_shared_box(api, app, world):
    trade = world.trade
    rule = api.post("/document-settings/dispatch-rules", trade.supplier_token, json={
        "type": "inquiry", "sender_country": "DE", "department_id": world.department["id"]})
    assert rule.status_code == 201, rule.get_json()
    assert rule.get_json()["department_id"] == world.department["id"]
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry", subject="Bolts for Hamburg"),
                        "send")
    assert trade.get("supplier", inquiry)["assigned_to"] is None  # the box's members take it
    box = f"/departments/{world.department['id']}/box"
    for email in ("clerk@tpf.example", "head@tpf.example", trade.supplier.email):
        client = app.test_client()
        portal_login(client, email)
        page = client.get(box)
        assert page.status_code == 200
        assert inquiry["number"] in page.get_data(as_text=True)
    client = app.test_client()
    portal_login(client, "other@tpf.example")  # same company, not in the department
    assert client.get(box).status_code == 403
    nosy = app.test_client()  # another company: no such department
    portal_login(nosy, world.stranger.email)
    assert nosy.get(box).status_code == 404
    assert world.department["id"] not in [d["id"] for d in api.get(
        "/departments", world.stranger_token).get_json()]
    cases = api.get(f"/service-cases?department_id={world.department['id']}",
                    world.outsider_token)
    assert cases.status_code == 404


def test_a_service_case_routed_to_the_department(api, world):
    trade = world.trade
    rule = api.post("/document-settings/dispatch-rules", trade.supplier_token, json={
        "type": "service_case", "keyword": "thread", "department_id": world.department["id"]})
    assert rule.status_code == 201, rule.get_json()
    case = api.post("/service-cases", trade.buyer_token, json={
        "counterparty_company_id": trade.supplier.company_id, "type": "complaint",
        "subject": "Wrong thread pitch", "body": "M8×1.25 instead of M8×1.0"}).get_json()
    assert case["department_id"] is None  # the opener does not see the other's departments
    box = api.get(f"/service-cases?department_id={world.department['id']}", world.member_token)
    assert [c["id"] for c in box.get_json()["items"]] == [case["id"]]
    assert box.get_json()["items"][0]["department_id"] == world.department["id"]
    work = api.get("/me/work-list", world.member_token).get_json()["items"]
    assert [i for i in work if i["kind"] == "service_case_to_answer"]
    outsider_work = api.get("/me/work-list", world.outsider_token).get_json()["items"]
    assert not [i for i in outsider_work if i["kind"] == "service_case_to_answer"]


def test_an_approval_rule_names_the_department_head(api, world, make):
    trade = world.trade
    approver = make.member(trade.supplier.company_id, "approver")
    rule = api.post("/document-settings/approval-rules", trade.supplier_token, json={
        "type": "quotation", "direction": "send",
        "steps": [{"role": "department_head", "department_id": world.department["id"]}]})
    assert rule.status_code == 201, rule.get_json()
    assert rule.get_json()["steps"][0]["department_id"] == world.department["id"]
    missing = api.post("/document-settings/approval-rules", trade.supplier_token, json={
        "type": "quotation", "direction": "send", "steps": [{"role": "department_head"}]})
    assert set(missing.get_json()["errors"]) == {"steps.0.department_id"}
    quotation = api.post("/documents", world.member_token, json={
        "type": "quotation", "recipient_company_id": trade.buyer.company_id, "currency": "USD",
        "subject": "Bolts", "lines": [{"description": "Bolt", "quantity": "10", "unit": "pcs",
                                       "unit_price": "1.00"}]}).get_json()
    sent = api.post(f"/documents/{quotation['id']}/actions/send", world.member_token, json={})
    assert sent.get_json()["status"] == "pending_approval"
    refused = api.post(f"/documents/{quotation['id']}/actions/approve", api.token(approver),
                       json={})
    assert refused.status_code == 409
    assert "Sales Europe" in refused.get_json()["detail"]
    approved = api.post(f"/documents/{quotation['id']}/actions/approve", world.head_token,
                        json={})
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "sent"


def test_the_settings_page_sets_up_a_department(client, world):
    portal_login(client, world.trade.supplier.email)
    page = client.get("/company/departments")
    assert page.status_code == 200 and "Sales Europe" in page.get_data(as_text=True)
    refused = client.post("/company/departments", data={
        "csrf_token": csrf_token(client, "/company/departments"), "name": ""})
    assert refused.status_code == 422
    assert "Give the department a name." in refused.get_data(as_text=True)
    made = client.post("/company/departments", data={
        "csrf_token": csrf_token(client, "/company/departments"), "name": "Purchasing Textiles",
        "head_user_id": str(world.member.user_id), "member_ids": [str(world.outsider.user_id)]})
    assert made.status_code == 303
    assert "Purchasing Textiles" in client.get("/company/departments").get_data(as_text=True)


def test_the_document_settings_page_routes_to_a_department_and_names_its_head(app, world):
    client = app.test_client()
    portal_login(client, world.trade.supplier.email)
    settings = "/trading/settings"
    page = client.get(settings).get_data(as_text=True)
    assert "Head of Sales Europe" in page and 'id="rule-department"' in page
    token = csrf_token(client, settings)
    routed = client.post("/trading/settings/dispatch-rules", data={
        "csrf_token": token, "type": "service_case", "keyword": "carton",
        "department_id": str(world.department["id"])})
    assert routed.status_code in (302, 303)
    approval = client.post("/trading/settings/approval-rules", data={
        "csrf_token": token, "type": "purchase_order", "direction": "send",
        "steps": [f"department:{world.department['id']}"]})
    assert approval.status_code in (302, 303)
    page = client.get(settings).get_data(as_text=True)
    assert "Department box: Sales Europe" in page
    assert page.count("Head of Sales Europe") >= 2  # the rule's step, and the choice

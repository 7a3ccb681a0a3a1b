"""Every operation leaves an audit row: who, which company, what, on which record, what changed."""

from tests.factories import PASSWORD


def test_operations_are_audited_with_actor_and_changes(api, make):
    api.post("/auth/register", json={
        "company": {"name": "Tainan Textiles", "country": "TW", "roles": ["supplier"]},
        "user": {"email": "boss@tainan.example.com", "password": PASSWORD,
                 "full_name": "Boss"}})
    admin_token = api.token("boss@tainan.example.com")
    me = api.get("/me", admin_token).get_json()
    company_id, admin_id = me["company"]["id"], me["user"]["id"]
    operator = make.operator()
    operator_token = api.token(operator)
    api.post(f"/admin/companies/{company_id}/approve", operator_token)

    api.patch(f"/companies/{company_id}", admin_token, json={"city": "Tainan"})
    api.post(f"/companies/{company_id}/members", admin_token,
             json={"email": "clerk@tainan.example.com", "role": "viewer"})

    trail = api.get("/audit-events", admin_token).get_json()
    events = {e["action"]: e for e in trail["items"]}
    assert list(events) == ["member.invited", "company.updated", "company.approved",
                            "company.registered"]
    assert events["company.updated"]["changes"] == {"city": [None, "Tainan"]}
    assert events["company.updated"]["actor_user_id"] == admin_id
    assert events["company.approved"]["actor_user_id"] == operator.user_id
    assert all(e["company_id"] == company_id for e in trail["items"])

    only_members = api.get("/audit-events?action=member.", admin_token).get_json()
    assert [e["action"] for e in only_members["items"]] == ["member.invited"]


def test_each_company_sees_only_its_own_trail(api, make):
    first = make.company_with_admin()
    second = make.company_with_admin()
    api.post("/address-book", api.token(first), json={"name": "Secret supplier"})
    assert api.get("/audit-events", api.token(second)).get_json()["total"] == 0
    sales = make.member(first.company_id, "sales")
    assert api.get("/audit-events", api.token(sales)).status_code == 403
    operator_view = api.get("/audit-events", api.token(make.operator())).get_json()
    assert [e["action"] for e in operator_view["items"]] == ["operator.created",
                                                             "address_book.created"]


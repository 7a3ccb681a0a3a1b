"""Who may read trade speed figures: every route of the speed subject × anonymous, own
company, another company and the operator."""

from __future__ import annotations

import pytest

from tests.crm.speed_support import (
    PERIOD,
    history,  # noqa: F401 - the fixture
)


def test_anonymous_is_refused(api, history):
    response = api.get(f"/analytics/response-times?{PERIOD}")
    assert response.status_code == 401
    assert response.content_type.startswith("application/problem+json")


def test_other_company_never_sees_yours(api, make, history):
    stranger = make.company_with_admin("Stranger Trading", roles=("buyer", "supplier"))
    token = api.token(stranger)
    own = api.get(f"/analytics/response-times?{PERIOD}", token).get_json()
    assert own["company_id"] == stranger.company_id and own["inquiries"] == 0
    assert own["members"] == [] and own["months"][0]["inquiries"] == 0
    # asking for the supplier's figures by id: not found, as if it did not exist
    response = api.get(f"/analytics/response-times?{PERIOD}&company_id={history['s']}",
                       token)
    assert response.status_code == 404
    for side in ("supplier", "buyer"):
        body = api.get(f"/analytics/response-times?{PERIOD}&side={side}", token).get_json()
        assert body["inquiries"] == 0


def test_own_company_by_its_own_id(api, history):
    token = api.token(history["m2"].email)
    response = api.get(f"/analytics/response-times?{PERIOD}&company_id={history['s']}",
                       token)
    assert response.status_code == 200 and response.get_json()["inquiries"] == 5


@pytest.mark.parametrize("company", [None, "s", "b"])
def test_operator_reads_the_platform_or_any_company(api, make, history, company):
    operator = make.operator()
    token = api.token(operator)
    query = f"/analytics/response-times?{PERIOD}"
    if company:
        query += f"&company_id={history[company]}&side=" + ("buyer" if company == "b"
                                                            else "supplier")
    body = api.get(query, token).get_json()
    assert body["inquiries"] == {None: 6, "s": 5, "b": 6}[company]


def test_operator_asking_for_an_unknown_company_gets_404(api, make, history):
    token = api.token(make.operator())
    assert api.get("/analytics/response-times?company_id=999999", token).status_code == 404


# ----- GET /analytics/recommendations and the portal page -----------------------------------

def test_recommendations_matrix(api, app, make, history):
    from tests.crm.associations_support import order, product

    with app.test_request_context():
        first, second = product(history["s"], "R1"), product(history["s"], "R2")
        for _ in range(2):
            order(history["s"], history["b"], [first, second])
        ids = (first.id, second.id)
        from marketplace.core.boundary import commit

        commit()
    with app.app_context():
        from marketplace.crm.tasks.associations import run_associations

        run_associations()
    path = f"/analytics/recommendations?product_id={ids[0]}"
    assert api.get(path).status_code == 401
    readers = {"own supplier": history["m1"], "its buyer": history["bm"],
               "another company": make.company_with_admin("Outsider Co"),
               "operator": make.operator()}
    for who, member in readers.items():
        body = api.get(path, api.token(member)).get_json()
        assert [row["product_id"] for row in body["items"]] == [ids[1]], who


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_portal_page_matrix(client, make, history, who):
    from tests.factories import portal_login

    if who == "viewer":
        portal_login(client, make.member(history["s"], "viewer").email)
        response = client.get("/crm/speed")  # the last 12 months hold March and April
        assert response.status_code == 200
        assert "Ann Answer" in response.get_data(as_text=True)  # own company's members
    else:
        assert client.get("/crm/speed").status_code in (302, 401)

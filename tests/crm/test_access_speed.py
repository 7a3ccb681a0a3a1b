"""Who may read trade speed figures: every route of the speed subject × anonymous, own
company, another company and the operator."""

from __future__ import annotations

import pytest

from tests.crm.speed_support import history  # noqa: F401 - the fixture

PERIOD = "from=2026-03-01&to=2026-04-30"


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

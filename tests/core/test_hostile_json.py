"""Hostile JSON bodies are refused once, centrally, as problems (issue 12, item 5): a
body nested past any real use, and text with a lone surrogate, which no database (nor
UTF-8) can store."""

import pytest

from tests.factories import PASSWORD

DEEP_ARRAY = "[" * 1500 + "]" * 1500
DEEP_OBJECT = '{"a":' * 1500 + "1" + "}" * 1500


def _assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    return response.get_json()


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT])
def test_a_deeply_nested_body_is_a_400_problem_before_login(api, body):
    problem = _assert_problem(
        api.post("/auth/token", data=body, content_type="application/json"), 400)
    assert "nested" in problem["detail"]


def test_a_deeply_nested_body_is_refused_on_an_authenticated_write(api, make):
    token = api.token(make.company_with_admin())
    _assert_problem(api.post("/address-book", token, data=DEEP_OBJECT,
                             content_type="application/json"), 400)


def test_ordinary_nesting_still_passes(api, make):
    token = api.token(make.company_with_admin())
    response = api.post("/address-book", token, json={"name": "Partner [1] {a}"})
    assert response.status_code == 201


def test_a_lone_surrogate_in_a_text_field_is_a_422_naming_the_field(api, make):
    token = api.token(make.company_with_admin())
    body = '{"name": "a\\ud800b"}'  # JSON's own escape: valid JSON, not valid text
    problem = _assert_problem(api.post("/address-book", token, data=body,
                                       content_type="application/json"), 422)
    assert list(problem["errors"]) == ["name"]
    assert api.get("/address-book", token).get_json()["total"] == 0


def test_a_lone_surrogate_is_refused_before_login_and_registration(api):
    login = f'{{"email": "a\\udfff@example.com", "password": "{PASSWORD}"}}'
    _assert_problem(api.post("/auth/token", data=login, content_type="application/json"), 422)
    register = ('{"company": {"name": "x\\ud800", "country": "SG", "roles": ["buyer"]},'
                f' "user": {{"email": "s@example.com", "password": "{PASSWORD}",'
                ' "full_name": "S"}}')
    problem = _assert_problem(api.post("/auth/register", data=register,
                                       content_type="application/json"), 422)
    assert list(problem["errors"]) == ["company.name"]


def test_a_paired_surrogate_escape_is_ordinary_text(api, make):
    token = api.token(make.company_with_admin())
    body = '{"name": "Emoji \\ud83d\\ude00 Ltd."}'  # one character, U+1F600
    response = api.post("/address-book", token, data=body, content_type="application/json")
    assert response.status_code == 201
    assert response.get_json()["name"] == "Emoji \U0001F600 Ltd."

"""The API's general rules: problem+json for every error, pagination, Idempotency-Key,
ETag / If-Match, money kept exact."""

from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, select

from marketplace import create_app
from marketplace.core.types import Money
from marketplace.infrastructure.models import AddressBookEntry

PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def _assert_problem(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) >= PROBLEM_KEYS and body["status"] == status
    return body


def test_unknown_path_and_wrong_method_are_problems(api):
    _assert_problem(api.get("/no-such-thing"), 404)
    body = _assert_problem(api.call("PUT", "/me"), 405)
    assert body["title"] == "Method Not Allowed"


def test_missing_credentials_are_a_401_problem(api):
    body = _assert_problem(api.get("/me"), 401)
    assert body["detail"] == "Log in, or send a bearer token or API key."


def test_malformed_json_is_a_400_problem(api, make):
    token = api.token(make.company_with_admin())
    response = api.post("/address-book", token, data="{not json",
                        content_type="application/json")
    _assert_problem(response, 400)


@pytest.mark.database_independent
def test_an_unexpected_failure_is_a_500_problem_and_nothing_is_saved(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"},
                     instance_path=str(tmp_path))

    @app.route("/api/v1/explode")
    def explode():
        raise RuntimeError("boom")

    response = app.test_client().get("/api/v1/explode")
    body = _assert_problem(response, 500)
    assert "boom" not in response.get_data(as_text=True)
    assert body["detail"] == "Something went wrong on our side; nothing was saved."


def test_pages_are_bounded_and_counted(api, make):
    admin = make.company_with_admin()
    token = api.token(admin)
    for number in range(3):
        api.post("/address-book", token, json={"name": f"Partner {number}"})
    page = api.get("/address-book?page=2&per_page=2", token).get_json()
    assert page["total"] == 3 and page["page"] == 2 and page["per_page"] == 2
    assert [item["name"] for item in page["items"]] == ["Partner 2"]
    too_many = _assert_problem(api.get("/address-book?per_page=101", token), 422)
    assert "per_page" in too_many["errors"]


def test_idempotent_post_answers_the_first_response_and_creates_nothing_twice(api, make, app):
    token = api.token(make.company_with_admin())
    headers = {"Idempotency-Key": "6f1c7a8e-1d2b-4c47-9a0e-3c7d2f0e5b11"}
    first = api.post("/address-book", token, json={"name": "Keelung Logistics"},
                     headers=headers)
    again = api.post("/address-book", token, json={"name": "Keelung Logistics"},
                     headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    with app.app_context():
        from marketplace.extensions import db

        assert len(db.session.scalars(select(AddressBookEntry)).all()) == 1

    other_body = api.post("/address-book", token, json={"name": "Other"}, headers=headers)
    body = _assert_problem(other_body, 422)
    assert "Idempotency-Key" in body["errors"]


def test_an_idempotent_multipart_post_with_a_nameless_part_is_not_a_crash(client, api, make):
    """A multipart body may hold a part without a name beside two named ones; the
    request's fingerprint (for Idempotency-Key) once sorted the parts and failed on it."""
    token = api.token(make.company_with_admin())
    body = (b'--XX\r\nContent-Disposition: form-data; name="b"\r\n\r\none\r\n'
            b'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\ntwo\r\n'
            b'--XX\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--XX--\r\n')
    response = client.post("/api/v1/address-book", data=body,
                            content_type="multipart/form-data; boundary=XX",
                            headers={"Authorization": f"Bearer {token}",
                                     "Idempotency-Key": "b1f0c7d2-5a9e-4e61-8d3c-7f2a9b0c1d4e"})
    assert response.status_code in (400, 415, 422), response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"


def test_idempotency_keys_belong_to_their_caller(api, make):
    key = {"Idempotency-Key": "same-key-for-two-companies"}
    first = api.post("/address-book", api.token(make.company_with_admin()),
                     json={"name": "A"}, headers=key)
    second = api.post("/address-book", api.token(make.company_with_admin()),
                      json={"name": "A"}, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] != second.get_json()["id"]


def test_stale_if_match_is_refused_with_412(api, make):
    admin = make.company_with_admin()
    token = api.token(admin)
    current = api.get(f"/companies/{admin.company_id}", token)
    etag = current.headers["ETag"]
    assert etag == f'"{current.get_json()["version"]}"'

    first = api.patch(f"/companies/{admin.company_id}", token, json={"city": "Taichung"},
                      headers={"If-Match": etag})
    assert first.status_code == 200
    assert first.headers["ETag"] != etag

    stale = api.patch(f"/companies/{admin.company_id}", token, json={"city": "Tainan"},
                      headers={"If-Match": etag})
    _assert_problem(stale, 412)
    assert api.get(f"/companies/{admin.company_id}", token).get_json()["city"] == "Taichung"


def test_money_is_exact_on_every_database(app):
    from marketplace.extensions import db

    amounts = [Decimal("0.0001"), Decimal("12345678901234.5678"), Decimal("-0.1"),
               Decimal("0.1") + Decimal("0.2")]
    table = Table("money_probe", MetaData(), Column("id", Integer, primary_key=True),
                  Column("amount", Money()))
    with app.app_context():
        table.create(db.engine)
        try:
            with db.engine.begin() as conn:
                conn.execute(table.insert(), [{"amount": a} for a in amounts])
                stored = [row.amount for row in conn.execute(select(table.c.amount)
                                                             .order_by(table.c.id))]
                total = conn.execute(select(func.sum(table.c.amount))).scalar_one()
            assert stored == amounts
            assert all(isinstance(value, Decimal) for value in stored)
            assert Decimal(total) == Decimal("12345678901234.7679")  # summed in SQL, exactly
        finally:
            table.drop(db.engine)


@pytest.mark.parametrize("path", ["/api/v1/me", "/login"])
def test_security_headers_are_sent(client, path):
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_session_cookie_is_httponly_and_lax(client):
    client.get("/login")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"

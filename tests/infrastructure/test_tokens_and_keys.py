"""Bearer tokens and API keys: issued, scoped, expiring, revocable; removed members
and suspended companies lose access on the next request."""

from datetime import timedelta

from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import select

from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import ApiToken, CompanyStatus, TokenKind, User
from tests.factories import PASSWORD


def test_token_is_stored_hashed_and_expires(api, make, app):
    admin = make.company_with_admin()
    token = api.token(admin)
    assert api.get("/me", token).status_code == 200
    with app.app_context():
        stored = db.session.query(ApiToken).filter_by(kind=TokenKind.ACCESS).one()
        assert token not in stored.token_hash and len(stored.token_hash) == 64
        stored.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = api.get("/me", token)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["detail"] == "The token is unknown, expired or revoked."


def test_bad_credentials_get_one_answer_whatever_is_wrong(api, make):
    admin = make.company_with_admin()
    wrong_password = api.post("/auth/token", json={"email": admin.email, "password": "nope"})
    unknown_user = api.post("/auth/token", json={"email": "ghost@example.com",
                                                  "password": PASSWORD})
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.get_json() == unknown_user.get_json()
    assert wrong_password.mimetype == "application/problem+json"


def test_an_unknown_address_costs_the_same_password_check_as_a_known_one(api, make, app,
                                                                          monkeypatch):
    """Timing must not tell whether an account exists: the check run for an unknown
    e-mail verifies a hash made with the same Argon2 settings as a member's."""
    admin = make.company_with_admin()
    checked = []
    real = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda hasher, stored, password:
                        checked.append(stored) or real(hasher, stored, password))
    for email in (admin.email, "ghost@example.com"):
        assert api.post("/auth/token", json={"email": email, "password": "nope"}
                        ).status_code == 401
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash).where(User.email == admin.email))
    assert len(checked) == 2 and checked[0] == stored
    assert extract_parameters(checked[1]) == extract_parameters(stored)


def test_repeated_failed_logins_are_refused_with_429(api, make):
    admin = make.company_with_admin()
    for _ in range(5):
        assert api.post("/auth/token", json={"email": admin.email,
                                              "password": "wrong-one"}).status_code == 401
    blocked = api.post("/auth/token", json={"email": admin.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.mimetype == "application/problem+json"
    assert blocked.get_json()["status"] == 429
    assert "Retry-After" in blocked.headers


def test_successful_logins_do_not_count_towards_the_limit(api, make):
    admin = make.company_with_admin()
    for _ in range(8):
        api.token(admin)


def test_revoked_token_is_dead(api, make):
    admin = make.company_with_admin()
    token = api.token(admin)
    assert api.delete("/auth/token", token).status_code == 204
    assert api.get("/me", token).status_code == 401


def test_api_key_acts_for_its_company_within_its_scopes(api, make):
    admin = make.company_with_admin()
    read_key = make.api_key(admin, scopes=["read"])
    write_key = make.api_key(admin, scopes=["read", "write"])

    me = api.get("/me", read_key).get_json()
    assert me["user"] is None
    assert me["company"]["id"] == admin.company_id
    assert me["scopes"] == ["read"] and me["authenticated_by"] == "api_key"
    assert api.get("/address-book", read_key).status_code == 200

    entry = {"name": "Kaohsiung Forwarding", "country": "TW"}
    refused = api.post("/address-book", read_key, json=entry)
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == "This API key may only read (scope 'read')."
    assert api.post("/address-book", write_key, json=entry).status_code == 201


def test_api_keys_never_administer_the_company(api, make):
    admin = make.company_with_admin()
    key = make.api_key(admin)
    assert api.get("/api-keys", key).status_code == 403
    assert api.post(f"/companies/{admin.company_id}/members", key,
                    json={"email": "x@example.com", "role": "viewer"}).status_code == 403
    assert api.patch(f"/companies/{admin.company_id}", key,
                     json={"name": "Hijacked"}).status_code == 403


def test_api_key_is_shown_once_and_revocable(api, make):
    admin = make.company_with_admin()
    token = api.token(admin)
    created = api.post("/api-keys", token, json={"name": "SAP", "scopes": ["read", "write"]})
    assert created.status_code == 201
    key = created.get_json()
    assert key["key"].startswith("mpk_") and key["prefix"] == key["key"][:10]
    assert api.get("/me", key["key"]).status_code == 200

    listed = api.get("/api-keys", token).get_json()
    assert listed["total"] == 1 and "key" not in listed["items"][0]

    assert api.delete(f"/api-keys/{key['id']}", token).status_code == 204
    assert api.get("/me", key["key"]).status_code == 401
    assert api.delete(f"/api-keys/{key['id']}", token).status_code == 409


def test_other_companies_keys_are_not_found(api, make):
    admin = make.company_with_admin()
    other = make.company_with_admin()
    created = api.post("/api-keys", api.token(admin), json={"name": "ERP"}).get_json()
    response = api.delete(f"/api-keys/{created['id']}", api.token(other))
    assert response.status_code == 404
    assert api.get("/me", created["key"]).status_code == 200


def test_removed_member_loses_access_on_the_next_request(api, make):
    admin = make.company_with_admin()
    colleague = make.member(admin.company_id, "sales")
    colleague_token = api.token(colleague)
    assert api.get("/address-book", colleague_token).status_code == 200

    members = api.get(f"/companies/{admin.company_id}/members", api.token(admin)).get_json()
    membership = next(m for m in members["items"] if m["user"]["id"] == colleague.user_id)
    removed = api.delete(f"/companies/{admin.company_id}/members/{membership['id']}",
                         api.token(admin))
    assert removed.status_code == 204

    assert api.get("/address-book", colleague_token).status_code == 401
    again = api.post("/auth/token", json={"email": colleague.email, "password": PASSWORD})
    assert again.status_code == 401
    assert "no longer a member" in again.get_json()["detail"]


def test_last_admin_cannot_be_removed_or_demoted(api, make):
    admin = make.company_with_admin()
    token = api.token(admin)
    [membership] = api.get(f"/companies/{admin.company_id}/members", token).get_json()["items"]
    path = f"/companies/{admin.company_id}/members/{membership['id']}"
    demoted = api.patch(path, token, json={"role": "viewer"})
    assert demoted.status_code == 409
    assert "at least one administrator" in demoted.get_json()["detail"]
    assert api.delete(path, token).status_code == 409


def test_suspended_company_is_refused_everywhere(api, make):
    admin = make.company_with_admin()
    token = api.token(admin)
    key = make.api_key(admin)
    operator_token = api.token(make.operator())
    suspended = api.post(f"/admin/companies/{admin.company_id}/suspend", operator_token,
                         json={"reason": "Unpaid membership fees"})
    assert suspended.get_json()["status"] == CompanyStatus.SUSPENDED.value
    for credential in (token, key):
        response = api.get("/me", credential)
        assert response.status_code == 403
        assert "suspended" in response.get_json()["detail"]
    login = api.post("/auth/token", json={"email": admin.email, "password": PASSWORD})
    assert login.status_code == 403
    api.post(f"/admin/companies/{admin.company_id}/approve", operator_token)
    assert api.get("/me", token).status_code == 200


def test_only_the_operator_approves(api, make):
    pending = make.company_with_admin(status=CompanyStatus.PENDING)
    admin = make.company_with_admin()
    response = api.post(f"/admin/companies/{pending.company_id}/approve", api.token(admin))
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Only the platform operator may do this."
    operator_token = api.token(make.operator())
    queue = api.get("/admin/companies?status=pending", operator_token).get_json()
    assert [c["id"] for c in queue["items"]] == [pending.company_id]
    assert api.post(f"/admin/companies/{pending.company_id}/approve",
                    operator_token).status_code == 200
    again = api.post(f"/admin/companies/{pending.company_id}/approve", operator_token)
    assert again.status_code == 409
    assert again.get_json()["allowed_actions"] == ["suspend"]

"""From registration to approval to login, through the API, with real mail."""

from marketplace.infrastructure.models import Company, CompanyStatus, User
from tests.factories import PASSWORD, link_in

REGISTRATION = {
    "company": {"name": "Formosa Bolts Ltd.", "country": "TW", "roles": ["supplier"]},
    "user": {"email": "Owner@Formosa.example.com", "password": PASSWORD,
             "full_name": "Wang Da-Ming"},
}


def test_registration_to_approval_to_login(api, make, mailbox):
    response = api.post("/auth/register", json=REGISTRATION)
    assert response.status_code == 202, response.get_json()
    assert "Owner@Formosa.example.com" in response.get_json()["detail"]

    # The pending company's admin logs in and sees the status, but is not yet active.
    token = api.token("owner@formosa.example.com")
    me = api.get("/me", token).get_json()
    body = {"company": me["company"]}
    assert me["company"] == {"id": me["company"]["id"], "name": "Formosa Bolts Ltd.",
                             "roles": ["supplier"], "status": "pending"}
    assert me["role"] == "admin"

    operator = make.operator()
    operator_token = api.token(operator)
    approved = api.post(f"/admin/companies/{body['company']['id']}/approve", operator_token)
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "active"

    assert api.get("/me", token).get_json()["company"]["status"] == "active"
    approval_mail = mailbox.to("owner@formosa.example.com")[-1]
    assert "approved" in approval_mail["Subject"]


def test_registration_mails_a_link_that_confirms_the_address(api, client, mailbox, make):
    api.post("/auth/register", json=REGISTRATION)
    [mail] = mailbox.to("owner@formosa.example.com")
    assert mail["Subject"] == "Confirm your e-mail address"
    path = link_in(mailbox.body(mail))

    response = client.get(path)
    assert response.status_code == 302
    user = make.get(User, 1)
    assert user.email_verified_at is not None

    token = path.rsplit("/", 1)[1]
    assert api.post("/auth/verify-email", json={"token": token}).status_code == 204
    forged = api.post("/auth/verify-email", json={"token": token[:-3] + "abc"})
    assert forged.status_code == 422
    assert forged.get_json()["errors"] == {"token": ["Invalid or expired."]}


def test_a_registered_address_gets_the_same_answer_and_its_owner_a_mail(api, make, mailbox):
    first = api.post("/auth/register", json=REGISTRATION)
    assert first.status_code == 202
    again = {**REGISTRATION, "user": {**REGISTRATION["user"],
                                       "email": "OWNER@formosa.EXAMPLE.com"},
             "company": {**REGISTRATION["company"], "name": "Someone Else's Ltd."}}
    mailbox.messages.clear()
    response = api.post("/auth/register", json=again)
    # The same answer as for a new address (the address as typed): nothing tells that
    # this one has an account. Its owner is mailed instead; nothing is created.
    assert response.status_code == 202
    assert response.get_json()["detail"] == first.get_json()["detail"].replace(
        "Owner@Formosa.example.com", "OWNER@formosa.EXAMPLE.com")
    [mail] = mailbox.to("owner@formosa.example.com")
    assert mail["Subject"] == "Someone tried to register with your e-mail address"
    assert "/forgot-password" in mailbox.body(mail)
    with make.app.app_context():
        from marketplace.extensions import db

        assert [c.name for c in db.session.query(Company)] == ["Formosa Bolts Ltd."]


def test_mass_assignment_of_status_company_or_role_is_rejected(api, make):
    for field, value in (("status", "active"), ("company_id", 1), ("id", 7)):
        body = {**REGISTRATION, "company": {**REGISTRATION["company"], field: value}}
        response = api.post("/auth/register", json=body)
        assert response.status_code == 422
        assert response.get_json()["errors"] == {f"company.{field}": ["Unknown field."]}
    body = {**REGISTRATION, "user": {**REGISTRATION["user"], "role": "admin",
                                     "is_operator": True}}
    errors = api.post("/auth/register", json=body).get_json()["errors"]
    assert errors == {"user.role": ["Unknown field."], "user.is_operator": ["Unknown field."]}

    admin = make.company_with_admin(status=CompanyStatus.PENDING)
    token = api.token(admin)
    response = api.patch(f"/companies/{admin.company_id}", token,
                         json={"status": "active", "name": "Renamed"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"status": ["Unknown field."]}
    company = make.get(Company, admin.company_id)
    assert company.status == CompanyStatus.PENDING and company.name != "Renamed"


def test_bad_registration_says_what_is_wrong_per_field(api):
    response = api.post("/auth/register", json={
        "company": {"name": " ", "country": "XX", "roles": []},
        "user": {"email": "not-an-email", "password": "short", "full_name": "A"}})
    assert response.status_code == 422
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert set(problem["errors"]) == {"company.name", "company.country", "company.roles",
                                      "user.email"}
    weak = {**REGISTRATION, "user": {**REGISTRATION["user"], "password": "short"}}
    response = api.post("/auth/register", json=weak)
    assert response.get_json()["errors"] == {"user.password": ["Use at least 10 characters."]}


def test_pending_company_cannot_trade_until_approved(make, ctx):
    from marketplace.core.errors import Forbidden
    from marketplace.extensions import db

    company_id = make.company(status=CompanyStatus.PENDING)
    company = db.session.get(Company, company_id)
    try:
        company.ensure_can_trade()
    except Forbidden as refusal:
        assert "approval" in refusal.detail
    else:
        raise AssertionError("a pending company was allowed to trade")
    company.status = CompanyStatus.ACTIVE
    company.ensure_can_trade()

"""core's portal guards and the central answer to a refused portal request, on an app of
their own with a stand-in actor (the accounts layer's real one is tested through every
module's access matrix)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from flask import url_for
from sqlalchemy import text

from marketplace import create_app
from marketplace.core import guards
from marketplace.core.errors import (
    Conflict,
    Forbidden,
    ValidationFailed,
    refusal_goes_back,
    refusal_lines,
)
from marketplace.extensions import db


@dataclass
class StandIn:
    company: object | None = "ACME"
    is_operator: bool = False
    permissions: set[str] = field(default_factory=set)

    def can(self, permission: str) -> bool:
        return permission in self.permissions


# Not named "app": the suite's own app (and its tables) stays what conftest cleans.
@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guards")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/x.db",
                                 "WTF_CSRF_ENABLED": False}, instance_path=str(folder))
    acting: dict = {"actor": None}
    guards.init_app(app, actor=lambda: acting["actor"], login_endpoint="infrastructure.login")
    app.config["acting"] = acting
    with app.app_context():
        db.session.execute(text("CREATE TABLE notes (body TEXT)"))
        db.session.commit()

    @app.route("/t/login")
    @guards.login_required
    def logged_in():
        return "in"

    @app.route("/t/permission")
    @guards.permission_required("things.edit")
    def with_permission():
        return "allowed"

    @app.route("/t/operator")
    @guards.operator_required
    def operator_only():
        return "operator"

    @app.route("/t/member")
    @guards.company_member_required()
    def member_only():
        return "member"

    @app.route("/t/member-with")
    @guards.company_member_required("things.edit", message="No company, no things.")
    def member_with():
        return "member with"

    @app.route("/t/actor")
    def company_actor():
        return str(guards.company_actor("Orders belong to companies.").company)

    @app.route("/t/refuse/<kind>", methods=["POST"])
    def refuse(kind):
        if kind == "forbidden-before":
            raise Forbidden("Not yours.")
        with refusal_goes_back("/t/back"):
            # Written before the refusal: the redirect answers below 400, and still
            # nothing of it may be kept.
            db.session.execute(text("INSERT INTO notes (body) VALUES ('half done')"))
            if kind == "fields":
                raise ValidationFailed(errors={"comment": ["Say why you reject it."]})
            if kind == "detailed":
                raise ValidationFailed("Some lines are not valid.", errors={
                    "lines": {"0": {"quantity": ["Not a valid number."]}}})
            raise Forbidden("Your role does not allow this.")

    @app.route("/api/v1/t/refuse", methods=["POST"])
    def api_refuse():
        with refusal_goes_back("/t/back"):
            raise Conflict("Not now.")

    return app


def _as(app, actor):
    app.config["acting"]["actor"] = actor
    return app.test_client()


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.pop("_flashes", [])]


def test_nobody_goes_to_the_login_page_and_comes_back(guarded):
    client = _as(guarded, None)
    for path in ("/t/login", "/t/permission", "/t/operator", "/t/member", "/t/member-with"):
        response = client.get(path + "?page=2")
        assert response.status_code == 302
        with guarded.test_request_context():
            assert response.location == url_for("infrastructure.login", next=path + "?page=2")
        assert _flashes(client)[-1] == "Please log in to see this page."


def test_a_session_ended_by_the_server_says_why(guarded):
    client = _as(guarded, None)
    with client.session_transaction() as session:
        session["ended_because"] = "Your company is suspended; contact the operator."
    client.get("/t/login")
    assert _flashes(client)[-1] == "Your company is suspended; contact the operator."


def test_a_member_passes_the_guards_their_role_allows(guarded):
    client = _as(guarded, StandIn(permissions={"things.edit"}))
    assert client.get("/t/login").text == "in"
    assert client.get("/t/permission").text == "allowed"
    assert client.get("/t/member").text == "member"
    assert client.get("/t/member-with").text == "member with"
    assert client.get("/t/actor").text == "ACME"
    operator = client.get("/t/operator")
    assert operator.status_code == 403 and "Only the platform operator may do this." in \
        operator.text


def test_a_role_without_the_permission_is_refused(guarded):
    client = _as(guarded, StandIn())
    for path in ("/t/permission", "/t/member-with"):
        response = client.get(path)
        assert response.status_code == 403 and "Your role does not allow this." in response.text
    assert client.get("/t/member").status_code == 200


def test_the_operator_is_no_company_member(guarded):
    client = _as(guarded, StandIn(company=None, is_operator=True, permissions={"things.edit"}))
    assert client.get("/t/operator").text == "operator"
    assert client.get("/t/permission").text == "allowed"
    general = client.get("/t/member")
    assert general.status_code == 403 and "the platform operator has none" in general.text
    named = client.get("/t/member-with")
    assert named.status_code == 403 and "No company, no things." in named.text
    actor = client.get("/t/actor")
    assert actor.status_code == 403 and "Orders belong to companies." in actor.text


def test_a_refused_operation_goes_back_with_its_reasons_and_keeps_nothing(guarded):
    client = _as(guarded, StandIn())
    fields = client.post("/t/refuse/fields",
                         headers={"Referer": "http://localhost/t/form?page=3"})
    assert fields.status_code == 303 and fields.location == "/t/form?page=3"
    # A detail that is only the class's title says nothing: the fields' sentences alone.
    assert _flashes(client) == ["Say why you reject it."]
    detailed = client.post("/t/refuse/detailed")
    assert detailed.status_code == 303 and detailed.location == "/t/back"
    assert _flashes(client) == ["Some lines are not valid. Not a valid number."]
    # No Referer (or one leading off-site): the view's fallback.
    plain = client.post("/t/refuse/other", headers={"Referer": "https://evil.example/"})
    assert plain.status_code == 303 and plain.location == "/t/back"
    assert _flashes(client) == ["Your role does not allow this."]
    with guarded.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM notes")) == 0


def test_a_refusal_outside_the_block_keeps_its_error_page(guarded):
    response = _as(guarded, StandIn()).post("/t/refuse/forbidden-before")
    assert response.status_code == 403 and "Not yours." in response.text


def test_the_api_keeps_problem_json(guarded):
    response = _as(guarded, StandIn()).post("/api/v1/t/refuse")
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "Not now."


def test_refusal_lines_name_each_field_for_a_form_shown_again():
    assert refusal_lines("Some lines are not valid.", {
        "lines": {"2": {"quantity": ["Not a valid number."]}}, "_schema": ["Check the dates."]}
    ) == ["Some lines are not valid.", "lines.2.quantity: Not a valid number.",
          "Check the dates."]

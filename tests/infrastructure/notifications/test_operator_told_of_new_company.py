"""A company that registers waits for the operator's approval (issue 13, rough edge 12):
every operator gets a bell notification and an e-mail linking to the pending companies;
the company's own people and webhooks hear nothing of it."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.infrastructure.notifications.models import Notification
from tests.factories import PASSWORD, portal_login

REGISTRATION = {
    "company": {"name": "Formosa Bolts Ltd.", "country": "TW", "roles": ["supplier"]},
    "user": {"email": "owner@formosa.example.com", "password": PASSWORD,
             "full_name": "Wang Da-Ming"},
}
TOLD = "Formosa Bolts Ltd. (TW) registered and waits for your approval."


def _count(html: str) -> str | None:
    match = re.search(r'id="notification-count"\s*(hidden)?>(\d+)', html)
    return None if match is None or match.group(1) else match.group(2)


def test_every_operator_is_told_by_bell_and_mail(api, client, make, mailbox, app):
    first, second = make.operator("op1@example.com"), make.operator("op2@example.com")
    assert api.post("/auth/register", json=REGISTRATION).status_code == 202

    for operator in (first, second):
        [mail] = mailbox.to(operator.email)
        assert TOLD in mail["Subject"]
        body = mail.get_body(("plain",)).get_content()
        assert "http://localhost/admin/companies?status=pending" in body

    assert portal_login(client, first.email).status_code == 302
    assert _count(client.get("/").get_data(as_text=True)) == "1"
    page = client.get("/notifications").get_data(as_text=True)
    listed = page.split('id="notification-list"')[1].split("</ul>")[0]
    assert TOLD in listed
    # Opening it leads to the companies waiting, the new one among them.
    action = re.search(r'action="(/notifications/\d+/open)"', listed).group(1)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    opened = client.post(action, data={"csrf_token": token})
    assert opened.status_code in (302, 303)
    assert opened.headers["Location"].endswith("/admin/companies?status=pending")
    pending = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert "Formosa Bolts Ltd." in pending
    assert _count(client.get("/").get_data(as_text=True)) is None  # read now


def test_the_registering_company_hears_nothing_of_it(api, make, mailbox, app):
    operator = make.operator()
    assert api.post("/auth/register", json=REGISTRATION).status_code == 202
    owner_mail = [m["Subject"] for m in mailbox.to("owner@formosa.example.com")]
    assert owner_mail == ["Confirm your e-mail address"]
    with app.app_context():
        rows = db.session.scalars(select(Notification)).all()
        assert [(row.event, row.user_id) for row in rows] == [
            ("company.awaits_approval", operator.user_id)]


def test_an_address_already_registered_tells_no_operator(api, make, mailbox, app):
    operator = make.operator()
    make.member(make.company("Old Co"), "admin", email="owner@formosa.example.com")
    assert api.post("/auth/register", json=REGISTRATION).status_code == 202
    assert mailbox.to(operator.email) == []
    with app.app_context():
        assert db.session.scalars(select(Notification)).all() == []

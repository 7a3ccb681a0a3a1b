"""Notifications by e-mail: one per recipient, after commit, through the real SMTP test
server, in the recipient's own language, unless the member turned the event off."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.infrastructure.models import User
from marketplace.infrastructure.notifications import N_
from marketplace.infrastructure.notifications.tasks import FAILED_MESSAGE
from tests.infrastructure.notifications.support import notify_now


def _speaks(app, member, language):
    with app.app_context():
        db.session.get(User, member.user_id).language = language
        db.session.commit()


def _failed(company_id, **kwargs):
    return {"event": "webhook.failed", "company_id": company_id, "message": FAILED_MESSAGE,
            "params": {"event": "testing.parcel_arrived", "url": "https://erp.example.com/in",
                       "attempts": 7},
            "link": "/webhooks/1", **kwargs}


def test_each_recipient_gets_one_mail_in_their_own_language(app, make, mailbox):
    admin = make.company_with_admin()
    colleague = make.member(admin.company_id, "admin")
    _speaks(app, colleague, "zh_Hant")

    notify_now(app, **_failed(admin.company_id))

    [english] = mailbox.to(admin.email)
    assert english["Subject"].startswith("The testing.parcel_arrived delivery to "
                                         "https://erp.example.com/in failed 7 times")
    body = mailbox.body(english)
    assert "Hello Test Person," in body
    assert "http://localhost/webhooks/1" in body
    assert "http://localhost/notifications#settings" in body

    [chinese] = mailbox.to(colleague.email)
    assert "失敗" in chinese["Subject"] and "failed" not in chinese["Subject"]
    body = mailbox.body(chinese)
    assert "Test Person 您好" in body and "Hello" not in body
    assert "https://erp.example.com/in" in body and "http://localhost/webhooks/1" in body
    assert "通知設定" in body
    assert len(mailbox.messages) == 2


def test_a_member_who_turned_the_event_off_gets_no_mail_but_the_notification(
        app, api, make, mailbox):
    admin = make.company_with_admin()
    colleague = make.member(admin.company_id, "admin")
    turned_off = api.patch("/notifications/preferences", api.token(colleague),
                           json={"email": {"webhook.failed": False}})
    assert turned_off.status_code == 200, turned_off.get_json()
    assert {p["event"]: p["email"] for p in turned_off.get_json()}["webhook.failed"] is False

    ids = notify_now(app, **_failed(admin.company_id))
    assert len(ids) == 2
    assert [m["To"] for m in mailbox.messages] == [admin.email]
    unread = api.get("/notifications?unread=true", api.token(colleague)).get_json()
    assert unread["total"] == 1 and unread["unread"] == 1


def test_no_mail_when_the_caller_or_the_event_says_so(app, make, mailbox):
    admin = make.company_with_admin()
    notify_now(app, **_failed(admin.company_id, email=False))
    notify_now(app, event="webhook.ping", company_id=admin.company_id,
               message=N_("Ping."))  # an event that never comes by e-mail
    assert mailbox.messages == []

"""``notify``: who is told, what is stored, what is refused, and that nothing leaves
before the caller's transaction commits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, lazy_gettext
from sqlalchemy import func, select

from marketplace.core.boundary import commit
from marketplace.core.types import replayed_clock
from marketplace.extensions import db
from marketplace.infrastructure.notifications import N_, UnknownEvent, notify
from marketplace.infrastructure.notifications.messages import freeze_params, render_message
from marketplace.infrastructure.notifications.models import Notification, WebhookDelivery
from marketplace.infrastructure.notifications.tasks import FAILED_MESSAGE, send_due
from tests.infrastructure.notifications.support import notify_now

PARCEL = N_("Parcel %(number)s arrived at %(place)s.")


def _parcel(company_id, **kwargs):
    return {"event": "testing.parcel_arrived", "company_id": company_id, "message": PARCEL,
            "params": {"number": "P-7", "place": "Keelung"}, **kwargs}


def _recipients(app, ids):
    with app.app_context():
        return sorted(db.session.get(Notification, i).user_id for i in ids)


def test_every_member_but_the_one_acting_is_told_by_default(app, make):
    admin = make.company_with_admin()
    sales = make.member(admin.company_id, "sales")
    viewer = make.member(admin.company_id, "viewer")
    make.company_with_admin()  # another company hears nothing

    ids = notify_now(app, acting_user_id=admin.user_id, **_parcel(admin.company_id))
    assert _recipients(app, ids) == sorted([sales.user_id, viewer.user_id])


def test_an_event_declared_for_some_roles_goes_to_those_members(app, make):
    admin = make.company_with_admin()
    buyer = make.member(admin.company_id, "purchasing")
    make.member(admin.company_id, "sales")
    ids = notify_now(app, event="testing.price_changed", company_id=admin.company_id,
                     message=N_("A price changed."))
    assert _recipients(app, ids) == [buyer.user_id]


def test_only_the_named_members_of_the_company_are_told(app, make):
    admin = make.company_with_admin()
    sales = make.member(admin.company_id, "sales")
    stranger = make.company_with_admin()
    ids = notify_now(app, acting_user_id=admin.user_id,
                     **_parcel(admin.company_id, user_ids=[admin.user_id, stranger.user_id]))
    assert _recipients(app, ids) == [admin.user_id]  # named: told, even though acting
    assert notify_now(app, **_parcel(admin.company_id, user_ids=[])) == []
    assert sales  # a member not named hears nothing


def test_the_message_is_stored_in_english_and_shown_in_the_readers_language(app, make):
    admin = make.company_with_admin()
    ids = notify_now(app, event="webhook.failed", company_id=admin.company_id,
                     user_ids=[admin.user_id], message=FAILED_MESSAGE,
                     params={"event": "testing.parcel_arrived", "url": "https://erp.example.com",
                             "attempts": 7})
    with app.test_request_context():
        row = db.session.get(Notification, ids[0])
        assert row.message == FAILED_MESSAGE and row.params["attempts"] == 7
        with force_locale("en"):
            assert row.text.startswith("The testing.parcel_arrived delivery to "
                                       "https://erp.example.com failed 7 times")
        with force_locale("zh_Hant"):
            assert "https://erp.example.com" in row.text and "7" in row.text
            assert "failed" not in row.text and "失敗" in row.text


def test_words_marked_as_params_are_translated_with_the_message(app):
    message = N_("%(section)s: %(count)d new")
    with app.test_request_context():
        stored = freeze_params(message, {"section": N_("Notifications"), "count": 3})
        assert stored == {"section": {"msgid": "Notifications"}, "count": 3}
        with force_locale("zh_Hant"):
            assert render_message(message, stored) == "通知: 3 new"
        with force_locale("en"):
            assert render_message(message, stored) == "Notifications: 3 new"


def test_mistakes_are_refused_in_the_callers_code(app, make, ctx):
    admin = make.company_with_admin()
    with pytest.raises(UnknownEvent):
        notify("document.vanished", company_id=admin.company_id, message=N_("Gone."))
    with pytest.raises(ValueError, match="cannot be filled"):
        notify(**_parcel(admin.company_id, params={"number": "P-7"}))
    with pytest.raises(TypeError, match="N_"):
        notify(**_parcel(admin.company_id, message=lazy_gettext("Parcel arrived.")))
    with pytest.raises(TypeError, match="cannot be stored"):
        notify(**_parcel(admin.company_id, params={"number": object(), "place": "x"}))
    for link in ("https://evil.example.com/", "//evil.example.com", "/\\evil.example.com",
                 "javascript:alert(1)"):
        with pytest.raises(ValueError, match="path in the portal"):
            notify(**_parcel(admin.company_id, link=link))
    with pytest.raises(TypeError, match="not JSON"):
        notify(**_parcel(admin.company_id, payload={"when": object()}))
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_rollback_leaves_no_notification_and_sends_nothing(app, make, hook, receiver,
                                                             mailbox):
    admin = make.company_with_admin()
    make.member(admin.company_id, "sales")
    endpoint = receiver()
    hook(admin, endpoint.url)
    with app.test_request_context():
        notify(**_parcel(admin.company_id, payload={"amount": Decimal("12.50")}))
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 2
        db.session.rollback()
        commit()  # nothing left to commit, and no job waits for it
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        assert send_due() == 0
    assert mailbox.messages == [] and endpoint.received == []

    notify_now(app, **_parcel(admin.company_id))  # the same, committed: both go out
    assert len(endpoint.wait_for(1)) == 1 and len(mailbox.messages) == 2  # sales and admin


def test_history_replayed_in_the_past_is_in_the_bell_but_mails_and_calls_nobody(
        app, make, hook, receiver, mailbox):
    """The demo replays two years of trade through the real operations: the bell keeps
    what happened, but nobody is mailed, and no partner system called, about it now."""
    admin = make.company_with_admin()
    make.member(admin.company_id, "sales")
    endpoint = receiver()
    hook(admin, endpoint.url)
    with replayed_clock() as move_to:
        move_to(datetime.now(UTC) - timedelta(days=400))
        ids = notify_now(app, **_parcel(admin.company_id))
    assert len(ids) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        assert send_due() == 0
    assert mailbox.messages == [] and endpoint.received == []

    with replayed_clock() as move_to:  # a clock moved forward (a test's) is not history
        move_to(datetime.now(UTC) + timedelta(days=1))
        notify_now(app, **_parcel(admin.company_id))
    assert len(endpoint.wait_for(1)) == 1 and len(mailbox.messages) == 2


def test_a_partner_system_hears_of_an_event_whoever_is_told(app, make, hook, receiver):
    # Whether the company has a webhook is asked with its members: with no member to
    # tell (none named, or none of those named), the webhook still hears of it.
    admin = make.company_with_admin()
    quiet = make.company_with_admin()  # no webhook: no delivery is made for it
    endpoint = receiver()
    hook(admin, endpoint.url)
    notify_now(app, **_parcel(admin.company_id))
    notify_now(app, **_parcel(admin.company_id, user_ids=[]))
    notify_now(app, **_parcel(admin.company_id, user_ids=[quiet.user_id]))
    notify_now(app, **_parcel(quiet.company_id))
    assert len(endpoint.wait_for(3)) == 3
    with app.app_context():
        deliveries = db.session.scalars(select(WebhookDelivery.company_id)).all()
    assert deliveries == [admin.company_id] * 3

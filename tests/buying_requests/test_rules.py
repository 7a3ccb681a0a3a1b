"""What a buyer and a supplier would check beyond access: bad input refused per field
in both languages with nothing written; search by words and category; closing at the
date (answers refused from then on, the job records it and tells the buyer);
subscriptions: subscribers hear of a new request in the bell and by mail (their e-mail
settings respected), partner systems by webhook, nobody outside the category."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.buying_requests import tasks
from marketplace.core.boundary import commit
from marketplace.core.types import replayed_clock
from marketplace.extensions import db
from marketplace.infrastructure.models import User
from tests.buying_requests.support import build_market, ok, request_body
from tests.factories import csrf_token, portal_login
from tests.pending_translations import load_pending_translations
from tests.worlds import shared_world


@shared_world
def market(make, api, app):
    built = build_market(make, api, app)
    chinese = make.member(built.buyer.company_id, "purchasing")
    quiet = make.member(built.inside.company_id, "sales")
    with app.app_context():
        db.session.get(User, chinese.user_id).language = "zh_Hant"
        commit()
    built.tokens["chinese"] = api.token(chinese)
    built.tokens["quiet"] = api.token(quiet)
    built.chinese, built.quiet = chinese, quiet
    return built


@pytest.fixture
def pending(app, tmp_path):
    undo = load_pending_translations(app, tmp_path / "pending")
    yield
    undo()


BAD = {"closes_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
       "category_id": 999999, "quantity": "-5"}


def _count(market) -> int:
    return ok(market.get("buyer", "/buying-requests?scope=own"))["total"]


def test_bad_input_is_refused_per_field_in_english_and_nothing_is_written(market):
    before = _count(market)
    response = market.post("buyer", "/buying-requests", **request_body(market, **BAD))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["closes_at"] == ["The closing date has passed: choose a later one."]
    assert errors["category_id"] == ["Unknown category: choose one of the category tree."]
    assert errors["quantity"] == ["Must be more than zero."]
    assert _count(market) == before


def test_bad_input_is_refused_in_chinese(market, pending):
    response = market.post("chinese", "/buying-requests", **request_body(market, **BAD))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["closes_at"] == ["截止時間已過，請選擇較晚的時間。"]
    assert errors["category_id"] == ["未知的類別：請從類別樹中選擇。"]
    assert errors["quantity"] == ["必須大於零。"]
    assert _count(market) == 0


def test_the_portal_form_keeps_the_input_and_shows_each_reason(market, client, pending):
    portal_login(client, market.chinese.email)
    page = "/buying-requests/new"
    response = client.post(page, data={
        "csrf_token": csrf_token(client, page), "title": "不鏽鋼螺栓", "category_id": "0",
        "quantity": "-5", "unit": "pcs", "currency": "USD", "destination_country": "DE",
        "closes_at": "2020-01-01T10:00", "action": "publish"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "不鏽鋼螺栓" in html and 'value="-5"' in html
    assert "必須大於零。" in html and "截止時間已過" in html and "未知的類別" in html
    assert _count(market) == 0


def test_search_by_words_and_category(market):
    ok(market.post("buyer", "/buying-requests", **request_body(market)), 201)
    ok(market.post("buyer", "/buying-requests", **request_body(
        market, title="Cotton canvas 12oz", description="Natural, 150 cm",
        category_id=market.categories["textiles"])), 201)
    def titles(who, query):
        return [item["title"] for item in ok(market.get(who, f"/buying-requests?{query}"))[
            "items"]]
    assert titles("inside", "q=hex+bolts") == ["Stainless hex bolts M8x40"]
    assert titles("inside", "q=canvas") == []  # another category: not there at all
    assert titles("outside", "q=canvas") == ["Cotton canvas 12oz"]
    assert titles("buyer", f"category_id={market.categories['metals']}") == [
        "Stainless hex bolts M8x40"]  # a category takes those below it
    assert titles("buyer", "q=DIN+933") == ["Stainless hex bolts M8x40"]


def test_a_request_closes_at_its_date(market, app):
    closes = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    posted = ok(market.post("buyer", "/buying-requests", **request_body(
        market, closes_at=closes.isoformat())), 201)
    ok(market.post("inside", f"/buying-requests/{posted['id']}/quotations",
                   unit_price="0.0405"), 201)
    with replayed_clock() as move_to:
        move_to(closes + timedelta(minutes=1))
        late = market.post("above", f"/buying-requests/{posted['id']}/quotations",
                           unit_price="0.0380")
        assert late.status_code == 409 and "closed" in late.get_json()["detail"]
        with app.app_context():
            assert tasks.close_due() == 1
            assert tasks.close_due() == 0  # once
    found = ok(market.get("buyer", f"/buying-requests/{posted['id']}"))
    assert found["status"] == "closed" and found["closed_at"]
    told = ok(market.get("buyer", "/notifications"))["items"]
    assert any(n["event"] == "buying_request.closed" and "1 quotations" in n["message"]
               for n in told)
    # Closed, the buyer still compares and awards what it received.
    comparison = ok(market.get("buyer", f"/buying-requests/{posted['id']}/comparison"))
    assert len(comparison["lines"][0]["bids"]) == 1


def test_subscribers_hear_of_new_requests(market, api, mailbox):
    refused = market.api.call("PUT", "/buying-requests/subscriptions", market.tokens["inside"],
                              json={"category_ids": [market.categories["textiles"]]})
    assert refused.status_code == 422
    assert "Not one of your company's categories" in str(refused.get_json()["errors"])
    ok(market.api.call("PUT", "/buying-requests/subscriptions", market.tokens["inside"],
                       json={"category_ids": [market.categories["fasteners"]]}))
    mine = ok(market.get("inside", "/buying-requests/subscriptions"))
    assert mine["category_ids"] == [market.categories["fasteners"]]
    ok(market.api.call("PATCH", "/notifications/preferences", market.tokens["quiet"],
                       json={"email": {"buying_request.published": False}}))
    hook = ok(market.post("above", "/webhooks", url="http://127.0.0.1:9/hook",
                          events=["buying_request.published"]), 201)
    mailbox.messages.clear()
    ok(market.post("buyer", "/buying-requests", **request_body(market)), 201)

    def bell(who):
        return [n for n in ok(market.get(who, "/notifications"))["items"]
                if n["event"] == "buying_request.published"]
    [told] = bell("inside")
    assert "Stainless hex bolts M8x40" in told["message"] and "Fasteners" in told["message"]
    assert len(bell("quiet")) == 1  # in the bell, though not by mail
    assert [m["To"] for m in mailbox.messages] == [market.inside.email]
    assert bell("above") == [] and bell("outside") == []  # not subscribed / not in category
    deliveries = ok(market.get("above", f"/webhooks/{hook['id']}/deliveries"))["items"]
    assert [d["event"] for d in deliveries] == ["buying_request.published"]


def test_the_portal_answer_form_keeps_the_input_and_sends(market, client, api):
    posted = ok(market.post("buyer", "/buying-requests", **request_body(market)), 201)
    page = f"/buying-requests/{posted['id']}"
    portal_login(client, market.inside.email)
    bad = client.post(f"{page}/answer", data={
        "csrf_token": csrf_token(client, page), "unit_price": "abc", "lead_time_days": "21",
        "valid_until": "2027-01-31"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Not a valid number." in html
    assert 'value="21"' in html and 'value="abc"' in html
    assert ok(market.get("inside", f"{'/buying-requests'}/{posted['id']}/quotations")) == []
    sent = client.post(f"{page}/answer", data={
        "csrf_token": csrf_token(client, page), "unit_price": "0.0415", "lead_time_days": "21",
        "valid_until": "2027-01-31", "incoterm": "FOB", "payment_terms": "tt"},
        follow_redirects=True)
    assert "was sent to the buyer" in sent.get_data(as_text=True)
    [answer] = ok(market.get("buyer", f"/buying-requests/{posted['id']}/quotations"))
    assert (answer["valid_until"], answer["lead_time_days"], answer["incoterm"]) == (
        "2027-01-31", 21, "FOB")


def test_no_revision_through_the_documents_api_after_closing(market):
    closes = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    posted = ok(market.post("buyer", "/buying-requests", **request_body(
        market, closes_at=closes.isoformat())), 201)
    answer = ok(market.post("inside", f"/buying-requests/{posted['id']}/quotations",
                            unit_price="0.0405"), 201)
    draft = ok(market.post("inside", f"/documents/{answer['id']}/derive", type="quotation"),
               201)
    with replayed_clock() as move_to:
        move_to(closes + timedelta(minutes=1))
        derived = market.post("inside", f"/documents/{answer['id']}/derive", type="quotation")
        assert derived.status_code == 409 and "closed" in derived.get_json()["detail"]
        sent = market.post("inside", f"/documents/{draft['id']}/actions/send")
        assert sent.status_code == 409
    assert ok(market.get("inside", f"/documents/{draft['id']}"))["status"] == "draft"

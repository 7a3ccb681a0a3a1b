"""Service cases through the API (API.md, "Service"): a buyer's complaint about a
document to its supplier runs open → waiting → resolved → closed and is rated; the
timers (first response, resolution, overdue) on a clock the test sets; the figures on
a known set; messages with files; bad input refused with each field named in both
languages and nothing written."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.core.types import replayed_clock
from marketplace.extensions import db
from marketplace.infrastructure.models import User
from marketplace.service.models import ServiceCase
from tests.content.conftest import pdf_bytes  # noqa: F401
from tests.factories import portal_login
from tests.trading.support import Trade, accepted_purchase_order
from tests.worlds import shared_world

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday, 09:00 UTC


@dataclass
class World:
    trade: Trade
    stranger_token: str
    operator_token: str
    document: dict
    stranger_document: dict
    order: dict


@shared_world
def world(make, api):
    trade = Trade.start(make, api)
    stranger = make.company_with_admin("Nosy Trading", roles=("buyer", "supplier"))
    stranger_token = api.token(stranger)
    operator_token = api.token(make.operator())
    document = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    other = api.post("/documents", stranger_token, json={
        "type": "inquiry", "recipient_company_id": trade.supplier.company_id,
        "currency": "USD", "subject": "Not yours",
        "lines": [{"description": "Bolt", "quantity": "1", "unit": "pcs"}]}).get_json()
    accepted_purchase_order(make, api, trade)
    [order] = api.get("/orders?role=buyer", trade.buyer_token).get_json()["items"]
    return World(trade, stranger_token, operator_token, document, other, order)


def _open(api, token, **fields):
    body = {"counterparty_company_id": fields.pop("counterparty", None), "type": "complaint",
            "priority": "high", "subject": "Wrong thread pitch on M8 bolts",
            "body": "Carton 3 holds M8×1.25 instead of M8×1.0.", **fields}
    return api.post("/service-cases", token, json=body)


def _count(app) -> int:
    with app.app_context():
        return db.session.query(ServiceCase).count()


def _in(app, language: str, text: str, **params) -> str:
    """``text`` as the catalog has it in ``language`` (Chinese once the team's
    translations are merged)."""
    from flask_babel import gettext

    with app.test_request_context(headers={"Accept-Language": language}):
        return gettext(text, **params)


def test_a_complaint_runs_to_closure_with_its_timers(api, world):
    trade = world.trade
    with replayed_clock() as move_to:
        move_to(MONDAY)
        opened = _open(api, trade.buyer_token, counterparty=trade.supplier.company_id,
                       document_id=world.document["id"])
        assert opened.status_code == 201, opened.get_json()
        case = opened.get_json()
        assert (case["status"], case["type"], case["priority"], case["side"]) == (
            "open", "complaint", "high", "opener")
        # A complaint: answered within 1 business day, resolved within 5.
        assert case["response_due_at"].startswith("2026-11-03T09:00")
        assert case["resolution_due_at"].startswith("2026-11-09T09:00")
        assert case["counterparty"] == {"id": trade.supplier.company_id,
                                        "name": "Taiwan Precision Fasteners"}
        path = f"/service-cases/{case['id']}"

        move_to(MONDAY + timedelta(hours=3))
        answer = api.post(f"{path}/messages", trade.supplier_token,
                          data={"body": "Sorry: we send 3 cartons of the right bolts.",
                                "file": (io.BytesIO(pdf_bytes()), "replacement.pdf")},
                          content_type="multipart/form-data")
        assert answer.status_code == 201, answer.get_json()
        [attachment] = answer.get_json()["attachments"]
        assert attachment["name"] == "replacement.pdf"
        seen = api.get(path, trade.buyer_token).get_json()
        assert seen["status"] == "waiting"
        assert seen["first_response_at"].startswith("2026-11-02T12:00")
        assert api.get(attachment["url"].removeprefix("/api/v1"),
                       trade.buyer_token).status_code == 200

        move_to(MONDAY + timedelta(days=1))
        resolved = api.post(f"{path}/actions/resolve", trade.supplier_token, json={})
        assert resolved.status_code == 200, resolved.get_json()
        assert resolved.get_json()["solved_at_first_answer"] is True
        assert resolved.get_json()["allowed_actions"] == ["close"]
        early = api.post(f"{path}/rating", trade.buyer_token, json={"score": 5})
        assert early.status_code == 409  # rated once closed
        closed = api.post(f"{path}/actions/close", trade.buyer_token, json={})
        assert closed.get_json()["status"] == "closed"
        assert closed.get_json()["allowed_actions"] == ["reopen"]
        assert api.post(f"{path}/rating", trade.supplier_token,
                        json={"score": 5}).status_code == 409  # not the handler's to rate
        rated = api.post(f"{path}/rating", trade.buyer_token, json={"score": 4})
        assert rated.get_json()["rating"] == 4
        refused = api.post(f"{path}/messages", trade.supplier_token, json={"body": "More?"})
        assert refused.status_code == 409 and refused.get_json()["allowed_actions"] == []

        figures = api.get("/service-figures", trade.supplier_token).get_json()
        assert figures["cases"] == 1 and figures["first_response_hours_median"] == 3.0
        assert figures["resolution_hours_median"] == 24.0
        assert figures["solved_at_first_answer_rate"] == 1.0
        assert figures["satisfaction"] == 4.0 and figures["ratings"]["4"] == 1
        assert figures["response_on_time_rate"] == 1.0


def test_an_unanswered_case_is_overdue_and_in_the_handlers_work_list(api, world):
    trade = world.trade
    with replayed_clock() as move_to:
        move_to(datetime(2026, 11, 6, 16, 0, tzinfo=UTC))  # a Friday afternoon
        case = _open(api, trade.buyer_token, counterparty=trade.supplier.company_id,
                     type="question").get_json()
        # Due on the next business day: Monday, same hour.
        assert case["response_due_at"].startswith("2026-11-09T16:00")
        move_to(datetime(2026, 11, 9, 15, 0, tzinfo=UTC))
        assert api.get(f"/service-cases/{case['id']}", trade.supplier_token) \
            .get_json()["overdue"] is False
        move_to(datetime(2026, 11, 9, 17, 0, tzinfo=UTC))
        assert api.get(f"/service-cases/{case['id']}", trade.supplier_token) \
            .get_json()["overdue"] is True
        work = api.get("/me/work-list", trade.supplier_token).get_json()["items"]
        [item] = [i for i in work if i["kind"] == "service_case_to_answer"]
        assert item["link"] == f"/service-cases/{case['id']}"
        assert item["due_at"].startswith("2026-11-09T16:00")
        overdue = api.get("/service-cases?overdue=true", trade.supplier_token).get_json()
        assert [c["id"] for c in overdue["items"]] == [case["id"]]
        # Nothing waits for the buyer: it is the supplier's answer that is late.
        assert not [i for i in api.get("/me/work-list", trade.buyer_token).get_json()["items"]
                    if i["kind"] == "service_case_to_answer"]
        figures = api.get("/service-figures", trade.supplier_token).get_json()
        assert (figures["open"], figures["overdue"], figures["response_on_time_rate"]) == (
            1, 1, 0.0)


def test_figures_on_a_known_set(api, world):
    """Four cases: answered after 2 h and 6 h (median 4 h), one solved at the first
    answer, one reopened, one unanswered; ratings 5 and 2."""
    trade, buyer, supplier = world.trade, world.trade.buyer_token, world.trade.supplier_token
    with replayed_clock() as move_to:
        ids = []
        for hours in (2, 6):
            move_to(MONDAY)
            case = _open(api, buyer, counterparty=trade.supplier.company_id).get_json()
            ids.append(case["id"])
            move_to(MONDAY + timedelta(hours=hours))
            api.post(f"/service-cases/{case['id']}/messages", supplier, json={"body": "On it."})
        move_to(MONDAY + timedelta(hours=10))
        for case_id in ids:
            api.post(f"/service-cases/{case_id}/actions/close", buyer, json={})
        api.post(f"/service-cases/{ids[0]}/rating", buyer, json={"score": 5})
        api.post(f"/service-cases/{ids[1]}/actions/reopen", buyer, json={})
        move_to(MONDAY + timedelta(hours=20))
        api.post(f"/service-cases/{ids[1]}/messages", supplier, json={"body": "Fixed now."})
        api.post(f"/service-cases/{ids[1]}/actions/resolve", supplier, json={})
        api.post(f"/service-cases/{ids[1]}/actions/close", buyer, json={})
        api.post(f"/service-cases/{ids[1]}/rating", buyer, json={"score": 2})
        move_to(MONDAY)
        _open(api, buyer, counterparty=trade.supplier.company_id, type="return")
        move_to(MONDAY + timedelta(days=1))
        figures = api.get("/service-figures", supplier).get_json()
    assert figures["cases"] == 3
    assert figures["first_response_hours_median"] == 4.0
    assert figures["resolution_hours_median"] == 15.0  # 10 h and 20 h
    assert figures["solved_at_first_answer_rate"] == 0.5
    assert figures["satisfaction"] == 3.5
    assert figures["ratings"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert figures["by_type"]["return"] == 1 and figures["by_type"]["complaint"] == 2


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(app, api, world,
                                                                   language):
    trade = world.trade
    headers = {"Accept-Language": language}
    if language != "en":  # a member's own language comes before the request's
        with app.app_context():
            db.session.get(User, trade.buyer.user_id).language = "zh_Hant"
            db.session.commit()
    before = _count(app)
    response = api.post("/service-cases", trade.buyer_token, headers=headers, json={
        "counterparty_company_id": trade.supplier.company_id, "type": "complaint",
        "subject": "  ", "body": "Broken cartons", "document_id": 999999})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"subject", "document_id"}
    theirs = api.post("/service-cases", trade.buyer_token, headers=headers, json={
        "counterparty_company_id": trade.supplier.company_id, "subject": "Their inquiry",
        "body": "?", "document_id": world.stranger_document["id"]})
    assert theirs.status_code == 422 and set(theirs.get_json()["errors"]) == {"document_id"}
    own = api.post("/service-cases", trade.buyer_token, headers=headers, json={
        "counterparty_company_id": trade.buyer.company_id, "subject": "Me", "body": "?"})
    assert set(own.get_json()["errors"]) == {"counterparty_company_id"}
    assert errors["subject"] == [_in(app, language, "Give the case a subject.")]
    assert errors["document_id"] == [_in(app, language,
                                         "No document of yours has the id %(id)s.", id=999999)]
    if language == "en":
        assert errors["subject"] == ["Give the case a subject."]
    assert _count(app) == before


def test_a_case_with_the_operator(api, world):
    trade = world.trade
    opened = _open(api, trade.buyer_token, type="question", subject="How do I add a member?")
    assert opened.status_code == 201
    case = opened.get_json()
    assert case["counterparty"] is None
    path = f"/service-cases/{case['id']}"
    mine = api.get("/service-cases", world.operator_token).get_json()
    assert [c["id"] for c in mine["items"]] == [case["id"]]
    answer = api.post(f"{path}/messages", world.operator_token,
                      json={"body": "Company settings → Members → Invite."})
    assert answer.status_code == 201 and answer.get_json()["company_id"] is None
    assert api.get(path, trade.buyer_token).get_json()["status"] == "waiting"
    assert api.post(f"{path}/actions/resolve", world.operator_token,
                    json={}).status_code == 200
    # The supplier and a stranger do not see it.
    assert api.get(path, trade.supplier_token).status_code == 404
    assert api.get(path, world.stranger_token).status_code == 404


def test_an_unknown_action_and_an_action_out_of_turn(api, world):
    trade = world.trade
    case = _open(api, trade.buyer_token, counterparty=trade.supplier.company_id).get_json()
    path = f"/service-cases/{case['id']}"
    assert api.post(f"{path}/actions/explode", trade.buyer_token, json={}).status_code == 404
    refused = api.post(f"{path}/actions/reopen", trade.buyer_token, json={})
    assert refused.status_code == 409
    assert refused.get_json()["allowed_actions"] == ["resolve", "close"]


def test_a_case_about_an_order_started_from_the_order_page(app, api, world):
    trade = world.trade
    client = app.test_client()
    portal_login(client, trade.buyer.email)
    page = client.get(f"/fulfillment/orders/{world.order['id']}").get_data(as_text=True)
    assert f"/service-cases/new?order={world.order['id']}" in page
    form = client.get(f"/service-cases/new?order={world.order['id']}").get_data(as_text=True)
    assert world.order["number"] in form
    opened = _open(api, trade.buyer_token, counterparty=trade.supplier.company_id,
                   type="return", order_id=world.order["id"])
    assert opened.status_code == 201 and opened.get_json()["order_id"] == world.order["id"]
    foreign = _open(api, world.stranger_token, counterparty=trade.supplier.company_id,
                    order_id=world.order["id"])
    assert foreign.status_code == 422 and set(foreign.get_json()["errors"]) == {"order_id"}
    assert f"SC-{opened.get_json()['id']:05d}" in client.get(
        f"/fulfillment/orders/{world.order['id']}").get_data(as_text=True)


def test_the_office_counts_the_cases_waiting_and_late(app, api, world):
    trade = world.trade
    with replayed_clock() as move_to:
        move_to(MONDAY)
        _open(api, trade.buyer_token, counterparty=trade.supplier.company_id)
        move_to(MONDAY + timedelta(days=2))
        client = app.test_client()
        portal_login(client, trade.supplier.email)
        page = client.get("/").get_data(as_text=True)
    assert 'id="office-service-waiting">1<' in page
    assert 'id="office-service-late">1<' in page


def test_a_comment_with_the_resolution_is_no_second_answer(api, world):
    trade = world.trade
    case = _open(api, trade.buyer_token, counterparty=trade.supplier.company_id).get_json()
    path = f"/service-cases/{case['id']}"
    api.post(f"{path}/messages", trade.supplier_token, json={"body": "Replacement on its way."})
    resolved = api.post(f"{path}/actions/resolve", trade.supplier_token,
                        json={"comment": "Shipped: B/L KHH-2291."}).get_json()
    assert resolved["solved_at_first_answer"] is True
    bodies = [m["body"] for m in api.get(f"{path}/messages", trade.buyer_token)
              .get_json()["items"]]
    assert bodies[-1] == "Shipped: B/L KHH-2291."

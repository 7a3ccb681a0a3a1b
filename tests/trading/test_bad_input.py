"""Every bad input of the issue: a clear refusal, and nothing changed."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.infrastructure.models import User
from tests.trading.support import LINES, Trade, sent_purchase_order

PROBLEM = "application/problem+json"


def _problem(response, status):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == PROBLEM
    return response.get_json()


def _history(api, trade, document, side="buyer"):
    return [e["action"] for e in api.get(f"/documents/{document['id']}/history",
                                         trade.token(side)).get_json()]


@pytest.fixture
def trade(make, api):
    return Trade.start(make, api)


def test_actions_out_of_order_are_refused_with_the_allowed_actions(trade, api):
    inquiry = trade.create("buyer", "inquiry")
    body = _problem(api.post(f"/documents/{inquiry['id']}/actions/accept", trade.buyer_token),
                    409)
    assert body["allowed_actions"] == ["send", "cancel", "archive"]
    quotation = trade.quotation_for(trade.act("buyer", inquiry, "send"))
    body = _problem(api.post(f"/documents/{quotation['id']}/actions/close",
                             trade.buyer_token), 409)
    assert body["allowed_actions"] == ["accept", "decline", "forward", "archive"]
    assert body["detail"] == "The action close is not possible while the document is sent."
    # The issuer may not accept its own quotation.
    body = _problem(api.post(f"/documents/{quotation['id']}/actions/accept",
                             trade.supplier_token), 409)
    assert "accept" not in body["allowed_actions"]
    _problem(api.post(f"/documents/{quotation['id']}/actions/fly", trade.buyer_token), 409)
    assert trade.get("buyer", quotation)["status"] == "sent"
    assert _history(api, trade, quotation) == ["create", "send"]


def test_a_stranger_neither_sees_nor_acts_on_a_document(trade, api, make):
    stranger = make.company_with_admin("Nosy Traders", roles=("buyer", "supplier"))
    token = api.token(stranger)
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    for call in (api.get(f"/documents/{inquiry['id']}", token),
                 api.get(f"/documents/{inquiry['id']}/history", token),
                 api.post(f"/documents/{inquiry['id']}/actions/decline", token),
                 api.post(f"/documents/{inquiry['id']}/derive", token,
                          json={"type": "quotation"}),
                 api.patch(f"/documents/{inquiry['id']}", token, json={"subject": "x"})):
        assert _problem(call, 404)["detail"] == f"Document {inquiry['id']} was not found."
    assert trade.get("buyer", inquiry)["status"] == "sent"


def test_a_draft_is_not_shown_to_its_recipient(trade, api):
    draft = trade.create("buyer", "inquiry")
    _problem(api.get(f"/documents/{draft['id']}", trade.supplier_token), 404)


def test_a_sent_document_is_read_only(trade, api):
    sent = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    body = _problem(api.patch(f"/documents/{sent['id']}", trade.buyer_token,
                              json={"subject": "Changed"}), 409)
    assert "read-only" in body["detail"]
    assert trade.get("buyer", sent)["subject"] == "M8 fasteners for spring"


def test_a_refusal_names_the_status_in_the_readers_language(trade, api, app):
    sent = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    with app.app_context():
        db.session.get(User, trade.buyer.user_id).language = "zh_Hant"
        db.session.commit()
    body = _problem(api.patch(f"/documents/{sent['id']}", trade.buyer_token,
                              json={"subject": "Changed"}), 409)
    assert "已傳送" in body["detail"] and "sent" not in body["detail"]


def test_a_stale_version_is_refused_with_412(trade, api):
    draft = trade.create("buyer", "inquiry")
    first = api.patch(f"/documents/{draft['id']}", trade.buyer_token,
                      json={"subject": "First"}, headers={"If-Match": f'"{draft["version"]}"'})
    assert first.status_code == 200 and first.headers["ETag"] == f'"{draft["version"] + 1}"'
    stale = _problem(api.patch(f"/documents/{draft['id']}", trade.buyer_token,
                               json={"subject": "Second"},
                               headers={"If-Match": f'"{draft["version"]}"'}), 412)
    assert stale["current_version"] == draft["version"] + 1
    _problem(api.post(f"/documents/{draft['id']}/actions/send", trade.buyer_token,
                      headers={"If-Match": f'"{draft["version"]}"'}), 412)
    document = trade.get("buyer", draft)
    assert (document["subject"], document["status"]) == ("First", "draft")


@pytest.mark.parametrize("quantity", ["0", "-5", 0, "abc", "1e400", "0.00001"])
def test_a_quantity_must_be_a_positive_number(trade, api, quantity):
    body = {"type": "inquiry", "recipient_company_id": trade.supplier.company_id,
            "lines": [{**LINES[0], "quantity": quantity}]}
    problem = api.post("/documents", trade.buyer_token, json=body)
    assert problem.status_code == 422, problem.get_json()
    assert "lines.0.quantity" in problem.get_json()["errors"]
    draft = trade.create("buyer", "inquiry")
    _problem(api.patch(f"/documents/{draft['id']}", trade.buyer_token,
                       json={"lines": [{**LINES[0], "quantity": "0"}]}), 422)
    assert api.get("/documents?box=drafts", trade.buyer_token).get_json()["total"] == 1
    assert trade.get("buyer", draft)["lines"][0]["quantity"] == "20000"


def test_a_child_keeps_its_parents_currency(trade, api):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry", currency="EUR"), "send")
    quotation = trade.derive("supplier", inquiry, "quotation")
    assert quotation["currency"] == "EUR"
    body = _problem(api.patch(f"/documents/{quotation['id']}", trade.supplier_token,
                              json={"currency": "USD"}), 422)
    assert body["errors"]["currency"] == [f"The currency must stay EUR, as in "
                                          f"{inquiry['number']}."]
    assert trade.get("supplier", quotation)["currency"] == "EUR"


def test_unknown_fields_and_codes_are_refused(trade, api):
    base = {"type": "inquiry", "recipient_company_id": trade.supplier.company_id,
            "lines": LINES}
    for extra, field in (({"status": "accepted"}, "status"), ({"incoterm": "FOB2"}, "incoterm"),
                         ({"payment_terms": "barter"}, "payment_terms"),
                         ({"currency": "XYZ"}, "currency"), ({"type": "memo"}, "type"),
                         ({"issuer_company_id": 1}, "issuer_company_id")):
        body = _problem(api.post("/documents", trade.buyer_token, json={**base, **extra}), 422)
        assert field in body["errors"], (extra, body)
    assert api.get("/documents?box=drafts", trade.buyer_token).get_json()["total"] == 0


def test_wrong_side_wrong_parent_and_wrong_recipient_are_refused(trade, api, make):
    body = _problem(api.post("/documents", trade.buyer_token, json={
        "type": "quotation", "recipient_company_id": trade.supplier.company_id,
        "lines": LINES}), 422)
    assert body["errors"]["type"] == ["Only suppliers issue this type (Quotation)."]
    body = _problem(api.post("/documents", trade.buyer_token, json={
        "type": "inquiry", "recipient_company_id": trade.buyer.company_id}), 422)
    assert "recipient_company_id" in body["errors"]
    _problem(api.post("/documents", trade.buyer_token, json={
        "type": "inquiry", "recipient_company_id": 99999}), 422)
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    body = _problem(api.post(f"/documents/{inquiry['id']}/derive", trade.supplier_token,
                             json={"type": "purchase_order"}), 422)
    assert body["errors"]["type"] == [
        f"A Purchase order cannot be made from {inquiry['number']} (Inquiry)."]
    # The buyer cannot answer its own inquiry with a quotation.
    _problem(api.post(f"/documents/{inquiry['id']}/derive", trade.buyer_token,
                      json={"type": "quotation"}), 422)


def test_an_order_is_confirmed_only_once_accepted(trade, api, make):
    order = sent_purchase_order(make, api, trade)
    drafts = api.get("/documents?box=drafts", trade.supplier_token).get_json()["total"]
    body = _problem(api.post(f"/documents/{order['id']}/derive", trade.supplier_token,
                             json={"type": "order_confirmation"}), 409)
    assert body["detail"] == (f"A Order confirmation is made from a Purchase order that is "
                              f"accepted / closed; {order['number']} is sent.")
    assert "accept" in body["allowed_actions"]
    body = _problem(api.post("/documents", trade.supplier_token, json={
        "type": "order_confirmation", "parent_id": order["id"],
        "recipient_company_id": trade.buyer.company_id, "lines": LINES}), 422)
    assert "parent_id" in body["errors"]
    assert api.get("/documents?box=drafts", trade.supplier_token).get_json()["total"] == drafts
    trade.act("supplier", order, "accept")
    assert trade.derive("supplier", order, "order_confirmation")["parent_id"] == order["id"]


def test_a_quotation_needs_prices_before_it_is_sent(trade, api):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    quotation = trade.derive("supplier", inquiry, "quotation")
    body = _problem(api.post(f"/documents/{quotation['id']}/actions/send",
                             trade.supplier_token), 409)
    assert body["detail"] == "Every line needs a unit price before a Quotation is sent."
    assert trade.get("supplier", quotation)["status"] == "draft"


def test_a_viewer_reads_but_does_not_write(trade, api, make):
    viewer = make.member(trade.buyer.company_id, "viewer")
    token = api.token(viewer)
    draft = trade.create("buyer", "inquiry")
    assert api.get(f"/documents/{draft['id']}", token).status_code == 200
    _problem(api.post("/documents", token, json={"type": "inquiry",
                                                 "recipient_company_id": 1}), 403)
    body = _problem(api.post(f"/documents/{draft['id']}/actions/send", token), 409)
    assert body["detail"] == "Your role does not allow this."
    assert trade.get("buyer", draft)["status"] == "draft"


def test_an_idempotency_key_creates_one_document(trade, api):
    body = {"type": "inquiry", "recipient_company_id": trade.supplier.company_id,
            "lines": LINES}
    headers = {"Idempotency-Key": "0b6c2f0e-inq-1"}
    first = api.post("/documents", trade.buyer_token, json=body, headers=headers)
    again = api.post("/documents", trade.buyer_token, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["id"] == again.get_json()["id"]
    assert api.get("/documents?box=drafts", trade.buyer_token).get_json()["total"] == 1


def test_an_expired_quotation_is_not_accepted(trade, api):
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    quotation = trade.derive("supplier", inquiry, "quotation")
    quotation = trade.patch("supplier", quotation, lines=trade.priced(quotation),
                            valid_until="2020-01-31")
    quotation = trade.act("supplier", quotation, "send")
    assert "accept" not in trade.get("buyer", quotation)["allowed_actions"]
    body = _problem(api.post(f"/documents/{quotation['id']}/actions/accept",
                             trade.buyer_token), 409)
    assert body["detail"] == "This offer was valid until 2020-01-31; ask for a revised one."
    assert trade.get("buyer", quotation)["status"] == "sent"


def test_a_types_own_fields_are_checked_and_kept(trade, api):
    order = trade.create("buyer", "purchase_order", lines=[
        {**LINES[0], "unit_price": "0.07"}], extras={"buyer_reference": "NW-4471"})
    assert order["extras"] == {"buyer_reference": "NW-4471"}
    for extras, field in (({"lc_number": "LC-1"}, "extras.lc_number"),
                          ({"buyer_reference": "x" * 61}, "extras.buyer_reference"),
                          ({"recipient_company_ids": [1]}, "extras.recipient_company_ids")):
        body = _problem(api.patch(f"/documents/{order['id']}", trade.buyer_token,
                                  json={"extras": extras}), 422)
        assert field in body["errors"], body
    advice = trade.create("supplier", "shipping_advice", extras={
        "vessel": "Ever Given", "etd": "2026-12-10", "container_numbers": ["EGHU1234567"]})
    patched = trade.patch("supplier", advice, extras={"eta": "2027-01-05", "vessel": None})
    assert patched["extras"] == {"etd": "2026-12-10", "eta": "2027-01-05",
                                 "container_numbers": ["EGHU1234567"]}
    body = _problem(api.patch(f"/documents/{advice['id']}", trade.supplier_token,
                              json={"extras": {"eta": "soon"}}), 422)
    assert body["errors"]["extras.eta"] == ["Not a valid date."]
    assert trade.get("supplier", advice)["extras"]["eta"] == "2027-01-05"

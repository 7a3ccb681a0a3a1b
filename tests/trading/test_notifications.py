"""Who is told when documents move: the bell, mail through the local SMTP server, and
signed webhooks to a local receiver, retried until they get through."""

from __future__ import annotations

import time

from tests.infrastructure.notifications.conftest import hook, receiver, settings  # noqa: F401
from tests.trading.support import Trade


def _bell(api, token):
    response = api.get("/notifications", token)
    assert response.status_code == 200, response.get_json()
    return [n["message"] for n in response.get_json()["items"]]


def test_a_sent_inquiry_reaches_the_assignee_by_bell_mail_and_webhook(make, api, hook,
                                                                      receiver, mailbox):
    trade = Trade.start(make, api)
    sales = make.member(trade.supplier.company_id, "sales")
    endpoint = receiver()
    hook(trade.supplier, endpoint.url, events=["document.received", "document.accepted"])
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")

    text = f"Hamburg Hardware GmbH sent you Inquiry {inquiry['number']}."
    assert _bell(api, trade.supplier_token) == [text]  # the assignee: the first admin
    assert _bell(api, api.token(sales)) == []
    [mail] = mailbox.to(trade.supplier.email)
    assert text in mailbox.body(mail)
    assert f"/trading/documents/{inquiry['id']}" in mailbox.body(mail)
    [delivery] = endpoint.wait_for(1)
    assert delivery.signature_is_valid()
    assert delivery.headers["X-Marketplace-Event"] == "document.received"
    data = delivery.json["data"]
    assert (data["document_id"], data["number"], data["type"], data["status"]) == (
        inquiry["id"], inquiry["number"], "inquiry", "sent")


def test_approvers_requesters_and_issuers_are_told(make, api):
    trade = Trade.start(make, api)
    approver = make.member(trade.supplier.company_id, "approver")
    viewer = make.member(trade.supplier.company_id, "viewer")
    api.post("/document-settings/approval-rules", trade.supplier_token, json={
        "type": "quotation", "direction": "send", "steps": [{"role": "approver"}]})
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    quotation = trade.quotation_for(inquiry)  # waits for the approver
    number = quotation["number"]
    approver_token = api.token(approver)
    assert _bell(api, approver_token) == [f"Quotation {number} waits for your approval."]
    assert _bell(api, api.token(viewer)) == []
    api.post(f"/documents/{quotation['id']}/actions/reject", approver_token,
             json={"comment": "Price too low"})
    assert f"Quotation {number} was rejected." in _bell(api, trade.supplier_token)
    trade.act("supplier", quotation, "send")
    api.post(f"/documents/{quotation['id']}/actions/approve", approver_token)
    assert f"Quotation {number} was approved." in _bell(api, trade.supplier_token)
    assert f"Taiwan Precision Fasteners sent you Quotation {number}." in _bell(
        api, trade.buyer_token)
    trade.act("buyer", quotation, "accept")
    assert f"Hamburg Hardware GmbH accepted Quotation {number}." in _bell(
        api, api.token(approver))


def test_a_failed_webhook_is_retried_and_signed_each_time(app, make, api, hook, receiver,
                                                          settings):
    settings(WEBHOOK_RETRY_DELAYS=[0.05, 0.05])
    trade = Trade.start(make, api)
    endpoint = receiver(statuses=[503, 200])
    hook(trade.buyer, endpoint.url, events=["document.received"])
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    trade.act("supplier", trade.quotation_for(inquiry), "archive")
    endpoint.wait_for(1)
    time.sleep(0.1)
    result = app.test_cli_runner().invoke(args=["deliver-webhooks"])
    assert result.exit_code == 0, result.output
    received = endpoint.wait_for(2)
    assert [r.headers["X-Marketplace-Attempt"] for r in received] == ["1", "2"]
    assert all(r.signature_is_valid() for r in received)
    assert received[0].body == received[1].body
    assert received[1].json["data"]["type"] == "quotation"


def test_a_forwarded_document_tells_the_colleague(make, api):
    trade = Trade.start(make, api)
    colleague = make.member(trade.supplier.company_id, "sales")
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    trade.act("supplier", inquiry, "forward", to_user_id=colleague.user_id)
    assert _bell(api, api.token(colleague)) == [
        f"Inquiry {inquiry['number']} was forwarded to you."]
    assert _bell(api, trade.buyer_token) == []


def test_a_refused_send_tells_nobody(make, api, mailbox):
    trade = Trade.start(make, api)
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    quotation = trade.derive("supplier", inquiry, "quotation")  # no prices yet
    before = len(mailbox.to(trade.buyer.email))
    refused = api.post(f"/documents/{quotation['id']}/actions/send", trade.supplier_token)
    assert refused.status_code == 409
    assert _bell(api, trade.buyer_token) == []
    assert len(mailbox.to(trade.buyer.email)) == before

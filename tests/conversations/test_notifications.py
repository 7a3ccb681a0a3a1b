"""A message tells the other company: its members by mail (unless they turned the event
off), and its webhooks subscribed to ``message.received`` with the message in the body;
the writing company is not told of its own message."""

from __future__ import annotations

import json

from tests.infrastructure.notifications.support import Receiver


def test_a_message_is_mailed_to_the_other_company_unless_turned_off(api, make, mailbox):
    buyer = make.company_with_admin("Hamburg Hardware GmbH", roles=("buyer",))
    supplier = make.company_with_admin("Taiwan Precision Fasteners", roles=("supplier",))
    quiet = make.member(supplier.company_id, "sales")
    off = api.patch("/notifications/preferences", api.token(quiet),
                    json={"email": {"message.received": False}})
    assert off.status_code == 200, off.get_json()
    started = api.post("/conversations", api.token(buyer), json={
        "company_id": supplier.company_id, "body": "Can you send 20 samples to Hamburg?"})
    assert started.status_code == 201, started.get_json()
    [mail] = mailbox.to(supplier.email)
    assert "Hamburg Hardware GmbH" in mail["Subject"]
    body = mailbox.body(mail)
    assert "Can you send 20 samples to Hamburg?" in body
    assert f"http://localhost/messages/{started.get_json()['id']}" in body
    assert mailbox.to(quiet.email) == []  # turned off: the bell only
    assert mailbox.to(buyer.email) == []  # the writer is not told of its own message
    bell = api.get("/notifications", api.token(quiet)).get_json()
    assert any("Can you send 20 samples" in item["message"] for item in bell["items"])


def test_a_webhook_hears_of_the_message(api, make):
    buyer = make.company_with_admin("Hamburg Hardware GmbH", roles=("buyer",))
    supplier = make.company_with_admin("Taiwan Precision Fasteners", roles=("supplier",))
    endpoint = Receiver().start()
    try:
        made = api.post("/webhooks", api.token(supplier), json={
            "url": endpoint.url, "events": ["message.received"], "secret": "s" * 32})
        assert made.status_code == 201, made.get_json()
        started = api.post("/conversations", api.token(buyer), json={
            "company_id": supplier.company_id, "body": "Blue boxes of 500?"}).get_json()
        [delivery] = endpoint.wait_for(1)
    finally:
        endpoint.stop()
    assert delivery.headers["X-Marketplace-Event"] == "message.received"
    sent = json.loads(delivery.body)
    assert sent["company_id"] == supplier.company_id
    assert sent["data"]["conversation_id"] == started["id"]
    assert sent["data"]["from_company_id"] == buyer.company_id
    assert sent["data"]["body"] == "Blue boxes of 500?"

"""A service case tells the other side: its members in the bell and by mail, its
webhooks subscribed to ``service_case.*``; a case to the operator tells the operators;
the acting company is not told of its own step."""

from __future__ import annotations

import json

from tests.infrastructure.notifications.support import Receiver


def test_opening_and_answering_tell_the_other_side(api, make, mailbox):
    buyer = make.company_with_admin("Hamburg Hardware GmbH", roles=("buyer",))
    supplier = make.company_with_admin("Taiwan Precision Fasteners", roles=("supplier",))
    operator = make.operator()
    endpoint = Receiver().start()
    try:
        made = api.post("/webhooks", api.token(supplier), json={
            "url": endpoint.url, "events": ["service_case.opened", "service_case.resolved"],
            "secret": "s" * 32})
        assert made.status_code == 201, made.get_json()
        case = api.post("/service-cases", api.token(buyer), json={
            "counterparty_company_id": supplier.company_id, "type": "quality",
            "subject": "Rust spots on zinc-plated nuts", "body": "Batch 2611, 5 % rusty."}
        ).get_json()
        [delivery] = endpoint.wait_for(1)
    finally:
        endpoint.stop()
    assert delivery.headers["X-Marketplace-Event"] == "service_case.opened"
    sent = json.loads(delivery.body)
    assert sent["data"]["service_case_id"] == case["id"]
    assert sent["data"]["type"] == "quality" and sent["data"]["number"] == case["number"]
    [mail] = mailbox.to(supplier.email)
    assert "Rust spots on zinc-plated nuts" in mail["Subject"]
    assert f"http://localhost/service-cases/{case['id']}" in mailbox.body(mail)
    assert mailbox.to(buyer.email) == []
    api.post(f"/service-cases/{case['id']}/messages", api.token(supplier),
             json={"body": "Please send photos of the batch label."})
    bell = api.get("/notifications", api.token(buyer)).get_json()
    assert any("Please send photos" in item["message"] for item in bell["items"])
    to_operator = api.post("/service-cases", api.token(buyer), json={
        "type": "question", "subject": "Invoice of our plan", "body": "Where is it?"})
    assert to_operator.status_code == 201
    operator_bell = api.get("/notifications", api.token(operator)).get_json()
    assert any("Invoice of our plan" in item["message"] for item in operator_bell["items"])

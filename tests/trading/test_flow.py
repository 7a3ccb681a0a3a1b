"""The whole negotiation through the API: inquiry → quotation → purchase order →
order confirmation, with numbers, thread, history, boxes and the engine's signal."""

from __future__ import annotations

from marketplace.core.signals import document_transitioned
from tests.trading.support import Trade, accepted_purchase_order


def test_inquiry_to_order_confirmation_through_the_api(make, api):
    trade = Trade.start(make, api)
    inquiry = trade.create("buyer", "inquiry")
    assert inquiry["status"] == "draft"
    assert inquiry["number"].startswith("INQ-") and inquiry["number"].endswith("-00001")
    assert inquiry["allowed_actions"] == ["send", "cancel", "archive"]
    inquiry = trade.act("buyer", inquiry, "send")
    assert inquiry["status"] == "sent"

    received = trade.get("supplier", inquiry)
    assert received["issuer"]["name"] == "Hamburg Hardware GmbH"
    assert received["assigned_to"]["id"] == trade.supplier.user_id  # the first admin
    assert "accept" not in received["allowed_actions"]  # an inquiry is answered, not accepted

    quotation = trade.derive("supplier", inquiry, "quotation")
    assert quotation["parent_id"] == inquiry["id"]
    assert quotation["thread_id"] == inquiry["thread_id"]
    assert quotation["issuer"]["id"] == trade.supplier.company_id
    assert quotation["recipient"]["id"] == trade.buyer.company_id
    assert [line["quantity"] for line in quotation["lines"]] == ["20000", "20000"]
    assert quotation["number"].startswith("QUO-")
    quotation = trade.patch("supplier", quotation, lines=trade.priced(quotation),
                            incoterm="FOB", payment_terms="lc_sight")
    assert [line["amount"] for line in quotation["lines"]] == ["1440.00", "240.00"]
    assert quotation["totals"] == {"total": "1680.00", "currency": "USD", "lines": 2}
    quotation = trade.act("supplier", quotation, "send")
    quotation = trade.act("buyer", quotation, "accept")
    assert quotation["status"] == "accepted"

    order = trade.derive("buyer", quotation, "purchase_order")
    assert order["incoterm"] == "FOB" and order["payment_terms"] == "lc_sight"
    assert order["totals"]["total"] == "1680.00"
    order = trade.act("buyer", order, "send")
    order = trade.act("supplier", order, "accept")
    assert order["status"] == "accepted"

    confirmation = trade.act("supplier", trade.derive("supplier", order, "order_confirmation"),
                             "send")
    assert confirmation["status"] == "sent"
    assert trade.act("buyer", confirmation, "accept")["status"] == "accepted"

    thread = api.get(f"/documents/{confirmation['id']}/thread", trade.buyer_token).get_json()
    assert [d["type"] for d in thread] == ["inquiry", "quotation", "purchase_order",
                                           "order_confirmation"]
    history = api.get(f"/documents/{order['id']}/history", trade.supplier_token).get_json()
    assert [(e["action"], e["from_status"], e["to_status"]) for e in history] == [
        ("create", None, "draft"), ("send", "draft", "sent"), ("accept", "sent", "accepted")]
    assert history[2]["actor"]["id"] == trade.supplier.user_id


def test_boxes_show_each_side_its_own_documents(make, api):
    trade = Trade.start(make, api)
    draft = trade.create("buyer", "inquiry", subject="Washers")
    sent = trade.act("buyer", trade.create("buyer", "inquiry", subject="Bolts"), "send")

    def box(side, name, **query):
        answer = api.get("/documents", trade.token(side), query_string={"box": name, **query})
        assert answer.status_code == 200, answer.get_json()
        return [d["id"] for d in answer.get_json()["items"]]

    assert box("buyer", "drafts") == [draft["id"]]
    assert box("buyer", "outbox") == [sent["id"]]
    assert box("buyer", "inbox") == []
    assert box("supplier", "inbox") == [sent["id"]]  # the draft never reached it
    assert box("supplier", "drafts") == []
    assert box("supplier", "inbox", q="bolts") == [sent["id"]]
    assert box("supplier", "inbox", q="HAMBURG") == [sent["id"]]
    assert box("supplier", "inbox", q="hn-m8") == [sent["id"]]
    assert box("supplier", "inbox", q="washers") == []
    listed = api.get("/documents", trade.supplier_token).get_json()["items"][0]
    assert listed["party"]["read"] is False
    trade.get("supplier", sent)  # opening it marks it read
    listed = api.get("/documents", trade.supplier_token).get_json()["items"][0]
    assert listed["party"]["read"] is True

    trade.act("supplier", sent, "archive")
    assert box("supplier", "inbox") == []
    assert box("supplier", "archive") == [sent["id"]]
    assert box("buyer", "outbox") == [sent["id"]]  # archiving is the supplier's own
    assert trade.get("buyer", sent)["status"] == "sent"


def test_accepting_a_purchase_order_emits_the_signal_fulfillment_listens_to(make, api):
    seen = []

    def listen(document, **kwargs):
        seen.append((document.type, kwargs["action"], kwargs["from_status"],
                     kwargs["to_status"], kwargs["actor"].company.id))

    with document_transitioned.connected_to(listen):
        order = accepted_purchase_order(make, api)
    assert ("purchase_order", "accept", "sent", "accepted",
            order.trade.supplier.company_id) in seen
    assert order["status"] == "accepted"


def test_the_document_types_are_listed_as_declared(api):
    types = {t["code"]: t for t in api.get("/document-types").get_json()}
    assert len(types) == 16
    quotation = types["quotation"]
    assert (quotation["label"], quotation["issued_by"], quotation["numbering"]) == (
        "Quotation", "supplier", "QUO-{year}-{seq:05}")
    assert {(d["parent"], d["reply"]) for d in quotation["derived_from"]} == {
        ("inquiry", True), ("rfq", True), ("quotation", False)}
    accept = next(a for a in quotation["actions"] if a["name"] == "accept")
    assert (accept["from_states"], accept["to_state"], accept["by"]) == (
        ["sent"], "accepted", "recipient")
    assert types["rfq"]["many_recipients"] is True
    assert types["order_confirmation"]["derived_from"][0]["parent_states"] == [
        "accepted", "closed"]


def test_closing_and_revising(make, api):
    trade = Trade.start(make, api)
    order = accepted_purchase_order(make, api, trade)
    assert trade.act("buyer", order, "close")["status"] == "closed"
    revised = trade.derive("supplier", order.quotation, "quotation")  # a revised quotation
    assert revised["parent_id"] == order.quotation["id"]
    assert revised["recipient"]["id"] == trade.buyer.company_id
    advice = trade.derive("supplier", order, "shipping_advice")
    advice = trade.act("supplier", advice, "send")
    assert "accept" not in trade.get("buyer", advice)["allowed_actions"]
    assert trade.act("buyer", advice, "close")["status"] == "closed"


def test_a_reply_starts_its_own_notes_a_revision_keeps_them(make, api):
    trade = Trade.start(make, api)
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry", notes="Please quote FOB."),
                        "send")
    quotation = trade.derive("supplier", inquiry, "quotation")
    assert quotation["notes"] is None  # the buyer's request is not the supplier's offer
    # A reply names what it answers; terms still carry over.
    assert quotation["subject"] == f"Quotation for inquiry {inquiry['number']}"
    assert quotation["currency"] == inquiry["currency"]
    quotation = trade.patch("supplier", quotation, lines=trade.priced(quotation),
                            notes="Lead time 30 days.")
    quotation = trade.act("supplier", quotation, "send")
    revised = trade.derive("supplier", quotation, "quotation")
    assert revised["notes"] == "Lead time 30 days."
    assert revised["subject"] == quotation["subject"]  # a revision keeps its subject

"""The conversations API (API.md, "Conversations"): a buyer starts a conversation about a
supplier's product, the supplier answers with files, read receipts, search, the unread
count, the inquiry a conversation becomes; bad input refused with each field named;
a third company (and the operator, who has no company) never sees it."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from tests.content.conftest import jpeg_bytes, pdf_bytes  # noqa: F401
from tests.trading.conftest import make_product  # noqa: F401 - the fixture
from tests.worlds import shared_world


@dataclass
class World:
    buyer: object
    supplier: object
    stranger: object
    buyer_token: str
    supplier_token: str
    stranger_token: str
    operator_token: str
    bolt: int
    conversation: int
    reply: dict


@shared_world
def world(make, api, make_product):
    buyer = make.company_with_admin("Hamburg Hardware GmbH", roles=("buyer",), country="DE")
    supplier = make.company_with_admin("Taiwan Precision Fasteners", roles=("supplier",),
                                       country="TW")
    stranger = make.company_with_admin("Nosy Trading", roles=("buyer", "supplier"))
    operator = make.operator()
    tokens = [api.token(member) for member in (buyer, supplier, stranger, operator)]
    bolt, _, _ = make_product(supplier.company_id, name="Hex bolt M8", name_zh="六角螺栓 M8",
                              moq="5000", unit="pcs", currency="EUR", port="Kaohsiung")
    started = api.post("/conversations", tokens[0], json={
        "company_id": supplier.company_id, "product_id": bolt,
        "body": "Can you make the M8 bolts in A4 stainless with a blue box?"})
    assert started.status_code == 201, started.get_json()
    conversation = started.get_json()["id"]
    reply = api.post(f"/conversations/{conversation}/messages", tokens[1],
                     data={"body": "Yes. Here is our box artwork proposal.",
                           "file": (io.BytesIO(pdf_bytes()), "artwork.pdf")},
                     content_type="multipart/form-data")
    assert reply.status_code == 201, reply.get_json()
    return World(buyer, supplier, stranger, *tokens, bolt, conversation, reply.get_json())


def _messages(api, world, token):
    response = api.get(f"/conversations/{world.conversation}/messages", token)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_started_conversation_is_listed_for_both_companies(api, world):
    mine = api.get("/conversations", world.buyer_token).get_json()
    assert (mine["total"], mine["page"], mine["per_page"]) == (1, 1, 20)
    [item] = mine["items"]
    assert item["id"] == world.conversation
    assert item["counterparty"] == {"id": world.supplier.company_id,
                                    "name": "Taiwan Precision Fasteners"}
    assert (item["product_id"], item["subject"], item["started_by_us"]) == (
        world.bolt, "Hex bolt M8", True)
    assert item["last_message"]["excerpt"] == "Yes. Here is our box artwork proposal."
    assert item["last_message"]["ours"] is False
    assert item["unread"] == 1  # the supplier's reply
    [theirs] = api.get("/conversations", world.supplier_token).get_json()["items"]
    assert theirs["counterparty"]["name"] == "Hamburg Hardware GmbH"
    assert theirs["unread"] == 0 and theirs["started_by_us"] is False


def test_messages_carry_their_files_and_read_receipts(api, world):
    supplier_view = _messages(api, world, world.supplier_token)
    first, reply = supplier_view["items"]
    assert first["body"].startswith("Can you make the M8 bolts")
    assert (reply["ours"], reply["seen"], reply["seen_at"]) == (True, False, None)
    [item] = reply["attachments"]
    assert (item["name"], item["content_type"]) == ("artwork.pdf", "application/pdf")
    download = api.get(item["url"].removeprefix("/api/v1"), world.buyer_token)
    assert download.status_code == 200 and download.data == pdf_bytes()
    # The buyer reads the messages: the supplier sees "seen" on its reply.
    assert api.get("/conversations", world.buyer_token).get_json()["items"][0]["unread"] == 1
    _messages(api, world, world.buyer_token)
    again = _messages(api, world, world.supplier_token)["items"][1]
    assert again["seen"] is True and again["seen_at"]
    assert api.get("/conversations", world.buyer_token).get_json()["items"][0]["unread"] == 0
    assert api.get("/conversations?unread=true", world.buyer_token).get_json()["total"] == 0


def test_an_answer_is_unread_until_the_other_side_reads_it(api, world):
    _messages(api, world, world.buyer_token)
    sent = api.post(f"/conversations/{world.conversation}/messages", world.buyer_token,
                    json={"body": "Send 20 samples please"})
    assert sent.status_code == 201, sent.get_json()
    assert (sent.get_json()["ours"], sent.get_json()["seen"]) == (True, False)
    supplier_list = api.get("/conversations?unread=1", world.supplier_token).get_json()
    assert [c["unread"] for c in supplier_list["items"]] == [1]
    assert _messages(api, world, world.buyer_token)["items"][-1]["seen"] is False
    _messages(api, world, world.supplier_token)
    assert _messages(api, world, world.buyer_token)["items"][-1]["seen"] is True


def test_search_finds_the_conversation_by_words_of_its_messages(api, world):
    for q, found in (("artwork", 1), ("blue BOX", 1), ("stainless artwork", 1),
                     ("Fasteners", 1), ("copper", 0), ("blue copper", 0), ("100%", 0)):
        answer = api.get("/conversations", world.buyer_token, query_string={"q": q})
        assert answer.get_json()["total"] == found, q
    # Chinese words too, and the other company never finds it.
    api.post(f"/conversations/{world.conversation}/messages", world.supplier_token,
             json={"body": "包裝用藍色紙箱"})
    assert api.get("/conversations", world.buyer_token,
                   query_string={"q": "藍色"}).get_json()["total"] == 1
    assert api.get("/conversations", world.stranger_token,
                   query_string={"q": "artwork"}).get_json()["total"] == 0


def test_a_message_is_told_by_the_bell_and_the_webhook_event(app, api, world):
    from marketplace.extensions import db
    from marketplace.infrastructure.notifications.models import Notification

    with app.app_context():
        told = db.session.scalars(db.select(Notification).where(
            Notification.event == "message.received")).all()
        by_user = {n.user_id: n for n in told}
    assert set(by_user) == {world.supplier.user_id, world.buyer.user_id}
    to_buyer = by_user[world.buyer.user_id]
    assert to_buyer.link == f"/messages/{world.conversation}"
    assert to_buyer.company_id == world.buyer.company_id
    assert to_buyer.params["company"] == "Taiwan Precision Fasteners"
    assert "artwork proposal" in to_buyer.params["excerpt"]
    events = api.get("/webhooks/events", world.buyer_token).get_json()
    names = [event["name"] if isinstance(event, dict) else event for event in
             (events["items"] if isinstance(events, dict) else events)]
    assert "message.received" in names


def test_the_conversation_becomes_an_inquiry_draft_linked_back(api, world):
    made = api.post(f"/conversations/{world.conversation}/inquiry", world.buyer_token)
    assert made.status_code == 201, made.get_json()
    inquiry = made.get_json()
    assert made.headers["Location"].endswith(f"/api/v1/documents/{inquiry['id']}")
    assert (inquiry["type"], inquiry["status"]) == ("inquiry", "draft")
    assert inquiry["recipient"]["id"] == world.supplier.company_id
    assert inquiry["currency"] == "EUR"  # the product's
    [line] = inquiry["lines"]
    assert (line["product_id"], line["quantity"], line["unit"]) == (world.bolt, "5000", "pcs")
    assert "Can you make the M8 bolts in A4 stainless" in inquiry["notes"]
    assert "artwork proposal" in inquiry["notes"] and "artwork.pdf" in inquiry["notes"]
    assert inquiry["extras"]["conversation_id"] == world.conversation
    conversation = api.get(f"/conversations/{world.conversation}", world.buyer_token)
    assert conversation.get_json()["inquiry_id"] == inquiry["id"]
    again = api.post(f"/conversations/{world.conversation}/inquiry", world.buyer_token)
    assert again.status_code == 200 and again.get_json()["id"] == inquiry["id"]
    # The supplier has no buyer role: it sends no inquiry.
    refused = api.post(f"/conversations/{world.conversation}/inquiry", world.supplier_token)
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"


def test_idempotency_key_replays_the_first_answer(api, world):
    headers = {"Idempotency-Key": "3c1f7f0e-conv-0001"}
    body = {"company_id": world.supplier.company_id, "body": "Do you ship to Rotterdam?"}
    first = api.post("/conversations", world.buyer_token, json=body, headers=headers)
    second = api.post("/conversations", world.buyer_token, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] == second.get_json()["id"]
    assert api.get("/conversations", world.buyer_token).get_json()["total"] == 2
    path = f"/conversations/{world.conversation}/messages"
    once = api.post(path, world.buyer_token, json={"body": "x"}, headers=headers | {
        "Idempotency-Key": "msg-1"})
    twice = api.post(path, world.buyer_token, json={"body": "x"}, headers=headers | {
        "Idempotency-Key": "msg-1"})
    assert once.get_json()["id"] == twice.get_json()["id"]
    assert _messages(api, world, world.buyer_token)["total"] == 3


OWN, UNKNOWN = object(), object()


@pytest.mark.parametrize(("body", "field"), [
    ({"body": ""}, "body"),
    ({"body": "   "}, "body"),
    ({"body": "x" * 5001}, "body"),
    ({"company_id": OWN}, "company_id"),
    ({"company_id": 2**31 - 1}, "company_id"),
    ({"product_id": UNKNOWN}, "product_id"),
    ({"product_id": 2**31 - 1}, "product_id"),
    ({"document_id": 2**31 - 1}, "document_id"),
    ({"colour": "blue"}, "colour"),
], ids=["empty", "blank", "too long", "own company", "unknown company", "foreign product",
        "unknown product", "unknown document", "unknown field"])
def test_bad_input_names_the_field_and_makes_nothing(api, world, make_product, body, field):
    values = {"company_id": world.supplier.company_id, "body": "Hello", **body}
    if values["company_id"] is OWN:
        values["company_id"] = world.buyer.company_id
    if values.get("product_id") is UNKNOWN:  # a product of a third company
        values["product_id"] = make_product(world.stranger.company_id)[0]
    response = api.post("/conversations", world.buyer_token, json=values)
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert api.get("/conversations", world.buyer_token).get_json()["total"] == 1


def test_an_empty_message_and_bad_files_are_refused(app, api, world):
    path = f"/conversations/{world.conversation}/messages"
    empty = api.post(path, world.buyer_token, json={"body": "  "})
    assert empty.status_code == 422 and "body" in empty.get_json()["errors"]
    wrong = api.post(path, world.buyer_token, data={
        "body": "the program", "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "x.pdf")},
        content_type="multipart/form-data")
    assert wrong.status_code == 415 and wrong.mimetype == "application/problem+json"
    app.config["MEDIA_MAX_BYTES"] = {**app.config["MEDIA_MAX_BYTES"], "pdf": 100}
    try:
        large = api.post(path, world.buyer_token, data={
            "body": "big", "file": (io.BytesIO(pdf_bytes()), "big.pdf")},
            content_type="multipart/form-data")
    finally:
        app.config["MEDIA_MAX_BYTES"] = {**app.config["MEDIA_MAX_BYTES"], "pdf": 25 << 20}
    assert large.status_code == 413 and large.mimetype == "application/problem+json"
    photo_only = api.post(path, world.buyer_token, data={
        "file": (io.BytesIO(jpeg_bytes()), "sample.jpg")}, content_type="multipart/form-data")
    assert photo_only.status_code == 201, photo_only.get_json()
    assert _messages(api, world, world.buyer_token)["total"] == 3


ROUTES = [
    ("GET", "/conversations/{c}"),
    ("GET", "/conversations/{c}/messages"),
    ("POST", "/conversations/{c}/messages"),
    ("GET", "/conversations/{c}/messages/{m}/attachments/{a}"),
    ("POST", "/conversations/{c}/inquiry"),
]


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_a_third_company_gets_404_on_every_route(api, world, method, route):
    path = route.format(c=world.conversation, m=world.reply["id"],
                        a=world.reply["attachments"][0]["id"])
    for token in (world.stranger_token,):
        response = api.call(method, path, token, json={"body": "hi"} if method == "POST"
                            else None)
        assert response.status_code == 404, (path, response.get_json())
        assert response.mimetype == "application/problem+json"
    anonymous = api.call(method, path, None, json={"body": "hi"} if method == "POST" else None)
    assert anonymous.status_code == 401
    # The operator belongs to no company: no conversations (nothing about this one said).
    assert api.call(method, path, world.operator_token,
                    json={"body": "hi"} if method == "POST" else None).status_code in (403, 404)
    assert api.get("/conversations", world.stranger_token).get_json()["total"] == 0


def test_the_lists_count_up_to_the_cap_and_say_there_are_more(app, api, world, monkeypatch):
    """Issue 16.6: no list counts all of itself ("10,000+" in production, 1+ here)."""
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 1)
    messages = _messages(api, world, world.buyer_token)  # the question and the reply
    assert (messages["total"], messages["total_capped"]) == (1, True)
    assert len(messages["items"]) == 2
    listed = api.get("/conversations", world.buyer_token).get_json()
    assert (listed["total"], listed["total_capped"]) == (1, False)  # exactly one
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 10_000)
    assert _messages(api, world, world.buyer_token)["total_capped"] is False

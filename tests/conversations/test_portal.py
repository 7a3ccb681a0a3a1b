"""The portal's side: the one box on a product page and a supplier profile (an inquiry
sent in one step), the Messages page (list, unread count in the navbar, search), a
conversation (replies with files, "Seen", "Turn into inquiry"), refused input shown
again with the field's label and what was typed, currency lists, and another
company's conversation not found."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest

from marketplace.core import currencies
from tests.content.conftest import pdf_bytes  # noqa: F401
from tests.factories import csrf_token, portal_login
from tests.trading.conftest import make_product  # noqa: F401 - the fixture
from tests.trading.test_portal import flashes, text_of
from tests.worlds import shared_world


@dataclass
class World:
    buyer: object
    supplier: object
    stranger: object
    supplier_token: str
    buyer_token: str
    bolt: int


@shared_world
def world(make, api, make_product):
    buyer = make.company_with_admin("Hamburg Hardware GmbH", roles=("buyer",), country="DE")
    supplier = make.company_with_admin("Taiwan Precision Fasteners", roles=("supplier",),
                                       country="TW")
    stranger = make.company_with_admin("Nosy Trading", roles=("buyer", "supplier"))
    bolt, _, _ = make_product(supplier.company_id, name="Hex bolt M8", moq="5000",
                              unit="pcs", currency="EUR", port="Kaohsiung")
    return World(buyer, supplier, stranger, api.token(supplier), api.token(buyer), bolt)


def _client(app, member):
    client = app.test_client()
    assert portal_login(client, member.email).status_code == 302
    return client


def _box(client, path, **data):
    token = csrf_token(client, path)
    return client.post(path, data={"csrf_token": token, **data},
                       content_type="multipart/form-data")


def test_the_product_page_sends_an_inquiry_in_one_box(app, api, world):
    buyer = _client(app, world.buyer)
    page = text_of(buyer.get(f"/products/{world.bolt}"))
    assert 'id="contact-box"' in page and 'id="message-supplier"' in page
    assert 'id="send-inquiry"' in page  # the full editor, one click away
    action = f"/messages/contact/product/{world.bolt}"
    assert f'action="{action}"' in page
    sent = buyer.post(action, data={
        "csrf_token": csrf_token(buyer, f"/products/{world.bolt}"), "quantity": "20000",
        "unit": "pcs", "target_price": "0.07", "message": "A4 stainless, blue boxes of 500",
        "files": (io.BytesIO(pdf_bytes()), "drawing.pdf")}, content_type="multipart/form-data")
    assert sent.status_code == 303, text_of(sent)[:2000]
    document_id = int(re.search(r"/trading/documents/(\d+)$", sent.headers["Location"])[1])
    assert flashes(buyer.get(sent.headers["Location"]))[0].endswith(
        "is sent to Taiwan Precision Fasteners.")
    inquiry = api.get(f"/documents/{document_id}", world.supplier_token).get_json()
    assert (inquiry["type"], inquiry["status"]) == ("inquiry", "sent")
    assert inquiry["issuer"]["id"] == world.buyer.company_id
    assert inquiry["recipient"]["id"] == world.supplier.company_id
    assert inquiry["currency"] == "EUR"
    [line] = inquiry["lines"]
    assert (line["product_id"], line["quantity"], line["unit"], line["unit_price"]) == (
        world.bolt, "20000", "pcs", "0.07")
    assert "A4 stainless, blue boxes of 500" in inquiry["notes"]
    assert "Target price: EUR 0.07 per pcs" in inquiry["notes"]
    assert [a["name"] for a in inquiry["attachments"]] == ["drawing.pdf"]


def test_a_refused_box_comes_back_with_the_labels_and_the_input(app, world):
    buyer = _client(app, world.buyer)
    action = f"/messages/contact/product/{world.bolt}"
    refused = _box(buyer, action, quantity="0", unit="pcs", target_price="cheap",
                   message="  ")
    assert refused.status_code == 422
    page = text_of(refused)
    for label, reason in (("Quantity", "A number greater than 0."),
                          ("Target price per unit (optional)", "A number greater than 0."),
                          ("Message", "Write what you need (1 to 5000 characters).")):
        assert re.search(rf">\s*{re.escape(label)}\s*</label>", page), label
        assert reason in page
    assert 'value="cheap"' in page and 'value="0"' in page  # nothing typed is lost
    assert api_documents(app) == 0


def api_documents(app) -> int:
    from marketplace.extensions import db
    from marketplace.workflow.models import Document

    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Document.id)))


def test_the_supplier_profile_has_a_contact_button_and_box(app, api, world):
    buyer = _client(app, world.buyer)
    profile = text_of(buyer.get(f"/companies/{world.supplier.company_id}"))
    assert 'id="contact-supplier"' in profile and 'id="message-company"' in profile
    path = f"/messages/contact/company/{world.supplier.company_id}"
    form = text_of(buyer.get(path))
    assert f'<option value="{world.bolt}">' in form
    # No gold, test or "no currency" codes among the choices (looked for as options: the
    # page's random CSRF token once held "XAU").
    assert 'value="USD"' in form
    assert not [code for code in ("XAU", "XTS", "XXX") if f'value="{code}"' in form]
    sent = _box(buyer, path, product_id="", quantity="300", unit="sets", currency="USD",
                message="Custom stainless brackets to our drawing")
    assert sent.status_code == 303, text_of(sent)[:2000]
    document_id = int(re.search(r"/trading/documents/(\d+)$", sent.headers["Location"])[1])
    inquiry = api.get(f"/documents/{document_id}", world.buyer_token).get_json()
    assert (inquiry["currency"], inquiry["status"]) == ("USD", "sent")
    [line] = inquiry["lines"]
    assert (line["product_id"], line["quantity"], line["unit"]) == (None, "300", "sets")
    assert line["description"] == "Custom stainless brackets to our drawing"
    # The supplier sees no contact box on its own page; a visitor is asked to log in.
    own = text_of(_client(app, world.supplier).get(f"/companies/{world.supplier.company_id}"))
    assert 'id="contact-supplier"' not in own
    # A buyer is no supplier: "Message" it, but no inquiry box.
    buyer_page = text_of(_client(app, world.supplier).get(f"/companies/{world.buyer.company_id}"))
    assert 'id="message-company"' in buyer_page and 'id="contact-supplier"' not in buyer_page
    assert buyer.get(f"/messages/contact/company/{world.buyer.company_id}").status_code == 404
    visitor = text_of(app.test_client().get(f"/companies/{world.supplier.company_id}"))
    assert re.search(r'href="/login\?next=[^"]*"[^>]*id="contact-supplier"', visitor)


def test_a_company_that_does_not_buy_is_told_so_instead_of_a_box(app, world):
    supplier = _client(app, world.supplier)  # sells only
    page = text_of(supplier.get(f"/messages/contact/company/{world.stranger.company_id}"))
    assert 'id="not-a-buyer"' in page and 'id="contact-form"' not in page
    assert "add the buyer role to your company" in page
    assert f'href="/messages/new/{world.stranger.company_id}"' in page  # it may still write


def test_messages_from_a_product_to_an_inquiry(app, api, world):
    buyer, supplier = _client(app, world.buyer), _client(app, world.supplier)
    new = f"/messages/new/{world.supplier.company_id}?product={world.bolt}"
    started = _box(buyer, new, body="Do you have the M8 in A4 stainless?")
    assert started.status_code == 303, text_of(started)[:2000]
    conversation = started.headers["Location"]
    # The supplier: the navbar counts it, the list shows it unread.
    inbox = text_of(supplier.get("/messages"))
    assert re.search(r'id="messages-unread"[^>]*>1<', inbox)
    assert "Hamburg Hardware GmbH" in inbox and "A4 stainless" in inbox
    answer = _box(supplier, conversation, body="Yes, see the test report",
                  files=(io.BytesIO(pdf_bytes()), "report.pdf"))
    assert answer.status_code == 303
    assert 'id="messages-unread"' not in text_of(supplier.get("/messages"))
    page = text_of(buyer.get(conversation))
    assert "Yes, see the test report" in page and "report.pdf" in page
    assert "✓✓ Seen" in page  # the supplier read the buyer's question
    link = re.search(r'href="(/messages/\d+/messages/\d+/attachments/\d+)"', page)[1]
    assert buyer.get(link).data == pdf_bytes()
    assert "✓✓ Seen" in text_of(supplier.get(conversation))  # the buyer read the answer
    found = text_of(buyer.get("/messages?q=test+report"))
    assert conversation.split("/")[-1] in found and 'id="no-conversations"' not in found
    assert 'id="no-conversations"' in text_of(buyer.get("/messages?q=copper"))
    made = buyer.post(f"{conversation}/inquiry",
                      data={"csrf_token": csrf_token(buyer, conversation)})
    assert made.status_code == 303
    assert re.search(r"/trading/documents/\d+/edit$", made.headers["Location"])
    document_id = int(re.search(r"/documents/(\d+)/edit", made.headers["Location"])[1])
    draft = api.get(f"/documents/{document_id}", world.buyer_token).get_json()
    assert draft["lines"][0]["product_id"] == world.bolt
    assert "Do you have the M8 in A4 stainless?" in draft["notes"]
    assert f'href="{conversation}"' in text_of(buyer.get(f"/trading/documents/{document_id}"))


def test_an_empty_message_or_a_bad_file_keeps_the_form(app, world):
    buyer = _client(app, world.buyer)
    new = f"/messages/new/{world.supplier.company_id}"
    empty = _box(buyer, new, body="   ")
    assert empty.status_code == 422
    assert "Write a message (or attach a file)." in text_of(empty)
    wrong = _box(buyer, new, body="our artwork",
                 files=(io.BytesIO(b"MZ\x90\x00 program"), "artwork.pdf"))
    assert wrong.status_code == 422
    page = text_of(wrong)
    assert re.search(r">\s*Attach files\s*</label>", page)
    assert "our artwork" in page  # the text stays
    assert 'id="no-conversations"' in text_of(buyer.get("/messages"))
    own = _box(buyer, f"/messages/new/{world.buyer.company_id}", body="hello me")
    assert own.status_code == 422
    assert "That is your own company" in text_of(own)


def test_another_company_finds_no_conversation(app, api, world):
    started = api.post("/conversations", world.buyer_token, json={
        "company_id": world.supplier.company_id, "body": "private"}).get_json()
    stranger = _client(app, world.stranger)
    base = f"/messages/{started['id']}"
    assert stranger.get(base).status_code == 404
    assert _box(_client(app, world.buyer), base, body="x").status_code == 303
    token = csrf_token(stranger, "/messages")
    assert stranger.post(base, data={"csrf_token": token, "body": "x"}).status_code == 404
    assert stranger.post(f"{base}/inquiry", data={"csrf_token": token}).status_code == 404
    assert stranger.get(f"{base}/messages/1/attachments/1").status_code == 404
    assert 'id="no-conversations"' in text_of(stranger.get("/messages?q=private"))


def test_currency_lists_are_active_codes_the_usual_ones_first(app, api, world, make_product):
    codes = currencies.ordered_codes()
    assert not {"XAU", "XAG", "XTS", "XXX", "XDR", "BOV", "USN"} & set(codes)
    assert {"USD", "EUR", "TWD", "XOF", "CHF"} <= set(codes)
    assert codes[:3] == ["USD", "EUR", "TWD"]
    # The supplier sells in EUR and JPY: those come first in its product form and editor.
    make_product(world.supplier.company_id, currency="JPY")
    make_product(world.supplier.company_id, currency="JPY")
    supplier = _client(app, world.supplier)
    for path in ("/my/products/new", "/trading/documents/new"):
        page = text_of(supplier.get(path))
        select = re.search(r'<select[^>]*name="currency"[^>]*>(.*?)</select>', page, re.S)[1]
        offered = re.findall(r'<option[^>]*value="([A-Z]{3})"', select)
        assert offered[:3] == ["JPY", "EUR", "USD"], (path, offered[:5])
        assert "XAU" not in offered and len(offered) == len(set(offered))
        assert "JPY — Yen" in select or "JPY — " in select


PORTAL_ROUTES = [  # (method, path); {c}: a conversation of buyer and supplier, {p}: the bolt
    ("GET", "/messages"),
    ("GET", "/messages/{c}"),
    ("POST", "/messages/{c}"),
    ("POST", "/messages/{c}/inquiry"),
    ("GET", "/messages/{c}/messages/{m}/attachments/{a}"),
    ("GET", "/messages/new/{s}"),
    ("GET", "/messages/contact/product/{p}"),
    ("GET", "/messages/contact/company/{s}"),
]


def test_every_portal_route_for_each_actor(app, api, make, world):
    """Anonymous: to the login; the operator (no company): refused; a third company: a
    conversation of others is not found; the parties: there."""
    started = api.post("/conversations", world.buyer_token, json={
        "company_id": world.supplier.company_id, "body": "Sample photos"})
    conversation = started.get_json()["id"]
    message = api.post(f"/conversations/{conversation}/messages", world.supplier_token,
                       data={"file": (io.BytesIO(pdf_bytes()), "photo.pdf")},
                       content_type="multipart/form-data").get_json()
    ids = {"c": conversation, "m": message["id"], "a": message["attachments"][0]["id"],
           "p": world.bolt, "s": world.supplier.company_id}
    operator = make.operator()
    clients = {"anonymous": app.test_client(), "stranger": _client(app, world.stranger),
               "operator": _client(app, operator), "buyer": _client(app, world.buyer)}
    token = csrf_token(clients["buyer"], "/messages")
    for method, route in PORTAL_ROUTES:
        path = route.format(**ids)
        for name, client in clients.items():
            data = {"csrf_token": csrf_token(client, "/login"), "body": "x"} \
                if method == "POST" else None
            if name == "buyer" and method == "POST":
                data = {"csrf_token": token, "body": "x"}
            status = client.open(path, method=method, data=data).status_code
            own_conversation = "{c}" in route
            expected = {"anonymous": (302,), "operator": (403,),
                        "stranger": (404,) if own_conversation else (200,),
                        "buyer": (200, 303)}[name]
            if status not in expected:
                pytest.fail(f"{method} {path} as {name}: {status}, expected {expected}")


def test_a_question_about_a_document_starts_from_its_page(app, api, world):
    inquiry = api.post("/documents", world.buyer_token, json={
        "type": "inquiry", "recipient_company_id": world.supplier.company_id,
        "currency": "USD", "lines": [{"description": "Hex bolt M8", "quantity": "100"}]})
    document_id = inquiry.get_json()["id"]
    buyer, supplier = _client(app, world.buyer), _client(app, world.supplier)
    draft = text_of(buyer.get(f"/trading/documents/{document_id}"))
    assert 'id="message-about-document"' not in draft  # the supplier cannot see a draft
    api.post(f"/documents/{document_id}/actions/send", world.buyer_token)
    page = text_of(supplier.get(f"/trading/documents/{document_id}"))
    link = re.search(r'href="(/messages/new/\d+\?document=\d+)"[^>]*id="message-about-document"',
                     page)[1]
    assert link == f"/messages/new/{world.buyer.company_id}?document={document_id}"
    started = _box(supplier, link, body="Which finish do you need: zinc or plain?")
    assert started.status_code == 303, text_of(started)[:1500]
    about = api.get("/conversations", world.buyer_token).get_json()["items"][0]
    assert about["document_id"] == document_id
    assert about["subject"].endswith(inquiry.get_json()["number"])
    back = text_of(buyer.get(f"/trading/documents/{document_id}"))
    assert f'href="{started.headers["Location"]}"' in back


"""Issue 17.11: a quotation sent to an address-book contact who is not a member — a real
mail with the .docx and PDF attached and a link to a read-only page of that document
alone, where the contact accepts it or asks for a change; the link expires and can be
revoked; a link tampered with, expired, revoked or pointed at another document opens
nothing (a clear page, no document)."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import update

from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import AddressBookEntry, Contact
from marketplace.trading.models import GuestLink
from tests.factories import csrf_token, portal_login
from tests.trading.support import Trade

ANNA = "anna.berg@nordic-tools.example"


@pytest.fixture
def world(make, api, app):
    trade = Trade.start(make, api)
    with app.app_context():
        entry = AddressBookEntry(company_id=trade.supplier.company_id, name="Nordic Tools AB",
                                 country="SE")
        entry.contacts = [Contact(full_name="Anna Berg", email=ANNA),
                          Contact(full_name="Lars Ek", email=None)]
        theirs = AddressBookEntry(company_id=trade.buyer.company_id, name="Buyer's friend")
        theirs.contacts = [Contact(full_name="Olle", email="olle@example.com")]
        db.session.add_all([entry, theirs])
        db.session.commit()
        anna, lars = (contact.id for contact in entry.contacts)
        olle = theirs.contacts[0].id
    quotation = trade.api.post("/documents", trade.supplier_token, json={
        "type": "quotation", "currency": "USD", "subject": "Hex bolts for Nordic Tools",
        "valid_until": (utcnow().date() + timedelta(days=60)).isoformat(),
        "lines": [{"description": "Hex bolt M8×30 不鏽鋼", "quantity": "5000", "unit": "pcs",
                   "unit_price": "0.085"}]}).get_json()
    return {"trade": trade, "anna": anna, "lars": lars, "olle": olle, "quotation": quotation}


def _send(world, contact: str = "anna", document: dict | None = None, **body):
    trade = world["trade"]
    document = document or world["quotation"]
    return trade.api.post(f"/documents/{document['id']}/guest-links", trade.supplier_token,
                          json={"contact_id": world[contact], **body})


def _path(url: str) -> str:
    assert url.startswith("http://localhost/"), url
    return urlparse(url).path


def _sent(world, client, **body) -> tuple[dict, str]:
    response = _send(world, **body)
    assert response.status_code == 201, response.get_json()
    return response.get_json(), _path(response.get_json()["url"])


def test_the_mail_carries_docx_and_pdf_and_the_link_opens_the_quotation(world, client,
                                                                        mailbox):
    answer, path = _sent(world, client, message="As discussed on the phone.")
    assert set(answer) >= {"id", "url", "expires_at"}
    trade = world["trade"]
    assert trade.get("supplier", world["quotation"])["status"] == "sent"  # the draft went out
    [mail] = mailbox.to(ANNA)
    assert world["quotation"]["number"] in mail["Subject"]
    body = mailbox.body(mail)
    assert answer["url"] in body and "As discussed on the phone." in body
    files = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    number = world["quotation"]["number"]
    assert set(files) == {f"{number}.pdf", f"{number}.docx"}
    assert files[f"{number}.pdf"].startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(files[f"{number}.docx"])) as word:
        assert "Hex bolt M8×30" in word.read("word/document.xml").decode()

    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert number in html and "Hex bolt M8×30" in html and "0.085" in html
    assert 'id="guest-accept-form"' in html and 'id="guest-change-form"' in html
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    pdf = client.get(f"{path}/file.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"{path}/file.xlsx").status_code == 404
    links = trade.api.get(f"/documents/{world['quotation']['id']}/guest-links",
                          trade.supplier_token).get_json()["items"]
    assert [(link["email"], link["state"]) for link in links] == [(ANNA, "open")]
    assert links[0]["first_viewed_at"] is not None


def test_accepting_records_it_as_by_the_guest_and_invites_the_company(world, client, mailbox,
                                                                     api):
    _, path = _sent(world, client)
    response = client.post(f"{path}/accept", data={"csrf_token": csrf_token(client, path),
                                                   "comment": "Please ship in March."})
    assert response.status_code == 303
    trade = world["trade"]
    document = trade.get("supplier", world["quotation"])
    assert document["status"] == "accepted"
    history = trade.api.get(f"/documents/{document['id']}/history",
                            trade.supplier_token).get_json()
    accepted = [event for event in history if event["action"] == "accept"]
    assert len(accepted) == 1
    assert accepted[0]["actor"] is None and accepted[0]["actor_name"] == f"Anna Berg <{ANNA}>"
    assert accepted[0]["comment"] == "Please ship in March."
    bell = api.get("/notifications", trade.supplier_token).get_json()["items"]
    assert any("Anna Berg" in item["message"] and "accepted" in item["message"]
               for item in bell)
    invitation = [m for m in mailbox.to(ANNA) if "accepted" in m["Subject"]]
    assert len(invitation) == 1
    register = next(word for word in mailbox.body(invitation[0]).split()
                    if "/register?" in word)
    prefill = parse_qs(urlparse(register).query)
    assert prefill["company_name"] == ["Nordic Tools AB"] and prefill["email"] == [ANNA]
    form = client.get(f"{_path(register)}?{urlparse(register).query}").get_data(as_text=True)
    assert 'value="Nordic Tools AB"' in form and f'value="{ANNA}"' in form

    page = client.get(path).get_data(as_text=True)
    assert 'id="guest-accepted"' in page and 'id="guest-accept-form"' not in page
    again = client.post(f"{path}/accept", data={"csrf_token": csrf_token(client, path)})
    assert again.status_code == 409  # answered once; nothing changes
    portal_login(client, trade.supplier.email)
    document_page = client.get(f"/trading/documents/{document['id']}").get_data(as_text=True)
    assert "Anna Berg" in document_page and "a guest (not a member)" in document_page


def test_asking_for_a_change_tells_the_issuer_and_keeps_the_quotation(world, client, api):
    _, path = _sent(world, client)
    empty = client.post(f"{path}/change", data={"csrf_token": csrf_token(client, path),
                                               "message": " "})
    assert empty.status_code == 422
    assert "What should change?" in empty.get_data(as_text=True)  # the field's own label
    response = client.post(f"{path}/change", data={
        "csrf_token": csrf_token(client, path), "message": "Could you quote 8,000 pcs?"})
    assert response.status_code == 303
    trade = world["trade"]
    assert trade.get("supplier", world["quotation"])["status"] == "sent"
    history = trade.api.get(f"/documents/{world['quotation']['id']}/history",
                            trade.supplier_token).get_json()
    [change] = [event for event in history if event["action"] == "change_requested"]
    assert change["comment"] == "Could you quote 8,000 pcs?"
    assert change["actor_name"] == f"Anna Berg <{ANNA}>"
    bell = api.get("/notifications", trade.supplier_token).get_json()["items"]
    assert any("8,000 pcs" in item["message"] for item in bell)


def test_an_expired_link_shows_a_clear_page_and_no_document(world, client, app):
    answer, path = _sent(world, client)
    with app.app_context():
        db.session.execute(update(GuestLink).where(GuestLink.id == answer["id"])
                           .values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    for response in (client.get(path), client.get(f"{path}/file.pdf"),
                     client.post(f"{path}/accept",
                                 data={"csrf_token": csrf_token(client, "/login")})):
        assert response.status_code == 410
        html = response.get_data(as_text=True)
        assert 'data-reason="expired"' in html
        assert world["quotation"]["number"] not in html and "0.085" not in html


def test_a_revoked_link_opens_nothing(world, client):
    answer, path = _sent(world, client)
    trade = world["trade"]
    assert client.get(path).status_code == 200
    revoked = trade.api.delete(f"/documents/{world['quotation']['id']}/guest-links/"
                               f"{answer['id']}", trade.supplier_token)
    assert revoked.status_code == 204
    for response in (client.get(path), client.get(f"{path}/file.docx")):
        assert response.status_code == 410
        html = response.get_data(as_text=True)
        assert 'data-reason="revoked"' in html and world["quotation"]["number"] not in html
    links = trade.api.get(f"/documents/{world['quotation']['id']}/guest-links",
                          trade.supplier_token).get_json()["items"]
    assert links[0]["state"] == "revoked"


def test_a_tampered_token_or_another_document_is_not_found(world, client):
    answer, path = _sent(world, client)
    trade = world["trade"]
    prefix, document_id, token = path.rsplit("/", 2)
    tampered = f"{prefix}/{document_id}/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}"
    other = trade.create("supplier", "quotation")
    for response in (client.get(tampered), client.get(f"{prefix}/{other['id']}/{token}"),
                     client.get(f"{prefix}/{other['id']}/{token}/file.pdf")):
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert 'data-reason="invalid"' in html
        assert world["quotation"]["number"] not in html and other["number"] not in html
    # The issuer's own link ids are per document: another document's id is not found.
    assert trade.api.delete(f"/documents/{other['id']}/guest-links/{answer['id']}",
                            trade.supplier_token).status_code == 404
    # Nor can the other party (or anyone else) revoke or list them.
    assert trade.api.delete(f"/documents/{world['quotation']['id']}/guest-links/"
                            f"{answer['id']}", trade.buyer_token).status_code == 404


def test_refusals_name_the_contact_field(world, client, mailbox):
    trade = world["trade"]
    for contact in ("lars", "olle"):  # no e-mail address; another company's contact
        response = _send(world, contact)
        assert response.status_code == 422
        assert "contact_id" in response.get_json()["errors"]
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    response = trade.api.post(f"/documents/{inquiry['id']}/guest-links", trade.supplier_token,
                              json={"contact_id": world["anna"]})
    assert response.status_code == 404  # not the supplier's own document
    own_inquiry = trade.create("buyer", "inquiry")
    response = trade.api.post(f"/documents/{own_inquiry['id']}/guest-links",
                              trade.buyer_token, json={"contact_id": world["olle"]})
    assert response.status_code == 409  # only a quotation goes to a guest
    assert trade.get("supplier", world["quotation"])["status"] == "draft"  # nothing sent
    assert mailbox.to(ANNA) == []


def test_the_issuer_sends_and_revokes_from_the_document_page(world, client, mailbox):
    trade = world["trade"]
    portal_login(client, trade.supplier.email)
    page_path = f"/trading/documents/{world['quotation']['id']}"
    html = client.get(page_path).get_data(as_text=True)
    assert 'id="guest-link-form"' in html and "Anna Berg" in html and "Lars Ek" not in html
    response = client.post(f"{page_path}/guest-links", data={
        "csrf_token": csrf_token(client, page_path), "contact_id": world["anna"],
        "message": ""})
    assert response.status_code == 303
    assert len(mailbox.to(ANNA)) == 1
    html = client.get(page_path).get_data(as_text=True)
    assert 'data-state="open"' in html
    [link_id] = [link["id"] for link in trade.api.get(
        f"/documents/{world['quotation']['id']}/guest-links",
        trade.supplier_token).get_json()["items"]]
    response = client.post(f"{page_path}/guest-links/{link_id}/revoke",
                           data={"csrf_token": csrf_token(client, page_path)})
    assert response.status_code == 303
    assert 'data-state="revoked"' in client.get(page_path).get_data(as_text=True)

"""A document's attachments: the issuer adds images and PDFs to its draft (checked by
their content), both parties download them once it is sent, nobody else; a sent
document's attachments are fixed like the rest of it."""

from __future__ import annotations

import io

import pytest

from tests.content.conftest import (  # noqa: F401 - fixtures
    jpeg_bytes,
    pdf_bytes,
)
from tests.trading.support import Trade


@pytest.fixture
def trade(make, api) -> Trade:
    return Trade.start(make, api)


def _upload(api, token, document_id, content: bytes, name: str):
    return api.post(f"/documents/{document_id}/attachments", token,
                    data={"file": (io.BytesIO(content), name)},
                    content_type="multipart/form-data")


def test_the_issuer_attaches_and_both_parties_download(storage_backend, trade, api, make):
    inquiry = trade.create("buyer", "inquiry")
    drawing = _upload(api, trade.buyer_token, inquiry["id"], pdf_bytes(), "drawing.pdf")
    assert drawing.status_code == 201, drawing.get_json()
    item = drawing.get_json()
    assert (item["name"], item["content_type"]) == ("drawing.pdf", "application/pdf")
    photo = _upload(api, trade.buyer_token, inquiry["id"], jpeg_bytes(), "sample.jpg")
    assert photo.status_code == 201
    listed = trade.get("buyer", inquiry)["attachments"]
    assert [a["name"] for a in listed] == ["drawing.pdf", "sample.jpg"]
    url = listed[0]["url"]
    assert url == f"/api/v1/documents/{inquiry['id']}/attachments/{item['id']}"
    path = url.removeprefix("/api/v1")
    assert api.get(path, trade.supplier_token).status_code == 404  # still a draft
    trade.act("buyer", inquiry, "send")
    got = api.get(path, trade.supplier_token)
    assert got.status_code == 200 and got.data == pdf_bytes()
    assert got.headers["Content-Disposition"].startswith("attachment")
    stranger = make.company_with_admin("Elsewhere")
    assert api.get(path, api.token(stranger)).status_code == 404
    # A file no attachment of this document: not found, even the issuer's own.
    other = trade.create("buyer", "inquiry")
    assert api.get(f"/documents/{other['id']}/attachments/{item['id']}",
                   trade.buyer_token).status_code == 404


def test_a_sent_document_takes_no_attachment_and_loses_none(trade, api):
    inquiry = trade.create("buyer", "inquiry")
    item = _upload(api, trade.buyer_token, inquiry["id"], pdf_bytes(), "a.pdf").get_json()
    trade.act("buyer", inquiry, "send")
    refused = _upload(api, trade.buyer_token, inquiry["id"], pdf_bytes(), "b.pdf")
    assert refused.status_code == 409
    assert api.delete(f"/documents/{inquiry['id']}/attachments/{item['id']}",
                      trade.buyer_token).status_code == 409
    # The recipient neither adds nor removes the issuer's files.
    assert _upload(api, trade.supplier_token, inquiry["id"], pdf_bytes(),
                   "c.pdf").status_code == 409
    assert [a["name"] for a in trade.get("buyer", inquiry)["attachments"]] == ["a.pdf"]


def test_bad_files_are_refused_and_nothing_is_listed(trade, api):
    inquiry = trade.create("buyer", "inquiry")
    assert _upload(api, trade.buyer_token, inquiry["id"], b"MZ\x90\x00 not a pdf",
                   "invoice.pdf").status_code == 415
    assert api.post(f"/documents/{inquiry['id']}/attachments", trade.buyer_token,
                    data={"file": "text, not a file"}).status_code == 422
    assert trade.get("buyer", inquiry)["attachments"] == []


def test_removing_an_attachment_from_a_draft(trade, api):
    inquiry = trade.create("buyer", "inquiry")
    item = _upload(api, trade.buyer_token, inquiry["id"], pdf_bytes(), "a.pdf").get_json()
    path = f"/documents/{inquiry['id']}/attachments/{item['id']}"
    assert api.delete(path, trade.buyer_token).status_code == 204
    assert trade.get("buyer", inquiry)["attachments"] == []
    assert api.get(path, trade.buyer_token).status_code == 404
    assert api.delete(path, trade.buyer_token).status_code == 404


def test_attach_download_and_remove_in_the_portal(app, trade, api):
    from tests.factories import csrf_token, portal_login
    from tests.trading.test_portal import flashes, text_of

    inquiry = trade.create("buyer", "inquiry")
    buyer = app.test_client()
    portal_login(buyer, trade.buyer.email)
    editor = f"/trading/documents/{inquiry['id']}/edit"
    token = csrf_token(buyer, editor)
    done = buyer.post(f"/trading/documents/{inquiry['id']}/attachments",
                      data={"csrf_token": token, "file": (io.BytesIO(pdf_bytes()), "spec.pdf")},
                      content_type="multipart/form-data")
    assert done.status_code == 303
    assert flashes(buyer.get(done.headers["Location"])) == ["spec.pdf is attached."]
    refused = buyer.post(f"/trading/documents/{inquiry['id']}/attachments",
                         data={"csrf_token": token,
                               "file": (io.BytesIO(b"GIF89a-broken"), "x.exe")},
                         content_type="multipart/form-data")
    assert flashes(buyer.get(refused.headers["Location"]), "danger")
    assert "spec.pdf" in text_of(buyer.get(editor)) and "x.exe" not in text_of(buyer.get(editor))
    trade.act("buyer", inquiry, "send")
    supplier = app.test_client()
    portal_login(supplier, trade.supplier.email)
    page = text_of(supplier.get(f"/trading/documents/{inquiry['id']}"))
    item = trade.get("buyer", inquiry)["attachments"][0]
    link = f"/trading/documents/{inquiry['id']}/attachments/{item['id']}"
    assert f'href="{link}">spec.pdf</a>' in page
    assert supplier.get(link).data == pdf_bytes()
    # Sent: the issuer no longer removes it.
    gone = buyer.post(f"{link}/delete", data={"csrf_token": csrf_token(buyer, "/")})
    assert flashes(buyer.get(gone.headers["Location"]), "danger")
    assert supplier.get(link).status_code == 200


def test_every_invited_supplier_gets_the_rfqs_attachments(trade, api, make):
    rival = make.company_with_admin("Ningbo Bolts", roles=("supplier",), country="CN")
    created = api.post("/documents", trade.buyer_token, json={
        "type": "rfq", "subject": "M8 bolts, 2027 contract", "currency": "USD",
        "recipient_company_ids": [trade.supplier.company_id, rival.company_id],
        "lines": [{"description": "Hex bolt M8", "quantity": "1000"}]})
    rfq = created.get_json()
    assert _upload(api, trade.buyer_token, rfq["id"], pdf_bytes(), "drawing.pdf") \
        .status_code == 201
    invitations = trade.act("buyer", rfq, "send")["invitations"]
    for invitation, token in zip(invitations, (trade.supplier_token, api.token(rival)),
                                 strict=True):
        [item] = api.get(f"/documents/{invitation['id']}", token).get_json()["attachments"]
        assert item["name"] == "drawing.pdf"
        assert api.get(item["url"].removeprefix("/api/v1"), token).data == pdf_bytes()

"""A claim with the buyer's words and photos: through the API (JSON or multipart) and the
portal form; the photos' limits (415 not an image, 413 too large, at most 8); both parties
see the comment and photos (thumbnails on the page, the text in the supplier's
notification), nobody else (404)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from marketplace.content.models import MediaFile
from marketplace.core import storage
from marketplace.extensions import db
from tests.factories import csrf_token, portal_login
from tests.supplier_link.support import Trade


def png(color=(200, 30, 30), size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def claimable(make, api):
    """A buyer whose receipt came 10 short of supplier A's shipment: one open discrepancy."""
    trade = Trade(make, api)
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    trade.ship(trade.supplier_a, order, {order.line_ids[0]: "100"})
    received = api.post("/supplier-link/receipts", trade.buyer.token, json={
        "order_id": order.id, "lines": [{"order_line_id": order.line_ids[0],
                                         "quantity_received": "90"}]})
    assert received.status_code == 201, received.get_json()
    [found] = received.get_json()["discrepancies"]
    trade.case = found["id"]
    return trade


def _claim(trade, files, comment="Cartons crushed, see photos", token=None):
    data = {"comment": comment, "photos": [(io.BytesIO(body), name) for name, body in files]}
    return trade.api.post(f"/supplier-link/discrepancies/{trade.case}/claim",
                          token or trade.buyer.token, data=data,
                          content_type="multipart/form-data")


def _media_count(trade) -> int:
    with trade.app.app_context():
        return db.session.query(MediaFile).count()


def test_a_multipart_claim_carries_comment_and_photos_to_both_parties_only(storage_backend,
                                                                         claimable):
    trade = claimable
    response = _claim(trade, [("crushed.png", png()), ("label.png", png((0, 90, 200)))])
    assert response.status_code == 200, response.get_json()
    case = response.get_json()
    assert case["status"] == "claimed"
    assert case["claim_comment"] == "Cartons crushed, see photos"
    assert [p["name"] for p in case["claim_photos"]] == ["crushed.png", "label.png"]
    assert case["claim_photos"][0]["content_type"] == "image/png"

    seen = trade.api.get(f"/supplier-link/discrepancies/{trade.case}", trade.supplier_a.token)
    assert seen.status_code == 200
    assert seen.get_json()["claim_comment"] == "Cartons crushed, see photos"
    photo = seen.get_json()["claim_photos"][0]
    image = trade.api.get(photo["url"].removeprefix("/api/v1"), trade.supplier_a.token)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data == png()
    thumb = trade.api.get(photo["thumbnail_url"].removeprefix("/api/v1"),
                          trade.supplier_a.token)
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    # Another supplier of the buyer: neither the case nor its photos exist for it.
    assert trade.api.get(f"/supplier-link/discrepancies/{trade.case}",
                         trade.supplier_b.token).status_code == 404
    assert trade.api.get(photo["url"].removeprefix("/api/v1"),
                         trade.supplier_b.token).status_code == 404
    other = trade.api.get(f"/supplier-link/discrepancies/{trade.case}/photos/999999",
                          trade.buyer.token)
    assert other.status_code == 404

    # The supplier's bell says what the buyer wrote; the claim document lists the photos.
    told = trade.api.get("/notifications", trade.supplier_a.token).get_json()["items"]
    claimed = [n for n in told if n["event"] == "discrepancy.claimed"]
    assert len(claimed) == 1
    assert "Cartons crushed, see photos" in claimed[0]["message"]
    assert "with 2 photo(s)" in claimed[0]["message"]
    document = trade.api.get(f"/documents/{case['claim_document_id']}",
                             trade.supplier_a.token).get_json()
    assert document["notes"] == "Cartons crushed, see photos"
    assert [a["name"] for a in document["attachments"]] == ["crushed.png", "label.png"]


def test_a_json_claim_still_works_without_photos(claimable):
    trade = claimable
    response = trade.api.post(f"/supplier-link/discrepancies/{trade.case}/claim",
                              trade.buyer.token, json={"comment": "short by 10"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["claim_comment"] == "short by 10"
    assert response.get_json()["claim_photos"] == []


def test_photos_are_checked_and_a_refused_claim_leaves_nothing(storage_backend, claimable, app,
                                                              monkeypatch):
    trade = claimable
    before = _media_count(trade)
    files = storage.store_of(app, "media")
    kept = files.keys(f"{trade.buyer.company_id}/")  # earlier tests' (ids are used again)
    not_image = _claim(trade, [("ok.png", png()), ("notes.png", b"just some text, not a png")])
    assert not_image.status_code == 415
    assert "notes.png" in not_image.get_json()["errors"]["photos"][0]
    pdf = _claim(trade, [("scan.pdf", b"%PDF-1.4\n%%EOF\n")])
    assert pdf.status_code == 415

    monkeypatch.setitem(app.config, "MEDIA_MAX_BYTES",
                        {**app.config["MEDIA_MAX_BYTES"], "image": 200})
    large = _claim(trade, [("big.png", png(size=(300, 300)))])
    assert large.status_code == 413
    monkeypatch.undo()

    too_many = _claim(trade, [(f"p{n}.png", png()) for n in range(9)])
    assert too_many.status_code == 422
    assert "at most 8" in too_many.get_json()["errors"]["photos"][0]
    unknown = trade.api.post(f"/supplier-link/discrepancies/{trade.case}/claim",
                             trade.buyer.token, data={"status": "closed"},
                             content_type="multipart/form-data")
    assert unknown.status_code == 422 and "status" in unknown.get_json()["errors"]

    case = trade.api.get(f"/supplier-link/discrepancies/{trade.case}",
                         trade.buyer.token).get_json()
    assert case["status"] == "open" and case["claim_photos"] == []
    assert _media_count(trade) == before
    assert files.keys(f"{trade.buyer.company_id}/") == kept
    # The supplier cannot claim (409: the buyer's step), another supplier does not see it.
    assert _claim(trade, [("x.png", png())], token=trade.supplier_a.token).status_code == 409
    assert _claim(trade, [("x.png", png())], token=trade.supplier_b.token).status_code == 404
    assert _media_count(trade) == before


def test_the_portal_claim_form_keeps_the_comment_and_shows_thumbnails_to_both(
        claimable, client):
    trade = claimable
    portal_login(client, trade.buyer.member.email)
    listing = client.get("/supplier_link/discrepancies").get_data(as_text=True)
    path = f"/supplier_link/discrepancies/{trade.case}/claim"
    assert f'href="{path}"' in listing
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<label class="form-label" for="comment">What is wrong with the goods</label>' in html
    assert '<label class="form-label" for="photos">Photos</label>' in html
    token = csrf_token(client, path)
    refused = client.post(path, data={
        "csrf_token": token, "comment": "Wet cartons <b>bad</b>",
        "photos": [(io.BytesIO(b"MZ not an image"), "virus.exe")]},
        content_type="multipart/form-data")
    assert refused.status_code == 415
    html = refused.get_data(as_text=True)
    assert "Wet cartons &lt;b&gt;bad&lt;/b&gt;</textarea>" in html
    assert "virus.exe" in html and "is-invalid" in html

    sent = client.post(path, data={
        "csrf_token": token, "comment": "Wet cartons",
        "photos": [(io.BytesIO(png()), "wet.png")]}, content_type="multipart/form-data")
    assert sent.status_code == 302, sent.get_data(as_text=True)[:500]
    listing = client.get("/supplier_link/discrepancies").get_data(as_text=True)
    assert "Wet cartons" in listing
    [photo_id] = [p["id"] for p in trade.api.get(
        f"/supplier-link/discrepancies/{trade.case}", trade.buyer.token
    ).get_json()["claim_photos"]]
    thumb = f"/supplier_link/discrepancies/{trade.case}/photos/{photo_id}/thumbnail"
    assert thumb in listing
    assert client.get(thumb).mimetype == "image/jpeg"

    client.get("/logout")
    portal_login(client, trade.supplier_a.member.email)
    seen = client.get("/supplier_link/discrepancies").get_data(as_text=True)
    assert "Wet cartons" in seen and thumb in seen
    assert client.get(thumb).status_code == 200
    client.get("/logout")
    portal_login(client, trade.supplier_b.member.email)
    assert client.get(thumb).status_code == 404

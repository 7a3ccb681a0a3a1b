"""A document set issued in one click without a worker (no Redis, jobs in-process): the
answer does not wait for its PDFs. They are laid out in a thread of the app's process
after the commit while the progress page shows how far it got, and each revision is laid
out once (issue 17, speed). Tests run jobs inline by default (deterministic); this one
turns the thread on and holds the layout until it has looked at the page."""

from __future__ import annotations

import threading

from marketplace.core import outbox, storage
from marketplace.extensions import db
from marketplace.fulfillment import exports
from marketplace.fulfillment.models import DocumentRender
from tests.factories import portal_login
from tests.fulfillment.test_letters_of_credit import new_order, shipment_body

KINDS = ("commercial-invoice", "packing-list", "shipping-advice")


def test_issuing_the_set_answers_before_its_pdfs_are_laid_out(
        storage_backend, app, make, api, pair, client, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_BACKGROUND_THREADS", True)
    started, release = threading.Event(), threading.Event()
    laid_out: list[str] = []
    real = exports.shipping_document_pdf

    def held(snapshot, *args, **kwargs):
        started.set()
        assert release.wait(60), "the test never let the layout go on"
        laid_out.append(snapshot["kind"])
        return real(snapshot, *args, **kwargs)

    monkeypatch.setattr(exports, "shipping_document_pdf", held)
    order_id = new_order(make, pair)
    portal_login(client, pair.supplier.email)
    body = shipment_body(api, pair, order_id)
    try:
        issued = api.post("/shipments", pair.supplier_token, json=body)
        # The answer is here while the first paper is still being laid out.
        assert issued.status_code == 201, issued.get_json()
        assert started.wait(60)
        shipment_id, render_id = issued.get_json()["id"], issued.get_json()["render_id"]
        base = f"/fulfillment/shipments/{shipment_id}/papers/{render_id}"
        progress = client.get(f"{base}/progress").get_json()
        assert (progress["finished"], progress["done"], progress["total"]) == (False, 0, 3)
        assert not any(item["ready"] for item in progress["documents"])
        page = client.get(base).get_data(as_text=True)
        assert "0 of 3 papers ready" in page
    finally:
        release.set()
        assert outbox.join_background(120)

    progress = client.get(f"{base}/progress").get_json()
    assert (progress["finished"], progress["percent"], progress["done"]) == (True, 100, 3)
    assert all(item["ready"] for item in progress["documents"])
    with app.app_context():
        render = db.session.get(DocumentRender, render_id)
        assert (render.status, render.done) == ("done", 3)
    assert sorted(laid_out) == sorted(KINDS)
    assert len(storage.store_of(app, "shipping-documents").keys("")) >= 3  # kept in the store

    # Each revision was laid out once: the downloads read the background's prints.
    for kind in KINDS:
        response = api.get(f"/shipments/{shipment_id}/documents/{kind}", pair.buyer_token)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert sorted(laid_out) == sorted(KINDS)


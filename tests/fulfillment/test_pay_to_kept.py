"""Bank details kept per revision (issue 17): an issued invoice prints, and its API
answer names, the supplier's bank details as they were when that revision was issued;
a later change of the bank details shows on the next revision, never on one already
issued. Likewise a sent proforma invoice; a draft prints the current details."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from pypdf import PdfReader

from tests.fulfillment.money_support import invoice_of
from tests.fulfillment.support import Pair, trade_pair
from tests.worlds import shared_world

FIRST = {"beneficiary_name": "Formosa Fasteners Co., Ltd.", "bank_name": "Deutsche Bank",
         "swift_bic": "DEUTDEFF", "iban": "DE89 3704 0044 0532 0130 00"}
LATER = {"beneficiary_name": "Formosa Fasteners Co., Ltd.", "bank_name": "Barclays Bank",
         "swift_bic": "BARCGB22", "iban": "GB82 WEST 1234 5698 7654 32"}


@dataclass
class World:
    pair: Pair
    invoice: dict


def _bank(api, pair, details) -> None:
    saved = api.call("PUT", "/bank-details", pair.supplier_token, json=details)
    assert saved.status_code == 200, saved.get_json()


@shared_world
def world(make, api):
    pair = trade_pair(make, api)
    _bank(api, pair, FIRST)
    return World(pair, invoice_of(make, api, pair, [("BOLT-M8", "1000", "0.12")]))


def _text(response) -> str:
    assert response.status_code == 200 and response.data.startswith(b"%PDF"), \
        response.get_data(as_text=True)[:300]
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)


def test_an_issued_invoice_keeps_the_bank_details_of_its_revision(api, world):
    pair, invoice = world.pair, world.invoice
    paper = f"/shipments/{invoice['shipment_id']}/documents/commercial-invoice"
    _bank(api, pair, LATER)  # the supplier changes banks after issuing

    for printed in (api.get(paper, pair.buyer_token),
                    api.get(f"/documents/{invoice['document_id']}/export", pair.buyer_token,
                            query_string={"format": "pdf"})):
        text = _text(printed)
        assert "DEUTDEFF" in text and "DE89 3704 0044 0532 0130 00" in text
        assert "BARCGB22" not in text and "Barclays" not in text
    answer = api.get(f"/invoices/{invoice['id']}", pair.buyer_token).get_json()
    assert (answer["pay_to"]["swift_bic"], answer["pay_to"]["bank_name"]) == (
        "DEUTDEFF", "Deutsche Bank")

    # The next revision is issued with the new details; the first still prints the old.
    revised = api.post(paper, pair.supplier_token)
    assert revised.status_code == 201 and revised.get_json()["revision"] == 2
    latest = _text(api.get(paper, pair.buyer_token))
    assert "BARCGB22" in latest and "DEUTDEFF" not in latest
    first = _text(api.get(paper, pair.buyer_token, query_string={"revision": 1}))
    assert "DEUTDEFF" in first and "BARCGB22" not in first
    answer = api.get(f"/invoices/{invoice['id']}", pair.buyer_token).get_json()
    assert answer["pay_to"]["swift_bic"] == "BARCGB22"


def test_a_sent_proforma_keeps_its_bank_details_a_draft_prints_todays(api, world):
    pair = world.pair
    body = {"type": "proforma_invoice", "recipient_company_id": pair.buyer.company_id,
            "currency": "USD", "subject": "PI for bolts", "lines": [
                {"description": "Bolts", "quantity": "10", "unit": "pcs", "unit_price": "1"}]}
    sent = api.post("/documents", pair.supplier_token, json=body).get_json()
    assert api.post(f"/documents/{sent['id']}/actions/send",
                    pair.supplier_token).status_code == 200
    _bank(api, pair, LATER)

    def printed(document_id: int, token: str) -> str:
        return _text(api.get(f"/documents/{document_id}/export", token,
                             query_string={"format": "pdf"}))

    for token in (pair.supplier_token, pair.buyer_token):
        text = printed(sent["id"], token)
        assert "DEUTDEFF" in text and "BARCGB22" not in text
    draft = api.post("/documents", pair.supplier_token, json=body).get_json()
    text = printed(draft["id"], pair.supplier_token)
    assert "BARCGB22" in text and "DEUTDEFF" not in text

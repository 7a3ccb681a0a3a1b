"""Bank details (issue 17.8): SWIFT/BIC and IBAN checked with each field's reason, kept
in company settings, printed on the proforma and commercial invoices, shown to the
buyer on its invoice; the buyer's payment advice that the supplier confirms (a T/T
payment) or declines; bells both ways; nobody else sees any of it (404)."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.infrastructure.banking.operations import bic_problem, iban_problem
from marketplace.infrastructure.notifications.models import Notification
from tests.factories import csrf_token, portal_login
from tests.fulfillment.money_support import invoice_of
from tests.fulfillment.support import Pair, trade_pair
from tests.worlds import shared_world

LINES = [("BOLT-M8", "1000", "0.12"), ("NUT-M8", "500", "0.05")]  # 145.00 USD
DETAILS = {"beneficiary_name": "Formosa Fasteners Co., Ltd.", "bank_name": "Deutsche Bank",
           "bank_address": "Taunusanlage 12, Frankfurt", "swift_bic": "deut de ff",
           "iban": "DE89 3704 0044 0532 0130 00", "currency": "usd",
           "intermediary_bank_name": "JPMorgan Chase Bank, New York",
           "intermediary_swift_bic": "CHASUS33",
           "instructions": "Quote the invoice number."}


@dataclass
class World:
    pair: Pair
    invoice: dict
    other: object


@shared_world
def world(make, api):
    pair = trade_pair(make, api)
    invoice = invoice_of(make, api, pair, LINES)
    other = make.company_with_admin("Nosy Co", roles=("buyer", "supplier"))
    return World(pair, invoice, other)


@pytest.mark.parametrize(("code", "problem"), [
    ("DEUTDEFF", None), ("DEUTDEFF500", None), ("CHASUS33", None),
    ("DEUTDEF", "8 or 11"), ("DEUT1EFF", "8 or 11"), ("DEUTZZFF", "ZZ is not a country")])
def test_swift_bic_codes(app, code, problem):
    with app.test_request_context():
        found = bic_problem(code)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(("iban", "problem"), [
    ("DE89370400440532013000", None), ("GB82WEST12345698765432", None),
    ("DE89370400440532013001", "check digits"), ("DE8937040044053201300", "22 characters"),
    ("US12345678901234567", "no IBAN"), ("89DE", "starts with a country code")])
def test_ibans_by_length_and_checksum(app, iban, problem):
    with app.test_request_context():
        found = iban_problem(iban)
    assert (found is None) if problem is None else (problem in found)


def test_bank_details_are_checked_field_by_field_and_saved_clean(api, world):
    token = world.pair.supplier_token
    assert api.get("/bank-details", token).status_code == 404  # none yet
    bad = api.call("PUT", "/bank-details", token, json={**DETAILS, "swift_bic": "DEUT",
                                                "iban": "DE89 3704 0044 0532 0130 01",
                                                "intermediary_swift_bic": "CHASXX33"})
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"swift_bic", "iban", "intermediary_swift_bic"}
    assert api.get("/bank-details", token).status_code == 404  # nothing half-saved
    saved = api.call("PUT", "/bank-details", token, json=DETAILS)
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert (body["swift_bic"], body["iban"], body["currency"]) == (
        "DEUTDEFF", "DE89370400440532013000", "USD")
    stale = api.call("PUT", "/bank-details", token, json=DETAILS, headers={"If-Match": '"999"'})
    assert stale.status_code == 412
    # the buyer reads them on the invoice, not through /bank-details (its own: none);
    # an invoice issued before they were set says so until its next revision
    assert api.get("/bank-details", world.pair.buyer_token).status_code == 404
    invoice = api.get(f"/invoices/{world.invoice['id']}", world.pair.buyer_token).get_json()
    assert invoice["pay_to"] is None
    _reissue(api, world)
    invoice = api.get(f"/invoices/{world.invoice['id']}", world.pair.buyer_token).get_json()
    assert invoice["pay_to"]["swift_bic"] == "DEUTDEFF"
    assert api.get(f"/invoices/{world.invoice['id']}", api.token(world.other)).status_code == 404


def test_the_bank_details_form_keeps_the_input_and_names_the_field(client, world):
    portal_login(client, world.pair.supplier.email)
    page = client.get("/company/bank-details")
    assert page.status_code == 200 and 'for="swift_bic"' in page.get_data(as_text=True)
    form = {**DETAILS, "iban": "DE89 3704 0044 0532 0130 01",
            "csrf_token": csrf_token(client, "/company/bank-details")}
    refused = client.post("/company/bank-details", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "check digits do not match" in html and 'value="DE89 3704 0044 0532 0130 01"' in html
    assert 'value="Formosa Fasteners Co., Ltd."' in html  # nothing typed is lost
    form["iban"] = DETAILS["iban"]
    assert client.post("/company/bank-details", data=form).status_code == 302
    chinese = client.get("/company/bank-details", headers={"Accept-Language": "zh-TW"})
    assert chinese.status_code == 200


def _save(api, world) -> None:
    saved = api.call("PUT", "/bank-details", world.pair.supplier_token, json=DETAILS)
    assert saved.status_code == 200, saved.get_json()


def _reissue(api, world) -> None:
    """A new revision of the world's commercial invoice: it prints the bank details of
    the day it is issued (tests/fulfillment/test_pay_to_kept.py)."""
    revised = api.post(f"/shipments/{world.invoice['shipment_id']}/documents/"
                       "commercial-invoice", world.pair.supplier_token)
    assert revised.status_code == 201, revised.get_json()


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_bank_details_print_on_the_commercial_and_proforma_invoices(api, world):
    _save(api, world)
    _reissue(api, world)
    pdf = api.get(f"/documents/{world.invoice['document_id']}/export",
                  world.pair.buyer_token, query_string={"format": "pdf"})
    assert pdf.status_code == 200, pdf.get_data(as_text=True)[:300]
    text = _pdf_text(pdf.data)
    for expected in ("DEUTDEFF", "DE89 3704 0044 0532 0130 00", "CHASUS33",
                     "Formosa Fasteners Co., Ltd."):
        assert expected in text, expected
    proforma = api.post("/documents", world.pair.supplier_token, json={
        "type": "proforma_invoice", "recipient_company_id": world.pair.buyer.company_id,
        "currency": "USD", "subject": "PI", "lines": [
            {"description": "Bolts", "quantity": "10", "unit": "pcs", "unit_price": "1"}]})
    assert proforma.status_code == 201, proforma.get_json()
    printed = api.get(f"/documents/{proforma.get_json()['id']}/export",
                      world.pair.supplier_token, query_string={"format": "pdf"})
    assert "DEUTDEFF" in _pdf_text(printed.data)


def _bells(app, company_id, event):
    with app.app_context():
        return list(db.session.scalars(select(Notification.params).where(
            Notification.company_id == company_id, Notification.event == event)))


def test_a_payment_advice_is_recorded_by_the_buyer_and_confirmed_by_the_supplier(
        api, world, app):
    path = f"/invoices/{world.invoice['id']}/payment-advices"
    advice = {"amount": "100.00", "paid_on": "2026-01-05", "reference": "MT103-778"}
    assert api.post(path, world.pair.supplier_token, json=advice).status_code == 403
    assert api.post(path, api.token(world.other), json=advice).status_code == 404
    too_much = api.post(path, world.pair.buyer_token, json={**advice, "amount": "150"})
    assert too_much.status_code == 422 and too_much.get_json()["fits"] == "145.00"
    recorded = api.post(path, world.pair.buyer_token, json=advice)
    assert recorded.status_code == 201, recorded.get_json()
    advice_id = recorded.get_json()["id"]
    assert recorded.get_json()["status"] == "recorded"
    assert _bells(app, world.pair.supplier.company_id, "payment_advice.recorded")
    # the supplier's list; nobody else's
    listed = api.get("/payment-advices", world.pair.supplier_token).get_json()["items"]
    assert [a["id"] for a in listed] == [advice_id]
    assert api.get("/payment-advices", api.token(world.other)).get_json()["items"] == []
    assert api.get(f"/payment-advices/{advice_id}", api.token(world.other)).status_code == 404
    assert api.post(f"/payment-advices/{advice_id}/confirm", world.pair.buyer_token,
                    json={}).status_code == 403
    confirmed = api.post(f"/payment-advices/{advice_id}/confirm", world.pair.supplier_token,
                         json={})
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["status"] == "confirmed" and confirmed.get_json()["payment_id"]
    invoice = api.get(f"/invoices/{world.invoice['id']}", world.pair.buyer_token).get_json()
    assert (invoice["paid"], invoice["balance"]) == ("100.00", "45.00")
    assert invoice["payments"][0]["reference"] == "MT103-778"
    assert invoice["payment_advices"][0]["status"] == "confirmed"
    assert _bells(app, world.pair.buyer.company_id, "payment_advice.decided")
    again = api.post(f"/payment-advices/{advice_id}/confirm", world.pair.supplier_token,
                     json={})
    assert again.status_code == 409  # decided once


def test_a_declined_advice_says_why_and_records_nothing(api, world):
    path = f"/invoices/{world.invoice['id']}/payment-advices"
    advice_id = api.post(path, world.pair.buyer_token, json={
        "amount": "45", "paid_on": "2026-01-05", "reference": "X1"}).get_json()["id"]
    declined = api.post(f"/payment-advices/{advice_id}/decline", world.pair.supplier_token,
                        json={"reason": "Not on our statement"})
    assert declined.status_code == 200
    assert declined.get_json()["decline_reason"] == "Not on our statement"
    invoice = api.get(f"/invoices/{world.invoice['id']}", world.pair.supplier_token).get_json()
    assert invoice["paid"] == "0.00"


def test_the_advice_pages_for_buyer_and_supplier(client, api, world):
    _save(api, world)
    portal_login(client, world.pair.buyer.email)
    page_url = f"/fulfillment/invoices/{world.invoice['id']}/payment-advice"
    page = client.get(page_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "DEUTDEFF" in html and 'for="reference"' in html
    refused = client.post(page_url, data={"amount": "999", "paid_on": "2026-01-05",
                                          "reference": "MT-9",
                                          "csrf_token": csrf_token(client, page_url)})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "At most 145.00." in html and 'value="MT-9"' in html
    sent = client.post(page_url, data={"amount": "145", "paid_on": "2026-01-05",
                                       "reference": "MT-9",
                                       "csrf_token": csrf_token(client, page_url)})
    assert sent.status_code == 302
    mine = client.get("/fulfillment/payment-advices?role=buyer").get_data(as_text=True)
    assert "MT-9" in mine
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    portal_login(client, world.pair.supplier.email)
    received = client.get("/fulfillment/payment-advices").get_data(as_text=True)
    assert "Confirm received" in received and "MT-9" in received
    zh = client.get("/fulfillment/payment-advices", headers={"Accept-Language": "zh-TW"})
    assert zh.status_code == 200

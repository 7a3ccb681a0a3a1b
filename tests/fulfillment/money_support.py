"""Test data for money: invoices made the real way (purchase order → shipment →
commercial invoice through the API), and credit and debit notes through the engine's
API (derived from the commercial invoice, or standalone), sent and accepted."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update

from marketplace.extensions import db
from marketplace.fulfillment.models import Invoice, NoteAllocation, NoteSettlement, Payment
from tests.fulfillment.support import accepted_purchase_order

# What the papers need before a commercial invoice is issued (the pre-issue checklist).
SHIPMENT_HEADER = {"carrier": "Evergreen", "vessel": "Ever Given", "voyage": "001E",
                   "port_of_loading": "Kaohsiung", "port_of_discharge": "Gothenburg"}


def invoice_of(make, api, pair, lines) -> dict:
    """An invoice for a whole order of ``lines`` [(sku, quantity, price)]."""
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier, lines)
    order_lines = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"]
    shipment = api.post("/shipments", pair.supplier_token, json={
        **SHIPMENT_HEADER, "order_ids": [order_id], "lines": [{"order_line_id": line["id"],
                                            "quantity": line["quantity"]}
                                           for line in order_lines]})
    assert shipment.status_code == 201, shipment.get_json()
    issued = api.post(f"/shipments/{shipment.get_json()['id']}/commercial-invoice",
                      pair.supplier_token)
    assert issued.status_code == 201, issued.get_json()
    return issued.get_json()["invoice"]


def note(api, pair, kind: str, amount: str, *, invoice: dict | None = None,
         issuer: str = "supplier", send: bool = True):
    """A draft ``kind`` note of one line for ``amount``: derived from the invoice's
    commercial invoice (it names the invoice), or standalone (it names none); sent
    when ``send``. Returns (document, response of the send)."""
    token = pair.supplier_token if issuer == "supplier" else pair.buyer_token
    other = pair.buyer if issuer == "supplier" else pair.supplier
    line = {"description": f"{kind} adjustment", "quantity": "1", "unit": "pcs",
            "unit_price": amount}
    if invoice is not None:
        derived = api.post(f"/documents/{invoice['document_id']}/derive", token,
                           json={"type": kind})
        assert derived.status_code == 201, derived.get_json()
        document = derived.get_json()
        patched = api.patch(f"/documents/{document['id']}", token, json={"lines": [line]},
                            headers={"If-Match": f'"{document["version"]}"'})
        assert patched.status_code == 200, patched.get_json()
        document = patched.get_json()
    else:
        created = api.post("/documents", token, json={
            "type": kind, "recipient_company_id": other.company_id, "currency": "USD",
            "subject": f"{kind} on account", "lines": [line]})
        assert created.status_code == 201, created.get_json()
        document = created.get_json()
    sent = api.post(f"/documents/{document['id']}/actions/send", token, json={}) \
        if send else None
    return document, sent


def accept(api, pair, document: dict, by: str = "buyer"):
    token = pair.buyer_token if by == "buyer" else pair.supplier_token
    return api.post(f"/documents/{document['id']}/actions/accept", token, json={})


def at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def backdate(app, invoice_id: int, issued_on: date, due_in: int = 30) -> None:
    """Move an invoice (and what was recorded on it) to another day, as if it had been
    issued then: statements and aging are about dates."""
    with app.app_context():
        db.session.execute(update(Invoice).where(Invoice.id == invoice_id).values(
            issued_on=issued_on, due_date=issued_on + timedelta(days=due_in)))
        db.session.commit()


def move_payments(app, invoice_id: int, day: date) -> None:
    with app.app_context():
        db.session.execute(update(Payment).where(Payment.invoice_id == invoice_id)
                           .values(received_at=at(day)))
        db.session.commit()


def move_note(app, document_id: int, day: date) -> None:
    with app.app_context():
        settlement = db.session.query(NoteSettlement).filter_by(document_id=document_id).one()
        settlement.settled_at = at(day)
        db.session.execute(update(NoteAllocation).where(
            NoteAllocation.settlement_id == settlement.id).values(allocated_at=at(day)))
        db.session.commit()

"""Receivables and payments: bad input changes nothing."""

import time

import pytest

from marketplace.extensions import db
from marketplace.fulfillment.models import Invoice, Payment
from tests.factories import csrf_token, portal_login
from tests.fulfillment.stripe_stub import StripeStub, signature
from tests.fulfillment.support import SEA, accepted_purchase_order

SECRET = "whsec_payments"


@pytest.fixture
def stripe_stub(app, monkeypatch):
    with StripeStub() as stub:
        monkeypatch.setitem(app.config, "STRIPE_API_BASE", stub.base)
        monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_local")
        monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", SECRET)
        yield stub


def invoiced(make, api, pair) -> dict:
    """A shipment of the whole order (145.00 USD), invoiced."""
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    lines = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"]
    shipment = api.post("/shipments", pair.supplier_token, json={
        **SEA, "order_ids": [order_id], "lines": [{"order_line_id": line["id"],
                                            "quantity": line["quantity"]} for line in lines]})
    issued = api.post(f"/shipments/{shipment.get_json()['id']}/commercial-invoice",
                      pair.supplier_token)
    assert issued.status_code == 201, issued.get_json()
    return issued.get_json()["invoice"]


def balance(app, invoice_id):
    with app.app_context():
        return str(db.session.get(Invoice, invoice_id).balance)


def test_the_invoice_is_due_by_the_payment_terms(make, api, pair):
    invoice = invoiced(make, api, pair)
    from datetime import date, timedelta
    assert invoice["due_date"] == (date.today() + timedelta(days=30)).isoformat()  # tt: 30
    assert api.get("/payables", pair.buyer_token).get_json()["items"][0]["id"] == invoice["id"]
    assert api.get("/receivables", pair.buyer_token).get_json()["total"] == 0


def test_bad_payments_are_refused_and_change_nothing(make, api, pair, app):
    invoice = invoiced(make, api, pair)
    path = f"/invoices/{invoice['id']}/payments"
    for body in ({"amount": "145.01", "method": "tt"}, {"amount": "0", "method": "tt"},
                 {"amount": "-5", "method": "tt"}, {"amount": "10", "method": "cash"},
                 {"amount": "10", "method": "tt", "invoice_id": 9},
                 {"amount": "ten", "method": "tt"}):
        assert api.post(path, pair.supplier_token, json=body).status_code == 422, body
    # The buyer does not record its own payments; a stranger does not see the invoice.
    assert api.post(path, pair.buyer_token, json={"amount": "10", "method": "tt"}
                    ).status_code == 403
    stranger = api.token(make.company_with_admin("Stranger", roles=("supplier",)))
    assert api.post(path, stranger, json={"amount": "10", "method": "tt"}).status_code == 404
    assert api.post(f"/invoices/{invoice['id']}/checkout", stranger, json={}).status_code == 404
    assert balance(app, invoice["id"]) == "145.0000"
    assert api.post(path, pair.supplier_token, json={"amount": "45", "method": "tt"}
                    ).status_code == 201
    assert api.post(path, pair.supplier_token, json={"amount": "100.01", "method": "tt"}
                    ).status_code == 422
    assert balance(app, invoice["id"]) == "100.0000"


def test_stripe_webhooks_forged_stale_or_replayed_record_nothing_more(
        make, api, pair, app, stripe_stub):
    invoice = invoiced(make, api, pair)
    checkout = api.post(f"/invoices/{invoice['id']}/checkout", pair.buyer_token,
                        json={"amount": "45.50"})
    assert checkout.status_code == 201, checkout.get_json()
    assert stripe_stub.requests[-1]["form"]["line_items[0][price_data][unit_amount]"] == "4550"
    payload = stripe_stub.completed_event(checkout.get_json()["session_id"])

    def post(body, header):
        return api.client.post("/api/v1/webhooks/stripe", data=body,
                               headers={"Stripe-Signature": header})

    assert post(payload, signature(payload, "whsec_wrong")).status_code == 400
    assert post(payload, "").status_code == 400
    assert post(payload, signature(payload, SECRET, int(time.time()) - 3600)).status_code == 400
    tampered = payload.replace("4550", "455000")
    assert post(tampered, signature(payload, SECRET)).status_code == 400
    assert balance(app, invoice["id"]) == "145.0000"
    for _ in range(3):
        assert post(payload, signature(payload, SECRET)).status_code == 200
    assert balance(app, invoice["id"]) == "99.5000"
    with app.app_context():
        assert Payment.query.count() == 1


def test_checkout_is_for_the_buyer_and_within_the_balance(make, api, pair, stripe_stub):
    invoice = invoiced(make, api, pair)
    path = f"/invoices/{invoice['id']}/checkout"
    assert api.post(path, pair.supplier_token, json={}).status_code == 403
    assert api.post(path, pair.buyer_token, json={"amount": "145.01"}).status_code == 422
    assert api.post(path, pair.buyer_token, json={"amount": "1.001"}).status_code == 422
    stripe_stub.fail_next = True
    declined = api.post(path, pair.buyer_token, json={})
    assert declined.status_code == 409 and "declined" in declined.get_json()["detail"]
    assert stripe_stub.requests  # the library really called the stand-in


def test_checkout_without_stripe_settings_is_refused(make, api, pair, app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", None)
    invoice = invoiced(make, api, pair)
    response = api.post(f"/invoices/{invoice['id']}/checkout", pair.buyer_token, json={})
    assert response.status_code == 409


def test_the_invoice_rounds_the_exact_total_to_cents(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier,
                                       [("PIN", "3", "0.3333"), ("CLIP", "7", "0.0125")])
    lines = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"]
    shipment = api.post("/shipments", pair.supplier_token, json={
        **SEA, "order_ids": [order_id], "lines": [{"order_line_id": line["id"],
                                            "quantity": line["quantity"]} for line in lines]})
    assert shipment.get_json()["total"] == "1.0874"  # 0.9999 + 0.0875, exact
    issued = api.post(f"/shipments/{shipment.get_json()['id']}/commercial-invoice",
                      pair.supplier_token).get_json()
    assert issued["invoice"]["amount"] == "1.09"


def test_payments_and_refusals_leave_an_honest_audit_trail(make, api, pair, app):
    from marketplace.core.audit import AuditEvent

    invoice = invoiced(make, api, pair)
    path = f"/invoices/{invoice['id']}/payments"
    api.post(path, pair.supplier_token, json={"amount": "999", "method": "tt"})  # refused
    api.post(path, pair.supplier_token, json={"amount": "45", "method": "tt",
                                              "reference": "TT-1"})
    with app.app_context():
        rows = AuditEvent.query.filter_by(action="payment.recorded").all()
        assert [(r.actor_user_id, r.company_id, r.object_id, r.changes["amount"])
                for r in rows] == [(pair.supplier.user_id, pair.supplier.company_id,
                                    invoice["id"], "45")]
        actions = {r.action for r in AuditEvent.query}
    assert {"order.created", "shipment.created", "invoice.issued",
            "shipping_document.generated"} <= actions


def test_checkout_when_stripe_cannot_be_reached_says_so_plainly(make, api, pair, app,
                                                                 monkeypatch, client):
    """No network to Stripe: the buyer reads that nothing was charged and what to do,
    not the library's text about support@stripe.com and socket errors."""
    with StripeStub() as stub:  # a port that was open a moment ago, now closed
        closed = stub.base
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", closed)
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_local")
    invoice = invoiced(make, api, pair)
    response = api.post(f"/invoices/{invoice['id']}/checkout", pair.buyer_token, json={})
    assert response.status_code == 503
    detail = response.get_json()["detail"]
    assert "cannot be reached" in detail and "nothing was charged" in detail
    assert "stripe.com" not in detail and "Connection" not in detail

    portal_login(client, pair.buyer.email)
    token = csrf_token(client, "/fulfillment/payables")
    page = client.post(f"/fulfillment/invoices/{invoice['id']}/checkout",
                       data={"csrf_token": token}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "nothing was charged" in text and "support@stripe.com" not in text
    assert balance(app, invoice["id"]) == "145.0000"

"""The whole trade after the negotiation: a purchase order accepted through the engine
opens the order; it ships in two parts; each shipment gets its events and its full
document set (PDF checked by its text); the invoices are paid by T/T and by card
through Stripe Checkout (a local stand-in answering like Stripe, the real library);
the order closes."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from marketplace.fulfillment.models import Payment
from tests.fulfillment.stripe_stub import StripeStub, signature
from tests.fulfillment.support import give_addresses
from tests.trading.support import accepted_purchase_order

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def stripe_stub(app, monkeypatch):
    with StripeStub() as stub:
        monkeypatch.setitem(app.config, "STRIPE_API_BASE", stub.base)
        monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_local")
        monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        yield stub


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)


def post_webhook(api, payload: str, header: str):
    return api.client.post("/api/v1/webhooks/stripe", data=payload,
                           headers={"Stripe-Signature": header,
                                    "Content-Type": "application/json"})


def events(api, token, shipment_id, *statuses):
    for status in statuses:
        response = api.post(f"/shipments/{shipment_id}/events", token,
                            json={"status": status, "location": "Kaohsiung"})
        assert response.status_code == 201, response.get_json()


def test_purchase_order_to_closed_order(make, api, app, stripe_stub):
    po = accepted_purchase_order(make, api)
    trade = po.trade
    supplier, buyer = trade.supplier_token, trade.buyer_token

    # The acceptance opened the order, in the same transaction.
    orders = api.get("/orders?role=supplier", supplier).get_json()["items"]
    assert [o["purchase_order_id"] for o in orders] == [po["id"]]
    order = api.get(f"/orders/{orders[0]['id']}", buyer).get_json()
    assert order["status"] == "open" and order["total"] == "1680.00"
    bolt, nut = (line["id"] for line in order["lines"])

    # The order is paid by letter of credit: a record of its own, for this order.
    lc = api.post("/letters-of-credit", supplier, json={
        "number": "LC-HH-2026-0042", "issuing_bank": "Deutsche Handelsbank AG",
        "issue_date": "2026-11-20", "expiry_date": "2027-03-31", "expiry_place": "Hamburg",
        "latest_shipment_date": "2027-02-28", "amount": "1680.00", "currency": "USD",
        "tolerance_pct": "5", "order_ids": [order["id"]],
        "clauses": ["We certify the goods are of Taiwanese origin."]})
    assert lc.status_code == 201, lc.get_json()

    # Two partial shipments (the lines are typed, not catalog products: their customs
    # data is given on the shipment's lines).
    give_addresses(make, trade.supplier.company_id, trade.buyer.company_id)
    customs = {"hs_code": "7318.15", "origin_country": "TW"}
    first = api.post("/shipments", supplier, json={
        "order_ids": [order["id"]], "carrier": "Evergreen", "mode": "sea",
        "vessel": "Ever Given", "voyage": "025W", "tracking_number": "EGLV0001",
        "bill_of_lading": "EGLV025W000123", "on_board_date": "2026-12-10",
        "port_of_loading": "Kaohsiung", "port_of_discharge": "Hamburg",
        "container_numbers": ["EGHU1234567"], "etd": "2026-12-10", "eta": "2027-01-08",
        "lines": [{"order_line_id": bolt, "quantity": "12000", "packages": 60,
                   "gross_weight": "610.5", "net_weight": "600", "volume": "1.2", **customs},
                  {"order_line_id": nut, "quantity": "20000", "packages": 40,
                   "gross_weight": "205", "net_weight": "200", "volume": "0.4", **customs}]})
    assert first.status_code == 201, first.get_json()
    first = first.get_json()
    second = api.post("/shipments", supplier, json={
        "order_ids": [order["id"]], "carrier": "China Airlines Cargo", "mode": "air",
        "flight_number": "CI5151", "tracking_number": "297-1234 5675",
        "bill_of_lading": "297-1234 5675", "on_board_date": "2026-12-12",
        "port_of_loading": "Taipei (TPE)", "port_of_discharge": "Frankfurt (FRA)",
        "lines": [{"order_line_id": bolt, "quantity": "8000", "packages": 40,
                   "net_weight": "400", "gross_weight": "420", **customs}]}).get_json()
    assert api.get(f"/orders/{order['id']}", buyer).get_json()["status"] == "shipped"

    events(api, supplier, first["id"], "packed", "shipped", "in_transit", "arrived",
           "customs_cleared", "delivered")
    events(api, supplier, second["id"], "shipped", "delivered")
    timeline = api.get(f"/shipments/{first['id']}", buyer).get_json()["events"]
    assert [e["status"] for e in timeline] == ["booked", "packed", "shipped", "in_transit",
                                               "arrived", "customs_cleared", "delivered"]

    # The full document set for each shipment.
    invoices = {}
    for shipment, amount in ((first, "1104.00"), (second, "576.00")):
        for kind in ("packing-list", "shipping-advice"):
            made = api.post(f"/shipments/{shipment['id']}/documents/{kind}", supplier)
            assert made.status_code == 201, made.get_json()
        issued = api.post(f"/shipments/{shipment['id']}/commercial-invoice", supplier)
        assert issued.status_code == 201, issued.get_json()
        invoice = issued.get_json()["invoice"]
        assert (invoice["amount"], invoice["currency"]) == (amount, "USD")
        assert invoice["number"].startswith("CI-")
        invoices[shipment["id"]] = invoice
        again = api.post(f"/shipments/{shipment['id']}/commercial-invoice", supplier)
        assert again.status_code == 409
        document = api.get(f"/documents/{issued.get_json()['document_id']}", buyer).get_json()
        assert (document["type"], document["status"]) == ("commercial_invoice", "sent")

    text = pdf_text(api.get(f"/shipments/{first['id']}/documents/commercial-invoice", buyer))
    assert invoices[first["id"]]["number"] in text
    assert "1,104.00" in text or "1104.00" in text
    words = " ".join(text.split())  # a long bank name may wrap
    assert "LC-HH-2026-0042" in words and "Deutsche Handelsbank AG" in words
    assert "Taiwanese origin" in text
    assert "EGHU1234567" in text and first["number"] in text
    packing = pdf_text(api.get(f"/shipments/{first['id']}/documents/packing-list?paper=letter",
                               buyer))
    assert "PACKING LIST" in packing and "100" in packing and "815.5" in packing  # packages, kg
    advice = pdf_text(api.get(f"/shipments/{second['id']}/documents/shipping-advice", buyer))
    assert "CI5151" in advice and second["number"] in advice

    # Re-generating makes a new revision; the old one still prints.
    again = api.post(f"/shipments/{first['id']}/documents/packing-list", supplier).get_json()
    assert again["revision"] == 2
    old = api.get(f"/shipments/{first['id']}/documents/packing-list?revision=1", buyer)
    assert "Revision 1" in pdf_text(old)
    sheet = load_workbook(BytesIO(api.get(
        f"/shipments/{first['id']}/documents/commercial-invoice?format=xlsx", buyer).data)).active
    assert sheet["B1"].value == invoices[first["id"]]["number"]
    assert any(row[7] is not None and float(row[7]) == 1104.0 for row in
               sheet.iter_rows(values_only=True) if row[0] == "Total")

    # Invoice 1: a partial T/T payment, then the rest by card.
    one = invoices[first["id"]]
    paid = api.post(f"/invoices/{one['id']}/payments", supplier,
                    json={"amount": "600.00", "method": "tt", "reference": "TT-7788"})
    assert paid.status_code == 201, paid.get_json()
    assert paid.get_json()["invoice"]["balance"] == "504.00"
    assert api.post(f"/invoices/{one['id']}/payments", supplier,
                    json={"amount": "504.01", "method": "tt"}).status_code == 422
    checkout = api.post(f"/invoices/{one['id']}/checkout", buyer, json={})
    assert checkout.status_code == 201, checkout.get_json()
    assert checkout.get_json()["checkout_url"].startswith(stripe_stub.base + "/pay/")
    sent = stripe_stub.requests[-1]
    assert sent["auth"] == "Bearer sk_test_local"
    assert sent["form"]["line_items[0][price_data][unit_amount]"] == "50400"
    assert sent["form"]["line_items[0][price_data][currency]"] == "usd"

    payload = stripe_stub.completed_event(checkout.get_json()["session_id"])
    forged = post_webhook(api, payload, signature(payload, "whsec_someone_else"))
    assert forged.status_code == 400
    for _ in range(2):  # Stripe delivers at least once: the replay records nothing
        response = post_webhook(api, payload, signature(payload, WEBHOOK_SECRET))
        assert response.status_code == 200, response.get_json()
    with app.app_context():
        card = Payment.query.filter_by(invoice_id=one["id"], method="card").all()
        assert [(p.amount, p.stripe_session_id) for p in card] == [
            (card[0].amount, checkout.get_json()["session_id"])]
        assert str(card[0].amount) == "504.0000"

    assert api.get(f"/orders/{order['id']}", buyer).get_json()["status"] == "shipped"
    two = invoices[second["id"]]
    assert api.post(f"/invoices/{two['id']}/payments", supplier,
                    json={"amount": "576", "method": "lc", "reference": "LC-HH-2026-0042"}
                    ).status_code == 201

    receivables = api.get("/receivables", supplier).get_json()["items"]
    assert [(r["amount"], r["paid"], r["balance"], r["aging_bucket"]) for r in receivables] == [
        ("1104.00", "1104.00", "0.00", "current"), ("576.00", "576.00", "0.00", "current")]
    final = api.get(f"/orders/{order['id']}", buyer).get_json()
    assert final["status"] == "closed"
    assert {"purchase_order", "commercial_invoice", "packing_list", "shipping_advice"} <= {
        d["type"] for d in final["documents"]}

"""The portal pages a supplier and a buyer use, end to end through forms."""

import re

from marketplace.core.types import utcnow
from tests.factories import csrf_token, portal_login
from tests.fulfillment.support import SEA, accepted_purchase_order
from tests.fulfillment.test_flow import pdf_text


def test_supplier_ships_from_the_order_page_and_the_buyer_follows(make, api, pair, client):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    lines = {line["sku"]: line["id"] for line in
             api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"]}
    portal_login(client, pair.supplier.email)
    page = client.get(f"/fulfillment/orders/{order_id}").get_data(as_text=True)
    assert "BOLT-M8" in page and 'id="ship"' in page and "progress-stacked" in page
    new = f"/fulfillment/shipments/new?buyer={pair.buyer.company_id}"
    form = client.get(new).get_data(as_text=True)
    assert f'name="ship-{lines["BOLT-M8"]}"' in form
    response = client.post(new, data={
        "csrf_token": csrf_token(client, new), "carrier": "Evergreen", "mode": "sea",
        "vessel": "Ever Ace", "voyage": "0125W",
        "tracking_number": "EG-1", f"ship-{lines['BOLT-M8']}": "250"})
    assert response.status_code == 302, response.get_data(as_text=True)
    shipment_path = response.headers["Location"]
    shipment_id = int(re.search(r"/shipments/(\d+)", shipment_path).group(1))
    token = csrf_token(client, shipment_path)
    client.post(f"/fulfillment/shipments/{shipment_id}/events",
                data={"csrf_token": token, "status": "shipped", "location": "Kaohsiung"})
    client.post(f"/fulfillment/shipments/{shipment_id}/documents/commercial-invoice",
                data={"csrf_token": token})
    page = client.get(shipment_path).get_data(as_text=True)
    assert "CI-" in page and "revision 1" in page
    # Over-shipping from the form: refused with the reason, nothing shipped.
    refused = client.post(new, data={"csrf_token": token, f"ship-{lines['BOLT-M8']}": "751"},
                          follow_redirects=True).get_data(as_text=True)
    assert "still open" in refused
    assert api.get(f"/orders/{order_id}", pair.buyer_token).get_json()["lines"][0][
        "shipped_quantity"] == "250"

    client.get("/logout")
    portal_login(client, pair.buyer.email)
    timeline = client.get(f"/fulfillment/shipments/{shipment_id}/timeline.json").get_json()
    assert [e["status"] for e in timeline["events"]] == ["booked", "shipped"]
    payables = client.get("/fulfillment/payables").get_data(as_text=True)
    assert "30.00" in payables and "Pay by card" in payables and "<svg" in payables


def test_split_and_merge_dialogs(make, api, pair, client):
    first = accepted_purchase_order(make, pair.buyer, pair.supplier)
    second = accepted_purchase_order(make, pair.buyer, pair.supplier)
    bolt = api.get(f"/orders/{first}", pair.supplier_token).get_json()["lines"][0]["id"]
    portal_login(client, pair.supplier.email)
    page = f"/fulfillment/orders/{first}"
    token = csrf_token(client, page)
    split = client.post(f"{page}/split", data={"csrf_token": token, f"split-{bolt}": "100"})
    assert split.status_code == 302
    assert api.get(f"/orders/{first}", pair.supplier_token).get_json()["lines"][0][
        "quantity"] == "900"
    merged = client.post("/fulfillment/orders/merge",
                         data={"csrf_token": token, "order_ids": [first, second]})
    assert merged.status_code == 302
    assert api.get(f"/orders/{first}", pair.supplier_token).get_json()["status"] == "closed"


def test_receivables_aging_and_payment_recording(make, api, pair, client):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    lines = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"]
    shipment = api.post("/shipments", pair.supplier_token, json={
        **SEA, "order_ids": [order_id], "lines": [{"order_line_id": lines[0]["id"],
                                            "quantity": "1000"}]}).get_json()
    invoice = api.post(f"/shipments/{shipment['id']}/commercial-invoice",
                       pair.supplier_token).get_json()["invoice"]
    portal_login(client, pair.supplier.email)
    page = client.get("/fulfillment/receivables").get_data(as_text=True)
    assert 'data-bucket="current"' in page and "120.00" in page and "Nordic Tools" in page
    token = csrf_token(client, "/fulfillment/receivables")
    client.post(f"/fulfillment/invoices/{invoice['id']}/payments",
                data={"csrf_token": token, "amount": "20", "method": "tt", "reference": "x"})
    assert api.get(f"/invoices/{invoice['id']}", pair.supplier_token).get_json()[
        "balance"] == "100.00"
    over = client.post(f"/fulfillment/invoices/{invoice['id']}/payments", data={
        "csrf_token": token, "amount": "100.01", "method": "tt"}, follow_redirects=True)
    assert "more than" in over.get_data(as_text=True)
    assert api.get(f"/invoices/{invoice['id']}", pair.supplier_token).get_json()[
        "balance"] == "100.00"
    # The buyer's payables say what was paid, when and how.
    portal_login(client, pair.buyer.email)
    payables = client.get("/fulfillment/payables").get_data(as_text=True)
    today = utcnow().date().isoformat()
    assert re.search(rf'class="[^"]*payment">{today} · Telegraphic transfer \(T/T\) 20\.00<',
                     payables)


def test_former_lc_clauses_stay_readable_and_the_old_page_leads_to_letters_of_credit(
        make, api, pair, client, app):
    from marketplace.extensions import db
    from marketplace.fulfillment.models import LetterOfCreditClauses

    def build():
        db.session.add(LetterOfCreditClauses(
            company_id=pair.supplier.company_id, buyer_company_id=pair.buyer.company_id,
            lc_number="LC-OLD-7", issuing_bank="Bank of Taiwan",
            required_statements="One\nTwo"))

    make._run(build)
    [kept] = api.get("/letter-of-credit-clauses", pair.supplier_token).get_json()
    assert (kept["lc_number"], kept["buyer_company_id"]) == ("LC-OLD-7", pair.buyer.company_id)
    assert api.call("PUT", "/letter-of-credit-clauses", pair.supplier_token,
                    json={"lc_number": "LC-9"}).status_code == 405
    portal_login(client, pair.supplier.email)
    old = client.get("/fulfillment/letter-of-credit")
    assert old.status_code == 301 and old.headers["Location"].endswith(
        "/fulfillment/letters-of-credit")
    page = client.get("/fulfillment/letters-of-credit").get_data(as_text=True)
    assert 'id="former-clauses"' in page and "LC-OLD-7" in page and "Two" in page


def test_a_letter_of_credit_is_recorded_from_the_order_page(make, api, pair, client):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    portal_login(client, pair.supplier.email)
    order_page = client.get(f"/fulfillment/orders/{order_id}").get_data(as_text=True)
    assert f"/fulfillment/letters-of-credit/new?order={order_id}" in order_page
    path = f"/fulfillment/letters-of-credit/new?order={order_id}"
    form = client.get(path).get_data(as_text=True)
    assert f'id="order-{order_id}" checked' in form and 'value="145.0000"' in form or \
        f'id="order-{order_id}" checked' in form
    fields = {"csrf_token": csrf_token(client, path), "number": "LC-77",
              "issuing_bank": "Deutsche Handelsbank AG", "issue_date": "2026-11-01",
              "expiry_date": "2026-10-01", "amount": "145", "currency": "USD",
              "tolerance_pct": "5", "presentation_days": "21", "partial_shipments": "y",
              "doc-certificate-of-origin": "1", "originals-certificate-of-origin": "2",
              "copies-certificate-of-origin": "1", "clauses": "Clause A\nClause B",
              "order_ids": [str(order_id)]}
    refused = client.post(path, data=fields)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "cannot expire before it is issued" in page
    assert 'value="LC-77"' in page and 'name="doc-certificate-of-origin" ' \
        'id="doc-certificate-of-origin" value="1" checked' in page  # the input stays
    saved = client.post(path, data={**fields, "expiry_date": "2027-03-31"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    credit = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "LC-77" in credit and "Clause B" in credit and "Not allowed" in credit  # tranship.
    assert "2 original(s), 1 copy(ies)" in credit


def test_the_shipment_form_takes_packages_and_weights_for_the_packing_list(
        make, api, pair, client):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    lines = {line["sku"]: line["id"] for line in
             api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"]}
    bolt = lines["BOLT-M8"]
    portal_login(client, pair.supplier.email)
    new = f"/fulfillment/shipments/new?buyer={pair.buyer.company_id}"
    token = csrf_token(client, new)
    # A weight that is not a number: refused with the reason, nothing shipped.
    refused = client.post(new, data={"csrf_token": token, f"ship-{bolt}": "100",
                                     f"gross_weight-{bolt}": "heavy"}, follow_redirects=True)
    assert "gross_weight" in refused.get_data(as_text=True)
    assert api.get(f"/orders/{order_id}", pair.buyer_token).get_json()["lines"][0][
        "shipped_quantity"] == "0"
    response = client.post(new, data={
        "csrf_token": token, "carrier": "Evergreen", "mode": "sea", "vessel": "Ever Ace",
        "voyage": "0125W", f"ship-{bolt}": "400",
        f"packages-{bolt}": "20", f"net_weight-{bolt}": "180", f"gross_weight-{bolt}": "195.5",
        f"volume-{bolt}": "0.8"})
    assert response.status_code == 302, response.get_data(as_text=True)
    shipment_id = int(re.search(r"/shipments/(\d+)", response.headers["Location"]).group(1))
    line = api.get(f"/shipments/{shipment_id}", pair.buyer_token).get_json()["lines"][0]
    assert (line["packages"], line["net_weight"], line["gross_weight"]) == (20, "180", "195.5")
    made = api.post(f"/shipments/{shipment_id}/documents/packing-list", pair.supplier_token)
    assert made.status_code == 201, made.get_json()
    text = pdf_text(api.get(f"/shipments/{shipment_id}/documents/packing-list",
                            pair.buyer_token))
    assert "Cartons 20" in text and "195.5" in text and "0.8" in text


def test_the_order_page_names_origin_orders_and_payment_terms_as_people_read_them(
        make, api, pair, client):
    first = accepted_purchase_order(make, pair.buyer, pair.supplier)
    second = accepted_purchase_order(make, pair.buyer, pair.supplier)
    numbers = [api.get(f"/orders/{o}", pair.buyer_token).get_json()["number"]
               for o in (first, second)]
    merged = api.post("/orders/merge", pair.supplier_token, json={"order_ids": [first, second]})
    assert merged.status_code == 201, merged.get_json()
    portal_login(client, pair.supplier.email)
    page = client.get(f"/fulfillment/orders/{merged.get_json()['id']}").get_data(as_text=True)
    assert f"from order {numbers[0]}" in page and f"from order {numbers[1]}" in page
    assert "T/T (telegraphic transfer)" in page


def test_the_payables_page_lets_pay_by_card_lead_to_stripe_checkout(pair, client):
    """Browsers check the form's CSP form-action along the redirect to Stripe: without
    Checkout's origin there, "Pay by card" is blocked (seen in Chromium)."""
    portal_login(client, pair.buyer.email)
    policy = client.get("/fulfillment/payables").headers["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com;" in policy
    other = client.get("/fulfillment/orders").headers["Content-Security-Policy"]
    assert "form-action 'self';" in other


def test_shipping_modes_read_as_words(make, api, pair, client):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    bolt = api.get(f"/orders/{order_id}", pair.supplier_token).get_json()["lines"][0]["id"]
    shipment = api.post("/shipments", pair.supplier_token, json={
        **SEA, "order_ids": [order_id], "carrier": "Evergreen", "mode": "sea",
        "lines": [{"order_line_id": bolt, "quantity": "10"}]}).get_json()
    portal_login(client, pair.supplier.email)
    form = client.get(f"/fulfillment/shipments/new?buyer={pair.buyer.company_id}")
    assert '<option value="courier">Courier</option>' in form.get_data(as_text=True)
    page = client.get(f"/fulfillment/shipments/{shipment['id']}").get_data(as_text=True)
    assert "Evergreen (Sea)" in page

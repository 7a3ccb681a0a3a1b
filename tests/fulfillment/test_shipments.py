"""Shipments: open lines leave in parts; over-shipment and foreign lines are refused
with nothing written; the supplier's events reach both parties."""

from marketplace.infrastructure.notifications.models import Notification
from tests.fulfillment.support import accepted_purchase_order


def order_lines(api, token, order_id):
    return {line["sku"]: line for line in api.get(f"/orders/{order_id}", token)
            .get_json()["lines"]}


def ship(api, token, order_ids, lines, **header):
    return api.post("/shipments", token, json={
        "order_ids": order_ids, "carrier": "Evergreen", "tracking_number": "EGLV123",
        "vessel": "Ever Ace", "voyage": "0125W", "bill_of_lading": "EGLV140600123456",
        "on_board_date": "2026-12-10",
        "etd": "2026-12-10", "eta": "2027-01-05",
        "lines": [{"order_line_id": line_id, "quantity": quantity}
                  for line_id, quantity in lines], **header})


def test_two_partial_shipments_ship_the_order(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    lines = order_lines(api, pair.supplier_token, order_id)
    bolt, nut = lines["BOLT-M8"]["id"], lines["NUT-M8"]["id"]
    first = ship(api, pair.supplier_token, [order_id], [(bolt, "600"), (nut, "500")])
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["number"].startswith("SHP-") and body["status"] == "booked"
    assert body["total"] == "97.00"  # 600 × 0.12 + 500 × 0.05
    assert [e["status"] for e in body["events"]] == ["booked"]
    order = api.get(f"/orders/{order_id}", pair.buyer_token).get_json()
    assert order["status"] == "partially_shipped"
    assert {line["sku"]: line["shipped_quantity"] for line in order["lines"]} == {
        "BOLT-M8": "600", "NUT-M8": "500"}
    second = ship(api, pair.supplier_token, [order_id], [(bolt, "400")])
    assert second.status_code == 201
    assert api.get(f"/orders/{order_id}", pair.buyer_token).get_json()["status"] == "shipped"
    assert api.get(f"/shipments/{second.get_json()['id']}", pair.buyer_token).status_code == 200


def test_over_shipment_is_refused_and_nothing_is_written(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    lines = order_lines(api, pair.supplier_token, order_id)
    bolt, nut = lines["BOLT-M8"]["id"], lines["NUT-M8"]["id"]
    assert ship(api, pair.supplier_token, [order_id], [(bolt, "900")]).status_code == 201
    response = ship(api, pair.supplier_token, [order_id], [(nut, "100"), (bolt, "101")])
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["errors"]["lines.1.quantity"] == [
        "Only 100 pcs of BOLT-M8 are still open; ship no more than that."]
    lines = order_lines(api, pair.supplier_token, order_id)
    assert (lines["BOLT-M8"]["shipped_quantity"], lines["NUT-M8"]["shipped_quantity"]) == \
        ("900", "0")
    assert api.get("/shipments", pair.supplier_token).get_json()["total"] == 1


def test_shipping_a_line_of_another_buyer_is_refused(make, api, pair):
    other_buyer = make.member(make.company("Other Buyer"), "admin")
    mine = accepted_purchase_order(make, pair.buyer, pair.supplier)
    theirs = accepted_purchase_order(make, other_buyer, pair.supplier)
    their_line = order_lines(api, pair.supplier_token, theirs)["BOLT-M8"]["id"]
    my_line = order_lines(api, pair.supplier_token, mine)["BOLT-M8"]["id"]
    # A line not on the orders named …
    response = ship(api, pair.supplier_token, [mine], [(my_line, "1"), (their_line, "1")])
    assert response.status_code == 422
    assert "lines.1.order_line_id" in response.get_json()["errors"]
    # … and orders of two buyers in one shipment.
    response = ship(api, pair.supplier_token, [mine, theirs], [(my_line, "1"), (their_line, "1")])
    assert response.status_code == 422
    assert "order_ids" in response.get_json()["errors"]
    assert api.get("/shipments", pair.supplier_token).get_json()["total"] == 0
    assert order_lines(api, pair.supplier_token, theirs)["BOLT-M8"]["shipped_quantity"] == "0"


def test_the_buyer_and_strangers_cannot_ship(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    bolt = order_lines(api, pair.supplier_token, order_id)["BOLT-M8"]["id"]
    assert ship(api, pair.buyer_token, [order_id], [(bolt, "1")]).status_code == 403
    stranger = api.token(make.company_with_admin("Stranger", roles=("supplier",)))
    assert ship(api, stranger, [order_id], [(bolt, "1")]).status_code == 404


def test_bad_shipment_input_is_refused(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    bolt = order_lines(api, pair.supplier_token, order_id)["BOLT-M8"]["id"]
    for lines, extra in (([(bolt, "0")], {}), ([(bolt, "-1")], {}), ([(bolt, "1.00001")], {}),
                         ([(bolt, "1")], {"status": "delivered"}),
                         ([(bolt, "1")], {"etd": "2026-12-10", "eta": "2026-12-01"}),
                         ([(bolt, "1"), (bolt, "1")], {}), ([], {})):
        response = ship(api, pair.supplier_token, [order_id], lines, **extra)
        assert response.status_code == 422, (lines, extra, response.get_json())
    assert api.get("/shipments", pair.supplier_token).get_json()["total"] == 0


def test_events_move_the_timeline_on_and_tell_both_parties(make, api, pair, app):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    bolt = order_lines(api, pair.supplier_token, order_id)["BOLT-M8"]["id"]
    shipment_id = ship(api, pair.supplier_token, [order_id], [(bolt, "10")]).get_json()["id"]
    colleague = make.member(pair.supplier.company_id, "sales")  # the actor knows already
    for status, location in (("packed", "Taichung"), ("shipped", "Kaohsiung"),
                             ("in_transit", "Singapore")):
        response = api.post(f"/shipments/{shipment_id}/events", pair.supplier_token, json={
            "status": status, "at": "2026-12-11T08:00:00+08:00", "location": location,
            "note": "ok"})
        assert response.status_code == 201, response.get_json()
    timeline = api.get(f"/shipments/{shipment_id}", pair.buyer_token).get_json()
    assert [(e["status"], e["location"]) for e in timeline["events"][1:]] == [
        ("packed", "Taichung"), ("shipped", "Kaohsiung"), ("in_transit", "Singapore")]
    assert timeline["status"] == "in_transit"
    backwards = api.post(f"/shipments/{shipment_id}/events", pair.supplier_token,
                         json={"status": "packed"})
    assert backwards.status_code == 409
    assert backwards.get_json()["allowed_actions"] == [
        "arrived", "customs_cleared", "delivered"]
    assert api.post(f"/shipments/{shipment_id}/events", pair.buyer_token,
                    json={"status": "arrived"}).status_code == 403
    assert api.post(f"/shipments/{shipment_id}/events", pair.supplier_token,
                    json={"status": "lost"}).status_code == 422
    with app.app_context():
        told = [(n.user_id, n.company_id) for n in
                Notification.query.filter_by(event="shipment.event").order_by(Notification.id)]
    assert told == [(pair.buyer.user_id, pair.buyer.company_id),
                    (colleague.user_id, pair.supplier.company_id)] * 3


def test_one_shipment_carries_lines_of_two_orders_of_one_buyer(make, api, pair):
    first = accepted_purchase_order(make, pair.buyer, pair.supplier)
    second = accepted_purchase_order(make, pair.buyer, pair.supplier, [("PIN-3", "50", "1")])
    a = order_lines(api, pair.supplier_token, first)["NUT-M8"]["id"]
    b = order_lines(api, pair.supplier_token, second)["PIN-3"]["id"]
    response = ship(api, pair.supplier_token, [first, second], [(a, "500"), (b, "50")])
    assert response.status_code == 201
    assert response.get_json()["order_ids"] == [first, second]
    assert api.get(f"/orders/{second}", pair.buyer_token).get_json()["status"] == "shipped"


def test_a_shipment_event_reaches_the_buyers_webhook_signed(make, api, pair, app, monkeypatch):
    from tests.infrastructure.notifications.support import SECRET, Receiver

    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", True)
    endpoint = Receiver().start()
    try:
        created = api.post("/webhooks", pair.buyer_token, json={
            "url": endpoint.url, "events": ["shipment.event"], "secret": SECRET})
        assert created.status_code == 201, created.get_json()
        order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
        bolt = order_lines(api, pair.supplier_token, order_id)["BOLT-M8"]["id"]
        shipment = ship(api, pair.supplier_token, [order_id], [(bolt, "10")]).get_json()
        api.post(f"/shipments/{shipment['id']}/events", pair.supplier_token,
                 json={"status": "arrived", "location": "Gothenburg"})
        [received] = endpoint.wait_for(1)
    finally:
        endpoint.stop()
    assert received.signature_is_valid()
    assert received.headers["X-Marketplace-Event"] == "shipment.event"
    data = received.json["data"]
    assert (data["number"], data["status"], data["location"], data["tracking_number"]) == (
        shipment["number"], "arrived", "Gothenburg", "EGLV123")


def test_the_same_idempotency_key_books_one_shipment(make, api, pair):
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    bolt = order_lines(api, pair.supplier_token, order_id)["BOLT-M8"]["id"]
    body = {"order_ids": [order_id], "lines": [{"order_line_id": bolt, "quantity": "10"}]}
    key = {"Idempotency-Key": "5b0e1c1e-ship-once"}
    first = api.post("/shipments", pair.supplier_token, json=body, headers=key)
    again = api.post("/shipments", pair.supplier_token, json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert order_lines(api, pair.supplier_token, order_id)["BOLT-M8"]["shipped_quantity"] == "10"


def test_a_revision_is_rendered_once_per_paper_and_language(make, api, pair, monkeypatch):
    from marketplace.fulfillment import exports

    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    bolt = order_lines(api, pair.supplier_token, order_id)["BOLT-M8"]["id"]
    shipment_id = ship(api, pair.supplier_token, [order_id], [(bolt, "10")]).get_json()["id"]
    api.post(f"/shipments/{shipment_id}/documents/packing-list", pair.supplier_token)
    renders = []
    real = exports.shipping_document_pdf
    monkeypatch.setattr(exports, "shipping_document_pdf",
                        lambda *a, **k: renders.append(a) or real(*a, **k))
    path = f"/shipments/{shipment_id}/documents/packing-list"
    first = api.get(path, pair.buyer_token)
    again = api.get(path, pair.supplier_token)
    assert first.status_code == again.status_code == 200
    assert first.data == again.data and len(renders) == 1
    assert api.get(path + "?paper=letter", pair.buyer_token).status_code == 200
    with make.app.app_context():  # the buyer reads in Traditional Chinese from now on
        from marketplace.extensions import db
        from marketplace.infrastructure.models import User

        db.session.get(User, pair.buyer.user_id).language = "zh_Hant"
        db.session.commit()
    # The reader's language does not change the paper: the same English print.
    assert api.get(path, pair.buyer_token).data == first.data and len(renders) == 2
    chinese = api.get(path + "?lang=zh-Hant", pair.buyer_token)
    assert chinese.status_code == 200 and len(renders) == 3
    assert api.get(path + "?lang=zh-Hant", pair.supplier_token).data == chinese.data
    assert len(renders) == 3


def test_printed_documents_carry_chinese_text(make, api, app):
    from io import BytesIO

    from pypdf import PdfReader

    from tests.fulfillment.support import trade_pair

    pair = trade_pair(make, api, supplier_name="臺灣精密扣件股份有限公司",
                      buyer_name="Nordic Tools")
    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    bolt = order_lines(api, pair.supplier_token, order_id)["BOLT-M8"]["id"]
    shipment_id = ship(api, pair.supplier_token, [order_id], [(bolt, "10")]).get_json()["id"]
    api.post(f"/shipments/{shipment_id}/documents/shipping-advice", pair.supplier_token)
    pdf = api.get(f"/shipments/{shipment_id}/documents/shipping-advice", pair.buyer_token)
    reader = PdfReader(BytesIO(pdf.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "臺灣精密扣件股份有限公司" in text and "BOLT-M8" in text
    fonts = {font["/BaseFont"] for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("CJK" in str(name) for name in fonts)  # Chinese from the CJK font …
    assert any("DejaVu" in str(name) for name in fonts)  # … Latin from a small one


def test_a_later_revision_of_the_invoice_still_prints_its_due_date_and_terms(make, api, pair):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.fulfillment.test_flow import pdf_text

    order_id = accepted_purchase_order(make, pair.buyer, pair.supplier)
    bolt = order_lines(api, pair.supplier_token, order_id)["BOLT-M8"]["id"]
    shipment = ship(api, pair.supplier_token, [order_id], [(bolt, "100")]).get_json()
    invoice = api.post(f"/shipments/{shipment['id']}/commercial-invoice",
                       pair.supplier_token).get_json()["invoice"]
    again = api.post(f"/shipments/{shipment['id']}/documents/commercial-invoice",
                     pair.supplier_token)
    assert again.get_json()["revision"] == 2
    path = f"/shipments/{shipment['id']}/documents/commercial-invoice"
    for revision in (1, 2):
        text = pdf_text(api.get(f"{path}?revision={revision}", pair.buyer_token))
        assert f"due {invoice['due_date']}" in text, revision
        assert "T/T (telegraphic transfer)" in text
    sheet = load_workbook(BytesIO(api.get(f"{path}?format=xlsx", pair.buyer_token).data)).active
    assert ["Payment terms", "T/T (telegraphic transfer)"] in [
        list(row[:2]) for row in sheet.iter_rows(values_only=True)]

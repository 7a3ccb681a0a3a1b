"""The portal pages: the buyer records a receipt (form and CSV), uploads a stock report,
maps SKUs, switches sharing; the supplier reads its views with charts and exports."""

from __future__ import annotations

import io

from tests.factories import csrf_token, portal_login


def _order(trade):
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    trade.ship(trade.supplier_a, order, {order.line_ids[0]: "100"})
    return order


def test_buyer_records_a_receipt_in_the_portal(trade, client):
    order = _order(trade)
    line = order.line_ids[0]
    portal_login(client, trade.buyer.member.email)
    page = client.get(f"/supplier_link/orders/{order.id}/receipt")
    assert page.status_code == 200 and order.number in page.get_data(as_text=True)
    token = csrf_token(client, f"/supplier_link/orders/{order.id}/receipt")
    refused = client.post(f"/supplier_link/orders/{order.id}/receipt", data={
        "csrf_token": token, f"received-{line}": "90", f"rejected-{line}": "5"})
    assert refused.status_code == 422
    assert "Say why goods were rejected" in refused.get_data(as_text=True)
    saved = client.post(f"/supplier_link/orders/{order.id}/receipt", data={
        "csrf_token": token, f"received-{line}": "90", f"rejected-{line}": "5",
        f"reason-{line}": "damaged"})
    assert saved.status_code == 302
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Claim" in page and "ORD-T" in page
    totals = page[page.index('id="discrepancies-per-shipment"'):]
    assert "<td>100</td><td>90</td>" in totals
    assert "<td>37.50</td>" in totals  # (10 short + 5 rejected) × 2.50
    csv_body = "sku,quantity_received,quantity_rejected,reason\nA-100,10,0,\n"
    by_csv = client.post(f"/supplier_link/orders/{order.id}/receipt", data={
        "csrf_token": token, "file": (io.BytesIO(csv_body.encode()), "r.csv")},
        content_type="multipart/form-data")
    assert by_csv.status_code == 302
    receipts = trade.api.get("/supplier-link/receipts", trade.buyer.token).get_json()
    assert [r["source"] for r in receipts["items"]] == ["csv", "portal"]


def test_buyer_maps_a_sku_uploads_a_report_and_switches_sharing(trade, client):
    trade.product(trade.supplier_a, "A-100")
    portal_login(client, trade.buyer.member.email)
    token = csrf_token(client, "/supplier_link/sku-cross-references")
    mapped = client.post("/supplier_link/sku-cross-references", data={
        "csrf_token": token, "buyer_sku": "B-100", "supplier_id": trade.supplier_a.company_id,
        "supplier_sku": "A-100"})
    assert mapped.status_code == 302
    text = ("sku,period_start,period_end,quantity_sold,quantity_on_hand\n"
            "B-100,2026-10-05,2026-10-11,70,130\nB-999,2026-10-05,2026-10-11,1,1\n")
    uploaded = client.post("/supplier_link/stock-reports", data={
        "csrf_token": token, "file": (io.BytesIO(text.encode()), "s.csv")},
        content_type="multipart/form-data")
    assert uploaded.status_code == 200
    html = uploaded.get_data(as_text=True)
    assert "Unknown SKU B-999" in html and "1 new" in html
    assert 'id="stock-report-history"' in html
    template = client.get("/supplier_link/stock-reports/template.csv")
    assert template.get_data().decode("utf-8-sig").splitlines()[0] == \
        "sku,period_start,period_end,quantity_sold,quantity_on_hand"
    page = client.get("/supplier_link/sharing").get_data(as_text=True)
    assert "Supplier A" in page
    saved = client.post(f"/supplier_link/sharing/{trade.supplier_a.company_id}", data={
        "csrf_token": token, "share_order_status": "on", "target_cover_weeks": "6"})
    assert saved.status_code == 302
    sharing = trade.api.get(f"/supplier-link/sharing/{trade.supplier_a.company_id}",
                            trade.buyer.token).get_json()
    assert sharing["shared_views"] == ["order-status"] and sharing["target_cover_weeks"] == 6


def test_supplier_reads_its_views_with_charts_and_exports(trade, client):
    trade.map_sku("B-100", trade.supplier_a, "A-100")
    trade.api.post("/supplier-link/stock-reports", trade.buyer.token, json={"rows": [
        {"sku": "B-100", "period_start": "2026-10-05", "period_end": "2026-10-11",
         "quantity_sold": "70", "quantity_on_hand": "130"}]})
    portal_login(client, trade.supplier_a.member.email)
    home = client.get("/supplier_link/").get_data(as_text=True)
    assert "Big Buyer" in home
    page = client.get(f"/supplier_link/buyers/{trade.buyer.company_id}/sales-inventory")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="sales-chart"' in html and 'class="cover-chart"' in html and "A-100" in html
    export = client.get(f"/supplier_link/buyers/{trade.buyer.company_id}/sales-inventory"
                        "?format=csv")
    assert export.status_code == 200 and "A-100" in export.get_data().decode("utf-8-sig")
    assert client.get(f"/supplier_link/buyers/{trade.buyer.company_id}/nonsense") \
        .status_code == 404
    other = client.get(f"/supplier_link/buyers/{trade.supplier_b.company_id}/order-status")
    assert other.status_code == 404


def test_bad_portal_input_is_refused_and_saves_nothing(trade, client):
    order = _order(trade)
    line = order.line_ids[0]
    portal_login(client, trade.buyer.member.email)
    token = csrf_token(client, f"/supplier_link/orders/{order.id}/receipt")
    for form in ({f"received-{line}": "10", f"rejected-{line}": "-2"},
                 {f"received-{line}": "ten"},
                 {f"received-{line}": "NaN"}):
        response = client.post(f"/supplier_link/orders/{order.id}/receipt",
                               data={"csrf_token": token, **form})
        assert response.status_code == 422, form
    returned = client.post(f"/supplier_link/orders/{order.id}/return",
                           data={"csrf_token": token, f"quantity-{line}": "-1"})
    assert returned.status_code == 422
    assert trade.api.get("/supplier-link/receipts", trade.buyer.token).get_json()["total"] == 0
    assert trade.api.get("/supplier-link/returns", trade.buyer.token).get_json()["total"] == 0
    for form in ({"buyer_sku": " ", "supplier_sku": "A-100"},
                 {"buyer_sku": "B-1", "supplier_sku": "NOT-THERE"}):
        mapped = client.post("/supplier_link/sku-cross-references", data={
            "csrf_token": token, "supplier_id": trade.supplier_a.company_id, **form})
        assert mapped.status_code == 422, form
    assert trade.api.get("/supplier-link/sku-cross-references", trade.buyer.token) \
        .get_json()["total"] == 0
    portal_login(client, trade.supplier_a.member.email)
    refused = client.get(f"/supplier_link/buyers/{trade.buyer.company_id}/order-status?page=0")
    assert refused.status_code == 422
    assert "Page: Must be greater than or equal to 1 and" in refused.get_data(as_text=True)


def test_an_arrived_shipment_is_received_from_its_notice(trade, client):
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None),
                                           ("A-200", "10", "1.00", None)])
    booked = trade.ship(trade.supplier_a, order, {order.line_ids[0]: "30"})
    shipment = trade.ship(trade.supplier_a, order, {order.line_ids[0]: "70",
                                                    order.line_ids[1]: "10"})
    trade.move(trade.supplier_a, shipment, "arrived")
    portal_login(client, trade.buyer.member.email)
    page = client.get("/supplier_link/receipts").get_data(as_text=True)
    assert f"shipment_id={shipment}" in page and f"shipment_id={booked}" not in page
    form = client.get(f"/supplier_link/orders/{order.id}/receipt?shipment_id={shipment}")
    html = form.get_data(as_text=True)
    assert f'name="received-{order.line_ids[0]}" inputmode="decimal" value="70"' in html
    token = csrf_token(client, "/supplier_link/receipts")
    saved = client.post(f"/supplier_link/orders/{order.id}/receipt", data={
        "csrf_token": token, "shipment_id": str(shipment),
        f"received-{order.line_ids[0]}": "70", f"received-{order.line_ids[1]}": "9"})
    assert saved.status_code == 302
    [receipt] = trade.api.get("/supplier-link/receipts", trade.buyer.token).get_json()["items"]
    assert receipt["shipment_id"] == shipment
    assert [(d["sku"], d["short"]) for d in receipt["discrepancies"]] == [("A-200", "1")]
    assert f"shipment_id={shipment}" not in client.get("/supplier_link/receipts") \
        .get_data(as_text=True)


def test_the_supplier_reads_times_percentages_and_words_not_raw_json(trade, client):
    from datetime import UTC, datetime

    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    shipment = trade.ship(trade.supplier_a, order, {order.line_ids[0]: "100"})
    trade.pay(trade.supplier_a, trade.invoice(shipment), "100",
              received_at=datetime(2026, 11, 20, 9, 30, 15, tzinfo=UTC))
    trade.map_sku("B-100", trade.supplier_a, "A-100")
    trade.api.post("/supplier-link/stock-reports", trade.buyer.token, json={"rows": [
        {"sku": "B-100", "period_start": start, "period_end": end, "quantity_sold": sold,
         "quantity_on_hand": "120"}
        for start, end, sold in (("2026-10-26", "2026-11-01", "80"),
                                 ("2026-11-02", "2026-11-08", "40"))]})
    portal_login(client, trade.supplier_a.member.email)
    base = f"/supplier_link/buyers/{trade.buyer.company_id}"
    payables = client.get(f"{base}/payables").get_data(as_text=True)
    assert 'data-column="last_paid_at">2026-11-20 09:30 UTC<' in payables
    assert 'data-column="aging_bucket">Not yet due<' in payables
    figures = client.get(f"{base}/sales-inventory").get_data(as_text=True)
    assert 'data-column="sell_through">25 %<' in figures  # 40 / (40 + 120)
    assert 'data-column="trend">−50 %<' in figures  # 40 / 80 − 1
    assert 'data-column="weeks_of_cover">2<' in figures  # 120 / 60 a week


def test_the_return_request_and_claim_numbers_lead_to_their_documents(trade, client):
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    trade.ship(trade.supplier_a, order, {order.line_ids[0]: "100"})
    line = order.line_ids[0]
    receipt = trade.api.post("/supplier-link/receipts", trade.buyer.token, json={
        "order_id": order.id, "lines": [{"order_line_id": line, "quantity_received": "90"}]})
    [found] = receipt.get_json()["discrepancies"]
    claim = trade.api.post(f"/supplier-link/discrepancies/{found['id']}/claim",
                           trade.buyer.token, json={}).get_json()["claim_document_id"]
    returned = trade.api.post("/supplier-link/returns", trade.buyer.token, json={
        "order_id": order.id, "lines": [{"order_line_id": line, "quantity": "5",
                                         "reason": "quality"}]}).get_json()["document_id"]
    portal_login(client, trade.supplier_a.member.email)
    views = client.get(f"/supplier_link/buyers/{trade.buyer.company_id}/returns")
    assert f'href="/trading/documents/{returned}"' in views.get_data(as_text=True)
    cases = client.get("/supplier_link/discrepancies").get_data(as_text=True)
    assert f'href="/trading/documents/{claim}"' in cases
    # where the supplier accepts or declines them
    assert client.get(f"/trading/documents/{returned}").status_code == 200
    assert client.get(f"/trading/documents/{claim}").status_code == 200


def test_the_buyers_overview_leads_to_discrepancies_and_payables(trade, client):
    portal_login(client, trade.buyer.member.email)
    home = client.get("/supplier_link/").get_data(as_text=True)
    assert 'href="/supplier_link/discrepancies"' in home
    assert 'href="/fulfillment/payables"' in home  # open invoices, paid, due


def test_the_cover_chart_names_each_figure_the_target_and_a_sku_that_sold_nothing(trade,
                                                                               client):
    trade.product(trade.supplier_a, "A-300")
    trade.map_sku("B-100", trade.supplier_a, "A-100")
    trade.map_sku("B-300", trade.supplier_a, "A-300")
    trade.api.post("/supplier-link/stock-reports", trade.buyer.token, json={"rows": [
        {"sku": sku, "period_start": "2026-11-02", "period_end": "2026-11-08",
         "quantity_sold": sold, "quantity_on_hand": "140"}
        for sku, sold in (("B-100", "70"), ("B-300", "0"))]})
    portal_login(client, trade.supplier_a.member.email)
    html = client.get(f"/supplier_link/buyers/{trade.buyer.company_id}/sales-inventory"
                      ).get_data(as_text=True)
    chart = html[html.index('class="cover-chart"'):html.index("</svg>",
                                                             html.index('class="cover-chart"'))]
    assert "<title>A-100: 2</title>" in chart and ">2</text>" in chart  # 140 / 70 a week
    assert "target 8 weeks" in chart
    # A-300 sold nothing: its cover is unknown, not an empty bar "about to run out"
    assert "no sales: cover not known" in chart and "<title>A-300" not in chart


def test_the_supplier_picks_a_replacement_shipment_by_its_number(trade, client):
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None)])
    line = order.line_ids[0]
    first = trade.ship(trade.supplier_a, order, {line: "60"})
    [found] = trade.api.post("/supplier-link/receipts", trade.buyer.token, json={
        "order_id": order.id, "shipment_id": first,
        "lines": [{"order_line_id": line, "quantity_received": "50"}]}).get_json()[
        "discrepancies"]
    trade.api.post(f"/supplier-link/discrepancies/{found['id']}/claim", trade.buyer.token,
                   json={})
    portal_login(client, trade.supplier_a.member.email)
    page = client.get("/supplier_link/discrepancies").get_data(as_text=True)
    assert 'data-step="replacement"' not in page and "ship them first" in page
    second = trade.ship(trade.supplier_a, order, {line: "10"})
    page = client.get("/supplier_link/discrepancies").get_data(as_text=True)
    row = page[page.index(f'id="discrepancy-{found["id"]}"'):]
    assert f'<option value="{second}">SHP-' in row and f'<option value="{first}">' not in row
    done = client.post(f"/supplier_link/discrepancies/{found['id']}/replacement",
                       data={"csrf_token": csrf_token(client, "/supplier_link/discrepancies"),
                             "shipment_id": second}, follow_redirects=True)
    assert done.status_code == 200 and "Resolving" in done.get_data(as_text=True)
    assert "replacement shipment SHP-" in done.get_data(as_text=True)


def test_the_suppliers_discrepancies_view_leads_to_where_claims_are_answered(trade, client):
    portal_login(client, trade.supplier_a.member.email)
    trade.order(trade.supplier_a, [("A-100", "10", "1.00", None)])
    page = client.get(f"/supplier_link/buyers/{trade.buyer.company_id}/discrepancies")
    assert 'href="/supplier_link/discrepancies" id="answer-claims"' in page.get_data(
        as_text=True)

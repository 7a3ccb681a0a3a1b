"""Stock reports (JSON and CSV) mapped through the SKU cross-references, and the
supplier's sales and inventory statistics on a small known data set."""

from __future__ import annotations

import io
from datetime import date, timedelta

CSV_HEADER = "sku,period_start,period_end,quantity_sold,quantity_on_hand\n"
WEEKS = [  # B-100: weekly periods, (start, end, sold, on hand)
    ("2026-10-05", "2026-10-11", "70", "130"),
    ("2026-10-12", "2026-10-18", "84", "100"),
    ("2026-10-19", "2026-10-25", "56", "60"),
    ("2026-10-26", "2026-11-01", "70", "140"),
    ("2026-11-02", "2026-11-08", "91", "119"),
]


def _rows(sku, periods):
    return [{"sku": sku, "period_start": s, "period_end": e, "quantity_sold": sold,
             "quantity_on_hand": on_hand} for s, e, sold, on_hand in periods]


def _report(trade, rows):
    return trade.api.post("/supplier-link/stock-reports", trade.buyer.token, json={"rows": rows})


def _known_data(trade):
    trade.map_sku("B-100", trade.supplier_a, "A-100")
    trade.map_sku("B-200", trade.supplier_a, "A-200")
    trade.map_sku("B-300", trade.supplier_b, "Z-1")
    rows = _rows("B-100", WEEKS) + _rows("B-200", [("2026-10-26", "2026-11-08", "20", "0")]) \
        + _rows("B-300", [("2026-11-02", "2026-11-08", "999", "1")])
    response = _report(trade, rows)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["accepted"] == 7


def test_statistics_on_a_known_data_set(trade):
    _known_data(trade)
    order = trade.order(trade.supplier_a, [("A-100", "200", "3.00", None)])
    trade.ship(trade.supplier_a, order, {order.line_ids[0]: "50"})  # in transit

    body = trade.view(trade.supplier_a, "sales-inventory").get_json()
    assert body["total"] == 2
    first, second = body["items"]
    assert (first["sku"], first["buyer_sku"]) == ("A-100", "B-100")
    assert (first["period_start"], first["period_end"]) == ("2026-11-02", "2026-11-08")
    assert first["quantity_sold"] == "91" and first["quantity_on_hand"] == "119"
    assert first["sell_through"] == "0.4333"  # 91 / 210
    assert first["weekly_sales"] == "75.25"  # (84 + 56 + 70 + 91) / 4 weeks
    assert first["weeks_of_cover"] == "1.5814"  # 119 / 75.25
    assert first["trend"] == "0.3" and first["trend_direction"] == "up"  # 91 / 70 - 1
    assert first["in_transit"] == "50"
    assert first["target_cover_weeks"] == 8 and first["target_quantity"] == "602"
    assert first["suggested_replenishment"] == "433"  # 602 - 119 - 50
    assert [p["quantity_sold"] for p in first["periods"]] == ["70", "84", "56", "70", "91"]
    assert first["periods"][0]["sell_through"] == "0.35"  # 70 / 200
    assert first["periods"][2]["weeks_of_cover"] == "1.0714"  # 60 / 56

    assert second["sku"] == "A-200"
    assert second["weekly_sales"] == "10"  # 20 over two weeks
    assert second["sell_through"] == "1" and second["weeks_of_cover"] == "0"
    assert second["trend"] is None and second["trend_direction"] == "new"
    assert second["suggested_replenishment"] == "80"


def test_the_supplier_may_plan_for_another_cover(trade):
    _known_data(trade)
    item = trade.view(trade.supplier_a, "sales-inventory", target_cover_weeks=2) \
        .get_json()["items"][0]
    assert item["target_quantity"] == "150.5"
    assert item["suggested_replenishment"] == "32"  # 150.5 - 119, rounded up


def test_each_supplier_sees_only_its_own_goods(trade):
    _known_data(trade)
    skus_b = [i["sku"] for i in trade.view(trade.supplier_b, "sales-inventory").get_json()
              ["items"]]
    assert skus_b == ["Z-1"]
    skus_a = [i["sku"] for i in trade.view(trade.supplier_a, "sales-inventory").get_json()
              ["items"]]
    assert "Z-1" not in skus_a


def test_csv_upload_keeps_good_rows_and_reports_bad_ones(trade):
    trade.map_sku("B-100", trade.supplier_a, "A-100")
    text = CSV_HEADER + (
        "B-100,2026-10-05,2026-10-11,70,130\n"          # row 2: good
        "NOPE-1,2026-10-05,2026-10-11,1,1\n"            # row 3: unknown SKU
        "B-100,2026-10-19,2026-10-18,1,1\n"             # row 4: ends before it starts
        "B-100,2026-10-08,2026-10-14,1,1\n"             # row 5: overlaps row 2
        "B-100,2026-13-01,2026-13-07,1,1\n"             # row 6: not a date
        "B-100,2026-10-12,2026-10-18,-3,1\n"            # row 7: negative
        "\n"
        "B-100,2026-10-12,2026-10-18,84,100\n")         # row 9: good
    response = trade.api.post("/supplier-link/stock-reports", trade.buyer.token,
                              data={"file": (io.BytesIO(text.encode()), "stock.csv")},
                              content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["rows"], body["accepted"], body["rejected"]) == (7, 2, 5)
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (3, "sku"), (4, "period_end"), (5, "period_start"), (6, "period_start"),
        (7, "quantity_sold")]
    assert "NOPE-1" in body["errors"][0]["message"]
    items = trade.view(trade.supplier_a, "sales-inventory").get_json()["items"]
    assert [p["quantity_sold"] for p in items[0]["periods"]] == ["70", "84"]


def test_a_period_sent_again_replaces_its_figures(trade):
    trade.map_sku("B-100", trade.supplier_a, "A-100")
    _report(trade, _rows("B-100", WEEKS[:1]))
    again = _report(trade, _rows("B-100", [("2026-10-05", "2026-10-11", "75", "125")]))
    assert again.get_json()["updated"] == 1 and again.get_json()["created"] == 0
    item = trade.view(trade.supplier_a, "sales-inventory").get_json()["items"][0]
    assert [(p["quantity_sold"], p["quantity_on_hand"]) for p in item["periods"]] == [
        ("75", "125")]


def test_bad_files_are_refused_whole(trade):
    token = trade.buyer.token
    missing = trade.api.post("/supplier-link/stock-reports", token, data={
        "file": (io.BytesIO(b"sku,period_start,colour\nB,2026-01-01,red\n"), "s.csv")},
        content_type="multipart/form-data")
    assert missing.status_code == 422
    assert {"period_end", "quantity_sold", "quantity_on_hand", "colour"} <= set(
        missing.get_json()["errors"])
    big5 = trade.api.post("/supplier-link/stock-reports", token, data={
        "file": (io.BytesIO(CSV_HEADER.encode() + "貨號".encode("big5")), "s.csv")},
        content_type="multipart/form-data")
    assert big5.status_code == 415
    unknown_field = _report(trade, [{**_rows("B", WEEKS[:1])[0], "supplier_id": 1}])
    assert unknown_field.status_code == 422
    assert "rows.0.supplier_id" in unknown_field.get_json()["errors"]
    text = trade.api.post("/supplier-link/stock-reports", token, data="x",
                          content_type="text/plain")
    assert text.status_code == 415


def test_unknown_skus_alone_keep_nothing(trade):
    response = _report(trade, _rows("NOPE", WEEKS[:2]))
    assert response.status_code == 200
    assert response.get_json()["accepted"] == 0
    assert [e["row"] for e in response.get_json()["errors"]] == [1, 2]


def test_a_buyers_own_product_or_a_draft_cannot_be_mapped(trade):
    own = trade.product(trade.buyer, "MINE")
    refused = trade.api.post("/supplier-link/sku-cross-references", trade.buyer.token,
                             json={"buyer_sku": "X", "product_id": own})
    assert refused.status_code == 422 and "product_id" in refused.get_json()["errors"]
    by_sku = trade.api.post("/supplier-link/sku-cross-references", trade.buyer.token,
                            json={"buyer_sku": "X", "supplier_id": trade.supplier_a.company_id,
                                  "supplier_sku": "NOPE"})
    assert by_sku.status_code == 422
    trade.map_sku("X", trade.supplier_a, "A-1")
    twice = trade.api.post("/supplier-link/sku-cross-references", trade.buyer.token,
                           json={"buyer_sku": "X", "product_id": trade.supplier_a.products["A-1"]})
    assert twice.status_code == 422 and "buyer_sku" in twice.get_json()["errors"]


def test_a_period_not_yet_ended_is_refused(trade):
    trade.map_sku("B-100", trade.supplier_a, "A-100")
    start, end = date.today(), date.today() + timedelta(days=6)
    body = _report(trade, _rows("B-100", [(start.isoformat(), end.isoformat(), "1", "1")])
                   ).get_json()
    assert body["accepted"] == 0 and body["errors"][0]["field"] == "period_end"


def test_the_statistics_sort_across_every_sku(trade):
    _known_data(trade)
    trade.map_sku("B-150", trade.supplier_a, "A-150")
    _report(trade, _rows("B-150", [("2026-11-02", "2026-11-08", "0", "50")]))  # no sales
    def order(sort):
        return [i["sku"] for i in trade.view(trade.supplier_a, "sales-inventory", sort=sort)
                .get_json()["items"]]

    assert order("sku") == ["A-100", "A-150", "A-200"]
    assert order("weeks_of_cover") == ["A-200", "A-100", "A-150"]  # 0, 1.58, never
    assert order("-weekly_sales") == ["A-100", "A-200", "A-150"]  # 75.25, 10, 0
    one = trade.view(trade.supplier_a, "sales-inventory", sort="weeks_of_cover", per_page=1,
                     page=2).get_json()
    assert [i["sku"] for i in one["items"]] == ["A-100"] and one["total"] == 3
    assert trade.view(trade.supplier_a, "sales-inventory", sort="price").status_code == 422


def test_goods_counted_short_or_rejected_are_not_in_transit(trade):
    """Once the buyer has counted a shipment, what it lacked is a discrepancy: it no
    longer lowers the suggested replenishment as if it were still on the water."""
    _known_data(trade)
    order = trade.order(trade.supplier_a, [("A-100", "200", "3.00", None)])
    first = trade.ship(trade.supplier_a, order, {order.line_ids[0]: "100"})
    trade.api.post("/supplier-link/receipts", trade.buyer.token, json={
        "order_id": order.id, "shipment_id": first, "lines": [{
            "order_line_id": order.line_ids[0], "quantity_received": "90",
            "quantity_rejected": "5", "reason": "damaged"}]})  # 10 short, 5 rejected
    trade.ship(trade.supplier_a, order, {order.line_ids[0]: "30"})  # on the water

    [row] = [r for r in trade.view(trade.supplier_a, "sales-inventory").get_json()["items"]
             if r["sku"] == "A-100"]
    assert row["in_transit"] == "30"  # not 45 (130 shipped − 85 accepted)
    assert row["suggested_replenishment"] == "453"  # 602 − 119 on hand − 30
    [line] = trade.view(trade.supplier_a, "outstanding").get_json()["items"]
    assert (line["shipped_quantity"], line["received_quantity"], line["in_transit"]) == (
        "130", "85", "30")

"""Supplier scorecards on a small known trade (tests/crm/scorecard_trade.py), each
figure worked out by hand below, through the API a buyer's ERP would call."""

from __future__ import annotations

import pytest

from tests.crm.scorecard_trade import PERIOD, build_scorecard_trade


@pytest.fixture
def trade(make, app):
    return build_scorecard_trade(make, app)


def _cards(api, member, **query):
    response = api.get("/analytics/supplier-scorecards", api.token(member),
                       query_string={**PERIOD, **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_each_figure_of_a_supplier_matches_the_hand_count(api, trade):
    page = _cards(api, trade.buyer)
    assert page["total"] == 2 and page["page"] == 1 and page["per_page"] == 20
    alpha, beta = page["items"]
    assert (alpha["supplier_id"], alpha["supplier_name"]) == (trade.alpha.company_id,
                                                              "Alpha Fasteners")
    # Four dated lines: BOLT (27 Feb ≤ 1 Mar) on time, NUT (27 Feb > 20 Feb) late,
    # BOLT (30 Apr ≤ 1 May) on time, WASHER never shipped, 15 May passed: late → 2/4.
    assert alpha["on_time_rate"] == "0.5000"
    assert alpha["deliveries"] == 4
    # Counted shipment lines shipped 100 + 50 + 100 = 250; short 100 − 96 = 4 → 4/250.
    assert alpha["shortage_rate"] == "0.0160"
    # Received 96 + 50 + 100 = 246; damaged 4 (the 5 rejected for quality are not) → 4/246.
    assert alpha["damage_rate"] == "0.0163"
    # First quotations after 6 h and 24 h (the third inquiry is unanswered) → median 15.
    assert alpha["response_hours_median"] == "15.00"
    assert (alpha["inquiries"], alpha["inquiries_answered"]) == (3, 2)
    # BOLT ordered twice: 2.00 then 2.20 → +10 %; NUT and WASHER once only.
    assert alpha["price_trend_pct"] == "10.00"
    [bolt] = alpha["repeated_items"]
    assert (bolt["key"], bolt["first_price"], bolt["last_price"], bolt["change_pct"],
            bolt["times_ordered"]) == ("BOLT", "2.0000", "2.2000", "10.00", 2)
    # Two claims, one closed → 1/2.
    assert alpha["claims_resolved_rate"] == "0.5000" and alpha["claims"] == 2
    # The December 2025 order is before the period.
    assert alpha["orders"] == 2


def test_a_supplier_without_events_is_measured_by_the_receipt_and_empty_figures_are_null(
        api, trade):
    beta = _cards(api, trade.buyer)["items"][1]
    assert beta["supplier_name"] == "Beta Textiles"
    # Received on 18 Mar (no arrival event), asked for 20 Mar: on time.
    assert (beta["on_time_rate"], beta["deliveries"]) == ("1.0000", 1)
    assert (beta["shortage_rate"], beta["damage_rate"]) == ("0.0000", "0.0000")
    # Nothing to measure: no inquiry, no claim, no repeated item.
    assert beta["response_hours_median"] is None
    assert beta["claims_resolved_rate"] is None
    assert beta["price_trend_pct"] is None and beta["repeated_items"] == []


def test_another_buyers_trade_never_shows(api, trade):
    mine = _cards(api, trade.buyer)["items"][0]
    theirs = _cards(api, trade.other_buyer)
    assert theirs["total"] == 1
    [card] = theirs["items"]
    assert card["supplier_id"] == trade.alpha.company_id
    # The other buyer's one line arrived late and 10 of 100 came, all damaged.
    assert (card["on_time_rate"], card["shortage_rate"], card["damage_rate"]) == (
        "0.0000", "0.9000", "1.0000")
    assert card["response_hours_median"] is None and card["claims_resolved_rate"] is None
    assert mine["shortage_rate"] == "0.0160"


def test_a_period_narrows_every_figure(api, trade):
    # January to March: order 1 only (BOLT on time, NUT late), the first two inquiries,
    # the first claim (closed); receipts of 28 Feb.
    alpha = _cards(api, trade.buyer, to="2026-03-31")["items"][0]
    assert alpha["orders"] == 1 and alpha["on_time_rate"] == "0.5000"
    assert alpha["shortage_rate"] == "0.0267"  # 4 of 150
    assert alpha["response_hours_median"] == "15.00"
    assert alpha["claims_resolved_rate"] == "1.0000"
    assert alpha["price_trend_pct"] is None


def test_pages_hold_per_page_rows(api, trade):
    page = _cards(api, trade.buyer, per_page=1, page=2)
    assert page["total"] == 2 and [c["supplier_name"] for c in page["items"]] == [
        "Beta Textiles"]


@pytest.mark.parametrize("query, field", [
    ({"from": "2026-13-01"}, "from"),
    ({"to": "2999-01-01"}, "to"),
    ({"from": "2026-06-01", "to": "2026-01-01"}, "from"),
])
def test_a_bad_period_is_a_422_naming_the_field(api, trade, query, field):
    response = api.get("/analytics/supplier-scorecards", api.token(trade.buyer),
                       query_string=query)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in str(response.get_json()["errors"])


def test_unknown_arguments_are_refused(api, trade):
    response = api.get("/analytics/supplier-scorecards", api.token(trade.buyer),
                       query_string={"buyer_id": trade.other_buyer.company_id})
    assert response.status_code == 422


def test_the_list_exports_as_csv_and_excel(api, trade):
    import io

    from openpyxl import load_workbook

    token = api.token(trade.buyer)
    csv_file = api.get("/analytics/supplier-scorecards", token,
                       query_string={**PERIOD, "format": "csv"})
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    lines = csv_file.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("supplier_id,supplier_name,on_time_rate,shortage_rate")
    assert lines[1].split(",")[1:6] == ["Alpha Fasteners", "0.5000", "0.0160", "0.0163",
                                        "15.00"]
    assert len(lines) == 3
    xlsx = api.get("/analytics/supplier-scorecards", token,
                   query_string={**PERIOD, "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][1] == "Beta Textiles" and float(rows[2][2]) == 1.0

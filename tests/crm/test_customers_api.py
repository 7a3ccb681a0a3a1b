"""GET /analytics/customers, /quintiles, /segments, /at-risk: answers as API.md names
them, periods, filters, CSV and Excel exports, and refusals in the caller's language."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from marketplace.core.boundary import commit
from marketplace.crm.operations.customers import recompute_supplier
from tests.crm.support import today


@pytest.fixture
def world(app, customer_world):
    with app.test_request_context():
        recompute_supplier(customer_world.supplier_id)
        commit()
    return customer_world


@pytest.fixture
def token(api, world):
    return api.token(world.supplier)


def _names(world):
    return {v: k for k, v in world.buyers.items()}


def test_customer_table_answers_with_api_md_fields(api, world, token):
    response = api.get("/analytics/customers", token)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["total"], body["page"], body["per_page"]) == (5, 1, 20)
    first = body["items"][0]
    assert {"buyer_id", "buyer_name", "recency_days", "frequency", "monetary", "margin",
            "payment_days_median", "growth_pct", "lifetime_value", "quintile", "segment",
            "at_risk"} <= set(first)
    assert (first["buyer_name"], first["recency_days"], first["frequency"], first["monetary"],
            first["margin"], first["payment_days_median"], first["growth_pct"],
            first["lifetime_value"], first["quintile"], first["segment"], first["at_risk"]) == (
        "Buyer A", 10, 4, "4000.00", "1600.00", "20", "300", "2461.54", 1, "MVC", False)
    b = next(item for item in body["items"] if item["buyer_name"] == "Buyer B")
    assert b["margin"] is None  # no cost price known for what B buys


def test_customer_table_filters_and_pages(api, world, token):
    body = api.get("/analytics/customers?segment=MGC", token).get_json()
    assert [item["buyer_name"] for item in body["items"]] == ["Buyer B", "Buyer E"]
    body = api.get("/analytics/customers?at_risk=true&sort=buyer_name", token).get_json()
    assert [item["buyer_name"] for item in body["items"]] == ["Buyer D", "Buyer E"]
    body = api.get("/analytics/customers?quintile=5", token).get_json()
    assert [item["buyer_name"] for item in body["items"]] == ["Buyer D"]
    body = api.get("/analytics/customers?per_page=2&page=3", token).get_json()
    assert body["total"] == 5 and [i["buyer_name"] for i in body["items"]] == ["Buyer D"]


def test_quintiles_segments_and_at_risk(api, world, token):
    body = api.get("/analytics/quintiles", token).get_json()
    assert body["currency"] == "USD"
    assert [(q["quintile"], q["customers"], q["revenue"], q["revenue_share"],
             q["margin_share"], q["min_value"], q["max_value"]) for q in body["items"]][:2] == [
        (1, 1, "4000.00", "0.5882", "0.8333", "2461.54", "2461.54"),
        (2, 1, "2000.00", "0.2941", "0", "769.23", "769.23")]
    body = api.get("/analytics/segments", token).get_json()
    assert [(s["segment"], s["customers"], s["revenue"]) for s in body["current"]] == [
        ("MVC", 1, "4000.00"), ("MGC", 2, "2600.00"), ("BZ", 1, "200.00"),
        ("other", 1, "0.00")]
    month = today().replace(day=1).isoformat()
    assert {(h["month"], h["segment"], h["customers"]) for h in body["history"]} == {
        (month, "MVC", 1), (month, "MGC", 2), (month, "BZ", 1), (month, "other", 1)}
    body = api.get("/analytics/at-risk", token).get_json()
    assert body["total"] == 2
    assert [(r["buyer_name"], r["days_since_last_order"], r["usual_interval_days"],
             r["value_at_risk"], r["reason"]) for r in body["items"]] == [
        ("Buyer D", 400, "100", "1368.75", "overdue_order"),
        ("Buyer E", 20, None, "600.00", "unanswered_quotations")]


def test_a_period_of_its_own(api, world, token):
    start = (today() - timedelta(days=450)).isoformat()
    end = (today() - timedelta(days=150)).isoformat()
    body = api.get(f"/analytics/customers?from={start}&to={end}&sort=monetary",
                   token).get_json()
    a = body["items"][0]
    assert (a["buyer_name"], a["frequency"], a["monetary"], a["margin"]) == (
        "Buyer A", 3, "3000.00", "1200.00")


@pytest.mark.parametrize("query, field", [
    ("from=2026-13-01", "from"),
    ("to=yesterday", "to"),
    ("from=2026-03-01&to=2026-02-01", "from"),
    ("to=2999-01-01", "to"),
    ("from=1990-01-01", "from"),
    ("to=0001-07-21", "from"),  # its year would start before the first day (was a 500)
])
def test_bad_periods_are_refused_naming_the_field(api, world, token, query, field):
    for path in ("customers", "quintiles", "segments", "at-risk"):
        response = api.get(f"/analytics/{path}?{query}", token)
        assert response.status_code == 422, (path, query, response.get_json())
        assert response.mimetype == "application/problem+json"
        assert field in response.get_json()["errors"]


def test_bad_period_in_chinese(api, world, token):
    response = api.get("/analytics/customers?from=2026-03-01&to=2026-02-01", token,
                       headers={"Accept-Language": "zh-Hant"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["from"]


def test_unknown_filters_and_bad_values_are_refused(api, world, token):
    for query in ("segment=VIP", "quintile=6", "sort=price", "format=pdf", "colour=red"):
        response = api.get(f"/analytics/customers?{query}", token)
        assert response.status_code == 422, query


def test_csv_export_holds_every_row_and_defuses_formulas(api, world, token, app):
    from marketplace.extensions import db
    from marketplace.infrastructure.models import Company

    with app.test_request_context():
        db.session.get(Company, world.buyers["C"]).name = "=HYPERLINK(\"x\")"
        commit()
    response = api.get("/analytics/customers?format=csv&per_page=1", token)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5  # every row, not a page
    c = next(row for row in rows if row["buyer_id"] == str(world.buyers["C"]))
    assert c["buyer_name"] == "'=HYPERLINK(\"x\")"
    d = next(row for row in rows if row["buyer_id"] == str(world.buyers["D"]))
    assert d["growth_pct"] == "-100"  # a negative number stays a number
    book = load_workbook(io.BytesIO(api.get("/analytics/customers?format=xlsx", token).data))
    cells = {row[1].value: row[1] for row in book.active.iter_rows(min_row=2)}
    formula = cells['=HYPERLINK("x")']
    assert formula.data_type == "s" and formula.quotePrefix  # shown as text, never run


def test_xlsx_exports(api, world, token):
    for path, count in (("customers", 5), ("quintiles", 5), ("at-risk", 2), ("segments", 4)):
        response = api.get(f"/analytics/{path}?format=xlsx", token)
        assert response.status_code == 200, path
        sheet = load_workbook(io.BytesIO(response.data)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == count + 1, path
    sheet = load_workbook(io.BytesIO(api.get("/analytics/customers?format=xlsx", token)
                                     .data)).active
    header, first = [list(row) for row in sheet.iter_rows(values_only=True, max_row=2)]
    assert first[header.index("monetary")] == 4000  # a number Excel can sum


def test_openapi_declares_every_route(api):
    spec = api.get("/openapi.json").get_json()
    for path in ("customers", "quintiles", "segments", "at-risk"):
        operation = spec["paths"][f"/api/v1/analytics/{path}"]["get"]
        assert {"200", "401", "403", "422"} <= set(operation["responses"]), path
        assert "text/csv" in operation["responses"]["200"]["content"]

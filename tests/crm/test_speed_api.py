"""``GET /analytics/response-times``: the hand-worked figures (tests/crm/speed_support.py)
through the API, its exports and its refusals."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.crm.speed_support import (
    FROM,
    MONTHS,
    PERIOD,
    TO,
    history,  # noqa: F401 - the fixture
)


@pytest.fixture
def supplier_token(api, history):
    return api.token(history["m1"].email)


def test_supplier_reads_its_figures_beside_the_platform(api, history, supplier_token):
    response = api.get(f"/analytics/response-times?period=month&{PERIOD}", supplier_token)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["period"] == "month" and body["side"] == "supplier"
    assert (body["from"], body["to"]) == (FROM.isoformat(), TO.isoformat())
    assert body["inquiry_to_quotation_hours_median"] == "5.00"
    assert body["inquiry_to_quotation_hours_p90"] == "18.60"
    assert body["inquiry_to_order_days_median"] == "6.50"
    assert body["po_to_documents_hours_median"] == "48.00"
    assert body["quotation_win_rate"] == "0.6000"
    assert body["response_rate"] == "0.8000"
    assert body["platform"]["inquiry_to_quotation_hours_median"] == "4.00"
    assert [row["month"] for row in body["months"]] == list(MONTHS)
    assert body["months"][0]["inquiry_to_quotation_hours_p90"] == "20.40"
    members = {row["member_name"]: row for row in body["members"]}
    assert members["Ben Later"]["inquiry_to_quotation_hours_median"] == "14.00"


def test_buyer_reads_how_fast_it_is_answered(api, history):
    token = api.token(history["bm"].email)
    body = api.get(f"/analytics/response-times?{PERIOD}", token).get_json()
    assert body["side"] == "buyer" and body["inquiries"] == 6
    assert body["inquiry_to_quotation_hours_median"] == "4.00"
    # quotations received were assigned to nobody: their row has no member
    assert [(row["member_id"], row["member_name"]) for row in body["members"]] == [
        (history["bm"].user_id, "Bea Buyer"), (None, "")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_months_members_company_and_platform(api, history, supplier_token, fmt):
    response = api.get(f"/analytics/response-times?{PERIOD}&format={fmt}", supplier_token)
    assert response.status_code == 200
    if fmt == "csv":
        lines = response.data.decode("utf-8-sig").splitlines()
        rows = [line.split(",") for line in lines]
    else:
        sheet = load_workbook(io.BytesIO(response.data)).active
        rows = [[("" if cell is None else str(cell)) for cell in row]
                for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:4] == ["scope", "month", "member_id", "member_name"]
    scopes = [row[0] for row in rows[1:]]
    assert scopes == ["month", "month", "member", "member", "company", "platform"]
    company = dict(zip(header, rows[-2], strict=True))
    assert company["inquiry_to_quotation_hours_median"] in ("5.00", "5")


@pytest.mark.parametrize(("query", "field"), [
    ("period=week", "period"), ("from=2026-13-01", "from"), ("from=2026-04-01&to=2026-03-01",
                                                              "from"),
    ("side=seller", "side"), ("format=pdf", "format"), ("colour=red", "colour"),
    ("company_id=99999999999999999999", "company_id"), ("company_id=0", "company_id")])
def test_bad_input_is_a_422_naming_the_field(api, history, supplier_token, query, field):
    response = api.get(f"/analytics/response-times?{query}", supplier_token)
    assert response.status_code == 422
    assert response.content_type.startswith("application/problem+json")
    assert field in response.get_json()["errors"]


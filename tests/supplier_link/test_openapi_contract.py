"""API.md "Supplier link": every path and verb is in the OpenAPI document, with its
body, its success answer (JSON, or the export files) and problem+json refusals."""

from __future__ import annotations

import pytest

BASE = "/api/v1"
PROBLEM = "application/problem+json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEWS = ("order-status", "shortages", "receipts", "discrepancies", "outstanding", "returns",
         "payables", "sales-inventory")
CONTRACT = [
    ("post", "/supplier-link/receipts", "201"),
    ("post", "/supplier-link/returns", "201"),
    ("post", "/supplier-link/stock-reports", "200"),
    *[("get", f"/supplier-link/buyers/{{buyer_id}}/{view}", "200") for view in VIEWS],
]


@pytest.fixture
def document(client):
    return client.get(f"{BASE}/openapi.json").get_json()


@pytest.mark.parametrize(("method", "path", "success"), CONTRACT,
                         ids=[f"{m.upper()} {p}" for m, p, _ in CONTRACT])
def test_contract_operations_are_documented(document, method, path, success):
    operation = document["paths"][BASE + path][method]
    assert operation["security"] == [{"bearerAuth": []}]
    assert [code for code in operation["responses"] if code.startswith("2")] == [success]
    answer = operation["responses"][success]["content"]
    if method == "get":
        assert {"application/json", "text/csv", XLSX} <= set(answer)
        items = answer["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert {"items", "total", "page", "per_page"} <= set(
            document["components"]["schemas"][items]["required"])
        assert {"format", "page", "per_page"} <= {p["name"] for p in operation["parameters"]
                                                  if p["in"] == "query"}
    else:
        assert operation["requestBody"]["required"] is True
        assert "application/json" in operation["requestBody"]["content"]
    for status, response in operation["responses"].items():
        if not status.startswith("2"):
            assert set(response.get("content", {PROBLEM: None})) == {PROBLEM}, status


def test_the_stock_report_takes_json_or_a_csv_file(document):
    body = document["paths"][f"{BASE}/supplier-link/stock-reports"]["post"]["requestBody"]
    assert {"application/json", "multipart/form-data"} == set(body["content"])


def test_contract_fields_are_in_the_schemas(document):
    schemas = document["components"]["schemas"]
    line = schemas["ReceiptLineArgs"]["properties"]
    assert {"order_line_id", "quantity_received", "quantity_rejected", "reason"} <= set(line)
    assert {"order_id", "lines"} <= set(schemas["ReceiptArgs"]["required"])
    assert {"order_line_id", "quantity", "reason"} <= set(schemas["ReturnLineArgs"]["required"])
    assert {"sku", "period_start", "period_end", "quantity_sold", "quantity_on_hand"} <= set(
        schemas["StockRowArgs"]["required"])
    assert {"row", "field", "message"} <= set(schemas["RowError"]["required"])

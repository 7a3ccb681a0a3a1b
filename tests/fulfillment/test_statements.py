"""The statement of account (issue 17.7) on a data set worked out by hand: invoices,
a payment, a credit note and a debit note on known days; the running balance, the
balance brought forward, the aging at the period's end (as of that date), and the same
figures in the PDF (pypdf) and the Excel file (openpyxl)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from marketplace.core.types import utcnow
from tests.factories import portal_login
from tests.fulfillment.money_support import (
    accept,
    backdate,
    invoice_of,
    move_note,
    move_payments,
    note,
)
from tests.fulfillment.support import Pair, trade_pair
from tests.worlds import shared_world

LINES = [("BOLT-M8", "1000", "0.12"), ("NUT-M8", "500", "0.05")]  # 145.00 USD


@dataclass
class World:
    pair: Pair
    today: date
    numbers: dict  # A, B, C, CN, DN
    other: object


@shared_world
def world(make, api, app):
    """Day D = today. A: issued D-100 (due D-70), 100 paid on D-60, debit note 15 on D-30.
    B: issued D-50 (due D-20), credit note 20 on D-40. C: issued D-10 (due D+20)."""
    pair = trade_pair(make, api, supplier_name="Statement Supplier",
                      buyer_name="Statement Buyer")
    today = utcnow().date()
    day = lambda n: today - timedelta(days=n)  # noqa: E731
    a, b, c = (invoice_of(make, api, pair, LINES) for _ in range(3))
    for invoice, issued in ((a, day(100)), (b, day(50)), (c, day(10))):
        backdate(app, invoice["id"], issued)
    assert api.post(f"/invoices/{a['id']}/payments", pair.supplier_token, json={
        "amount": "100", "method": "tt", "reference": "MT103-A"}).status_code == 201
    move_payments(app, a["id"], day(60))
    credit, _ = note(api, pair, "credit_note", "20.00", invoice=b)
    assert accept(api, pair, credit).status_code == 200
    move_note(app, credit["id"], day(40))
    debit, _ = note(api, pair, "debit_note", "15.00", invoice=a)
    assert accept(api, pair, debit).status_code == 200
    move_note(app, debit["id"], day(30))
    other = make.company_with_admin("Not A Customer", roles=("buyer", "supplier"))
    return World(pair, today, {"A": a["number"], "B": b["number"], "C": c["number"],
                               "CN": credit["number"], "DN": debit["number"]}, other)


def _statement(api, world, token=None, **query):
    query = {"buyer_id": world.pair.buyer.company_id, **query}
    return api.get("/receivables/statement", token or world.pair.supplier_token,
                   query_string=query)


def _day(world, n) -> str:
    return (world.today - timedelta(days=n)).isoformat()


def test_the_running_balance_starts_from_the_balance_brought_forward(api, world):
    response = _statement(api, world, **{"from": _day(world, 55), "to": _day(world, 0)})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    n = world.numbers
    assert (body["currency"], body["opening_balance"]) == ("USD", "45.00")  # 145 - 100
    assert [(line["date"], line["kind"], line["number"], line["debit"], line["credit"],
             line["balance"]) for line in body["lines"]] == [
        (_day(world, 50), "invoice", n["B"], "145.00", "0.00", "190.00"),
        (_day(world, 40), "credit_note", n["CN"], "0.00", "20.00", "170.00"),
        (_day(world, 30), "debit_note", n["DN"], "15.00", "0.00", "185.00"),
        (_day(world, 10), "invoice", n["C"], "145.00", "0.00", "330.00")]
    assert (body["total_debit"], body["total_credit"], body["closing_balance"]) == (
        "305.00", "20.00", "330.00")
    assert body["lines"][1]["invoice_number"] == n["B"]  # the note names what it took
    # A: 145 + 15 - 100 = 60, 70 days late; B: 125, 20 days; C: not due.
    assert {a["bucket"]: a["amount"] for a in body["aging"]} == {
        "current": "145.00", "1-30": "125.00", "31-60": "0.00", "61-90": "60.00",
        "90+": "0.00"}
    assert body["on_account"] == "0.00"


def test_a_past_period_reads_as_it_stood_then(api, world):
    body = _statement(api, world, **{"from": _day(world, 55), "to": _day(world, 35)}).get_json()
    assert [line["number"] for line in body["lines"]] == [world.numbers["B"],
                                                           world.numbers["CN"]]
    assert body["closing_balance"] == "170.00"
    # On D-35 the debit note was still to come, and B was not due yet.
    assert {a["bucket"]: a["amount"] for a in body["aging"]} == {
        "current": "125.00", "1-30": "0.00", "31-60": "45.00", "61-90": "0.00",
        "90+": "0.00"}


def test_the_pdf_and_the_excel_file_carry_the_same_figures(api, world):
    period = {"from": _day(world, 55), "to": _day(world, 0)}
    pdf = _statement(api, world, format="pdf", **period)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    for expected in ("Statement of account", "Statement Buyer", "Balance brought forward",
                     "45.00", "190.00", "170.00", "185.00", "330.00", world.numbers["CN"],
                     world.numbers["DN"]):
        assert expected in text, expected
    xlsx = _statement(api, world, format="xlsx", **period)
    assert xlsx.status_code == 200
    assert 'filename="statement-Statement-Buyer-USD-' in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(xlsx.data)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] is not None]
    lines = [row for row in rows if row[2] in world.numbers.values()]
    assert [(row[2], float(row[7])) for row in lines] == [
        (world.numbers["B"], 190.0), (world.numbers["CN"], 170.0),
        (world.numbers["DN"], 185.0), (world.numbers["C"], 330.0)]
    closing = next(row for row in rows if row[1] == "Closing balance")
    assert float(closing[7]) == 330.0


def test_only_the_supplier_reads_its_customers_statement(api, world, make):
    assert _statement(api, world, token=world.pair.buyer_token).status_code == 404
    other = _statement(api, world, token=api.token(world.other))
    assert other.status_code == 404  # not its customer: nothing is said
    assert _statement(api, world, buyer_id=world.other.company_id).status_code == 404
    assert _statement(api, world, token=api.token(make.operator())).status_code == 403
    bad = _statement(api, world, **{"from": _day(world, 1), "to": _day(world, 5)})
    assert bad.status_code == 422 and "to" in bad.get_json()["errors"]


def test_the_statement_page_with_its_period_and_downloads(client, world):
    portal_login(client, world.pair.supplier.email)
    query = {"buyer_id": world.pair.buyer.company_id, "period_from": _day(world, 55),
             "period_to": _day(world, 0), "currency": "USD"}
    page = client.get("/fulfillment/statement", query_string=query)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="closing">330.00' in html and world.numbers["DN"] in html
    assert '<label class="form-label" for="period_from">' in html  # labelled fields
    pdf = client.get("/fulfillment/statement.pdf", query_string=query)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/fulfillment/statement.xlsx", query_string=query).status_code == 200
    chinese = client.get("/fulfillment/statement", query_string=query,
                         headers={"Accept-Language": "zh-TW"})
    assert chinese.status_code == 200

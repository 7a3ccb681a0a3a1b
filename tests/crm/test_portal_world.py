"""The portal pages and the segment terms over figures really computed from a known trade
history (tests/crm/support.py: A is MVC, B and E MGC, C BZ, D other; D and E at risk)."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest

from marketplace.core.boundary import commit
from marketplace.crm.operations.customers import recompute_supplier
from tests.crm.treatment_support import set_terms
from tests.factories import csrf_token, portal_login


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def world(app, customer_world):
    with app.test_request_context():
        assert recompute_supplier(customer_world.supplier_id) == 5
        commit()
    return customer_world


def _inquiry(api, buyer, supplier_id, quantity="100", price="10"):
    token = api.token(buyer)
    draft = api.post("/documents", token, json={
        "type": "inquiry", "recipient_company_id": supplier_id, "currency": "USD",
        "subject": "Bolts", "lines": [{"description": "Bolt", "quantity": quantity,
                                       "unit": "pcs", "unit_price": price}]}).get_json()
    sent = api.post(f"/documents/{draft['id']}/actions/send", token, json={})
    assert sent.status_code == 200, sent.get_json()
    return draft["id"]


def test_each_computed_segment_gets_its_own_terms(app, api, world):
    set_terms(app, world.supplier_id, "MVC", discount_pct=Decimal("5"), payment_terms="tt")
    set_terms(app, world.supplier_id, "BZ", payment_terms="card",
              min_order_value=Decimal("2000"), small_order_surcharge=Decimal("40"))
    supplier = api.token(world.supplier)

    for name, expected in (("A", ("tt", ["9.5000"])), ("C", ("card", ["10.0000", "40.0000"])),
                           ("D", (None, ["10.0000"]))):  # "other": no terms set
        inquiry = _inquiry(api, world.buyer_members[name], world.supplier_id)
        quotation = api.post(f"/documents/{inquiry}/derive", supplier,
                             json={"type": "quotation"}).get_json()
        assert quotation["payment_terms"] == expected[0], name
        assert [f"{Decimal(line['unit_price']):.4f}" for line in quotation["lines"]] == \
            expected[1], name


def test_the_pages_show_the_computed_figures(app, world):
    client = app.test_client()
    assert portal_login(client, world.supplier.email).status_code == 302
    table = text_of(client.get("/crm/customers"))
    names = re.findall(r'<tr data-buyer="\d+">\s*<th scope="row"[^>]*>([^<]+)', table)
    assert [n.strip() for n in names] == ["Buyer A", "Buyer B", "Buyer E", "Buyer C",
                                          "Buyer D"]
    assert "2,461.54" in table  # A's lifetime value
    fifths = text_of(client.get("/crm/quintiles"))
    first = re.search(r"1st fifth</th>(.*?)</tr>", fifths, re.S).group(1)
    assert "58.8 %" in first and "83.3 %" in first
    at_risk = text_of(client.get("/crm/at-risk"))
    rows = re.findall(r'<tr data-buyer="\d+">\s*<th scope="row"[^>]*>([^<]+)', at_risk)
    assert [n.strip() for n in rows] == ["Buyer D", "Buyer E"]  # most value at risk first
    assert "1,368.75" in at_risk and "600.00" in at_risk
    # From the list, a quotation to D starts in one click.
    started = client.post(f"/crm/customers/{world.buyers['D']}/quotation",
                          data={"csrf_token": csrf_token(client, "/crm/at-risk")})
    assert started.status_code == 302 and "/edit" in started.headers["Location"]
    editor = text_of(client.get(started.headers["Location"]))
    assert "Buyer D" in editor

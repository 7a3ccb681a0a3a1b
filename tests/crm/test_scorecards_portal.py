"""The buyer's supplier scorecards page: figures, charts, downloads, a bad period
named at its field, and the page in Chinese."""

from __future__ import annotations

import pytest

from tests.crm.scorecard_trade import PERIOD, build_scorecard_trade
from tests.factories import csrf_token, portal_login


@pytest.fixture
def trade(make, app):
    return build_scorecard_trade(make, app)


def _row(html: str, supplier_id: int) -> str:
    start = html.index(f'data-supplier="{supplier_id}"')
    return html[start:html.index("</tr>", start)]


def test_the_page_shows_each_suppliers_figures_and_charts(client, trade):
    portal_login(client, trade.buyer.email)
    html = client.get("/crm/supplier-scorecards", query_string=PERIOD).get_data(as_text=True)
    alpha = _row(html, trade.alpha.company_id)
    assert ">50.0%<" in alpha and "4 deliveries" in alpha  # on time 2 of 4
    assert "1.6%" in alpha and "15.00 h" in alpha and "2 of 3 inquiries quoted" in alpha
    assert "+10.00%" in alpha and "BOLT: 2.0000 → 2.2000 USD" in alpha
    beta = _row(html, trade.beta.company_id)
    assert "100.0%" in beta and "–" in beta  # no inquiry: no response time
    page = html[html.index("<main"):]  # the navbar has icons of its own
    assert page.count('role="img"') == 2
    assert 'aria-label="On-time delivery rate per supplier"' in html
    assert "format=csv" in html and "format=xlsx" in html
    # The menu leads here.
    assert 'href="/crm/supplier-scorecards"' in client.get("/").get_data(as_text=True)


def test_a_bad_period_is_named_at_its_field(client, trade):
    portal_login(client, trade.buyer.email)
    response = client.get("/crm/supplier-scorecards", query_string={"from": "2026-02-30"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="period-from-error"' in html and "From date: Write the date as YYYY-MM-DD" in html
    # The default period is still shown below.
    assert 'id="scorecards"' in html


def test_the_page_in_chinese(client, trade):
    portal_login(client, trade.buyer.email)
    client.post("/language/zh_Hant", data={"csrf_token": csrf_token(client, "/")})
    response = client.get("/crm/supplier-scorecards", query_string=PERIOD)
    assert response.status_code == 200
    assert 'lang="zh' in response.get_data(as_text=True)

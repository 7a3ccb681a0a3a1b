"""The supplier's customer pages: the table (filters, sort, pages, exports), the fifths
chart and table, the segments and their movement, the at-risk list with one-click
win-back; in English and Chinese; for the supplier's members only."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.workflow.models import Document
from tests.crm.treatment_support import (
    customers_of,
    set_terms,
    speaks_chinese,
)
from tests.factories import csrf_token, portal_login

PAGES = ("/crm/customers", "/crm/quintiles", "/crm/segments", "/crm/at-risk",
         "/crm/treatments")


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def shop(app, make):
    """A supplier with three customers (one MVC, one BZ at risk, one other) and another
    supplier with a customer of its own."""
    supplier = make.company_with_admin("Formosa Valves", roles=("supplier",))
    alpha = make.company("Alpha Imports", roles=("buyer",))
    beta = make.company("Beta Trading", roles=("buyer",))
    gamma = make.company("Gamma Supplies", roles=("buyer",))
    buyer_member = make.member(beta, "admin")
    customers_of(app, supplier.company_id, [
        {"buyer_id": alpha, "segment": "MVC", "quintile": 1, "lifetime_value": Decimal("52000"),
         "revenue_12m": Decimal("40000"), "margin_12m": Decimal("10000"), "orders_12m": 12,
         "recency_days": 9, "history": [(date(2026, 9, 1), "MGC"), (date(2026, 10, 1), "MVC")]},
        {"buyer_id": beta, "segment": "BZ", "quintile": 5, "lifetime_value": Decimal("800"),
         "revenue_12m": Decimal("2500"), "margin_12m": Decimal("-100"), "orders_12m": 2,
         "recency_days": 200, "at_risk": True, "usual_interval_days": Decimal("60"),
         "value_at_risk": Decimal("3100"),
         "history": [(date(2026, 9, 1), "other"), (date(2026, 10, 1), "BZ")]},
        {"buyer_id": gamma, "segment": "other", "quintile": 3, "lifetime_value": Decimal("9000"),
         "revenue_12m": Decimal("7000"), "margin_12m": Decimal("1500"), "orders_12m": 5,
         "recency_days": 30},
    ])
    rival = make.company_with_admin("Rival Pumps", roles=("supplier",))
    secret = make.company("Secret Buyer Ltd", roles=("buyer",))
    customers_of(app, rival.company_id, [{"buyer_id": secret, "segment": "MVC", "quintile": 1,
                                          "lifetime_value": Decimal("99000")}])
    return {"supplier": supplier, "alpha": alpha, "beta": beta, "gamma": gamma,
            "buyer_member": buyer_member, "rival": rival, "secret": secret}


@pytest.fixture
def login(app):
    def open_as(member):
        client = app.test_client()
        assert portal_login(client, member.email).status_code == 302
        return client

    return open_as


def test_the_customer_table_lists_filters_and_links_exports(shop, login):
    client = login(shop["supplier"])
    page = text_of(client.get("/crm/customers"))
    rows = re.findall(r'<tr data-buyer="(\d+)">\s*<th scope="row"[^>]*>([^<]+)', page)
    assert [name.strip() for _, name in rows] == ["Alpha Imports", "Gamma Supplies",
                                                  "Beta Trading"]  # by lifetime value
    assert "52,000.00" in page and "MVC (most valuable)" in page
    assert "Secret Buyer Ltd" not in page
    assert 'href="/api/v1/analytics/customers?' in page and "format=csv" in page \
        and "format=xlsx" in page
    assert "Lifetime value = yearly margin × retention" in page  # the method beside it

    only_bz = text_of(client.get("/crm/customers?segment=BZ"))
    assert "Beta Trading" in only_bz and "Alpha Imports" not in only_bz
    at_risk = text_of(client.get("/crm/customers?at_risk=1"))
    assert "Beta Trading" in at_risk and "Gamma Supplies" not in at_risk
    first_fifth = text_of(client.get("/crm/customers?quintile=1"))
    assert "Alpha Imports" in first_fifth and "Beta Trading" not in first_fifth


def test_a_bad_period_or_filter_is_named_not_a_500(shop, login):
    client = login(shop["supplier"])
    bad = client.get("/crm/customers?from=2026-13-40")
    assert bad.status_code == 422
    assert "From date: Write the date as YYYY-MM-DD" in text_of(bad)
    future = client.get("/crm/quintiles?to=2999-01-01")
    assert future.status_code == 422 and "To date: The period cannot end after today" in \
        text_of(future)
    vip = client.get("/crm/customers?segment=VIP")
    assert vip.status_code == 422 and "Segment: choose one from the list." in text_of(vip)
    assert "Sort by: choose one" in text_of(client.get("/crm/customers?sort=password"))
    assert client.get("/crm/customers?quintile=9").status_code == 422
    far = client.get(f"/crm/customers?page={10**30}")
    assert far.status_code == 200 and "Alpha Imports" not in text_of(far)
    assert client.get(f"/crm/at-risk?page={10**30}").status_code == 200


def test_the_fifths_chart_and_table(shop, login):
    page = text_of(login(shop["supplier"]).get("/crm/quintiles"))
    chart = re.search(r'<svg class="fifths-chart" role="img" aria-label="([^"]+)"', page)
    assert chart and chart.group(1) == \
        "Share of revenue and margin held by each fifth of your customers"
    # Revenue 40000 of 49500 = 80.8 %; margin 10000 of 11400 = 87.7 %.
    table = page[page.index('id="fifths-table"'):]
    first = re.search(r"1st fifth</th>(.*?)</tr>", table, re.S).group(1)
    assert "80.8 %" in first and "87.7 %" in first and "52,000.00" in first
    assert "Your top fifth of customers brings 80.8 % of your revenue and 87.7 % of your " \
        "margin." in page
    assert page.count("<rect class=\"share\"") == 10


def test_segments_now_and_their_movement(shop, login):
    page = text_of(login(shop["supplier"]).get("/crm/segments"))
    now = page[page.index('id="segments-now"'):page.index("</table>")]
    assert "BZ (below zero)" in now and "MVC (most valuable)" in now
    chart = re.search(r'<svg class="segments-chart" role="img" aria-label="([^"]+)"', page)
    assert chart and "month by month" in chart.group(1)
    assert "2026-09 — MGC (most growable): 1" in page and "2026-10 — BZ (below zero): 1" in page


def test_the_at_risk_list_starts_a_quotation_to_the_customer(app, shop, login):
    set_terms(app, shop["supplier"].company_id, "BZ", payment_terms="tt", lead_time_days=45,
              discount_pct=Decimal("3"))
    client = login(shop["supplier"])
    page = text_of(client.get("/crm/at-risk"))
    assert "Beta Trading" in page and "3,100.00" in page and "Alpha Imports" not in page
    started = client.post(f"/crm/customers/{shop['beta']}/quotation",
                          data={"csrf_token": csrf_token(client, "/crm/at-risk")})
    assert started.status_code == 302
    document_id = int(re.search(r"/documents/(\d+)/edit", started.headers["Location"]).group(1))
    with app.app_context():
        draft = db.session.get(Document, document_id)
        assert (draft.type, draft.status, draft.recipient_company_id) == (
            "quotation", "draft", shop["beta"])
        assert draft.issuer_company_id == shop["supplier"].company_id
        assert draft.payment_terms == "tt" and draft.extras["lead_time_days"] == 45
    editor = text_of(client.get(started.headers["Location"]))
    assert "Defaults for BZ (below zero) customers applied:" in editor
    assert "lead time 45 days" in editor
    assert "a discount of 3 % on the prices you enter" in editor  # no lines yet


def test_a_message_reaches_the_customers_members(app, shop, login):
    from marketplace.infrastructure.notifications.models import Notification

    client = login(shop["supplier"])
    form = f"/crm/customers/{shop['beta']}/message"
    empty = client.post(form, data={"csrf_token": csrf_token(client, form), "message": " "})
    assert empty.status_code == 422 and "Message: write 1 to 2000 characters." in \
        text_of(empty)
    sent = client.post(form, data={"csrf_token": csrf_token(client, form),
                                   "message": "We miss your orders: 5 % off in May."})
    assert sent.status_code == 302
    with app.app_context():
        told = db.session.scalars(select(Notification).where(
            Notification.company_id == shop["beta"])).all()
        assert [n.user_id for n in told] == [shop["buyer_member"].user_id]
        assert told[0].params["text"] == "We miss your orders: 5 % off in May."


def test_the_menu_leads_suppliers_not_buyers_to_their_customers(shop, login):
    supplier_home = text_of(login(shop["supplier"]).get("/"))
    assert 'id="nav-customers"' in supplier_home and 'href="/crm/at-risk"' in supplier_home
    assert 'id="nav-customers"' not in text_of(login(shop["buyer_member"]).get("/"))


@pytest.mark.parametrize("path", PAGES)
def test_a_buyer_is_refused_and_a_visitor_sent_to_log_in(shop, login, app, path):
    assert login(shop["buyer_member"]).get(path).status_code == 403
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_another_supplier_never_sees_these_customers(shop, login):
    rival = login(shop["rival"])
    for path in PAGES[:4]:
        page = text_of(rival.get(path))
        assert "Alpha Imports" not in page and "Beta Trading" not in page
    assert "Secret Buyer Ltd" in text_of(rival.get("/crm/customers"))
    token = csrf_token(rival, "/crm/customers")
    refused = rival.post(f"/crm/customers/{shop['beta']}/quotation",
                         data={"csrf_token": token})
    assert refused.status_code == 404
    assert rival.get(f"/crm/customers/{shop['beta']}/message").status_code == 404


def test_the_pages_speak_chinese(app, shop, login):
    speaks_chinese(app, shop["supplier"].user_id)
    client = login(shop["supplier"])
    for path, words in (("/crm/customers", ["MVC（最有價值）", "終身價值"]),
                        ("/crm/quintiles", ["第 1 組", "各組客戶占營收與毛利的比例"]),
                        ("/crm/segments", ["BZ（低於零）", "每月各分群的客戶數"]),
                        ("/crm/at-risk", ["流失風險客戶", "報價單"]),
                        ("/crm/treatments", ["各客戶分群的條件", "折扣 %"])):
        response = client.get(path)
        assert response.status_code == 200, path
        page = text_of(response)
        for word in words:
            assert word in page, (path, word)


def test_the_export_links_give_the_filtered_table_as_files(shop, login):
    client = login(shop["supplier"])
    page = text_of(client.get("/crm/customers?segment=BZ&sort=recency_days"))
    links = dict(re.findall(r'href="(/api/v1/analytics/customers\?[^"]+)" id="export-(\w+)"',
                            page))
    links = {kind: href for href, kind in links.items()}
    assert set(links) == {"csv", "xlsx"} and "segment=BZ" in links["csv"]
    csv = client.get(links["csv"])
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    body = csv.get_data(as_text=True)
    assert "Beta Trading" in body and "Alpha Imports" not in body
    xlsx = client.get(links["xlsx"])
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_the_table_pages_by_twenty_keeping_the_filters(app, make, shop, login):
    many = [{"buyer_id": make.company(f"Small Buyer {n:02d}", roles=("buyer",)),
             "segment": "other", "quintile": 4, "lifetime_value": Decimal(100 + n)}
            for n in range(21)]
    customers_of(app, shop["supplier"].company_id, many)
    client = login(shop["supplier"])
    first = text_of(client.get("/crm/customers?segment=other"))
    assert len(re.findall(r'<tr data-buyer="', first)) == 20
    assert "22 customers" in first
    second_link = re.search(r'href="([^"]*page=2[^"]*)"', first).group(1)
    assert "segment=other" in second_link
    second = text_of(client.get(html.unescape(second_link)))
    names = re.findall(r'<tr data-buyer="\d+">\s*<th scope="row"[^>]*>([^<]+)', second)
    # Gamma (9000) and Small Buyer 20 … 03 on page 1; the two smallest on page 2.
    assert [n.strip() for n in names] == ["Small Buyer 01", "Small Buyer 00"]

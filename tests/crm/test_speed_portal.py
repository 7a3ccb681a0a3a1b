"""The trade speed page: the hand-worked figures (speed_support.py), its charts, the
per member table, bad periods and who may open it."""

from __future__ import annotations

import re

from tests.crm.speed_support import (
    MONTHS,
    PERIOD,
    history,  # noqa: F401 - the fixture
)
from tests.factories import portal_login

PAGE = f"/crm/speed?{PERIOD}"


def test_supplier_sees_its_figures_platform_and_members(client, history):
    portal_login(client, history["m1"].email)
    html = client.get(PAGE).get_data(as_text=True)
    row = re.search(r'id="row-inquiry-quotation">(.*?)</tr>', html, re.S).group(1)
    assert "5.0 h" in row and "18.6 h" in row and "4.0 h" in row  # median, p90, platform
    assert "60%" in re.search(r'id="row-win-rate">(.*?)</tr>', html, re.S).group(1)
    assert all(f'data-month="{month}"' in html for month in MONTHS)
    assert "Ann Answer" in html and "Ben Later" in html
    charts = re.findall(r'<svg class="speed-chart" role="img" aria-label="([^"]+)"', html)
    assert len(charts) == 3 and all(charts)
    assert 'href="/api/v1/analytics/response-times?format=csv' in html


def test_page_in_chinese(app, client, history):
    from marketplace.extensions import db
    from marketplace.infrastructure.models import User

    with app.app_context():
        db.session.get(User, history["m1"].user_id).language = "zh_Hant"
        db.session.commit()
    portal_login(client, history["m1"].email)
    html = client.get(PAGE).get_data(as_text=True)
    assert '<html lang="zh-Hant">' in html
    row = re.search(r'id="row-inquiry-quotation">(.*?)</tr>', html, re.S).group(1)
    assert "18.6" in row
    assert len(re.findall(r'<svg class="speed-chart" role="img" aria-label="[^"]+"', html)) == 3


def test_bad_period_is_shown_beside_the_field(client, history):
    portal_login(client, history["m1"].email)
    response = client.get("/crm/speed?from=2026-04-30&to=2026-03-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="period-from-error"' in html


def test_buyer_sees_its_side(client, history):
    portal_login(client, history["bm"].email)
    html = client.get(PAGE).get_data(as_text=True)
    assert "How fast your suppliers answer" in html
    assert "Bea Buyer" in html


def test_other_company_sees_only_its_own_empty_figures(client, make, history):
    stranger = make.company_with_admin("Stranger Ltd", roles=("supplier",))
    portal_login(client, stranger.email)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Ann Answer" not in html and "18.6" not in html
    assert 'id="no-members"' in html


def test_anonymous_is_sent_to_login(client, history):
    response = client.get(PAGE)
    assert response.status_code in (302, 401)


def test_operator_sees_the_platform(client, make, history):
    operator = make.operator()
    portal_login(client, operator.email)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The platform" in html and "Ann Answer" not in html


def test_documents_menu_links_the_page(client, history):
    portal_login(client, history["bm"].email)
    html = client.get("/crm/speed").get_data(as_text=True)
    menu = re.search(r'id="nav-documents">(.*?)</li>\s*</ul>', html, re.S).group(1)
    assert 'href="/crm/speed"' in menu

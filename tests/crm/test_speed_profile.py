"""A supplier's public profile shows its median response time and response rate (the
hand-worked history of speed_support.py: inquiry → first quotation median 5 hours,
4 of 5 inquiries answered), in both languages; a pure buyer's profile shows none."""

from __future__ import annotations

import re

from marketplace.extensions import db
from marketplace.infrastructure.models import User
from tests.crm.speed_support import history  # noqa: F401 - the fixture
from tests.factories import portal_login


def _facts(html: str) -> str:
    match = re.search(r'id="profile-speed">(.*?)</div>\s*</div>', html, re.S)
    assert match, "no response figures on the profile"
    return match.group(0)


def test_supplier_profile_shows_median_response_and_rate(client, history):
    facts = _facts(client.get(f"/companies/{history['s']}").get_data(as_text=True))
    assert re.search(r'class="response-time">5\.0 h<', facts)
    assert re.search(r'class="response-rate">80%<', facts)
    assert "5 inquiries in 12 months" in facts


def test_profile_in_chinese(app, client, history):
    with app.app_context():
        db.session.get(User, history["bm"].user_id).language = "zh_Hant"
        db.session.commit()
    portal_login(client, history["bm"].email)
    html = client.get(f"/companies/{history['s']}").get_data(as_text=True)
    assert '<html lang="zh-Hant">' in html
    facts = _facts(html)
    assert "5.0" in facts and "80%" in facts


def test_supplier_without_inquiries_says_not_measured(client, make, history):
    quiet = make.company("Quiet Supplier", roles=("supplier",))
    facts = _facts(client.get(f"/companies/{quiet}").get_data(as_text=True))
    assert "not measured yet" in facts


def test_buyer_profile_has_no_response_figures(client, history):
    html = client.get(f"/companies/{history['b']}").get_data(as_text=True)
    assert 'id="profile-speed"' not in html


def test_company_api_carries_the_supplier_figures(api, history):
    body = api.get(f"/companies/{history['s']}").get_json()
    assert (body["response_hours_median"], body["response_rate"]) == ("5.00", "0.8000")
    assert body["name"] == "Speedy Supplier"
    buyer = api.get(f"/companies/{history['b']}").get_json()
    assert "response_hours_median" not in buyer


def test_company_api_supplier_without_inquiries_has_nulls(api, make, history):
    quiet = make.company("Quiet Supplier", roles=("supplier",))
    body = api.get(f"/companies/{quiet}").get_json()
    assert body["response_hours_median"] is None and body["response_rate"] is None

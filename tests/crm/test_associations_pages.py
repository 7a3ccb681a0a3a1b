""""Often ordered with" on the product page (both languages) and "add what this
customer's peers order with it" in the supplier's quotation editor, from the
hand-worked rules of associations_support.py."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape

import pytest

from marketplace.core.boundary import commit
from marketplace.crm.tasks.associations import run_associations
from marketplace.extensions import db
from marketplace.infrastructure.models import User
from marketplace.workflow.models import DocumentLine
from tests.crm.associations_support import baskets  # noqa: F401 - the fixture
from tests.crm.speed_support import document
from tests.factories import portal_login


@pytest.fixture
def computed(app, baskets):
    with app.app_context():
        run_associations()
    return baskets


def _card(html: str) -> str:
    match = re.search(r'id="often-ordered-with">(.*?)</section>', html, re.S)
    assert match, "no 'often ordered with' card"
    return match.group(1)


def test_product_page_shows_often_ordered_with(client, make, computed):
    buyer = make.member(computed["b"], "purchasing")
    portal_login(client, buyer.email)
    card = _card(client.get(f"/products/{computed['C']}").get_data(as_text=True))
    assert "Often ordered with" in card
    names = re.findall(r'<a href="/products/(\d+)">([^<]+)</a>', card)
    # C → A and C → B: confidence 2/3 each, lift 1.0 each: by id
    assert names == [(str(computed["A"]), "Product A"), (str(computed["B"]), "Product B")]
    assert card.count("67% of orders") == 2


def test_product_page_in_chinese_names_products_in_chinese(app, client, make, computed):
    buyer = make.member(computed["b"], "purchasing")
    with app.app_context():
        db.session.get(User, buyer.user_id).language = "zh_Hant"
        db.session.commit()
    portal_login(client, buyer.email)
    html = client.get(f"/products/{computed['C']}").get_data(as_text=True)
    assert '<html lang="zh-Hant">' in html
    assert "產品 A" in _card(html)


def test_no_card_without_rules_or_for_a_lone_product(client, computed):
    html = client.get(f"/products/{computed['D']}").get_data(as_text=True)
    assert 'id="often-ordered-with"' not in html


def test_quotation_editor_suggests_what_peers_order_with_its_lines(app, client, make,
                                                                   computed):
    seller = make.member(computed["s"], "sales")
    with app.test_request_context():
        draft = document("quotation", computed["s"], computed["b"], None, status="draft",
                         created_by=seller.user_id)
        db.session.add(DocumentLine(document_id=draft.id, product_id=computed["A"], sku="A",
                                    description="Product A", quantity=Decimal(1)))
        commit()
        draft_id = draft.id
    portal_login(client, seller.email)
    html = client.get(f"/trading/documents/{draft_id}/edit").get_data(as_text=True)
    panel = re.search(r'id="peers-order-with-it">(.*?)</script>', html, re.S)
    assert panel, "no suggestions panel"
    rows = re.findall(r'data-suggestion="(\d+)"', panel.group(1))
    assert rows == [str(computed["B"]), str(computed["C"])]  # lift 1.125, then 1.0
    line = json.loads(unescape(re.search(r"data-line='([^']+)'", panel.group(1)).group(1)))
    assert (line["id"], line["sku"], line["quantity"]) == (computed["B"], "B", "1")
    assert "js/crm-suggestions.js" in panel.group(1)


def test_editor_of_another_document_type_has_no_panel(app, client, make, computed):
    buyer = make.member(computed["b"], "purchasing")
    with app.test_request_context():
        draft = document("inquiry", computed["b"], computed["s"], None, status="draft",
                         created_by=buyer.user_id)
        db.session.add(DocumentLine(document_id=draft.id, product_id=computed["A"], sku="A",
                                    description="Product A", quantity=Decimal(1)))
        commit()
        draft_id = draft.id
    portal_login(client, buyer.email)
    response = client.get(f"/trading/documents/{draft_id}/edit")
    assert response.status_code == 200
    assert 'id="peers-order-with-it"' not in response.get_data(as_text=True)

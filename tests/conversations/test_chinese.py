"""The conversation pages and the one box as a Chinese-speaking member reads them (with
the pending translations loaded, as after the merge): none of their English sentences
left, and a refused box names its fields and reasons in Chinese with the input kept."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.factories import csrf_token, portal_login
from tests.pending_translations import load_pending_translations
from tests.trading.conftest import make_product  # noqa: F401 - the fixture
from tests.worlds import shared_world

# The conversations module's own sentences (the catalog's template says where each
# msgid is used), whole sentences only, not "You" or "About".
TEMPLATE = Path(__file__).resolve().parents[2] / "marketplace" / "translations" / "messages.pot"
ENGLISH = [message.id for message in read_po(TEMPLATE.open("rb"))
           if isinstance(message.id, str) and len(message.id) > 12
           and any(path.startswith("marketplace/conversations/")
                   for path, _ in message.locations)]


@pytest.fixture
def chinese(app, tmp_path):
    undo = load_pending_translations(app, tmp_path)
    yield
    undo()


@shared_world
def world(make, api, make_product):
    buyer = make.company_with_admin("Hamburg Hardware GmbH", roles=("buyer",))
    supplier = make.company_with_admin("Taiwan Precision Fasteners", roles=("supplier",))
    bolt, _, _ = make_product(supplier.company_id, name="Hex bolt M8", moq="5000")
    conversation = api.post("/conversations", api.token(buyer), json={
        "company_id": supplier.company_id, "product_id": bolt, "body": "樣品可以寄到漢堡嗎？"})
    assert conversation.status_code == 201, conversation.get_json()
    return {"buyer": buyer, "supplier": supplier, "bolt": bolt,
            "conversation": conversation.get_json()["id"]}


def _text(response) -> str:
    page = html.unescape(response.get_data(as_text=True))
    return re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)


def _chinese_client(app, member):
    client = app.test_client()
    assert portal_login(client, member.email).status_code == 302
    client.post("/language/zh_Hant", data={"csrf_token": csrf_token(client, "/")})
    return client


def test_the_pages_speak_chinese(app, world, chinese):
    buyer = _chinese_client(app, world["buyer"])
    pages = ["/messages", f"/messages/{world['conversation']}",
             f"/messages/new/{world['supplier'].company_id}",
             f"/messages/contact/product/{world['bolt']}",
             f"/messages/contact/company/{world['supplier'].company_id}",
             f"/products/{world['bolt']}", f"/companies/{world['supplier'].company_id}"]
    for path in pages:
        response = buyer.get(path)
        assert response.status_code == 200, path
        page = _text(response)
        assert '<html lang="zh-Hant">' in page, path
        left = [sentence for sentence in ENGLISH if sentence in page]
        assert not left, (path, left)
    conversation = _text(buyer.get(f"/messages/{world['conversation']}"))
    assert "轉為詢價單" in conversation and "回覆" in conversation
    box = _text(buyer.get(f"/messages/contact/company/{world['supplier'].company_id}"))
    assert "USD — 美元" in box and "LAK — 寮國基普" in box
    # Every currency is named in Chinese, or by its code alone: never in English.
    for label in re.findall(r'<option value="[A-Z]{3}"[^>]*>([^<]*)</option>', box):
        assert not re.search(r"[A-Za-z]{3,}", label.partition(" — ")[2]), label


def test_a_refused_box_says_why_in_chinese_and_keeps_the_input(app, world, chinese):
    buyer = _chinese_client(app, world["buyer"])
    path = f"/messages/contact/product/{world['bolt']}"
    refused = buyer.post(path, data={"csrf_token": csrf_token(buyer, path), "quantity": "-3",
                                     "unit": "pcs", "message": ""})
    assert refused.status_code == 422
    page = _text(refused)
    assert re.search(r">\s*數量\s*</label>", page)
    assert "須為大於 0 的數字。" in page and "請寫下您的需求（1 至 5000 個字元）。" in page
    assert 'value="-3"' in page

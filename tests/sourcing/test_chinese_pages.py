"""Sourcing's pages in Traditional Chinese (with translations-pending/sourcing.po, as
they will read once merged): the sealed rfq's notice, the comparison with its award
form, and a revision's changes; no English sentence of ours left on them."""

from __future__ import annotations

import re

import pytest

from tests.factories import portal_login
from tests.pending_translations import load_pending_translations
from tests.sourcing.support import build_sealed_rfq, revise_bid
from tests.worlds import shared_world

# English sentences our templates show, which a Chinese page must not.
ENGLISH = ("Sealed until", "Closes in", "invited suppliers have answered", "Comparison of",
           "Landed unit cost", "Award every line to", "Reason for the award", "Best",
           "What changed from", "Download Excel", "No price is shown")


@shared_world
def chinese(make, api):
    return build_sealed_rfq(make, api)


@pytest.fixture
def pending(app, tmp_path):
    undo = load_pending_translations(app, tmp_path / "pending")
    yield
    undo()


def _client(app, email):
    client = app.test_client()
    with client.session_transaction() as session:
        session["language"] = "zh_Hant"
    portal_login(client, email)
    return client


def _text(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)


def test_the_sealed_notice_and_the_comparison_read_in_chinese(chinese, app, pending):
    client = _client(app, chinese.buyer.email)
    page = _text(client.get(f"/trading/documents/{chinese.rfq['id']}"))
    assert "密封至" in page and "距離截止" in page and "家供應商中已有 3 家回覆" in page
    assert [word for word in ENGLISH if word in page] == []
    with chinese.after_closing():
        compared = _text(client.get(f"/sourcing/rfqs/{chinese.rfq['id']}/comparison"))
    assert "的報價比較" in compared and "到岸單位成本" in compared and "最佳" in compared
    assert "全部項次決標給" in compared and "決標原因" in compared
    assert [word for word in ENGLISH if word in compared] == []


def test_a_revisions_changes_read_in_chinese(chinese, app, api, pending):
    revised = revise_bid(chinese, "alpha", ["7.0000", "1.1717"])
    client = _client(app, chinese.suppliers["alpha"].email)
    page = _text(client.get(f"/trading/documents/{revised['id']}"))
    assert f"與 {chinese.bids['alpha']['number']} 相比的變更" in page
    assert "變更 1 項" in page and "單價" in page
    assert [word for word in ENGLISH if word in page] == []

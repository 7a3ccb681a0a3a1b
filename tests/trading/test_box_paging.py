"""Issue 16.6: a box pages without counting all of it. ``next`` cursors walk every
document once even while new ones arrive; the count stops at the cap and says so
("5+" with a cap of 5 here, "10,000+" in production); a search finds a document by any
part of its subject or number, through a trigram index on PostgreSQL and an FTS5 trigram
table on SQLite."""

from __future__ import annotations

import re
from urllib.parse import quote

from sqlalchemy import text

from marketplace.extensions import db
from tests.factories import portal_login
from tests.trading.support import Trade
from tests.worlds import shared_world

SENT = 12


@shared_world
def box(make, api):
    trade = Trade.start(make, api)
    sent = [trade.act("buyer", trade.create("buyer", "inquiry",
                                            subject=f"Spring bolts lot {n:02}"), "send")
            for n in range(SENT)]
    return trade, sent


def _walk(trade: Trade, per_page: int, between_pages=None) -> list[int]:
    seen, after, pages = [], None, 0
    while True:
        query = f"/documents?box=inbox&per_page={per_page}" + (f"&after={after}" if after else "")
        answer = trade.api.get(query, trade.supplier_token)
        assert answer.status_code == 200, answer.get_json()
        page = answer.get_json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        assert pages < 20
        if page["next"] is None:
            return seen
        after = page["next"]
        if between_pages:
            between_pages()


def test_cursor_paging_walks_every_document_once_while_new_ones_arrive(box):
    trade, sent = box
    arrived = []

    def new_one_arrives():
        arrived.append(trade.act("buyer", trade.create("buyer", "inquiry",
                                                       subject="Arrived meanwhile"), "send"))

    seen = _walk(trade, 5, new_one_arrives)
    assert len(seen) == len(set(seen)), "a document was listed twice"
    assert seen == sorted((d["id"] for d in sent), reverse=True), \
        "every document that was there when the walk began, once, newest first"
    assert arrived  # new ones came in during the walk; the next walk starts with them
    assert _walk(trade, 50)[:len(arrived)] == sorted((d["id"] for d in arrived), reverse=True)


def test_page_numbers_still_work_and_agree_with_the_cursor(box):
    trade, _ = box
    page_two = trade.api.get("/documents?box=inbox&per_page=5&page=2",
                             trade.supplier_token).get_json()
    first = trade.api.get("/documents?box=inbox&per_page=5", trade.supplier_token).get_json()
    by_cursor = trade.api.get(f"/documents?box=inbox&per_page=5&after={first['next']}",
                              trade.supplier_token).get_json()
    assert [d["id"] for d in page_two["items"]] == [d["id"] for d in by_cursor["items"]]
    assert first["total"] == SENT and first["total_capped"] is False


def test_a_made_up_cursor_is_refused_with_the_field_named(box):
    trade, _ = box
    answer = trade.api.get("/documents?box=inbox&after=42", trade.supplier_token)
    assert answer.status_code == 422
    assert "after" in answer.get_json()["errors"]


def test_the_count_stops_at_the_cap_and_says_there_are_more(box, app, client, monkeypatch):
    trade, _ = box
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 5)
    page = trade.api.get("/documents?box=inbox&per_page=5", trade.supplier_token).get_json()
    assert (page["total"], page["total_capped"]) == (5, True)
    assert len(page["items"]) == 5 and page["next"]
    exact = trade.api.get("/documents?box=inbox&q=lot 0", trade.supplier_token).get_json()
    assert (exact["total"], exact["total_capped"]) == (5, True)  # lots 00-09: capped
    portal_login(client, trade.supplier.email)
    html = client.get("/trading/documents?box=inbox").get_data(as_text=True)
    assert re.search(r'class="[^"]*pager-total[^"]*">5\+ in all<', html), \
        "the portal shows 5+ (10,000+ in production), not an exact count"
    # the lists sharing core/pagination are capped the same way
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 1)
    drafts = trade.api.get("/documents?box=outbox", trade.buyer_token).get_json()
    assert (drafts["total"], drafts["total_capped"]) == (1, True)


def test_a_box_exactly_at_the_cap_is_not_capped_and_one_more_is(box, app, monkeypatch):
    # The count looks for a row past the cap, then counts (SQLite): either side of it.
    trade, _ = box
    for cap, expected in ((SENT, (SENT, False)), (SENT - 1, (SENT - 1, True)),
                          (SENT + 1, (SENT, False))):
        monkeypatch.setitem(app.config, "LIST_COUNT_CAP", cap)
        page = trade.api.get("/documents?box=inbox&per_page=2", trade.supplier_token).get_json()
        assert (page["total"], page["total_capped"]) == expected, cap
        later = trade.api.get(f"/documents?box=inbox&per_page=2&after={page['next']}",
                              trade.supplier_token).get_json()
        assert (later["total"], later["total_capped"]) == expected, cap


def test_the_portal_inbox_lists_them_newest_first(box, client):
    trade, sent = box
    portal_login(client, trade.supplier.email)
    html = client.get("/trading/documents?box=inbox").get_data(as_text=True)
    numbers = [d["number"] for d in sorted(sent, key=lambda d: d["id"], reverse=True)]
    assert [n for n in re.findall(r'data-number="([^"]+)"', html)] == numbers
    assert "pager-next" not in html  # one page: nothing after it


def test_a_search_finds_by_any_part_of_the_subject_or_number(box):
    trade, sent = box
    target = sent[7]
    middle_of_number = target["number"][2:-1]  # "Q-2026-0000" of "INQ-2026-00008"
    for q in ("lot 07", "RING BOLTS LOT 07", middle_of_number):
        found = trade.api.get(f"/documents?box=inbox&q={q}", trade.supplier_token).get_json()
        assert target["id"] in [d["id"] for d in found["items"]], q
    assert trade.api.get("/documents?box=inbox&q=lot 99", trade.supplier_token
                         ).get_json()["items"] == []
    sent_box = trade.api.get("/documents?box=outbox&q=LOT 07", trade.buyer_token).get_json()
    assert [d["id"] for d in sent_box["items"]] == [target["id"]]


def test_a_search_finds_chinese_text_and_follows_every_edit(box):
    """SQLite answers three characters or more from its FTS5 trigram table (kept by
    triggers), shorter ones by reading the box; PostgreSQL through its trigram indexes:
    the same documents either way, before and after an edit."""
    trade, _ = box

    def found(box_name, q, side="buyer"):
        answer = trade.api.get(f"/documents?box={box_name}&q={quote(q)}", trade.token(side))
        assert answer.status_code == 200, answer.get_json()
        return [d["id"] for d in answer.get_json()["items"]]

    draft = trade.create("buyer", "inquiry", subject="不鏽鋼螺栓 報價 lot 88")
    for q in ("鋼螺栓", "螺栓", "不鏽鋼螺栓 報價", "LOT 88", "栓 報"):
        assert found("drafts", q) == [draft["id"]], q
    for q in ("螺帽", "六角螺帽", 'lot "88', "lot 8%", "lot_88", "鋼 螺"):
        assert found("drafts", q) == [], q
    trade.patch("buyer", draft, subject="六角螺帽 lot 88")
    assert found("drafts", "鋼螺栓") == [] and found("drafts", "螺栓") == []
    assert found("drafts", "六角螺帽") == [draft["id"]]
    trade.act("buyer", draft, "send")
    assert found("inbox", "角螺帽", "supplier") == [draft["id"]]
    assert found("inbox", "六角", "supplier") == [draft["id"]]
    assert found("drafts", "六角螺帽") == []
    # the supplier's own state of it: tagged, then archived
    state = trade.api.patch(f"/documents/{draft['id']}/party-state", trade.supplier_token,
                            json={"tags": ["hot"], "archived": True})
    assert state.status_code == 200, state.get_json()
    assert found("inbox", "角螺帽", "supplier") == []
    assert found("archive", "角螺帽", "supplier") == [draft["id"]]
    answer = trade.api.get(f"/documents?box=archive&tag=hot&q={quote('角螺帽')}",
                           trade.supplier_token).get_json()
    assert [d["id"] for d in answer["items"]] == [draft["id"]] and answer["total"] == 1
    answer = trade.api.get(f"/documents?box=archive&tag=cold&q={quote('角螺帽')}",
                           trade.supplier_token).get_json()
    assert (answer["items"], answer["total"]) == ([], 0)


def test_on_postgresql_the_search_has_trigram_indexes_led_by_the_company(box, app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return  # SQLite: its FTS5 table (tests above and test_migrations)
        indexes = dict(db.session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('ix_documents_inbox_search', 'ix_documents_outbox_search')")).all())
        assert len(indexes) == 2 and all("gin_trgm_ops" in d for d in indexes.values())
        # (bench/lists.py shows the planner choosing it at 1M documents; on a dozen
        # rows it rightly reads the table instead.)


def test_a_search_pages_and_counts_in_one_go_up_to_the_cap(box, app, monkeypatch):
    """A filtered page finds its hits once (up to the cap) for the page and the count;
    past the cap it pages and counts apart: the same pages either way."""
    trade, sent = box
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 10)
    newest_first = [d["id"] for d in sorted(sent, key=lambda d: d["id"], reverse=True)]
    seen = []
    for number in (1, 2, 3):  # pages 1-2 within the cap, page 3 past it
        page = trade.api.get(f"/documents?box=inbox&q=spring bolts lot&per_page=5&page={number}",
                             trade.supplier_token).get_json()
        assert (page["total"], page["total_capped"]) == (10, True), number
        seen += [d["id"] for d in page["items"]]
        assert (page["next"] is None) == (number == 3)
    assert seen == newest_first
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 10_000)
    page = trade.api.get("/documents?box=inbox&q=spring bolts lot&per_page=5&page=3",
                         trade.supplier_token).get_json()
    assert (page["total"], page["total_capped"], len(page["items"])) == (SENT, False, 2)
    past = trade.api.get("/documents?box=inbox&q=spring bolts lot&per_page=5&page=4",
                         trade.supplier_token).get_json()
    assert (past["items"], past["total"]) == ([], SENT)

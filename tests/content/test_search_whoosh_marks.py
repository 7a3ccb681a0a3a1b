"""The Whoosh backend marks the query's words in a hit's texts: each word wherever the
analyzer finds it (as the PostgreSQL backend does), a text holding none left as it is."""

from __future__ import annotations

import pytest

from marketplace.content.search.whoosh_backend import SearchRequest, WhooshBackend

# Uses no run's database: runs once per make test (tests/conftest.py).
pytestmark = pytest.mark.database_independent


@pytest.fixture
def backend(tmp_path):
    backend = WhooshBackend(tmp_path)
    backend.apply("products", [
        {"id": "1", "name": "Stainless bolt <M8>", "name_zh": "不鏽鋼螺栓",
         "description": "Heavy bolts & nuts for decks.", "description_zh": "不鏽鋼材質，每批檢驗。",
         "company_id": "1", "country": "TW"},
        {"id": "2", "name": "Oolong tea", "name_zh": "凍頂烏龍茶",
         "description": "Tea from the hills.", "company_id": "1", "country": "TW"},
    ])
    return backend


def _marks(backend, text):
    return {hit.id: hit.highlight
            for hit in backend.search("products", SearchRequest(text=text)).hits}


def test_a_piece_of_a_chinese_word_is_marked_where_it_stands_alone(backend):
    marks = _marks(backend, "不鏽鋼螺栓")[1]
    assert marks["name_zh"] == "<mark>不鏽鋼螺栓</mark>"
    assert marks["name"] == "Stainless bolt &lt;M8&gt;"  # no word of the query: escaped
    assert marks["snippet"] == "<mark>不鏽鋼</mark>材質，每批檢驗"


def test_english_words_are_marked_by_their_index_form(backend):
    marks = _marks(backend, "bolts")[1]
    assert marks["name"] == "Stainless <mark>bolt</mark> &lt;M8&gt;"
    assert marks["name_zh"] == "不鏽鋼螺栓"
    assert marks["snippet"] == "Heavy <mark>bolts</mark> &amp; nuts for decks"
    assert _marks(backend, "tea")[2]["name"] == "Oolong <mark>tea</mark>"
    assert _marks(backend, "烏龍茶")[2]["name_zh"] == "凍頂<mark>烏龍茶</mark>"

"""The Whoosh backend marks the query's words in a hit's texts: each word wherever the
analyzer finds it (as the PostgreSQL backend does), a text holding none left as it is;
and counts the facets of all the hits, whichever segment holds them."""

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


def _facets(backend, text=""):
    return backend.search("products", SearchRequest(text=text)).facets


def test_facets_count_the_hits_of_every_segment_after_updates_and_deletions(tmp_path):
    """Each commit adds a segment (the facets' values are read per segment): an update,
    a deletion and new products are counted as the index now has them."""
    backend = WhooshBackend(tmp_path)
    backend.apply("products", [
        {"id": str(n), "name": f"bolt {n}", "company_id": str(n % 2 + 1),
         "country": "TW" if n < 3 else "JP", "category_id": "7"} for n in range(5)])
    assert _facets(backend, "bolt") == {"category": {"7": 5}, "country": {"TW": 3, "JP": 2},
                                        "supplier": {"1": 3, "2": 2}}
    backend.apply("products", [{"id": "0", "name": "bolt 0", "company_id": "9",
                                "country": "DE", "category_id": "8"},
                               {"id": "9", "name": "washer", "company_id": "9",
                                "country": "DE", "category_id": "8"}], deletions=[4])
    assert _facets(backend, "bolt") == {"category": {"7": 3, "8": 1},
                                        "country": {"TW": 2, "DE": 1, "JP": 1},
                                        "supplier": {"1": 1, "2": 2, "9": 1}}
    assert _facets(backend) == {"category": {"7": 3, "8": 2},
                                "country": {"TW": 2, "DE": 2, "JP": 1},
                                "supplier": {"1": 1, "2": 2, "9": 2}}
    assert _facets(backend, "nothing") == {"category": {}, "country": {}, "supplier": {}}


def test_a_quoted_phrase_is_found_in_order_and_marked(backend):
    """A phrase is looked for in the text fields (an item code keeps no word positions:
    a quoted query was an error)."""
    found = backend.search("products", SearchRequest(text='"stainless bolt"'))
    assert [hit.id for hit in found.hits] == [1]
    assert found.hits[0].highlight["name"] == "<mark>Stainless</mark> <mark>bolt</mark> &lt;M8&gt;"
    assert backend.search("products", SearchRequest(text='"bolt stainless"')).total == 0
    assert backend.search("products", SearchRequest(text='"stainles bolt"')).total == 0

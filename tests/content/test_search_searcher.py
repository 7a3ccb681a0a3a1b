"""One searcher per kind and process: reused by consecutive and concurrent searches,
replaced as soon as a commit changes the index (the next search sees the change), the
replaced one closed only when the last search using it ends."""

from __future__ import annotations

import threading

import pytest

from marketplace.content.search.whoosh_backend import SearchRequest, WhooshBackend

# Uses no run's database: runs once per make test (tests/conftest.py).
pytestmark = pytest.mark.database_independent


def _product(ident: int, name: str) -> dict:
    return {"id": str(ident), "name": name, "spell": name, "company_id": "1", "country": "TW"}


def _names(backend: WhooshBackend, text: str) -> list[int]:
    return sorted(hit.id for hit in backend.search("products", SearchRequest(text=text)).hits)


def test_searches_share_one_searcher_until_the_index_changes(tmp_path):
    backend = WhooshBackend(tmp_path)
    backend.apply("products", [_product(1, "Stainless bolt"), _product(2, "Brass nut")])

    assert _names(backend, "bolt") == [1]
    first = backend._shared["products"].searcher
    assert _names(backend, "nut") == [2]
    assert backend._shared["products"].searcher is first
    assert backend.searchers_opened == 1

    # An update replaces the document: the next search finds the new words only (Whoosh's
    # own refresh() would still find "stainless" in the old version of the document).
    backend.apply("products", [_product(1, "Titanium bolt")])
    assert _names(backend, "titanium") == [1]
    assert _names(backend, "stainless") == []
    assert backend.searchers_opened == 2
    assert first.is_closed
    assert backend._shared["products"].searcher is not first

    backend.clear("products")
    assert _names(backend, "bolt") == []
    assert backend.searchers_opened == 3


def test_a_replaced_searcher_stays_open_for_the_search_still_using_it(tmp_path):
    backend = WhooshBackend(tmp_path)
    backend.apply("products", [_product(1, "Stainless bolt")])
    with backend._searching("products") as old:
        backend.apply("products", [_product(2, "Stainless washer")])
        assert _names(backend, "stainless") == [1, 2]  # a new searcher meanwhile
        assert not old.is_closed
        assert old.doc_count() == 1  # the search under way keeps its snapshot
    assert old.is_closed
    assert backend.searchers_opened == 2


def test_concurrent_searches_and_writes_see_consistent_results(tmp_path):
    backend = WhooshBackend(tmp_path)
    backend.apply("products", [_product(n, f"Hex bolt {n}") for n in range(50)])
    errors: list[BaseException] = []
    counts: list[int] = []

    def searching():
        try:
            for _ in range(20):
                counts.append(len(_names(backend, "bolt")))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=searching) for _ in range(4)]
    for thread in threads:
        thread.start()
    for number in range(50, 60):
        backend.apply("products", [_product(number, f"Hex bolt {number}")])
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(counts) == 80 and all(count == 20 for count in counts)  # one page of 20
    assert backend.doc_count("products") == 60
    assert backend.search("products", SearchRequest(text="bolt")).total == 60
    assert backend.searchers_opened <= 1 + 10  # at most one per commit, not one per search


def test_a_misspelt_word_is_corrected_once_per_searcher(tmp_path, monkeypatch):
    from whoosh.spelling import Corrector

    backend = WhooshBackend(tmp_path)
    backend.apply("products", [_product(1, "Stainless bolt"), _product(2, "Stainless nut")])
    calls = []
    suggest = Corrector.suggest

    def counted(self, word, *args, **options):
        calls.append(word)
        return suggest(self, word, *args, **options)

    monkeypatch.setattr(Corrector, "suggest", counted)

    for _ in range(2):  # e.g. the next page of the same misspelt query
        results = backend.search("products", SearchRequest(text="stainles"))
        assert results.suggestion == "stainless" and results.hits == []
    assert calls == ["stainles"]

    # A new searcher (the index changed) finds its own corrections: the new words count.
    backend.apply("products", [_product(3, "Stainles steel washer")])
    assert backend.search("products", SearchRequest(text="stainles")).suggestion is None
    assert backend.search("products", SearchRequest(text="stainlss nut")).suggestion \
        == "stainless nut"
    assert calls == ["stainles", "stainlss"]


def test_a_suggestion_counts_only_what_the_filters_let_through(tmp_path):
    backend = WhooshBackend(tmp_path)
    backend.apply("products", [_product(1, "Stainless bolt"),
                               {**_product(2, "Brass nut"), "country": "DE"}])

    def suggestion(country: str) -> str | None:
        request = SearchRequest(text="stainles", terms={"country": country})
        return backend.search("products", request).suggestion

    assert suggestion("TW") == "stainless"
    assert suggestion("DE") is None  # the only stainless product is Taiwanese


def test_threads_searching_at_once_never_break_the_shared_searcher(tmp_path):
    """Whoosh's searcher is not safe for threads reading it at once (its posting
    blocks are read through shared file positions: a truncated block, a 500): searches
    of one kind take turns on it (sync workers never wait; threads would have run one
    at a time anyway under the GIL, and one search's temporary memory at a time)."""
    backend = WhooshBackend(tmp_path)
    words = ["bolt", "nut", "washer", "screw", "rivet"]
    for start in (0, 1500):  # two segments
        backend.apply("products", [
            _product(n, f"{words[n % 5]} {words[(n * 7) % 5]} steel {n} {words[n % 3]}")
            for n in range(start, start + 1500)])
    queries = [f"{word} steel" for word in words] + [f"{a} {b}" for a, b in zip(
        words, words[1:], strict=False)]  # several words: each word's hits are read too
    expected = {text: backend.search("products", SearchRequest(text=text)).total
                for text in queries}
    errors: list[BaseException] = []

    def searching(number: int):
        try:
            for turn in range(15):
                text = queries[(number + turn) % len(queries)]
                assert backend.search("products", SearchRequest(text=text)).total == \
                    expected[text]
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=searching, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

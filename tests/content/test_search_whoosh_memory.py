"""A Whoosh searcher reads its index's files where they are mapped instead of holding a
copy of each (Whoosh's own compound file copied every posting, term and stored-field
file into memory when a searcher opened it: 140 MB at 100k products)."""

from __future__ import annotations

import io
import random
import tracemalloc

import pytest

from marketplace.content.search.whoosh_backend import SearchRequest, WhooshBackend, _MappedReader

# Uses no run's database: runs once per make test (tests/conftest.py).
pytestmark = pytest.mark.database_independent


def test_the_mapped_reader_reads_as_a_file_does():
    data = bytes(random.Random(7).randrange(256) for _ in range(5000)) + b"one\ntwo\nend"
    ours, bytesio = _MappedReader(memoryview(data)), io.BytesIO(data)
    rng = random.Random(3)
    for _ in range(400):
        step = rng.choice(("read", "seek", "seek_rel", "seek_end", "readline", "tell"))
        if step == "read":
            size = rng.choice((-1, None, 0, 1, 4, 100, 9000))
            assert ours.read(size) == bytesio.read(size)
        elif step == "seek":
            where = rng.randrange(len(data) + 10)
            assert ours.seek(where) == bytesio.seek(where)
        elif step == "seek_rel":
            offset = rng.randrange(50)
            assert ours.seek(offset, 1) == bytesio.seek(offset, 1)
        elif step == "seek_end":
            assert ours.seek(-3, 2) == bytesio.seek(-3, 2)
        elif step == "readline":
            assert ours.readline() == bytesio.readline()
        assert ours.tell() == bytesio.tell()


def test_a_searcher_does_not_copy_the_index_into_memory(tmp_path):
    words = ["stainless", "bolt", "brass", "washer", "towel", "cotton", "pump", "valve",
             "bearing", "gear", "不鏽鋼", "螺栓", "烏龍茶"]
    rng = random.Random(11)
    documents = [{"id": str(n), "name": f"{rng.choice(words)} {rng.choice(words)} {n}",
                  "description": " ".join(rng.choice(words) + str(rng.randrange(10_000))
                                          for _ in range(120)),
                  "company_id": "1", "country": "TW"} for n in range(600)]
    backend = WhooshBackend(tmp_path)
    backend.rebuild("products", documents)
    index_size = sum(f.stat().st_size for f in (tmp_path / "products").glob("*.seg"))
    assert index_size > 2_000_000

    tracemalloc.start()
    try:
        results = backend.search("products", SearchRequest(text="stainless bolt"))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert results.total > 0 and results.hits[0].highlight["name"]
    # The searcher stays open (shared) after the search: what it holds is far below the
    # files' size (a copy of them was more than their size).
    assert held < index_size / 4, (held, index_size)

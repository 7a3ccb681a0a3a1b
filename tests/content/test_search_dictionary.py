"""jieba's dictionary in its compact form answers as jieba's own dict does, so Chinese
text is segmented into the same words (and the index's words stay valid)."""

from __future__ import annotations

import random

import jieba
import pytest

from marketplace.content.search import analysis, dictionary
from marketplace.content.search.analysis import USER_DICTIONARY, trade_analyzer

# Uses no run's database: runs once per make test (tests/conftest.py).
pytestmark = pytest.mark.database_independent

TEXTS = ["不鏽鋼六角螺栓，M8 x 40，鍍鋅碳鋼螺帽與墊圈", "凍頂烏龍茶葉，台灣高山茶，每箱二十罐",
         "工業用離心泵浦、閘閥及滾珠軸承；中华人民共和国国务院",
         "自行車車架碟煞煞車來令片機油濾清器",
         "聚丙烯樹脂ABS塑膠粒，適用於建築、家具與船舶。自有工廠生產，純棉材質。"]


@pytest.fixture(scope="module")
def theirs():
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(USER_DICTIONARY))
    return tokenizer


@pytest.fixture(scope="module")
def ours():
    tokenizer = dictionary.CompactTokenizer()
    tokenizer.load_userdict(str(USER_DICTIONARY))
    return tokenizer


def test_every_word_and_beginning_has_jiebas_frequency(theirs, ours):
    assert ours.total == theirs.total
    wrong = [w for w, freq in theirs.FREQ.items() if ours.FREQ.get(w) != freq or w not in ours.FREQ]
    assert wrong == []
    rng = random.Random(5)
    chars = [w[0] for w in rng.sample(sorted(theirs.FREQ), 2000)] + ["\t", "\n", "a"]
    others = ["".join(rng.choice(chars) for _ in range(rng.randint(1, 5))) for _ in range(50_000)]
    wrong = [w for w in others + [""]
             if ours.FREQ.get(w, "-") != theirs.FREQ.get(w, "-")
             or (w in ours.FREQ) != (w in theirs.FREQ)]
    assert wrong == []
    with pytest.raises(KeyError):
        ours.FREQ["鏽鏽鏽鏽"]


def test_texts_are_cut_into_the_same_words(theirs, ours):
    for text in TEXTS:
        for mode in ("default", "search"):
            assert list(ours.tokenize(text, mode=mode)) == list(theirs.tokenize(text, mode=mode))


def test_the_analyzer_finds_the_words_jieba_found(theirs, monkeypatch):
    """Indexing and querying (the runs remembered, a second pass read from memory) give
    the words the analyzer gave over jieba's own dictionary."""
    analyzer = trade_analyzer()

    def words(mode):
        return [(t.text, t.startchar, t.endchar) for text in TEXTS
                for t in analyzer(text, mode=mode, chars=True)]

    analysis._remembered.cache_clear()
    ours = {mode: (words(mode), words(mode)) for mode in ("index", "query")}
    monkeypatch.setattr(analysis, "_jieba", theirs)
    analysis._remembered.cache_clear()
    try:
        for mode, (first, again) in ours.items():
            assert first == again == words(mode)
    finally:
        analysis._remembered.cache_clear()


def test_a_dictionary_listing_a_word_twice_keeps_its_last_frequency():
    lines = [b"\xe8\x9e\xba\xe6\xa0\x93 10 n", b"\xe8\x9e\xba 3", b"\xe8\x9e\xba\xe6\xa0\x93 20"]
    blobs, heads, total = dictionary.build(lines)
    frequencies = dictionary.CompactFrequencies(blobs, heads)
    assert (frequencies.get("螺栓"), frequencies.get("螺"), total) == (20, 3, 33)
    assert frequencies.get("栓") is None


def test_a_cache_file_another_user_could_write_is_not_read(tmp_path, monkeypatch):
    """The cache lives in the shared temporary folder: one others may write is ignored
    and the dictionary built from jieba's file; the app's own cache is read."""
    monkeypatch.setattr(dictionary.tempfile, "gettempdir", lambda: str(tmp_path))
    cache = dictionary._cache_path(dictionary._dictionary_path())
    planted = dictionary.build([b"\xe8\x9e\xba\xe6\xa0\x93 7"])  # 螺栓 7, nothing else
    dictionary._write(cache, planted)
    cache.chmod(0o666)
    frequencies, total = dictionary.load()
    assert total > 1_000_000 and frequencies.get("螺栓") != 7
    dictionary._write(cache, planted)  # written by us, 0600: read as it is
    frequencies, total = dictionary.load()
    assert (frequencies.get("螺栓"), total) == (7, 7)

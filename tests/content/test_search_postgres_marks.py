"""The PostgreSQL backend marks a hit's texts exactly as Whoosh's highlighter would from
the same words: its own merging and fragmenting (plain tuples, for speed) against
Whoosh's generators, token objects and ContextFragmenter, over generated texts."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from whoosh import highlight
from whoosh.analysis import Token

from marketplace.content.search.postgres_backend import (
    _highlights,
    _marked,
    _merged,
    _snippet_fragments,
    _spans,
)
from marketplace.content.search.whoosh_backend import (
    SNIPPET_CHARS,
    SNIPPET_SURROUND,
    MarkFormatter,
    SnippetFragmenter,
    _may_hold,
)

# Uses no run's database: runs once per make test (tests/conftest.py).
pytestmark = pytest.mark.database_independent

# Words of a catalog, some in the query's index form, some not; Chinese runs the trade
# dictionary cuts (不鏽鋼 + 螺栓), simplified forms the index folds, punctuation, and
# long words that push a snippet past its 240 characters.
PIECES = ["steel", "Steel", "stainless", "bolt", "bolts", "BOLT", "M8", "hex-bolt", "nut",
          "for", "the", "decks", "towel", "cotton", "不鏽鋼螺栓", "螺栓", "不锈钢", "烏龍茶",
          "凍頂烏龍茶", "每批檢驗", "，", "。", ", ", ". ", " & ", "<b>", "(", ")", "'s",
          "x" * 70, "specification" * 3, "1.5", "O'Neil", "  ", "\n"]
QUERY_WORDS = ["steel", "stainless", "bolt", "nut", "towel", "不鏽鋼", "螺栓", "烏龍茶", "茶"]

texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=80).map(" ".join) | \
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)
word_sets = st.sets(st.sampled_from(QUERY_WORDS), min_size=1, max_size=4).map(frozenset)


# Spans as an analyzer makes them: mostly one after another, some touching, some
# overlapping (jieba's words inside a longer one), long ones past a snippet's size.
spans = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "ab"]), st.integers(-3, 4),
                           st.integers(1, 90)), max_size=60).map(
    lambda steps: _laid_out(steps))


def _laid_out(steps) -> list[tuple[str, int, int]]:
    out, at = [], 0
    for word, gap, size in steps:
        start = max(0, at + gap)
        out.append((word, start, start + size))
        at = start + size
    return out


def whoosh_tokens(spans):
    """The spans as an analyzer yields them: one Token object, changed for each."""
    token = Token(positions=True, chars=True, removestops=False, mode="index")
    for position, (word, start, end) in enumerate(spans):
        token.text, token.pos, token.startchar, token.endchar = word, position, start, end
        token.boost, token.stopped = 1.0, False
        yield token


def whoosh_merged(spans, words):
    return highlight.Highlighter._merge_matched_tokens(
        highlight.set_matched_filter(whoosh_tokens(spans), words))


def described(fragments):
    return [(f.startchar, f.endchar, [(m.text, m.startchar, m.endchar) for m in f.matches])
            for f in fragments]


def whoosh_marked(text: str, words: frozenset[str], whole: bool) -> str:
    """Whoosh's own pipeline over the same words: what the backend did before."""
    if not _may_hold(text, words):
        return ""
    merged = whoosh_merged(_spans(text, words), words)
    fragmenter = highlight.WholeFragmenter(charlimit=None) if whole \
        else SnippetFragmenter(maxchars=SNIPPET_CHARS, surround=SNIPPET_SURROUND)
    fragments = highlight.top_fragments(fragmenter.fragment_tokens(text, merged), 2,
                                        highlight.BasicFragmentScorer(), highlight.FIRST,
                                        minscore=1)
    return MarkFormatter().format(fragments)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(spans=spans, words=st.sets(st.sampled_from(["a", "b", "c", "ab"])).map(frozenset))
def test_matched_words_merge_as_whoosh_merges_them(spans, words):
    assert _merged(spans, words) == [[t.text, t.startchar, t.endchar, t.matched]
                                     for t in whoosh_merged(spans, words)]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(spans=spans, words=st.sets(st.sampled_from(["a", "b", "c", "ab"])).map(frozenset))
# the edges: a fragment starting at the surround (60), one filled to exactly 240
@example(spans=[("a", 60, 61)], words=frozenset({"a"}))
@example(spans=[("a", 0, 100), ("a", 101, 241)], words=frozenset({"a"}))
def test_snippets_are_whooshs_context_fragments(spans, words):
    text = "x" * ((spans[-1][2] if spans else 0) + 10)
    tokens = _merged(spans, words)
    fragmenter = SnippetFragmenter(maxchars=SNIPPET_CHARS, surround=SNIPPET_SURROUND)
    expected = fragmenter.fragment_tokens(text, whoosh_merged(spans, words))
    assert described(_snippet_fragments(text, tokens)) == described(expected)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=texts, words=word_sets, whole=st.booleans())
def test_marks_equal_whooshs_highlighter_on_generated_texts(text, words, whole):
    assert _marked(text, words, whole) == whoosh_marked(text, words, whole)


@pytest.mark.parametrize("whole", [True, False])
@pytest.mark.parametrize(("text", "words"), [
    ("Stainless steel hex bolt M8x30, stainless steel bolts for decks",
     {"stainless", "steel", "bolt"}),
    ("不鏽鋼螺栓，每批檢驗。不鏽鋼材質" * 12, {"不鏽鋼", "螺栓"}),
    ("filler " * 60 + "steel bolt " + "filler " * 60 + "steel", {"steel", "bolt"}),
    # past Whoosh's 32,768-character limit the rest is not looked at
    ("word " * 7000 + "steel", {"steel"}),
    ("Heavy bolts & <nuts> for decks.", {"bolt", "nut"}),
])
def test_marks_equal_whooshs_highlighter_on_catalog_texts(text, words, whole):
    words = frozenset(words)
    assert _marked(text, words, whole) == whoosh_marked(text, words, whole)


def test_a_hits_marks_name_whole_and_the_snippet_from_the_description():
    marks = _highlights("products", {
        "name": "Stainless steel bolt <M8>", "name_zh": "不鏽鋼螺栓",
        "description": "Hex bolts in A2 stainless steel & zinc.",
    }, frozenset({"steel", "bolt"}))
    assert marks["name"] == "Stainless <mark>steel</mark> <mark>bolt</mark> &lt;M8&gt;"
    assert marks["name_zh"] == "不鏽鋼螺栓"  # no word of the query: escaped, unmarked
    # a snippet ends with its last word, as Whoosh's fragments do
    assert marks["snippet"] == ("Hex <mark>bolts</mark> in A2 stainless <mark>steel</mark>"
                                " &amp; zinc")

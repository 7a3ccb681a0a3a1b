"""jieba's dictionary in a compact form: about 5 MB where jieba's own takes 62 MB.

jieba keeps its dictionary as one dict holding every word and every beginning of a word
(498,000 short strings, each an object of its own): the largest part of a search node
after the app itself. Segmenting asks it two things about a piece of text: is it a word
or the beginning of one (``in``), and the word's frequency (``[]``, ``get``: 0 for a
beginning only, absent for neither). ``CompactFrequencies`` answers both from one string
per first character (per first two characters for the few characters that begin
thousands of words), a line per word, ``"<rest of the word>\\t<frequency>"``: a word is a
line that starts with its rest and a tab, a beginning of one any line that starts with
its rest. The answers are jieba's own, so words, and the index, stay the same.

A lookup is a substring search in C, a few times slower than a dict's; the analyzer
remembers the segmentation of the texts it saw last (``analysis``), so that is paid once
per distinct text. The strings are built from jieba's dictionary file once per machine
and kept in a cache file beside jieba's own (the temporary folder).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import jieba

# A first character whose words' lines would make a string longer than this is split
# by its second character (the longer the string, the longer a search in it takes).
SPLIT_CHARS = 8192
# Bump when the cache file's layout changes.
FORMAT = 1
_ABSENT = object()


class CompactFrequencies:
    """What jieba's ``FREQ`` dict answers (``in``, ``[]``, ``get``), from per-character
    strings; words added later (jieba's user dictionary) are kept in a small dict."""

    def __init__(self, blobs: dict[str, str], heads: dict[str, int]):
        self._blobs = blobs  # first character (or first two) -> its lines
        self._heads = heads  # a split first character -> its own frequency (0: none)
        self._added: dict[str, int] = {}

    def get(self, word: str, default=None):
        added = self._added.get(word, _ABSENT)
        if added is not _ABSENT:
            return added
        if not word or "\n" in word or "\t" in word:
            return default
        head = word[0]
        if head in self._heads:
            if len(word) == 1:
                return self._heads[head]
            key, rest = word[:2], word[2:]
        else:
            key, rest = head, word[1:]
        lines = self._blobs.get(key)
        if lines is None:
            return default
        found = lines.find(f"\n{rest}\t")
        if found < 0:
            # A beginning of a word: the key itself, or a line starting with the rest.
            return 0 if not rest or lines.find(f"\n{rest}") >= 0 else default
        start = found + len(rest) + 2
        return int(lines[start:lines.index("\n", start)])

    def __contains__(self, word: str) -> bool:
        return self.get(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found

    def __setitem__(self, word: str, frequency: int) -> None:
        self._added[word] = frequency


def build(lines: Iterable[bytes]) -> tuple[dict[str, str], dict[str, int], int]:
    """(blobs, heads, total) from the lines of a jieba dictionary ("word freq [tag]");
    as jieba's ``gen_pfdict``: a word listed twice keeps its last frequency, ``total``
    adds every line's."""
    by_head: dict[str, dict[str, int]] = {}
    total = 0
    for number, raw in enumerate(lines, 1):
        line = raw.strip().decode("utf-8")
        try:
            word, frequency = line.split(" ")[:2]
            frequency = int(frequency)
        except ValueError:
            raise ValueError(f"invalid dictionary entry at line {number}: {line}") from None
        total += frequency
        by_head.setdefault(word[0], {})[word[1:]] = frequency
    blobs: dict[str, str] = {}
    heads: dict[str, int] = {}
    for head, words in by_head.items():
        lines_of = _lines(words)
        if len(lines_of) <= SPLIT_CHARS:
            blobs[head] = lines_of
            continue
        heads[head] = words.pop("", 0)
        second: dict[str, dict[str, int]] = {}
        for rest, frequency in words.items():
            second.setdefault(rest[0], {})[rest[1:]] = frequency
        for char, rests in second.items():
            blobs[head + char] = _lines(rests)
    return blobs, heads, total


def _lines(words: dict[str, int]) -> str:
    return "\n" + "\n".join(f"{rest}\t{freq}" for rest, freq in sorted(words.items())) + "\n"


def _dictionary_path() -> Path:
    return Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)


def _cache_path(source: Path) -> Path:
    stat = source.stat()
    key = f"{FORMAT}|{SPLIT_CHARS}|{source}|{stat.st_size}|{stat.st_mtime_ns}".encode()
    return Path(tempfile.gettempdir()) / f"marketplace-jieba-{hashlib.md5(key).hexdigest()}.cache"


def load() -> tuple[CompactFrequencies, int]:
    """jieba's default dictionary as (frequencies, total): from the cache file, else
    built from the dictionary file (a second or two) and cached."""
    source = _dictionary_path()
    cache = _cache_path(source)
    try:
        with cache.open("rb") as file:
            if not _ours(file):
                raise ValueError(f"{cache} may have been written by another user")
            blobs, heads, total = marshal.load(file)
    except (OSError, EOFError, ValueError, TypeError):
        with source.open("rb") as file:
            blobs, heads, total = build(file)
        _write(cache, (blobs, heads, total))
    return CompactFrequencies(blobs, heads), total


def _ours(file) -> bool:
    """The temporary folder is shared: a cache file another user owns or could have
    written is not read (marshal trusts what it reads); the dictionary is built instead."""
    info = os.fstat(file.fileno())
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _write(cache: Path, data) -> None:
    """Written whole or not at all (another process may be reading it)."""
    try:
        handle, temporary = tempfile.mkstemp(dir=cache.parent, prefix=cache.name)
        with os.fdopen(handle, "wb") as file:
            marshal.dump(data, file)
        os.replace(temporary, cache)
    except OSError:  # no cache: the next process builds it again
        pass


class CompactTokenizer(jieba.Tokenizer):
    """jieba's tokenizer over ``CompactFrequencies`` (the default dictionary only)."""

    def initialize(self, dictionary=None):
        with self.lock:
            if not self.initialized:
                self.FREQ, self.total = load()
                self.initialized = True

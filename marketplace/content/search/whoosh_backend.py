"""The Whoosh backend: one on-disk index per kind (products, companies).

Whoosh allows one writer per index. Every write here goes through ``_writing``:
a lock held by this process (threads of one process queue behind it) and then
Whoosh's own file lock, waited for up to ``SEARCH_WRITE_TIMEOUT`` seconds
(``writer(timeout=...)``). A writer that cannot get the lock raises ``IndexBusy``
and writes nothing; the caller (``indexing``) keeps the ids for a later attempt,
so no update is ever dropped. Readers never wait for a writer.

Searching shares one searcher per kind in the process (``_searching``): opening one
costs about half of a query on a large index, and its caches (field lengths, sort
columns) are the query's temporary memory. Searches of one kind take turns on it:
Whoosh's searcher is not safe for threads reading it at once (sync workers never wait;
threads would have taken turns anyway under the GIL, pure Python as Whoosh is). A
search first checks the index's generation and opens a new searcher when a commit
changed it, so a change is visible to the next search; the replaced searcher is closed
when its last search ends.
Whoosh's ``Searcher.refresh()`` is not used: Whoosh-Reloaded 2.7.5 reuses a segment's
reader by segment name, keeping that segment's old deletions (an updated product would
be found in both versions) and the segments a merge removed.

Documents are plain dicts built by ``indexing`` from the database; this module
knows Whoosh and nothing of SQLAlchemy.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
import threading
import weakref
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from whoosh import collectors, highlight, index, qparser, query, sorting
from whoosh.codec.base import Segment
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile
from whoosh.index import LockError
from whoosh.util import IDCHARS
from whoosh.writing import CLEAR

from marketplace.content.search.analysis import (
    _PIECES,
    FOLD,
    spelling_analyzer,
    stem_latin,
    trade_analyzer,
)

log = logging.getLogger(__name__)


def _segment_id(cls, size: int = 16) -> str:
    return "".join(secrets.choice(IDCHARS) for _ in range(size))


# Whoosh names new segments from the global ``random`` module: code that seeds it (a
# benchmark's reproducible data, Hypothesis in the tests) makes the next segment's name
# repeat an existing one, and the commit fails. Names from ``secrets`` never repeat.
Segment._random_id = classmethod(_segment_id)


class _MappedReader:
    """A read-only file over a buffer (a part of a mapped segment file), read in place."""

    __slots__ = ("_view", "_pos", "_size")

    def __init__(self, buffer):
        self._view = memoryview(buffer)
        self._pos = 0
        self._size = len(self._view)

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = self._size if size is None or size < 0 else min(start + size, self._size)
        if end <= start:
            return b""
        self._pos = end
        return self._view[start:end].tobytes()

    def readline(self, size: int | None = -1) -> bytes:
        end = self._size if size is None or size < 0 else min(self._pos + size, self._size)
        found = self._view[self._pos:end].tobytes().find(b"\n")
        return self.read(found + 1 if found >= 0 else end - self._pos)

    def seek(self, where: int, whence: int = 0) -> int:
        self._pos = (where if whence == 0 else self._pos + where if whence == 1
                     else self._size + where)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


class _MappedFile(BufferFile):
    """A file inside a segment's mapped compound file. Whoosh's ``BufferFile`` copies its
    whole buffer into a BytesIO when opened, so a searcher held a copy of every posting,
    term and stored-field file of the index (140 MB at 100k products) on top of the map's
    pages: this one reads the map in place, and only the pages a search reads are loaded."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _MappedReader(buf)

    def subset(self, position, length, name=None):
        return _MappedFile(self._buf[position:position + length], name=name or self._name)


# The compound file's ``open_file`` makes its sub-files with this name.
compound.BufferFile = _MappedFile

# Bump when a schema changes: a new name makes a new, empty index (run `flask reindex`).
SCHEMA_VERSION = 1
KINDS = ("products", "companies")

# How much a match counts, by field: name > attributes > description.
PRODUCT_FIELD_BOOSTS = {"name": 5.0, "name_zh": 5.0, "sku": 5.0, "attributes": 2.5,
                        "category_text": 1.5, "description": 1.0, "description_zh": 1.0}
COMPANY_FIELD_BOOSTS = {"name": 5.0, "category_text": 2.0, "certifications": 1.5,
                        "description": 1.0, "description_zh": 1.0}
# At most this many hits are ranked for one request (page x per_page beyond it: empty page).
MAX_RANKED = 10_000
# A query whose words all match fewer hits than this gets a spelling suggestion, if any.
FEW_HITS = 3
# Misspelt words whose closest word is remembered, per searcher (a bound on memory).
MAX_CORRECTIONS = 2048
# A word this long or longer also finds the products whose SKU starts with it ("BX-0123"
# finds BX-01234 and BX-0123-A), as an ERP's item search does; shorter ones would expand
# to a large part of the catalog's codes.
CODE_PREFIX_MIN = 3
# The field holding item codes (products only), matched whole or by prefix.
CODE_FIELD = "sku"


class IndexBusy(Exception):
    """Another writer held the index longer than the write timeout; nothing was written."""


def product_schema() -> Schema:
    text = trade_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        sku=KEYWORD(lowercase=True, scorable=True),
        name=TEXT(analyzer=text, stored=True),
        name_zh=TEXT(analyzer=text, stored=True),
        attributes=TEXT(analyzer=text, stored=True),
        description=TEXT(analyzer=text, stored=True),
        description_zh=TEXT(analyzer=text, stored=True),
        category_text=TEXT(analyzer=text),
        spell=TEXT(analyzer=spelling_analyzer(), phrase=False),
        company_id=ID(stored=True, sortable=True),
        country=ID(stored=True, sortable=True),
        category_id=ID(stored=True, sortable=True),
        category_path=KEYWORD(commas=True),
        currency=ID(stored=True),
        # The lowest tier's unit price in ten-thousandths (exact: prices have 4 decimals).
        price=NUMERIC(numtype=int, bits=64, stored=True, sortable=True),
        published=NUMERIC(numtype=int, bits=64, sortable=True),
    )


def company_schema() -> Schema:
    text = trade_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        name=TEXT(analyzer=text, stored=True),
        description=TEXT(analyzer=text, stored=True),
        description_zh=TEXT(analyzer=text, stored=True),
        certifications=TEXT(analyzer=text, stored=True),
        category_text=TEXT(analyzer=text),
        spell=TEXT(analyzer=spelling_analyzer(), phrase=False),
        country=ID(stored=True, sortable=True),
        category_ids=KEYWORD(commas=True),
        category_path=KEYWORD(commas=True),
        roles=KEYWORD(commas=True),
    )


SCHEMAS: dict[str, Callable[[], Schema]] = {"products": product_schema,
                                            "companies": company_schema}
FIELD_BOOSTS = {"products": PRODUCT_FIELD_BOOSTS, "companies": COMPANY_FIELD_BOOSTS}
FACET_FIELDS = {
    "products": {"category": "category_id", "country": "country", "supplier": "company_id"},
    "companies": {"category": "category_ids", "country": "country"},
}
# Facet fields a document may hold several values of: Whoosh counts them.
OVERLAPPING_FACETS = {"category_ids"}
HIGHLIGHT_NAME_FIELDS = {"products": ("name", "name_zh"), "companies": ("name",)}
HIGHLIGHT_TEXT_FIELDS = {"products": ("description", "description_zh", "attributes"),
                         "companies": ("description", "description_zh", "certifications")}
# A snippet: up to 240 characters around the matches, 60 of them on each side.
SNIPPET_CHARS, SNIPPET_SURROUND = 240, 60


# ----- what a search answers ------------------------------------------------------------


@dataclass
class RawHit:
    id: int
    score: float
    highlight: dict[str, str]


@dataclass
class RawResults:
    hits: list[RawHit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    # The words (lower-cased) that were also looked up as item-code prefixes, so the
    # caller can mark the part of a SKU they matched.
    codes: list[str] = field(default_factory=list)
    # True when there are more hits than ``total`` (the count stopped at its cap; the
    # facets then count the hits up to the cap).
    total_capped: bool = False
    # When set, the hits' highlights are left to the caller: this makes them from a
    # hit's texts (name, name_zh, description, description_zh, attributes), read with
    # the page's rows.
    highlighter: Callable[[dict], dict[str, str]] | None = None


@dataclass
class SearchRequest:
    """A search against one kind's index. ``terms``: exact-value filters by field
    (several values of one field: any of them); ``ranges``: inclusive bounds."""

    text: str = ""
    terms: dict[str, str] = field(default_factory=dict)
    ranges: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"  # or "price", "-price", "newest"


class MarkFormatter(highlight.HtmlFormatter):
    """Matched words in <mark>, the rest HTML-escaped (Whoosh escapes the text between)."""

    def __init__(self):
        super().__init__(between=" … ")

    def format_token(self, text, token, replace=False):
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"


class SnippetFragmenter(highlight.ContextFragmenter):
    """Whoosh's context fragments, but one that starts near the beginning of the text
    starts at its beginning (not at the first word, after a bracket or a quote)."""

    def fragment_tokens(self, text, tokens):
        for fragment in super().fragment_tokens(text, tokens):
            if fragment.startchar <= self.surround:
                fragment.startchar = 0
            yield fragment


# ----- the backend ----------------------------------------------------------------------


class WhooshBackend:
    def __init__(self, directory: str | Path, write_timeout: float = 10.0):
        self.directory = Path(directory)
        self.write_timeout = write_timeout
        self._indexes: dict[str, index.Index] = {}
        self._open_lock = threading.Lock()
        self._shared: dict[str, _SharedSearcher] = {}
        self._shared_lock = threading.Lock()
        # Searches of one kind take turns on its searcher: Whoosh's is not safe for
        # threads reading it at once (a posting block read through another thread's
        # file position: "incomplete or truncated stream", a 500). Re-entrant: a search
        # may look a document up inside another.
        self._turns = {kind: threading.RLock() for kind in KINDS}
        # Each kind's facet values by document, per segment (searches take turns on it).
        self._facet_columns: dict[str, _FacetColumns] = {}
        # How many searchers were opened (tests and benchmarks read it).
        self.searchers_opened = 0

    # -- opening ---------------------------------------------------------------------

    def _path(self, kind: str) -> Path:
        return self.directory / kind

    def _index(self, kind: str) -> index.Index:
        """The kind's index, created empty on first use."""
        if kind not in SCHEMAS:
            raise ValueError(f"unknown index kind {kind!r}")
        ix = self._indexes.get(kind)
        if ix is None:
            with self._open_lock:
                ix = self._indexes.get(kind)
                if ix is None:
                    path = self._path(kind)
                    path.mkdir(parents=True, exist_ok=True)
                    name = f"{kind}_v{SCHEMA_VERSION}"
                    if index.exists_in(str(path), indexname=name):
                        ix = index.open_dir(str(path), indexname=name)
                    else:
                        ix = index.create_in(str(path), SCHEMAS[kind](), indexname=name)
                    self._indexes[kind] = ix
        return ix

    def doc_count(self, kind: str) -> int:
        return self._index(kind).doc_count()

    def stored_values(self, kind: str, ids: Iterable[int], fieldname: str) -> dict[int, str]:
        """``fieldname`` as stored for each of ``ids`` that is in the index."""
        found = {}
        with self._searching(kind) as searcher:
            for ident in ids:
                document = searcher.document(id=str(ident))
                if document is not None:
                    found[ident] = document.get(fieldname)
        return found

    @contextmanager
    def _searching(self, kind: str):
        """The process's searcher for the kind, up to date with the last commit; one
        opened for an older generation is replaced, and closed once no search uses it."""
        ix = self._index(kind)
        with self._turns[kind], self._search_with(kind, ix) as searcher:
            self._facet_columns.setdefault(kind, _FacetColumns())
            yield searcher

    @contextmanager
    def _search_with(self, kind: str, ix: index.Index):
        with self._shared_lock:
            shared = self._shared.get(kind)
            if shared is None or not shared.searcher.up_to_date():
                if shared is not None:
                    shared.retire()
                shared = self._shared[kind] = _SharedSearcher(ix.searcher())
                self.searchers_opened += 1
            shared.users += 1
        try:
            yield shared.searcher
        finally:
            with self._shared_lock:
                shared.release()

    def _corrections(self, kind: str, searcher) -> dict[str, str | None]:
        """The closest word found for each misspelt word, kept while ``searcher`` is the
        kind's current one (a misspelt query's next page or facet asks again)."""
        shared = self._shared.get(kind)
        return shared.corrections if shared is not None and shared.searcher is searcher else {}

    # -- writing ---------------------------------------------------------------------

    @contextmanager
    def _writing(self, kind: str, *, replace_all: bool = False, **writer_options):
        """One writer at a time: this process's lock, then Whoosh's file lock, each
        waited for up to the write timeout. Commits when the block ends, writes
        nothing when it raises. ``replace_all``: the documents written replace the
        whole index (readers see the old one until the commit)."""
        process_lock = _process_lock(self._path(kind))
        if not process_lock.acquire(timeout=self.write_timeout):
            raise IndexBusy(kind)
        try:
            try:
                writer = self._index(kind).writer(timeout=self.write_timeout, delay=0.05,
                                                  **writer_options)
            except LockError as error:
                raise IndexBusy(kind) from error
            try:
                yield writer
                writer.commit(mergetype=CLEAR if replace_all else None)
            except BaseException:
                _abandon(writer)
                raise
        finally:
            process_lock.release()

    def apply(self, kind: str, upserts: Iterable[dict], deletions: Iterable[int] = (),
              delete_terms: Iterable[tuple[str, str]] = ()) -> None:
        """Add or replace ``upserts`` (by id), remove ``deletions`` (ids) and every
        document matching ``delete_terms``, in one commit."""
        with self._writing(kind) as writer:
            for fieldname, value in delete_terms:
                writer.delete_by_term(fieldname, value)
            for ident in deletions:
                writer.delete_by_term("id", str(ident))
            for document in upserts:
                writer.update_document(**document)

    def rebuild(self, kind: str, documents: Iterable[dict]) -> int:
        """Replace the whole index with ``documents`` in one commit; writers wait
        meanwhile (the lock is held throughout)."""
        count = 0
        with self._writing(kind, replace_all=True, limitmb=256) as writer:
            for document in documents:
                writer.add_document(**document)
                count += 1
        return count

    def clear(self, kind: str) -> None:
        self.rebuild(kind, ())

    # -- searching -------------------------------------------------------------------

    def _parser(self, kind: str, schema: Schema, group=qparser.OrGroup) -> qparser.QueryParser:
        """Words joined by ``group``: OR for ranking (each word its own clause), AND for
        the all-words query a spelling suggestion is measured with."""
        boosts = FIELD_BOOSTS[kind]
        # What qparser.MultifieldParser (a function) builds, with _WordParser's word rule.
        parser = _WordParser(None, schema, group=group)
        parser.add_plugin(qparser.MultifieldPlugin(list(boosts), fieldboosts=boosts))
        # Plain words, quotes, AND/OR/NOT and wildcards; field names and ranges would let a
        # buyer's query reach fields that are not meant to be searched.
        for plugin in (qparser.FieldsPlugin, qparser.RangePlugin, qparser.BoostPlugin,
                       qparser.GtLtPlugin):
            parser.remove_plugin_class(plugin)
        return parser

    def search(self, kind: str, request: SearchRequest) -> RawResults:
        with self._searching(kind) as searcher:
            # The searcher's schema: ``Index.schema`` reads the index's table of contents
            # from disk each time, and a commit meanwhile may have deleted that file.
            schema = searcher.schema
            text = request.text.strip()
            code_field = CODE_FIELD if CODE_FIELD in schema.names() else None
            words = _words(self._parser(kind, schema), text, code_field) if text else None
            user_query = words.query if words else query.Every()
            filters = _filter_query(request)
            # A field with one value a document is counted from the hits (``_FacetColumns``);
            # Whoosh counts the others (a company's categories) while it collects.
            counted = {name: fieldname for name, fieldname in FACET_FIELDS[kind].items()
                       if fieldname not in OVERLAPPING_FACETS}
            facets = {name: sorting.FieldFacet(fieldname, maptype=sorting.Count,
                                               allow_overlap=True)
                      for name, fieldname in FACET_FIELDS[kind].items() if name not in counted}
            limit = min(request.page * request.per_page, MAX_RANKED)
            # The words to mark are the query's (read once below), not the terms Whoosh
            # would record for every hit (terms=True: a list per matching document).
            order: list[sorting.FacetType] = []
            if request.sort in ("price", "-price") and kind == "products":
                order.append(sorting.FieldFacet("price", reverse=request.sort == "-price"))
            elif request.sort == "newest" and kind == "products":
                order.append(sorting.FieldFacet("published", reverse=True))
            coverage = _Coverage(searcher, words.counted) if words and len(words.counted) > 1 \
                else None
            if coverage is not None:
                # All the words first, then most words (scores alone let one word repeated
                # in a name outrank all three); within a tier the chosen order.
                order.insert(0, sorting.FunctionFacet(coverage.key))
            if order:  # relevance last: it breaks ties, and is the hit's score to report
                ranking = collectors.SortingCollector(
                    sorting.MultiFacet([*order, sorting.ScoreFacet()]), limit=max(limit, 1))
            else:  # every hit seen (a top-N collector skips some): the facets count them
                ranking = collectors.UnlimitedCollector()
            found = _HitsCollector(ranking)
            collector = collectors.FacetCollector(found, facets) if facets else found
            if filters is not None:
                collector = collectors.FilterCollector(collector, filters)
            searcher.search_with_collector(user_query, collector)
            results = collector.results()
            total = len(results)
            start = (request.page - 1) * request.per_page
            hits = []
            if start < limit:
                marks = _field_words(user_query, searcher) if text else {}
                for hit in results[start:start + request.per_page]:
                    hits.append(RawHit(id=int(hit["id"]), score=_score(hit),
                                       highlight=_highlights(kind, hit, marks, schema)))
            facet_counts = {name: {str(k): v for k, v in results.groups(name).items()
                                   if k is not None}
                            for name in facets}
            columns = self._facet_columns.get(kind)
            for name, fieldname in counted.items():
                facet_counts[name] = columns.count(searcher, fieldname, found.docnums)
            suggestion = None
            all_words = coverage.complete(found.docnums) if coverage else total
            if text and all_words < FEW_HITS:
                suggestion = _suggestion(searcher, self._parser(kind, schema, qparser.AndGroup),
                                         list(FIELD_BOOSTS[kind]), text, all_words, filters,
                                         self._corrections(kind, searcher))
            return RawResults(hits=hits, total=total, facets=facet_counts,
                              suggestion=suggestion, codes=words.codes if words else [])


class _SharedSearcher:
    """A searcher used by several searches at once (threads of one process): closed
    when it has been replaced and the last search using it ends. The backend's lock
    guards ``users`` and ``replaced``."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.users = 0
        self.replaced = False
        self.corrections: dict[str, str | None] = {}

    def retire(self) -> None:
        self.replaced = True
        if self.users == 0:
            self.searcher.close()

    def release(self) -> None:
        self.users -= 1
        if self.replaced and self.users == 0:
            self.searcher.close()


class _HitsCollector(collectors.WrappingCollector):
    """Passes every hit on to the ranking, keeping its number (``docnums``, the whole
    index's numbering): the facets are counted from them."""

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.docnums = array("I")

    def collect(self, sub_docnum):
        self.docnums.append(self.offset + sub_docnum)
        return self.child.collect(sub_docnum)


class _FacetColumns:
    """A facet field's value for every document of a segment, as a number into the
    field's values: a search counts its hits' values in C (``Counter`` over the hits'
    numbers) where Whoosh's grouping read each hit's value in Python while collecting
    (about 10 ms of a 15 ms search for 1,700 hits at 100k products). Read once per segment
    and field (a segment never changes; a commit adds or merges segments), about 4 bytes
    a document; a segment no longer searched is forgotten."""

    def __init__(self):
        self._segments: dict[tuple[str, str], array] = {}  # (segment id, field) -> numbers
        self._names: dict[str, list] = {}  # field -> its values, by number
        self._numbers: dict[str, dict] = {}  # field -> value -> number
        self._searcher = None
        self._joined: dict[str, array] = {}  # field -> numbers of the searcher's documents

    def count(self, searcher, fieldname: str, docnums) -> dict[str, int]:
        """{value: how many of ``docnums``} (documents numbered as ``searcher`` numbers
        them), as Whoosh's FieldFacet counts them; documents without a value not counted."""
        if not docnums:
            return {}
        numbers = self._column(searcher, fieldname)
        names = self._names[fieldname]
        counts = Counter(map(numbers.__getitem__, docnums))
        return {str(names[number]): count for number, count in counts.items()
                if names[number] is not None}

    def _column(self, searcher, fieldname: str) -> array:
        if self._searcher is None or self._searcher() is not searcher:
            self._searcher, self._joined = weakref.ref(searcher), {}
            current = {_segment_key(leaf) for leaf, _ in _leaves(searcher)}
            self._segments = {key: numbers for key, numbers in self._segments.items()
                              if key[0] in current}
        joined = self._joined.get(fieldname)
        if joined is None:
            joined = array("I")
            for leaf, _ in _leaves(searcher):
                key = (_segment_key(leaf), fieldname)
                if key not in self._segments:
                    self._segments[key] = self._read(searcher, leaf, fieldname)
                joined.extend(self._segments[key])
            self._joined[fieldname] = joined
        return joined

    def _read(self, searcher, leaf, fieldname: str) -> array:
        """The segment's documents' values (deleted ones too: docnums stay in place), read
        through Whoosh's own categorizer so each is the value Whoosh's grouping gives."""
        names = self._names.setdefault(fieldname, [])
        numbers = self._numbers.setdefault(fieldname, {})
        categorizer = sorting.FieldFacet(fieldname).categorizer(searcher)
        categorizer.set_searcher(leaf, 0)
        column = array("I")
        for docnum in range(leaf.reader().doc_count_all()):
            name = categorizer.key_to_name(categorizer.key_for(None, docnum))
            number = numbers.get(name)
            if number is None:
                number = numbers[name] = len(names)
                names.append(name)
            column.append(number)
        return column


def _leaves(searcher) -> list:
    """(segment searcher, docnum offset) for each segment, in docnum order."""
    return sorted(searcher.leaf_searchers(), key=lambda pair: pair[1])


def _segment_key(leaf) -> str:
    return leaf.reader().segment().segment_id()


class _WordParser(qparser.QueryParser):
    """A word the analyzer splits into several (不鏽鋼螺栓 into 不鏽鋼 and 螺栓, BX-0123 into
    bx and 0123) needs all of its pieces, whatever joins the words: it is one word typed."""

    def multitoken_query(self, spec, texts, fieldname, termclass, boost):
        return super().multitoken_query("and" if spec == "default" else spec, texts, fieldname,
                                        termclass, boost)


@dataclass
class _Words:
    query: query.Query
    counted: list[query.Query]  # one clause per word that ranks (stop words left out)
    codes: list[str]  # the words also looked up as item-code prefixes


def _words(parser: qparser.QueryParser, text: str, code_field: str | None) -> _Words:
    """The user's words as one clause each (any field; an item code also by prefix),
    any of them matching; NOT-ed words exclude."""
    parsed = parser.parse(text, normalize=False).accept(_positional(parser.schema))
    parts = list(parsed.subqueries) if isinstance(parsed, query.Or) else [parsed]
    clauses, excluded, codes = [], [], []
    for part in parts:
        if isinstance(part, query.Not):
            excluded.append(part.query)
            continue
        code = _code_term(part, code_field)
        if code is not None and len(code) >= CODE_PREFIX_MIN:
            part = query.Or([*part.subqueries, query.Prefix(code_field, code)])
            codes.append(code)
        part = part.normalize()
        if part is not query.NullQuery:
            clauses.append(part)
    # A stop word ("for") is left only in the code field: it neither ranks nor excludes.
    counted = [c for c in clauses if {t[0] for t in c.iter_all_terms()} - {code_field}]
    if not clauses:
        found = query.Every() if excluded else query.NullQuery
    else:
        found = clauses[0] if len(clauses) == 1 else query.Or(clauses)
    if excluded:
        found = query.AndNot(found, query.Or(excluded).normalize())
    return _Words(query=found, counted=counted or clauses, codes=codes)


def _positional(schema: Schema) -> Callable[[query.Query], query.Query]:
    """A phrase ("stainless steel", quoted) is looked for only in fields that keep the
    words' positions: the code field does not, and a phrase there made Whoosh raise."""

    def keep(node: query.Query) -> query.Query:
        if isinstance(node, query.Phrase) and not schema[node.fieldname].format.supports(
                "positions"):
            return query.NullQuery
        return node

    return keep


def _code_term(part: query.Query, code_field: str | None) -> str | None:
    """The word as the code field has it, when ``part`` is a plain word over the fields."""
    if code_field is None or not isinstance(part, query.Or):
        return None
    for sub in part.subqueries:
        if isinstance(sub, query.Term) and sub.fieldname == code_field:
            return sub.text
    return None


class _Coverage:
    """How many of the words each document matches (documents by global number)."""

    def __init__(self, searcher, clauses: list[query.Query]):
        self.matches = [set(searcher.docs_for_query(clause)) for clause in clauses]

    def count(self, docnum: int) -> int:
        return sum(docnum in ids for ids in self.matches)

    def key(self, searcher, docnum: int) -> int:
        return -self.count(docnum)  # sorted ascending: most words first

    def complete(self, docnums: Iterable[int]) -> int:
        """How many of ``docnums`` match every word."""
        everyone = len(self.matches)
        return sum(1 for docnum in docnums if self.count(docnum) == everyone)


def _score(hit) -> float:
    """The hit's relevance: sorted hits report their sort key, whose last part is the
    negated score."""
    if isinstance(hit.score, tuple):
        return -float(hit.score[-1] or 0.0)
    return hit.score or 0.0


def _filter_query(request: SearchRequest) -> query.Query | None:
    clauses: list[query.Query] = []
    for fieldname, value in request.terms.items():
        values = value if isinstance(value, list | tuple) else [value]
        terms = [query.Term(fieldname, str(v)) for v in values]
        clauses.append(terms[0] if len(terms) == 1 else query.Or(terms))
    for fieldname, (low, high) in request.ranges.items():
        if low is not None or high is not None:
            clauses.append(query.NumericRange(fieldname, low, high))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else query.And(clauses)


def _field_words(user_query: query.Query, searcher) -> dict[str, frozenset[str]]:
    """The words to mark in each field: the query's terms that the index holds (a prefix
    or wildcard expanded to the words it matched), as the highlighter compares them."""
    # Not Query.existing_terms: its loop reuses its ``fieldname`` argument, so it keeps
    # only the first field's terms (Whoosh-Reloaded 2.7.5).
    schema, reader = searcher.schema, searcher.reader()
    words: dict[str, set[str]] = {}
    for leaf in user_query.leaves():
        for fieldname, text in leaf.expanded_terms(reader):
            if fieldname not in schema:
                continue
            try:
                btext = schema[fieldname].to_bytes(text)
            except ValueError:
                continue
            if (fieldname, btext) in reader:
                words.setdefault(fieldname, set()).add(schema[fieldname].from_bytes(btext))
    return {name: frozenset(found) for name, found in words.items()}


def _highlights(kind: str, hit, marks: dict[str, frozenset[str]], schema: Schema
                ) -> dict[str, str]:
    """HTML for each name field (the whole text, matches marked) and a ``snippet``:
    the best fragment of the longer texts, or their beginning when nothing matched there."""
    out: dict[str, str] = {}
    for name in HIGHLIGHT_NAME_FIELDS[kind]:
        value = hit.get(name) or ""
        marked = _marked(value, marks.get(name), schema[name].analyzer,
                         highlight.WholeFragmenter(charlimit=None)) if value else ""
        out[name] = marked or html.escape(value, quote=False)
    snippet = ""
    for name in HIGHLIGHT_TEXT_FIELDS[kind]:
        value = hit.get(name)
        if value:
            snippet = _marked(value, marks.get(name), schema[name].analyzer,
                              SnippetFragmenter(maxchars=SNIPPET_CHARS,
                                                surround=SNIPPET_SURROUND))
            if snippet:
                break
    if not snippet:
        first = next((hit.get(n) for n in HIGHLIGHT_TEXT_FIELDS[kind] if hit.get(n)), "")
        snippet = html.escape(_shorten(first, 240), quote=False)
    out["snippet"] = snippet
    return out


def _marked(text: str, words: frozenset[str] | None, analyzer, fragmenter) -> str:
    """``text`` with ``words`` marked in its best two fragments, as Whoosh's highlighter
    marks a hit (re-analysed, matching tokens merged, fragments scored); "" when none of
    the words is in it. A text that cannot hold one is not analysed at all: for a Chinese
    query most of a page's texts are English (and the other way round)."""
    if not words or not _may_hold(text, words):
        return ""
    tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
    tokens = highlight.Highlighter._merge_matched_tokens(
        highlight.set_matched_filter(tokens, words))
    fragments = highlight.top_fragments(fragmenter.fragment_tokens(text, tokens), 2,
                                        highlight.BasicFragmentScorer(), highlight.FIRST,
                                        minscore=1)
    return MarkFormatter().format(fragments)


def _may_hold(text: str, words: frozenset[str]) -> bool:
    """Whether the analyzer can find one of ``words`` in ``text``: a Chinese word is part
    of a run of Chinese (jieba's words are pieces of the run), a Latin word is the index
    form of one of the text's words."""
    chinese = [word for word in words if not word.isascii()]
    for piece in _PIECES.finditer(text):
        run = piece.group("cjk")
        if run:
            if chinese and any(word in run.translate(FOLD) for word in chinese):
                return True
        elif _index_form(piece.group("word")) in words:
            return True
    return False


@lru_cache(maxsize=50_000)
def _index_form(word: str) -> str:
    """A word of Latin letters or digits as the index holds it (lower-cased, stemmed)."""
    return stem_latin(word.lower().translate(FOLD))


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _suggestion(searcher, parser, fieldnames: list[str], text: str, total: int, filters,
                corrections: dict[str, str | None]) -> str | None:
    """The query with each unknown word replaced by the closest word of the names,
    when that finds more than the query as typed (``parser`` joins the words with AND,
    ``total`` is what all the words typed find). ``corrections``: the closest word
    already found for a word by this searcher (finding one is most of the cost)."""
    corrector = searcher.corrector("spell")
    reader = searcher.reader()
    text_fields = [name for name in fieldnames if isinstance(searcher.schema[name], TEXT)]
    changed = False

    def replace(match: re.Match) -> str:
        nonlocal changed
        word = match.group(0)
        lowered = word.lower()
        if len(lowered) < 3 or not lowered.isalpha() or not lowered.isascii():
            return word
        if reader.frequency("spell", lowered) or _known(reader, text_fields, lowered):
            return word
        if lowered in corrections:
            found = corrections[lowered]
        else:
            found = next(iter(corrector.suggest(lowered, limit=1, maxdist=2, prefix=1)), None)
            if len(corrections) < MAX_CORRECTIONS:
                corrections[lowered] = found
        if found is None:
            return word
        changed = True
        return found

    corrected = re.sub(r"[A-Za-z]+", replace, text)
    if not changed or corrected == text:
        return None
    # Counted, not ranked, and only up to one more than ``total``: the corrected query
    # can match a large part of the catalog (a scored search counted it twice).
    allowed = set(searcher.docs_for_query(filters)) if filters is not None else None
    found = 0
    corrected_query = parser.parse(corrected).accept(_positional(searcher.schema))
    for docnum in searcher.docs_for_query(corrected_query):
        if allowed is None or docnum in allowed:
            found += 1
            if found > total:
                return corrected
    return None


def _known(reader, fieldnames: list[str], word: str) -> bool:
    """Whether the word, as the index stores it (stemmed: "bolts" is "bolt"), is indexed."""
    stored = stem_latin(word)
    return any(reader.frequency(name, stored) for name in fieldnames)


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _abandon(writer) -> None:
    """Drop a failed writer's work and free the index. Whoosh's ``cancel`` can itself
    fail on a half-written segment, and then keeps the file lock for as long as the
    writer lives (a traceback that holds it keeps the index locked for good)."""
    try:
        writer.cancel()
    except Exception:  # the lock below is what matters; the segment is thrown away
        log.warning("search index writer could not cancel cleanly", exc_info=True)
    lock = getattr(writer, "writelock", None)
    if lock is not None and getattr(lock, "fd", None) is not None:
        lock.release()


def _process_lock(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(str(path.resolve()), threading.Lock())

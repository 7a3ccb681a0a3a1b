"""The PostgreSQL full-text backend: the same answers as ``whoosh_backend``, from tables
in the application's database, so every app node searches the same data.

Words. Each public product and active company has a row (``tables``) whose ``vector``
holds its words exactly as the Whoosh index has them: ``analysis.trade_analyzer``
(English lower-cased and Porter-stemmed, Chinese segmented by jieba with the trade
dictionary), stored as lexemes with positions and a weight per field (name A,
specifications B, category names C, descriptions D: the Whoosh boosts' order) — no
PostgreSQL text-search configuration is involved, so both backends find the same.

In step. ``receivers`` gather the ids a transaction changes and, just before it commits,
``write`` reads those rows (locked: a concurrent change of the same product waits, and
is read after it committed) and writes their search rows in that same transaction. A
search sees a change exactly when its transaction commits; a rollback takes the rows
along; nobody holds a writer lock beyond the rows themselves.

Searching. A word matches its pieces (all of them: 不鏽鋼螺栓 is 不鏽鋼 and 螺栓, BX-0123
is bx and 0123) or an item code it begins (3+ characters; ``lower(sku) LIKE 'bx-0123%'``
on a text_pattern_ops index); hits with all the words first, then most words, then the
chosen order, then ``ts_rank`` with the field weights. The companies' status and
country are read from ``companies`` at search time (a suspension shows at once). The
total and the facets come from one grouped count over the hits; only the page is
ranked in full when the query has one word or a sort (``_page``), and a spelling
suggestion is looked for only when fewer than ``FEW_HITS`` hits have all the words:
the closest name word by trigram similarity (``pg_trgm``) within two edits.

Highlights are made as the Whoosh backend makes them (the same words, merged, fragmented,
scored and formatted as Whoosh's highlighter does, with Whoosh's fragments, scorer and
formatter), so the API answers the same marks.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, partial

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    delete,
    event,
    false,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import cast, literal_column
from whoosh import highlight

from marketplace.content.search.analysis import (
    _PIECES,
    FOLD,
    _cjk_words,
    spelling_analyzer,
    stem_latin,
    trade_analyzer,
)
from marketplace.content.search.tables import CompanySearchRow, ProductSearchRow, SearchWord
from marketplace.content.search.whoosh_backend import (
    CODE_PREFIX_MIN,
    FEW_HITS,
    HIGHLIGHT_NAME_FIELDS,
    HIGHLIGHT_TEXT_FIELDS,
    MAX_RANKED,
    SNIPPET_CHARS,
    SNIPPET_SURROUND,
    MarkFormatter,
    RawHit,
    RawResults,
    SearchRequest,
    _index_form,
    _may_hold,
    _shorten,
)
from marketplace.core.pagination import count_cap
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus

# ts_rank's weights for D, C, B, A: descriptions 1, category names 1.5, specifications
# 2.5, names 5 (PRODUCT_FIELD_BOOSTS), over 5.
RANK_WEIGHTS = "{0.2,0.3,0.5,1.0}"
# A SKU equal to the word typed, or beginning with it, adds to a hit's rank.
CODE_EXACT, CODE_PREFIX = 1.0, 0.5
# A lexeme keeps at most this many positions (PostgreSQL's limit is 256) ...
MAX_POSITIONS = 255
# ... and positions stop at PostgreSQL's largest.
MAX_POSITION = 16383
# Words of a name kept for spelling suggestions.
SPELL_WORD = re.compile(r"^[a-z]{3,60}$")
# Candidates compared by edit distance for one misspelt word.
CANDIDATES = 30
BATCH = 500
# Name words remembered as written, per kind and process (see _add_words).
MAX_WRITTEN_WORDS = 100_000
_written_words: dict[str, set[str]] = {}
_WORDS = "search_words_written"


@event.listens_for(Session, "after_commit")
def _words_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return
    for kind, words in session.info.pop(_WORDS, ()):
        known = _written_words.setdefault(kind, set())
        if len(known) + len(words) > MAX_WRITTEN_WORDS:
            known.clear()
        known |= words


@event.listens_for(Session, "after_rollback")
def _words_rolled_back(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_WORDS, None)

_analyzer = trade_analyzer()
_spelling = spelling_analyzer()
_formatter = MarkFormatter()


# ----- the words of a row ---------------------------------------------------------------


@lru_cache(maxsize=50_000)
def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


@lru_cache(maxsize=50_000)
def _piece_words(piece: str) -> tuple[str, ...]:
    """The analysed words of one piece of a text (a word, or a run of CJK characters)."""
    return tuple(token.text for token in _analyzer(piece, mode="index"))


def _words(text: str) -> list[str]:
    """The analysed words of a text, in order, analysed piece by piece: the tokenizer
    cuts a text into words and CJK runs, and every later step (lower case, fold, stop
    words, stemming, jieba within a run) sees one piece at a time, so a text's words are
    its pieces' words in turn. A piece's words are remembered: a catalog's names,
    specifications and descriptions repeat their words and Chinese runs row after row
    (stemming and jieba were about a millisecond a product; an import's names are
    different texts made of the same words)."""
    return [word for match in _PIECES.finditer(text) for word in _piece_words(match.group())]


def vector_text(fields: Iterable[tuple[str, str | None]]) -> str:
    """The ``tsvector`` (text form) of ``(weight, text)`` pairs: each analysed word with
    its positions, each position carrying its field's weight (A-D)."""
    positions: dict[str, list[str]] = {}
    position = 1
    for weight, text in fields:
        if not text:
            continue
        for word in _words(text):
            if word and len(word.encode()) < 1000:
                kept = positions.setdefault(word, [])
                if len(kept) < MAX_POSITIONS:
                    kept.append(f"{min(position, MAX_POSITION)}{weight}")
            position += 1
        position += 1  # fields do not run into each other
    return " ".join(f"{_lexeme(word)}:{','.join(at)}" for word, at in positions.items())


@lru_cache(maxsize=50_000)
def _spelling_piece(piece: str) -> tuple[str, ...]:
    return tuple(token.text for token in _spelling(piece) if SPELL_WORD.match(token.text))


def spelling_words(*texts: str | None) -> set[str]:
    """The words of names offered as corrections (Latin letters, as written), piece by
    piece as in ``_words``."""
    return {word for text in texts if text for match in _PIECES.finditer(text)
            for word in _spelling_piece(match.group())}


def product_row(document: dict) -> dict:
    """The search row of a product, from ``indexing.product_document``."""
    return {
        "product_id": int(document["id"]),
        "company_id": int(document["company_id"]),
        "category_id": int(document["category_id"]) if document.get("category_id") else None,
        "sku_key": (document.get("sku") or "").lower(),
        "currency": document.get("currency"),
        "price": document.get("price"),
        "published": document.get("published"),
        "vector": vector_text([
            ("A", document.get("name")), ("A", document.get("name_zh")),
            ("B", document.get("attributes")), ("C", document.get("category_text")),
            ("D", document.get("description")), ("D", document.get("description_zh"))]),
    }


def company_row(document: dict) -> dict:
    """The search row of a company, from ``indexing.company_document``."""
    ids = document.get("category_ids") or ""
    codes = document.get("category_path") or ""
    return {
        "company_id": int(document["id"]),
        "category_ids": f",{ids}," if ids else "",
        "category_path": f",{codes}," if codes else "",
        "vector": vector_text([
            ("A", document.get("name")), ("B", document.get("certifications")),
            ("C", document.get("category_text")), ("D", document.get("description")),
            ("D", document.get("description_zh"))]),
    }


# ----- the words of a query -------------------------------------------------------------


@dataclass
class _Word:
    lexemes: list[str]  # all of them must be there (the pieces of one typed word)
    code: str  # the word as typed, lower-cased: an item code

    @property
    def tsquery(self) -> str:
        """All the pieces, in one field (as Whoosh asks: wombat-2 is not "wombat" in
        the name and "2" in the specifications); fields are told apart by weight."""
        if len(self.lexemes) == 1:
            return _lexeme(self.lexemes[0])
        return " | ".join("(" + " & ".join(f"{_lexeme(lexeme)}:{weight}"
                                           for lexeme in self.lexemes) + ")"
                          for weight in "ABCD")

    @property
    def loose(self) -> str:
        """All the pieces, in any fields: what the GIN index is asked (see _found)."""
        return " & ".join(_lexeme(lexeme) for lexeme in self.lexemes)


@dataclass
class _Query:
    words: list[_Word]
    excluded: list[_Word]

    @property
    def counted(self) -> list[_Word]:
        """The words that rank (a stop word only looks for an item code)."""
        return [w for w in self.words if w.lexemes] or self.words

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(lexeme for word in self.words for lexeme in word.lexemes)

    @property
    def codes(self) -> list[str]:
        return [w.code for w in self.words if len(w.code) >= CODE_PREFIX_MIN]


_SYNTAX = "\"'()[]{}"


def parse(text: str) -> _Query:
    """Words separated by spaces, any of them matching; ``NOT word`` excludes; AND and
    OR are the query language's words and left out; quotes and brackets ignored."""
    words, excluded, negate = [], [], False
    for raw in text.split():
        if raw == "NOT":
            negate = True
            continue
        if raw in ("AND", "OR"):
            continue
        code = raw.strip(_SYNTAX).lower()
        lexemes = list(dict.fromkeys(t.text for t in _analyzer(raw, mode="query")))
        if not code and not lexemes:
            continue
        (excluded if negate else words).append(_Word(lexemes, code))
        negate = False
    return _Query(words, excluded)


def _tsquery(text: str):
    """The query as a constant of the statement, not a parameter: the planner then
    reads its words' frequencies (a word no row has takes the GIN index, where a
    parameter's LIMIT 1 scanned the table: 0.7 s at 1M). Written into the SQL as the
    statement runs (``literal_execute``; quotes doubled), so the compiled statement is
    kept for the next query of the same shape: compiled for each new text, a search
    with words nobody had asked before cost ~3 ms more. The text is made of the
    analyzer's words, already quoted as lexemes."""
    return cast(bindparam(None, text, type_=String, literal_execute=True), TSQUERY)


def _matches(vector, tsquery: str):
    return vector.op("@@", return_type=Boolean)(_tsquery(tsquery))


def _found(vector, words: list[_Word]):
    """The rows with any of ``words``, each word's pieces in one field. A GIN index
    knows no weights, and reads a lexeme's postings once for each time the query names
    it: a word of several pieces, asked as four weighted branches, read them four times
    (23 ms of a 48 ms search for 不鏽鋼螺栓 at 1M, against 8 ms). The index is asked for
    the pieces once, in any field; the weighted query, as a function the planner keeps
    off the index, then checks the rows the index found (it rechecks them anyway)."""
    exact = " | ".join(f"({w.tsquery})" for w in words)
    loose = " | ".join(f"({w.loose})" for w in words)
    if loose == exact:
        return _matches(vector, exact)
    return and_(_matches(vector, loose),
                func.ts_match_vq(vector, _tsquery(exact), type_=Boolean))


# ----- the backend ----------------------------------------------------------------------


_NO_JIT = db.text("SET LOCAL jit = off")


def search_count_cap() -> int:
    """How far a search counts its hits: ``SEARCH_COUNT_CAP``, else the lists' cap
    (``LIST_COUNT_CAP``, 10,000). Each hit counted is a row read."""
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get("SEARCH_COUNT_CAP"):
        return int(current_app.config["SEARCH_COUNT_CAP"])
    return count_cap()



class PostgresBackend:
    """Search in PostgreSQL (``SEARCH_BACKEND=postgres``, or by itself on PostgreSQL)."""

    name = "postgres"

    # -- writing (in the caller's transaction) ----------------------------------------

    def write(self, pending: dict[str, set[int]]) -> None:
        """Bring the rows of these ids in line with the database, in the current
        transaction (``receivers`` calls this just before commit)."""
        if pending.get("companies"):
            self.refresh("companies", pending["companies"])
        if pending.get("products"):
            self.refresh("products", pending["products"])

    def refresh(self, kind: str, ids: Iterable[int]) -> None:
        ids = sorted({int(i) for i in ids})
        if kind == "products":
            for start in range(0, len(ids), BATCH):
                self._refresh_products(ids[start:start + BATCH])
        elif kind == "companies":
            for start in range(0, len(ids), BATCH):
                self._refresh_companies(ids[start:start + BATCH])
        else:
            raise ValueError(f"unknown index kind {kind!r}")

    def _refresh_products(self, ids: list[int]) -> None:
        from marketplace.content.search.indexing import _Categories, locked_product_documents

        session = db.session
        rows, words = [], set()
        for document in locked_product_documents(ids, _Categories()):
            rows.append(product_row(document))
            words |= spelling_words(document.get("name"), document.get("name_zh"))
        gone = set(ids) - {row["product_id"] for row in rows}
        table = ProductSearchRow.__table__
        if gone:
            session.execute(delete(table).where(table.c.product_id.in_(gone)))
        if rows:
            statement = insert(table)
            session.execute(statement.on_conflict_do_update(
                index_elements=[table.c.product_id],
                set_={c: statement.excluded[c] for c in rows[0] if c != "product_id"}), rows)
        self._add_words("products", words)

    def _refresh_companies(self, ids: list[int]) -> None:
        from marketplace.content.models import Product
        from marketplace.content.search.indexing import _active_companies, _company_documents

        session = db.session
        active = session.scalars(_active_companies().where(Company.id.in_(ids))
                                 .execution_options(populate_existing=True)).unique().all()
        gone = set(ids) - {c.id for c in active}
        companies, products = CompanySearchRow.__table__, ProductSearchRow.__table__
        if gone:
            # Their products leave with them (the search also reads the status).
            session.execute(delete(companies).where(companies.c.company_id.in_(gone)))
            session.execute(delete(products).where(products.c.company_id.in_(gone)))
        if not active:
            return
        rows = [company_row(d) for d in _company_documents(list(active))]
        statement = insert(companies)
        session.execute(statement.on_conflict_do_update(
            index_elements=[companies.c.company_id],
            set_={c: statement.excluded[c] for c in rows[0] if c != "company_id"}), rows)
        self._add_words("companies", set().union(*(spelling_words(c.name) for c in active)))
        # A company that came back (approved again): its public products return.
        missing = list(session.scalars(select(Product.id).where(
            Product.company_id.in_([c.id for c in active]), Product.publicly_visible(),
            ~select(products.c.product_id).where(products.c.product_id == Product.id)
            .exists())))
        if missing:
            self.refresh("products", missing)

    def _add_words(self, kind: str, words: set[str]) -> None:
        # Words this process has already written are not written again (most updates
        # bring none); the memory is bounded, and forgotten by clear and rebuild.
        known = _written_words.setdefault(kind, set())
        words = words - known
        if words:  # sorted: two transactions adding the same words never deadlock
            db.session.execute(insert(SearchWord).on_conflict_do_nothing(),
                               [{"kind": kind, "word": w} for w in sorted(words)])
            db.session.info.setdefault(_WORDS, []).append((kind, words))  # once committed

    def rebuild(self, kind: str, documents: Iterable[dict]) -> int:
        """Replace every row of ``kind`` with ``documents`` in the current transaction
        (searches see the old rows until it commits)."""
        table = ProductSearchRow.__table__ if kind == "products" else \
            CompanySearchRow.__table__
        to_row = product_row if kind == "products" else company_row
        session = db.session
        session.execute(delete(table))
        session.execute(delete(SearchWord).where(SearchWord.kind == kind))
        _written_words.pop(kind, None)
        count, rows, words = 0, [], set()
        for document in documents:
            rows.append(to_row(document))
            words |= spelling_words(document.get("name"), document.get("name_zh"))
            if len(rows) == BATCH:
                session.execute(insert(table), rows)
                count += len(rows)
                rows = []
        if rows:
            session.execute(insert(table), rows)
            count += len(rows)
        self._add_words(kind, words)
        return count

    def clear(self, kind: str) -> None:
        table = ProductSearchRow.__table__ if kind == "products" else \
            CompanySearchRow.__table__
        db.session.execute(delete(table))
        db.session.execute(delete(SearchWord).where(SearchWord.kind == kind))
        _written_words.pop(kind, None)

    def doc_count(self, kind: str) -> int:
        table = ProductSearchRow.__table__ if kind == "products" else \
            CompanySearchRow.__table__
        return db.session.scalar(select(func.count()).select_from(table)) or 0

    # -- searching ---------------------------------------------------------------------

    def search(self, kind: str, request: SearchRequest) -> RawResults:
        if kind == "products":
            return _ProductSearch(request).run()
        if kind == "companies":
            return _CompanySearch(request).run()
        raise ValueError(f"unknown index kind {kind!r}")


@dataclass
class _Counted:
    """What a search's statement answers: the facets, the total (up to the cap + 1),
    the page's ids and scores, and how many hits have every word."""

    facets: dict[str, dict[str, int]]
    total: int
    page: list[tuple[int, float]]
    complete: int


class _Search:
    """One search: the hits' condition, their count and facets, the ranked page."""

    kind: str
    facet_names: tuple[str, ...]
    table: object
    key: object  # the row's id column

    def __init__(self, request: SearchRequest):
        self.request = request
        self.text = request.text.strip()
        self.query = parse(self.text) if self.text else None
        self.companies = Company.__table__

    # what each kind defines
    def filters(self) -> list:
        raise NotImplementedError

    def order(self) -> list:
        """The chosen order: ``(column, descending)`` pairs, nulls last."""
        return []

    def facet_keys(self) -> list:
        """The columns the facets are counted by."""
        raise NotImplementedError

    def add_facets(self, facets: dict[str, dict[str, int]], values: list, n: int) -> None:
        """Add ``n`` hits having the facet keys' ``values`` to ``facets``."""
        raise NotImplementedError

    def texts(self, ids: list[int]) -> dict[int, dict]:
        raise NotImplementedError

    # shared
    def word_condition(self, word):
        clauses = []
        if word.lexemes:
            clauses.append(_found(self.table.c.vector, [word]))
        return or_(*clauses) if clauses else false()

    def base(self, columns):
        c = self.companies
        return (select(*columns)
                .select_from(self.table.join(c, c.c.id == self.table.c.company_id))
                .where(c.c.status == CompanyStatus.ACTIVE, *self.filters()))

    def matching(self, statement, query: _Query | None, every: bool = False):
        """``statement`` narrowed to the hits of ``query``: any word (all of them when
        ``every``), none of the excluded."""
        if query is None:
            return statement
        if not query.words:
            return statement.where(false())
        words = query.counted if every else query.words
        if every:
            statement = statement.where(self.every_word(words))
        else:
            lexical = [w for w in words if w.lexemes]
            clauses = [_found(self.table.c.vector, lexical)] if lexical else []
            clauses += [c for w in words for c in self.code_conditions(w)]
            statement = statement.where(or_(*clauses) if clauses else false())
        for word in query.excluded:
            if word.lexemes:
                statement = statement.where(not_(_matches(self.table.c.vector, word.tsquery)))
        return statement

    def code_conditions(self, word: _Word) -> list:
        return []

    def every_word(self, words: list[_Word]):
        """The rows having each of ``words``."""
        return and_(*(self.word_condition(w) for w in words))

    def score(self):
        query = self.query
        lexical = [w for w in query.words if w.lexemes] if query else []
        if not lexical:
            return literal(0.0)
        return func.ts_rank(literal_column(f"'{RANK_WEIGHTS}'::float4[]"), self.table.c.vector,
                            _tsquery(" | ".join(f"({w.tsquery})" for w in lexical)))

    def run(self) -> RawResults:
        request = self.request
        cap = search_count_cap()
        limit = min(request.page * request.per_page, MAX_RANKED)
        start = (request.page - 1) * request.per_page
        size = max(0, min(request.per_page, limit - start))
        covered = self.coverage()
        if covered is None:
            found = self.counted(cap, start, size)
        else:
            found = self.counted(cap, start, size, covered=covered) \
                if self.few_rows_left(cap) else self.tiered(cap, start, size, covered)
        facets, total, page, complete = found.facets, found.total, found.page, found.complete
        capped = total > cap
        words = self.query.terms if self.query else frozenset()
        highlighter = None
        if self.kind == "products":  # from the rows the caller reads for the page anyway
            raw_hits = [RawHit(id=ident, score=score, highlight={}) for ident, score in page]
            highlighter = partial(_highlights, self.kind, words=words)
        else:
            texts = self.texts([ident for ident, _ in page])
            raw_hits = [RawHit(id=ident, score=score,
                               highlight=_highlights(self.kind, texts.get(ident, {}), words))
                        for ident, score in page]
        suggestion = None
        if self.query is not None and self.query.words and complete < FEW_HITS:
            suggestion = self.suggestion(complete)
        return RawResults(hits=raw_hits, total=min(total, cap), facets=facets,
                          suggestion=suggestion, total_capped=capped,
                          codes=self.query.codes if self.query else [],
                          highlighter=highlighter)

    def tiered(self, cap: int, start: int, size: int, covered) -> _Counted:
        """Several words: the hits with all of them first, ranked among themselves;
        beyond the cap they are all the answer counts and shows. Under it, the hits
        with some of the words follow, most words first (a second statement: a
        common word's hits, capped in the order the index finds them, would crowd out
        the few with every word)."""
        found = self.counted(cap, start, size, every=True)
        if found.total > cap:
            return found
        others = self.counted(cap, max(0, start - found.total), size - len(found.page),
                              covered=covered, words=True)
        return _Counted(others.facets, others.total, found.page + others.page, found.total)

    def few_rows_left(self, cap: int) -> bool:
        """Whether the filters, words aside, leave at most ``cap`` rows: then every hit
        of any word is counted, and one statement answers what ``tiered`` asks two,
        with every word first all the same. Asked only where the filters name the
        suppliers (their country, or one of them), so that it reads at most ``cap`` + 1
        entries of the (company, price) index. Where they leave a few hundred rows,
        the planner, reckoning words independent, took the few thousand rows having
        every word of "zinc plated steel" for fifteen and read them all (TW and a
        price range at 1M: 57 ms, where one statement reading the filters' rows
        takes 10)."""
        if not self.names_suppliers():
            return False
        left = self.base([literal(1)]).limit(cap + 1).subquery()
        return db.session.scalar(select(func.count()).select_from(left)) <= cap

    def names_suppliers(self) -> bool:
        return False

    def counted(self, cap: int, start: int, size: int, *, every: bool = False,
                covered=None, words: bool = False) -> _Counted:
        """One statement over the hits (with every word when ``every``), up to ``cap``
        + 1 of them in the order the index finds them, each read once (reading the
        table's rows is most of a search's cost): the facets of the first ``cap``, how
        many there are (more than ``cap``: there are more), and the page ranked among
        them (the chosen order, then relevance; the coverage ``covered`` first, and
        with ``words`` only the hits without every word). Under the cap this is every
        hit, exactly; an exact count and facets over every hit read them all (1.5 s
        for 392,593 hits at 1M), and ranking every hit of a common word took seconds."""
        from sqlalchemy import Float, Integer, null, union_all

        sort = [(covered, True)] if covered is not None else []
        sort += [*self.order(), (self.score(), True), (self.key, False)]
        keys = [column.label(f"k{n}") for n, column in enumerate(self.facet_keys())]
        ordered = [column.label(f"o{n}") for n, (column, _) in enumerate(sort)]
        nth = func.row_number().over().label("nth")
        hits = self.matching(self.base([*keys, *ordered, nth]), self.query, every=every) \
            .limit(cap + 1).cte("hits")
        key_columns = [hits.c[key.name] for key in keys]
        counted = len(self.query.counted) if covered is not None else 0
        whole = func.count().filter(hits.c.o0 == counted) if counted else func.count()
        grouped = select(literal(0).label("part"), *key_columns,
                         cast(func.count().filter(hits.c.nth <= cap), Integer).label("n"),
                         cast(func.count(), Integer).label("everyone"),
                         cast(whole, Integer).label("whole"),
                         cast(null(), Integer).label("hit"),
                         cast(null(), Float).label("score")).group_by(*key_columns)
        statement = grouped
        if size > 0:
            last, score_at = len(sort) - 1, len(sort) - 2
            page = select(hits.c[f"o{last}"].label("hit"),
                          hits.c[f"o{score_at}"].label("score")).where(hits.c.nth <= cap)
            if words:
                page = page.where(hits.c.o0 < counted)
            page = page.order_by(*[hits.c[f"o{n}"].desc().nulls_last() if descending
                                   else hits.c[f"o{n}"].asc().nulls_last()
                                   for n, (_, descending) in enumerate(sort)]) \
                .offset(start).limit(size).subquery()
            statement = union_all(grouped, select(
                literal(1), *[null() for _ in key_columns], null(), null(), null(),
                page.c.hit, cast(page.c.score, Float)))
        found = _Counted({name: {} for name in self.facet_names}, 0, [], 0)
        for row in db.session.execute(statement):
            if row[0] == 1:  # the page's rows, in their order
                found.page.append((int(row[-2]), float(row[-1] or 0.0)))
            else:
                n, everyone, whole = row[1 + len(keys):4 + len(keys)]
                found.total += everyone
                found.complete += whole
                if n:
                    self.add_facets(found.facets, list(row[1:1 + len(keys)]), n)
        return found

    def coverage(self):
        """How many of the words a hit has (only with several words), else None."""
        if self.query is None or len(self.query.counted) < 2:
            return None
        from sqlalchemy import Integer, case

        return sum((case((self.word_condition(w), 1), else_=0) for w in self.query.counted),
                   literal(0, Integer))

    # -- spelling --------------------------------------------------------------------

    def suggestion(self, found: int) -> str | None:
        """The query with each unknown word replaced by the closest word of the names
        (trigram similarity, then at most two edits, same first letter), when that finds
        more hits with all the words than ``found``. The query's words are looked up
        together, in one statement: which are known, and the candidates of the others."""
        typed = list(dict.fromkeys(m.group(0).lower() for m in re.finditer(r"[A-Za-z]+",
                                                                           self.text)))
        closest = self.closest_unknown([w for w in typed if len(w) >= 3])
        changed = False

        def replace(match: re.Match) -> str:
            nonlocal changed
            word = closest.get(match.group(0).lower())
            if word is None:
                return match.group(0)
            changed = True
            return word

        corrected = re.sub(r"[A-Za-z]+", replace, self.text)
        if not changed or corrected == self.text:
            return None
        query = parse(corrected)
        if not query.words:
            return None
        limited = self.matching(self.base([self.key]), query, every=True).limit(found + 1)
        count = db.session.scalar(select(func.count()).select_from(limited.subquery())) or 0
        return corrected if count > found else None

    def closest_unknown(self, words: list[str]) -> dict[str, str]:
        """The closest name word of each of ``words`` that no row has, in one statement
        (a round trip and a statement built fewer than asking which are unknown first).
        A word is known when a name has it as written or stemmed (the first test
        answers), or else some row's words do: a materialized match on the GIN index,
        where LIMIT 1 made the planner scan the table for a word no row has (0.7 s at
        1M). A known word's candidates are not looked for (a one-time filter); an
        unknown one's are the most similar name words (pg_trgm), then at most two edits
        away, the most similar first."""
        if not words:
            return {}
        params: dict[str, str] = {"kind": self.kind}
        ctes, parts = [], []
        for n, word in enumerate(words):
            params.update({f"w{n}": word, f"s{n}": stem_latin(word), f"f{n}": word[0]})
            named = (f"EXISTS (SELECT 1 FROM {SearchWord.__tablename__} WHERE kind = :kind "
                     f"AND word IN (:w{n}, :s{n}))")
            lexeme = _lexeme(stem_latin(word)).replace("'", "''")
            ctes.append(f"m{n} AS MATERIALIZED (SELECT 1 FROM {self.table.name} "
                        f"WHERE vector @@ '{lexeme}'::tsquery AND NOT {named}), "
                        f"k{n} AS MATERIALIZED (SELECT {named} OR EXISTS (SELECT 1 FROM m{n}) "
                        f"AS known)")
            parts.append(f"SELECT {n} AS n, c.word FROM k{n} CROSS JOIN LATERAL ("
                         f"SELECT word FROM {SearchWord.__tablename__} WHERE NOT k{n}.known "
                         f"AND kind = :kind AND word % :w{n} AND left(word, 1) = :f{n} "
                         f"ORDER BY similarity(word, :w{n}) DESC, word LIMIT {CANDIDATES}) c")
        # Its plan costs the never-run match of each word as a scan of every row, which
        # sets off PostgreSQL's JIT compiler: 12-15 ms to compile a statement that runs
        # in a tenth of a millisecond (for the rest of this transaction: a search's).
        db.session.execute(_NO_JIT)
        candidates: dict[int, list[str]] = {}
        for n, candidate in db.session.execute(db.text(
                f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}"), params):
            candidates.setdefault(n, []).append(candidate)  # in similarity's order
        out = {}
        for n, word in enumerate(words):
            near = [(distance, rank, c) for rank, c in enumerate(candidates.get(n, []))
                    if (distance := _edits(word, c, 2)) <= 2]
            if near:
                out[word] = min(near)[2]
        return out


class _ProductSearch(_Search):
    kind = "products"
    facet_names = ("category", "country", "supplier")
    table = ProductSearchRow.__table__
    key = ProductSearchRow.__table__.c.product_id

    def filters(self) -> list:
        t, c = self.table, self.companies
        clauses = []
        for name, value in self.request.terms.items():
            values = list(value) if isinstance(value, list | tuple) else [value]
            if name == "category_path":
                clauses.append(t.c.category_id.in_(_category_subtree(values)))
            elif name == "country":
                clauses.append(c.c.country.in_(values))
                clauses.append(t.c.company_id == any_(_companies_of(values)))
            elif name == "company_id":
                clauses.append(t.c.company_id.in_([int(v) for v in values]))
            elif name == "currency":
                clauses.append(t.c.currency.in_(values))
            else:
                raise ValueError(f"unknown filter {name!r}")
        for name, (low, high) in self.request.ranges.items():
            column = {"price": t.c.price, "published": t.c.published}[name]
            if low is not None:
                clauses.append(column >= low)
            if high is not None:
                clauses.append(column <= high)
        return clauses

    def names_suppliers(self) -> bool:
        return "country" in self.request.terms or "company_id" in self.request.terms

    def code_conditions(self, word: _Word) -> list:
        key = self.table.c.sku_key
        clauses = [key == word.code] if word.code else []
        if len(word.code) >= CODE_PREFIX_MIN:
            clauses.append(key.startswith(word.code, autoescape=True))
        return clauses

    def word_condition(self, word: _Word):
        clauses = [_found(self.table.c.vector, [word])] if word.lexemes else []
        clauses += self.code_conditions(word)
        return or_(*clauses) if clauses else false()

    def every_word(self, words: list[_Word]):
        """Each word in the text or as an item code, asked as: every word in the text,
        or some word an item code and each word one or the other. The same rows; but
        the words in the text are then read in one GIN scan, which skips through a
        common word's postings by a rarer one's (``stainless steel bolt`` at 1M: 20 ms),
        where each word asked with its item code beside it made a bitmap of every row
        having it (145,460 with stainless, 354,552 with steel: 128 ms)."""
        codes = [clause for word in words for clause in self.code_conditions(word)]
        if not codes or not all(word.lexemes for word in words):
            return super().every_word(words)
        in_text = and_(*(_found(self.table.c.vector, [word]) for word in words))
        return or_(in_text, and_(or_(*codes), super().every_word(words)))

    def score(self):
        from sqlalchemy import Float, case

        score = super().score()
        codes = [w.code for w in self.query.words if w.code] if self.query else []
        if not codes:
            return score
        key = self.table.c.sku_key
        bonus = case((key.in_(codes), CODE_EXACT),
                     *[(key.startswith(code, autoescape=True), CODE_PREFIX)
                       for code in codes if len(code) >= CODE_PREFIX_MIN],
                     else_=0.0)
        return score + cast(bonus, Float)

    def order(self) -> list:
        t = self.table
        sort = self.request.sort
        if sort == "price":
            return [(t.c.price, False)]
        if sort == "-price":
            return [(t.c.price, True)]
        if sort == "newest":
            return [(t.c.published, True)]
        return []

    def facet_keys(self) -> list:
        return [self.table.c.category_id, self.table.c.company_id, self.companies.c.country]

    def add_facets(self, facets: dict[str, dict[str, int]], values: list, n: int) -> None:
        for name, value in zip(("category", "supplier", "country"), values, strict=True):
            if value is not None:
                facets[name][str(value)] = facets[name].get(str(value), 0) + n


class _CompanySearch(_Search):
    kind = "companies"
    facet_names = ("category", "country")
    table = CompanySearchRow.__table__
    key = CompanySearchRow.__table__.c.company_id

    def filters(self) -> list:
        t, c = self.table, self.companies
        clauses = []
        for name, value in self.request.terms.items():
            values = list(value) if isinstance(value, list | tuple) else [value]
            if name == "category_path":
                clauses.append(or_(*(t.c.category_path.contains(f",{v},", autoescape=True)
                                     for v in values)))
            elif name == "country":
                clauses.append(c.c.country.in_(values))
            elif name == "roles":
                clauses.append(or_(*({"supplier": c.c.is_supplier, "buyer": c.c.is_buyer}
                                     .get(v, false()) for v in values)))
            else:
                raise ValueError(f"unknown filter {name!r}")
        return clauses

    def facet_keys(self) -> list:
        return [self.table.c.category_ids, self.companies.c.country]

    def add_facets(self, facets: dict[str, dict[str, int]], values: list, n: int) -> None:
        category_ids, country = values
        categories, countries = facets["category"], facets["country"]
        for value in filter(None, (category_ids or "").split(",")):
            categories[value] = categories.get(value, 0) + n
        if country:
            countries[country] = countries.get(country, 0) + n

    def texts(self, ids: list[int]) -> dict[int, dict]:
        if not ids:
            return {}
        from marketplace.content.search.indexing import _company_documents

        companies = list(db.session.scalars(select(Company).where(Company.id.in_(ids))))
        return {int(d["id"]): d for d in _company_documents(companies)}


def _companies_of(countries: list[str]):
    """The active companies of ``countries``, as one array the statement computes once
    (an InitPlan). Narrowed only through the join, the planner looped over those
    companies and read a word's index entries once for each: "brass chair" in TW at 1M
    took 15 ms where reading them once takes 4."""
    c = Company.__table__
    return cast(select(func.array_agg(c.c.id))
                .where(c.c.country.in_(countries), c.c.status == CompanyStatus.ACTIVE)
                .scalar_subquery(), ARRAY(Integer))


def _category_subtree(codes: list[str]) -> list[int]:
    """Ids of the categories with these codes and of all their descendants."""
    rows = db.session.execute(select(Category.id, Category.code, Category.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for ident, _, parent in rows:
        children.setdefault(parent, []).append(ident)
    found = [ident for ident, code, _ in rows if code in codes]
    seen: set[int] = set()
    while found:
        ident = found.pop()
        if ident not in seen:
            seen.add(ident)
            found.extend(children.get(ident, []))
    return sorted(seen)


def _edits(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b`` (anything above ``limit`` as limit + 1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


# ----- highlights: Whoosh's marks over the page's texts ----------------------------------


_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class _Match:
    """A matched word as Whoosh's fragment, scorer and formatter read a token."""

    __slots__ = ("text", "startchar", "endchar", "boost")

    def __init__(self, text: str, startchar: int, endchar: int):
        self.text, self.startchar, self.endchar, self.boost = text, startchar, endchar, 1.0


def _spans(text: str, words: frozenset[str]) -> list[tuple[str, int, int]]:
    """The analyzer's words of ``text`` with their character spans, cheaply: Latin words
    in their index form, and jieba's words only in a run of Chinese that holds one of the
    query's Chinese words (another run is one unmatched word: it cannot be marked)."""
    chinese = [w for w in words if _CJK_RUN.search(w)]
    spans: list[tuple[str, int, int]] = []
    for match in _PIECES.finditer(text):
        run = match.group("cjk")
        if run:
            folded = run.translate(FOLD)
            if any(w in folded for w in chinese):
                at = match.start()
                spans += [(w, at + s, at + e) for w, s, e in _cjk_words(run, "index")]
            else:
                spans.append((folded, match.start(), match.end()))
        else:
            spans.append((_index_form(match.group("word")), match.start(), match.end()))
    return spans


def _merged(spans: list[tuple[str, int, int]], words: frozenset[str]) -> list[list]:
    """``[word, start, end, matched]`` of each span, matched words that touch or overlap
    made one: Whoosh's ``set_matched_filter`` then ``_merge_matched_tokens``, step for
    step (a matched word after a merged one that it does not touch stays on its own)."""
    out: list[list] = []
    token = None
    for word, start, end in spans:
        if word not in words:
            if token is not None:
                out.append(token)
                token = None
            out.append([word, start, end, False])
        elif token is None:
            token = [word, start, end, True]
        elif start <= token[2]:
            if end > token[2]:
                token[0] += word[token[2] - end:]
                token[2] = end
        else:
            out.append(token)
            token = None
            out.append([word, start, end, True])
    if token is not None:
        out.append(token)
    return out


def _snippet_fragments(text: str, tokens: list[list]):
    """Whoosh's ``ContextFragmenter.fragment_tokens`` as the Whoosh backend's
    ``SnippetFragmenter`` uses it (``SNIPPET_CHARS``, ``SNIPPET_SURROUND``, Whoosh's
    default character limit), over plain lists: a fragment that starts within the
    surround starts at the text's beginning."""
    first, firsts, countdown, matches, endchar, length = None, deque(), -1, [], None, 0
    for word, startchar, endchar, matched in tokens:
        size = endchar - startchar
        if endchar > highlight.DEFAULT_CHARLIMIT:
            break
        if countdown < 0 and not matched:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > SNIPPET_SURROUND:
                firsts.popleft()
        elif length + size > SNIPPET_CHARS:
            countdown = 0
        elif matched:
            countdown = SNIPPET_SURROUND
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += SNIPPET_SURROUND
            matches.append(_Match(word, startchar, endchar))
        if countdown >= 0:
            length += size
            countdown -= size
            if countdown <= 0:
                yield _fragment(text, matches, first, endchar)
                first, firsts, matches, length = None, deque(), [], 0
    if matches:
        yield _fragment(text, matches, first, endchar)


def _fragment(text: str, matches: list[_Match], first: int | None, endchar: int):
    """Whoosh's ``mkfrag``, then ``SnippetFragmenter``'s start."""
    start = first if first is not None else (matches[0].startchar if matches else 0)
    fragment = highlight.Fragment(text, matches, max(0, start), min(len(text), endchar))
    if fragment.startchar <= SNIPPET_SURROUND:
        fragment.startchar = 0
    return fragment


def _marked(text: str, words: frozenset[str], whole: bool) -> str:
    """``text`` with ``words`` marked as Whoosh's highlighter marks it (``whole``: the
    whole text, as ``WholeFragmenter``; else the best two snippets), "" when none is in
    it. The tokens are plain tuples and lists, not Whoosh's token objects run through
    three generators: a page's highlights were a fifth of a PostgreSQL search's time."""
    if not _may_hold(text, words):
        return ""  # what the highlighter makes of a text without a match
    tokens = _merged(_spans(text, words), words)
    if whole:
        fragments = [highlight.Fragment(text, [_Match(w, s, e) for w, s, e, matched in tokens
                                               if matched])]
    else:
        fragments = _snippet_fragments(text, tokens)
    fragments = highlight.top_fragments(fragments, 2, highlight.BasicFragmentScorer(),
                                        highlight.FIRST, minscore=1)
    return _formatter.format(fragments)


def _highlights(kind: str, texts: dict, words: frozenset[str]) -> dict[str, str]:
    """As ``whoosh_backend._highlights``: each name whole with its matches marked, and a
    snippet of the first longer text that matched (or the beginning of the first)."""
    import html

    out: dict[str, str] = {}
    for name in HIGHLIGHT_NAME_FIELDS[kind]:
        value = texts.get(name) or ""
        marked = _marked(value, words, whole=True) if words and value else ""
        out[name] = marked or html.escape(value, quote=False)
    snippet = ""
    if words:
        for name in HIGHLIGHT_TEXT_FIELDS[kind]:
            value = texts.get(name)
            if value:
                snippet = _marked(value, words, whole=False)
                if snippet:
                    break
    if not snippet:
        first = next((texts.get(n) for n in HIGHLIGHT_TEXT_FIELDS[kind] if texts.get(n)), "")
        snippet = html.escape(_shorten(first, 240), quote=False)
    out["snippet"] = snippet
    return out

"""Document numbers: per issuing company, per type, per year, from a pattern the company
may set (``QUO-{year}-{seq:05}``).

The series row is *updated first* (``UPDATE ... RETURNING``), so two transactions never
read the same value and there is no duplicate under any concurrency. Where that update
runs decides how long others wait:

- On PostgreSQL it runs in a short transaction of its own, on a connection apart from
  the request's, and commits at once: the series row is locked for one statement, not
  for the whole creating request (checks, lines, history, building the answer, the
  commit), so concurrent creations of one company no longer queue behind each other.
  Like a database sequence, a number is then used up even if the request fails later:
  numbers may have gaps (as they always could), never duplicates.
- On SQLite, and whenever the session runs inside a transaction its caller owns (a
  session bound to a connection: a rolled-back block, a nested unit of work), it runs in
  the session's own transaction, so a rollback gives the number back; on SQLite the
  first write takes the database's write lock anyway, whatever the order.
"""

from __future__ import annotations

import functools
import string

from flask_babel import lazy_gettext as _l
from sqlalchemy import Engine, bindparam, exists, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.exc import IntegrityError

from marketplace.core.apart import engine_apart
from marketplace.core.errors import ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.workflow import doctypes
from marketplace.workflow.models import Document, NumberingPattern, NumberSeries

PATTERN_FIELDS = {"year", "yy", "seq"}
MAX_NUMBER_LENGTH = 50  # the column holds 60: room for an rfq invitation's suffix


def check_pattern(pattern: str) -> str:
    """The pattern when it is one we can number with; ValidationFailed otherwise."""
    def refuse(message):
        raise ValidationFailed(errors={"pattern": [str(message)]})

    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
        sample = pattern.format(year=2026, yy="26", seq=99999)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        refuse(_l("Use {year} or {yy} and {seq}, e.g. QUO-{year}-{seq:05}."))
    if names - PATTERN_FIELDS:
        refuse(_l("Only {year}, {yy} and {seq} may be used."))
    # Numbers restart every year: without the year, next January repeats this one's.
    if "seq" not in names or not names & {"year", "yy"}:
        refuse(_l("The pattern needs {seq} and the year ({year} or {yy})."))
    if len(sample) > MAX_NUMBER_LENGTH:
        refuse(_l("Numbers would be longer than %(n)d characters.", n=MAX_NUMBER_LENGTH))
    return pattern


# The statements every create runs, built once with their values bound by name (named
# apart from the columns: an UPDATE takes a column's name as its new value).


@functools.cache
def _pattern_statement():
    return select(NumberingPattern.pattern).where(
        NumberingPattern.company_id == bindparam("series_company"),
        NumberingPattern.type == bindparam("series_type"))


@functools.cache
def _bump_statement():
    return (update(NumberSeries)
            .where(NumberSeries.company_id == bindparam("series_company"),
                   NumberSeries.type == bindparam("series_type"),
                   NumberSeries.year == bindparam("series_year"))
            .values(last_value=NumberSeries.last_value + 1)
            .returning(NumberSeries.last_value)
            .execution_options(synchronize_session=False))


@functools.cache
def _bump_with_pattern_statement():
    """``_bump_statement`` that also answers the company's own pattern (None: the type's):
    a transaction apart reads both in one round trip."""
    own = select(NumberingPattern.pattern).where(
        NumberingPattern.company_id == bindparam("series_company"),
        NumberingPattern.type == bindparam("series_type")).scalar_subquery()
    return _bump_statement().returning(own.label("pattern"))


@functools.cache
def _taken_statement():
    return select(exists().where(
        Document.issuer_company_id == bindparam("series_company"),
        Document.type == bindparam("series_type"),
        Document.number == bindparam("series_number")))


def _values(company_id: int, type_code: str, **more) -> dict:
    return {"series_company": company_id, "series_type": type_code,
            **{f"series_{name}": value for name, value in more.items()}}


def pattern_for(company_id: int, type_code: str) -> str:
    return _or_the_types(db.session.scalar(_pattern_statement(),
                                           _values(company_id, type_code)), type_code)


def _or_the_types(own: str | None, type_code: str) -> str:
    """The company's own pattern, else its document type's."""
    return own or doctypes.get(type_code).numbering


def set_pattern(company_id: int, type_code: str, pattern: str | None) -> None:
    """Set (or, with None, drop) the company's own pattern for a type."""
    # Numbered in this transaction from now on: a transaction apart would not see the
    # pattern until this one commits.
    db.session.info[_IN_SESSION] = db.session().get_transaction()
    row = db.session.scalar(select(NumberingPattern).where(
        NumberingPattern.company_id == company_id, NumberingPattern.type == type_code))
    if pattern is None:
        if row is not None:
            db.session.delete(row)
        db.session.flush()
        return
    check_pattern(pattern)
    if row is None:
        db.session.add(NumberingPattern(company_id=company_id, type=type_code, pattern=pattern))
    else:
        row.pattern = pattern
    db.session.flush()


def _next_value(company_id: int, type_code: str, year: int) -> int:
    """The next value in the session's own transaction (held until it ends)."""
    bump, values = _bump_statement(), _values(company_id, type_code, year=year)
    for _ in range(3):
        value = db.session.scalar(bump, values)
        if value is not None:
            return value
        # The year's first document: create the series; if another transaction did so
        # at the same moment, its row wins and we bump it (waiting for its lock).
        try:
            with db.session.begin_nested():
                db.session.add(NumberSeries(company_id=company_id, type=type_code, year=year,
                                            last_value=1))
            return 1
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a document number")  # pragma: no cover


_IN_SESSION = "numbering_in_session"  # the transaction that numbers in itself


def _next_value_apart(engine: Engine, company_id: int, type_code: str, year: int
                      ) -> tuple[int, str | None]:
    """The next value in a transaction of its own, committed at once (PostgreSQL): each
    statement commits itself (autocommit: one round trip, no BEGIN and COMMIT apart);
    with it, the company's own pattern (None: none)."""
    bump, values = _bump_with_pattern_statement(), _values(company_id, type_code, year=year)
    with engine.connect() as connection:
        row = connection.execute(bump, values).first()
        if row is None:  # the year's first document; a concurrent first one may win
            connection.execute(postgresql_insert(NumberSeries.__table__).values(
                company_id=company_id, type=type_code, year=year, last_value=0,
            ).on_conflict_do_nothing(index_elements=["company_id", "type", "year"]))
            row = connection.execute(bump, values).first()
    return row.last_value, row.pattern


_UNREAD = object()  # the pattern was not read with the number


def _next(company_id: int, type_code: str, year: int) -> tuple[int, object]:
    """The next value, and the company's own pattern when read with it (else _UNREAD)."""
    apart = engine_apart()
    if apart is not None and db.session.info.get(_IN_SESSION) is not db.session().get_transaction():
        try:
            return _next_value_apart(apart, company_id, type_code, year)
        except IntegrityError:
            # The company is new in this very transaction (the series row's reference
            # is not there for another one yet): number in it, as on SQLite.
            pass
    # From now on in this transaction: a series row it locks or creates would make a
    # transaction apart wait for this one, which waits for it.
    db.session.info[_IN_SESSION] = db.session().get_transaction()
    return _next_value(company_id, type_code, year), _UNREAD


def allocate(company_id: int, type_code: str) -> str:
    """The next number of this company's documents of this type (see the module's
    docstring for where it is reserved; numbers may have gaps, never duplicates)."""
    year = utcnow().year
    pattern = None
    while True:
        seq, own = _next(company_id, type_code, year)
        if pattern is None:
            pattern = pattern_for(company_id, type_code) if own is _UNREAD \
                else _or_the_types(own, type_code)
        number = pattern.format(year=year, yy=f"{year % 100:02}", seq=seq)
        # A pattern changed back and forth may come round to a number already given.
        taken = db.session.scalar(_taken_statement(),
                                  _values(company_id, type_code, number=number))
        if not taken:
            return number

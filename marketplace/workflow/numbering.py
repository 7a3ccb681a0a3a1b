"""Document numbers: per issuing company, per type, per year, from a pattern the company
may set (``QUO-{year}-{seq:05}``), allocated inside the creating transaction.

The series row is *updated first* (``UPDATE ... RETURNING``): on PostgreSQL that takes
the row lock (as ``SELECT ... FOR UPDATE`` would) until the transaction ends; on SQLite
the first write takes the database's write lock. Either way two transactions never
read the same value, so there is no duplicate under any concurrency.
"""

from __future__ import annotations

import string

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

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


def pattern_for(company_id: int, type_code: str) -> str:
    own = db.session.scalar(select(NumberingPattern.pattern).where(
        NumberingPattern.company_id == company_id, NumberingPattern.type == type_code))
    return own or doctypes.get(type_code).numbering


def set_pattern(company_id: int, type_code: str, pattern: str | None) -> None:
    """Set (or, with None, drop) the company's own pattern for a type."""
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
    bump = (update(NumberSeries)
            .where(NumberSeries.company_id == company_id, NumberSeries.type == type_code,
                   NumberSeries.year == year)
            .values(last_value=NumberSeries.last_value + 1)
            .returning(NumberSeries.last_value)
            .execution_options(synchronize_session=False))
    for _ in range(3):
        value = db.session.scalar(bump)
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


def allocate(company_id: int, type_code: str) -> str:
    """The next number of this company's documents of this type, reserved in the
    current transaction (released only by a rollback, so numbers may have gaps)."""
    year = utcnow().year
    pattern = pattern_for(company_id, type_code)
    while True:
        seq = _next_value(company_id, type_code, year)
        number = pattern.format(year=year, yy=f"{year % 100:02}", seq=seq)
        # A pattern changed back and forth may come round to a number already given.
        taken = db.session.scalar(select(exists().where(
            Document.issuer_company_id == company_id, Document.type == type_code,
            Document.number == number)))
        if not taken:
            return number

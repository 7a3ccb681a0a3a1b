"""The period every analytics list is asked for: ``?from=YYYY-MM-DD&to=YYYY-MM-DD``,
both days included, by default the last 12 months (the 365 days up to today).

One parser for every analytics route and page: ``PeriodArgsSchema`` for API query
arguments (mix it into a route's own arguments schema), ``parse_period`` for portal
forms. A malformed date, a period ending before it starts, one ending in the future or
reaching back further than ``CRM_MAX_PERIOD_DAYS`` is refused with a 422 problem that
names the field, in the caller's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, post_load, validates_schema

from marketplace.core.errors import ValidationFailed
from marketplace.core.types import utcnow

YEAR = 365


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: date
    end: date
    is_default: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def last_12_months(today: date | None = None) -> Period:
    """The default: the 365 days up to and including today."""
    today = today or utcnow().date()
    return Period(today - timedelta(days=YEAR - 1), today, is_default=True)


def _max_days() -> int:
    return int(current_app.config.get("CRM_MAX_PERIOD_DAYS", 3660))


def period_errors(start: date | None, end: date | None, today: date | None = None
                  ) -> dict[str, list[str]]:
    """What is wrong with a period, by field (empty when it is fine)."""
    today = today or utcnow().date()
    errors: dict[str, list[str]] = {}
    if end is not None and end > today:
        errors["to"] = [str(_l("The period cannot end after today (%(today)s).",
                               today=today.isoformat()))]
    if start is not None and end is not None and start > end:
        errors.setdefault("from", []).append(str(_l(
            "The period must start on or before its end (%(end)s).", end=end.isoformat())))
    earliest = today - timedelta(days=_max_days())
    if start is not None and start < earliest:
        errors.setdefault("from", []).append(str(_l(
            "The period cannot start before %(earliest)s.", earliest=earliest.isoformat())))
    return errors


def _year_before(end: date) -> date:
    """The start of the year that ends on ``end``; the first day there is for an end in
    year 1 (refused as out of range afterwards, never an overflow)."""
    return max(end, date.min + timedelta(days=YEAR - 1)) - timedelta(days=YEAR - 1)


def make_period(start: date | None, end: date | None, today: date | None = None) -> Period:
    """The period from optional bounds: a missing end is today, a missing start is a
    year before the end. Raises ValidationFailed (422) for a period out of range."""
    today = today or utcnow().date()
    if start is None and end is None:
        return last_12_months(today)
    end = end or today
    start = start or _year_before(end)
    errors = period_errors(start, end, today)
    if errors:
        raise ValidationFailed(str(_l("The period is not valid.")), errors=errors)
    return Period(start, end, is_default=(start, end) == (
        last_12_months(today).start, last_12_months(today).end))


def _parse_day(name: str, text: str | None) -> tuple[date | None, list[str]]:
    if text is None or text == "":
        return None, []
    try:
        return date.fromisoformat(text.strip()), []
    except ValueError:
        return None, [str(_l("Write the date as YYYY-MM-DD, e.g. %(example)s.",
                             example=utcnow().date().isoformat()))]


def parse_period(values: Mapping[str, str]) -> Period:
    """The period of a portal form or query string (``from``, ``to``); ValidationFailed
    naming the field when a date is malformed or the period out of range."""
    start, start_errors = _parse_day("from", values.get("from"))
    end, end_errors = _parse_day("to", values.get("to"))
    errors = {name: msgs for name, msgs in (("from", start_errors), ("to", end_errors))
              if msgs}
    if errors:
        raise ValidationFailed(str(_l("The period is not valid.")), errors=errors)
    return make_period(start, end)


def _date_field(name: str) -> fields.Date:
    return fields.Date(data_key=name, load_default=None, metadata={
        "description": "YYYY-MM-DD, day included (default: the last 12 months)"},
        error_messages={"invalid": _l("Write the date as YYYY-MM-DD, e.g. 2026-01-31.")})


class PeriodArgsSchema(Schema):
    """``?from&to`` → ``period`` (a ``Period``). Unknown fields are refused."""

    period_start = _date_field("from")
    period_end = _date_field("to")

    @validates_schema
    def _check_range(self, data, **_):
        errors = period_errors(data.get("period_start"), data.get("period_end"))
        if data.get("period_start") is None and data.get("period_end") is not None:
            errors = period_errors(_year_before(data["period_end"]), data["period_end"])
        if errors:
            raise ValidationError(errors)

    @post_load
    def _as_period(self, data, **_):
        data["period"] = make_period(data.pop("period_start", None),
                                     data.pop("period_end", None))
        return data

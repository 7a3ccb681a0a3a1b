"""Fields shared by the schemas of every module."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from marketplace.core.validation import country_codes, currency_codes

# Record ids are INTEGER columns: a larger id names nothing, and must not reach the
# database (SQLite cannot even bind integers beyond 64 bits).
MAX_ID = 2**31 - 1


def Id(**kwargs) -> fields.Integer:  # noqa: N802
    """The id of a record given in a request body."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def Country(**kwargs) -> fields.String:  # noqa: N802 - a field factory reads like a field
    return fields.String(validate=validate.OneOf(
        sorted(country_codes()), error=str(_l("Not an ISO 3166-1 alpha-2 country code."))),
        metadata={"description": "ISO 3166-1 alpha-2", "example": "TW"}, **kwargs)


def Currency(**kwargs) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.OneOf(
        sorted(currency_codes()), error=str(_l("Not an ISO 4217 currency code."))),
        metadata={"description": "ISO 4217", "example": "USD"}, **kwargs)


def Text(max_length: int, *, min_length: int = 1, **kwargs) -> fields.String:  # noqa: N802
    """A string that must hold something (not just spaces) and fit its column."""
    return fields.String(validate=[
        validate.Length(min=min_length, max=max_length),
        validate.Regexp(r"\S" if min_length else r"^", error=str(_l("Must not be blank."))),
    ], **kwargs)


def OptionalText(max_length: int, **kwargs) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.Length(max=max_length), allow_none=True, **kwargs)


def decimal_text(value: Decimal | int | None) -> str | None:
    """A decimal as JSON and pages show it, without trailing zeros and never with an
    exponent: 100.0000 → "100", 2.5000 → "2.5"."""
    if value is None:
        return None
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money_text(value: Decimal | int | None) -> str | None:
    """An amount with at least two places: 12.5 → "12.50", 0.1234 → "0.1234"."""
    if value is None:
        return None
    value = Decimal(value)
    cents = value.quantize(Decimal("0.01"))
    return f"{cents:f}" if cents == value else decimal_text(value)

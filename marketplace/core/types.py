"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Numeric
from sqlalchemy.types import TypeDecorator

_replayed_now: ContextVar[datetime | None] = ContextVar("replayed_now", default=None)


def utcnow() -> datetime:
    """Now, in UTC: the one clock every timestamp and default date is read from."""
    replayed = _replayed_now.get()
    return replayed if replayed is not None else datetime.now(UTC)


@contextmanager
def replayed_clock() -> Iterator[Callable[[datetime], None]]:
    """Set the clock back while history is replayed through the real operations (the
    demo's 18 months of trade), so every record they write carries its own moment:
    ``with replayed_clock() as move_to: move_to(moment); operation(...)``."""
    token = _replayed_now.set(None)

    def move_to(moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        _replayed_now.set(moment.astimezone(UTC))

    try:
        yield move_to
    finally:
        _replayed_now.reset(token)


def replaying_the_past() -> bool:
    """True while ``replayed_clock`` stands at a moment already past (the demo's history):
    what was done then is recorded, but nobody is mailed or called about it now."""
    replayed = _replayed_now.get()
    return replayed is not None and replayed < datetime.now(UTC) - timedelta(minutes=5)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes; SQLite keeps no offset, so store naive UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ScaledDecimal(TypeDecorator):
    """Exact decimals: NUMERIC on PostgreSQL; on SQLite, whose NUMERIC is a float,
    an integer count of 1/10**scale so sums and sorting stay exact in SQL."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 4):
        super().__init__()
        self.precision = precision
        self.scale = scale
        self._factor = Decimal(10) ** scale

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value).quantize(Decimal(1).scaleb(-self.scale))
        return int(value * self._factor) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / self._factor).quantize(Decimal(1).scaleb(-self.scale))
        return Decimal(value)


def Money() -> ScaledDecimal:  # noqa: N802 - reads like a type in column declarations
    """An amount of money: 18 digits, 4 after the point."""
    return ScaledDecimal(18, 4)


def Quantity() -> ScaledDecimal:  # noqa: N802
    """A traded quantity (pieces, kg, m, cartons): 18 digits, 4 after the point."""
    return ScaledDecimal(18, 4)

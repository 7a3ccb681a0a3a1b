"""Mixins shared by the models of every module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from marketplace.core.types import UTCDateTime, utcnow


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class VersionedMixin:
    """Optimistic locking: SQLAlchemy bumps ``version`` on every UPDATE and refuses
    to overwrite a row another transaction changed in between (StaleDataError)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):  # noqa: N805
        return {"version_id_col": cls.version}


class CompanyOwnedMixin:
    """A row that belongs to one company: visible to that company only (see core.scoping)."""

    @declared_attr
    def company_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True,
                             nullable=False)

"""Differentiated treatment: the terms a supplier offers each customer segment, and what
was applied to each quotation derived for a buyer of that segment."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.models import TimestampMixin, VersionedMixin
from marketplace.core.types import Money
from marketplace.extensions import db

# The segments of issue 11, in the order a supplier reads them.
SEGMENTS = ("MVC", "MGC", "BZ", "other")


class SegmentTreatment(TimestampMixin, VersionedMixin, db.Model):
    """One supplier's defaults for one segment. Empty fields apply nothing: the
    quotation keeps what was carried over from the inquiry."""

    __tablename__ = "crm_segment_treatments"
    __label__ = "Segment treatment"
    __table_args__ = (UniqueConstraint("supplier_company_id", "segment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    segment: Mapped[str] = mapped_column(String(10))  # one of SEGMENTS
    payment_terms: Mapped[str | None] = mapped_column(String(20))  # engine's PAYMENT_TERMS
    # Taken off each priced line's unit price (0 to 100, two decimals).
    discount_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    # The member's target for answering this segment's inquiries (the work list ages them).
    response_hours: Mapped[int | None] = mapped_column(Integer)
    # Below this total (in ``currency``) the surcharge is added as its own line.
    min_order_value: Mapped[Decimal | None] = mapped_column(Money())
    small_order_surcharge: Mapped[Decimal | None] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3), default="USD")


class AppliedTreatment(TimestampMixin, db.Model):
    """What a derived quotation got from its buyer's segment, kept beside (not in) the
    document: the buyer reads the document and must not learn how it is classed."""

    __tablename__ = "crm_applied_treatments"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    supplier_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    segment: Mapped[str] = mapped_column(String(10))
    # {"payment_terms": "tt", "discount_pct": "5.00", "lead_time_days": 20,
    #  "surcharge": "35.00", "min_order_value": "500.00", "unpriced_lines": 1}
    applied: Mapped[dict] = mapped_column(JSON, default=dict)

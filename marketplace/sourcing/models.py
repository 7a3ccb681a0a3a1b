"""Sourcing's own records beside the engine's documents: one row per sent request for
quotation (its closing time and when its bids were opened) and one per awarded line.

The rfq, its invitations and the bids (quotations) are the engine's documents; these
rows say what the engine does not know: when a sealed request opens, and which bid won
each line (one award per line: the unique constraint is what makes a second award of
a line, even at the same instant, a conflict)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import TimestampMixin
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db
from marketplace.workflow.models import Document


class SourcingRequest(TimestampMixin, db.Model):
    """A sent rfq as sourcing sees it: sealed until ``closes_at`` (None: not sealed,
    answers arrive as they come), opened once at ``opened_at``."""

    __tablename__ = "sourcing_requests"
    __label__ = "Request for quotation"

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                        unique=True)
    buyer_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The buyer chose to tell the others, after the award, how many bid and the
    # awarded prices (never the names): told in the regret notices.
    disclosed: Mapped[bool] = mapped_column(default=False)

    rfq: Mapped[Document] = relationship(foreign_keys=[rfq_id])
    awards: Mapped[list[Award]] = relationship(back_populates="request",
                                               order_by="Award.id",
                                               cascade="all, delete-orphan")

    @classmethod
    def visible_to(cls, company_id: int):
        return cls.buyer_company_id == company_id

    def sealed(self, now: datetime | None = None) -> bool:
        """Whether no bid's prices may be read yet: before the closing time."""
        return self.closes_at is not None and (now or utcnow()) < self.closes_at


class Award(db.Model):
    """One line of the rfq awarded to one bid, with the buyer's reason."""

    __tablename__ = "sourcing_awards"
    __label__ = "Award"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("sourcing_requests.id", ondelete="CASCADE"), index=True)
    # The line of the buyer's rfq (the one the invitations copied): awarded once.
    rfq_line_id: Mapped[int] = mapped_column(
        ForeignKey("document_lines.id", ondelete="CASCADE"), unique=True)
    quotation_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                              index=True)
    quotation_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_lines.id", ondelete="SET NULL"))
    supplier_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"))
    purchase_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    request: Mapped[SourcingRequest] = relationship(back_populates="awards")

"""Sourcing's own records beside the engine's documents: one row per sent request for
quotation (its closing time and when its bids were opened) and one per awarded line.

The rfq, its invitations and the bids (quotations) are the engine's documents; these
rows say what the engine does not know: when a sealed request opens, and which bid won
each line (one award per line: the unique constraint is what makes a second award of
a line, even at the same instant, a conflict)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import TimestampMixin
from marketplace.core.types import Money, UTCDateTime, utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Company
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


class Auction(TimestampMixin, db.Model):
    """A timed reverse auction on a sent rfq's lines (one lot, bid as its total) among
    invited suppliers. The row is the lock every bid takes (``SELECT ... FOR UPDATE``):
    the best amount, the end (with its soft-close extensions) and the count move only
    under it, so two bids can never both become the best."""

    __tablename__ = "sourcing_auctions"
    __label__ = "Reverse auction"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("sourcing_requests.id", ondelete="CASCADE"), index=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                        index=True)
    buyer_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The end now (soft close moves it); the end first scheduled.
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    scheduled_end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    starting_price: Mapped[Decimal] = mapped_column(Money())
    decrement_amount: Mapped[Decimal | None] = mapped_column(Money())
    decrement_percent: Mapped[Decimal | None] = mapped_column(Money())
    soft_close_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # "rank": bidders see their rank only; "best": also the best amount (never a name).
    visibility: Mapped[str] = mapped_column(String(10), default="rank")
    best_amount: Mapped[Decimal | None] = mapped_column(Money())
    best_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"))
    bid_count: Mapped[int] = mapped_column(Integer, default=0)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))

    rfq: Mapped[Document] = relationship(foreign_keys=[rfq_id])
    bidders: Mapped[list[AuctionBidder]] = relationship(
        back_populates="auction", order_by="AuctionBidder.id", cascade="all, delete-orphan")

    @classmethod
    def visible_to(cls, company_id: int):
        return cls.buyer_company_id == company_id

    def state(self, now: datetime | None = None) -> str:
        """scheduled, open, ended (past its end, not yet closed by the job) or closed."""
        now = now or utcnow()
        if self.closed_at is not None:
            return "closed"
        if now < self.starts_at:
            return "scheduled"
        return "open" if now < self.ends_at else "ended"


class AuctionBidder(db.Model):
    """An invited supplier: its invitation to the rfq, its standing bid (the lowest it
    placed) and, once the auction is closed, the quotation its final bid became."""

    __tablename__ = "sourcing_auction_bidders"
    __label__ = "Auction bidder"
    __table_args__ = (UniqueConstraint("auction_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(
        ForeignKey("sourcing_auctions.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("documents.id",
                                                          ondelete="CASCADE"))
    amount: Mapped[Decimal | None] = mapped_column(Money())
    bid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    bids: Mapped[int] = mapped_column(Integer, default=0)
    quotation_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"))

    auction: Mapped[Auction] = relationship(back_populates="bidders")
    company: Mapped[Company] = relationship()


class AuctionBid(db.Model):
    """Every accepted bid, its own row (the audit): when, how much, by which member (or
    key) of which supplier, and the best amount it beat."""

    __tablename__ = "sourcing_auction_bids"
    __label__ = "Auction bid"

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(
        ForeignKey("sourcing_auctions.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    via: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money())
    previous_best: Mapped[Decimal | None] = mapped_column(Money())
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    extended_to: Mapped[datetime | None] = mapped_column(UTCDateTime())

"""A public buying request and the categories a supplier listens to.

The request is the buyer's notice (what, how much, target price, where to, until when);
the answers are the engine's quotations. Under the hood a published request owns one
rfq to many (``rfq_id``): each supplier that answers gets its own invitation of it, so
sourcing's comparison and award read the answers as bids of that rfq, from one source."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.labels import N_, Labels
from marketplace.core.models import CompanyOwnedMixin, TimestampMixin, VersionedMixin
from marketplace.core.types import Money, Quantity, UTCDateTime, utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company

DRAFT, OPEN, CLOSED, AWARDED = "draft", "open", "closed", "awarded"
STATUS = Labels({DRAFT: N_("Draft"), OPEN: N_("Open"), CLOSED: N_("Closed"),
                 AWARDED: N_("Awarded")})


class BuyingRequest(CompanyOwnedMixin, TimestampMixin, VersionedMixin, db.Model):
    """What a buyer asks the market for; ``company_id`` is the buyer."""

    __tablename__ = "buying_requests"
    __label__ = "Buying request"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"),
                                             index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit: Mapped[str] = mapped_column(String(20))
    target_price: Mapped[Decimal | None] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    destination_country: Mapped[str] = mapped_column(String(2))
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    # The rfq to many the answers are bids of (made at publication).
    rfq_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"),
                                               unique=True)

    category: Mapped[Category] = relationship()
    company: Mapped[Company] = relationship()

    @property
    def status_label(self) -> str:
        return STATUS.label(self.status)

    def accepts_answers(self, now: datetime | None = None) -> bool:
        return self.status == OPEN and (now or utcnow()) < self.closes_at


class CategorySubscription(CompanyOwnedMixin, TimestampMixin, db.Model):
    """A supplier company hears of new buying requests in this category (and below it)."""

    __tablename__ = "buying_request_subscriptions"
    __label__ = "Buying request subscription"
    __table_args__ = (UniqueConstraint("company_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"),
                                             index=True)

    category: Mapped[Category] = relationship()

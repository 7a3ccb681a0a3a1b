"""Favourites and saved searches: rows of one member (``user_id``) acting for one company
(``company_id``); nobody else, not even a colleague, sees them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import CompanyOwnedMixin, TimestampMixin
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db


def _user_fk():
    return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Favourite(CompanyOwnedMixin, db.Model):
    """A starred product or supplier (exactly one of the two)."""

    __tablename__ = "favourites"
    __label__ = "Favourite"
    __table_args__ = (UniqueConstraint("user_id", "company_id", "product_id",
                                       name="uq_favourites_product"),
                      UniqueConstraint("user_id", "company_id", "supplier_id",
                                       name="uq_favourites_supplier"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    product = relationship("Product")
    supplier = relationship("Company", foreign_keys=[supplier_id])

    @property
    def kind(self) -> str:
        return "product" if self.product_id is not None else "supplier"


class SavedSearch(CompanyOwnedMixin, TimestampMixin, db.Model):
    """A product search a member saved (words and filters), and whether new products
    matching it are alerted."""

    __tablename__ = "saved_searches"
    __label__ = "Saved search"
    # Names need not be unique: a name in use would make saving answer by what was saved
    # before (one more search of the same name is harmless; the list shows both).
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    name: Mapped[str] = mapped_column(String(120))
    query: Mapped[str] = mapped_column(String(200), default="")
    # category, country, supplier, min_price, max_price, currency: as the search page
    # and GET /search/products take them (prices as decimal strings).
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    alerts: Mapped[bool] = mapped_column(Boolean, default=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")


class SavedSearchHit(db.Model):
    """A product reported to a saved search: once, ever (the unique pair), and in one
    digest (``digested_at``)."""

    __tablename__ = "saved_search_hits"
    __label__ = "Saved search match"
    __table_args__ = (UniqueConstraint("saved_search_id", "product_id"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    saved_search: Mapped[SavedSearch] = relationship()
    product = relationship("Product")

"""Supplier link: what a buyer records (receipts, returns, stock reports) and what it
shares with each of its suppliers (sharing settings, SKU cross-references).

Every row names both the buyer and the supplier it concerns, so the supplier's views
filter on both in SQL and a supplier never reaches another supplier's goods."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import TimestampMixin, VersionedMixin
from marketplace.core.types import Quantity, UTCDateTime, utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import enum_column


def _company_fk(**kwargs):
    return mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), **kwargs)


# The supplier's views of a buyer, in the order the portal shows them. The code is the
# last part of the API path and the name of the sharing flag (dashes as underscores).
VIEWS: dict[str, object] = {
    "order-status": _l("Order status"),
    "shortages": _l("Shortages"),
    "receipts": _l("Goods received"),
    "discrepancies": _l("Discrepancies"),
    "outstanding": _l("Outstanding lines"),
    "returns": _l("Returns"),
    "payables": _l("Payables"),
    "sales-inventory": _l("Sales and inventory"),
}


def view_flag(view: str) -> str:
    return "share_" + view.replace("-", "_")


DEFAULT_TARGET_COVER_WEEKS = 8


class SharingSetting(TimestampMixin, VersionedMixin, db.Model):
    """What one buyer shares with one supplier. No row means every view is shared
    (the default the issue asks for); a row switches views off one by one."""

    __tablename__ = "supplier_link_sharing"
    __label__ = "Sharing setting"
    __table_args__ = (UniqueConstraint("buyer_company_id", "supplier_company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_company_id: Mapped[int] = _company_fk(index=True)
    supplier_company_id: Mapped[int] = _company_fk(index=True)
    share_order_status: Mapped[bool] = mapped_column(Boolean, default=True)
    share_shortages: Mapped[bool] = mapped_column(Boolean, default=True)
    share_receipts: Mapped[bool] = mapped_column(Boolean, default=True)
    share_discrepancies: Mapped[bool] = mapped_column(Boolean, default=True)
    share_outstanding: Mapped[bool] = mapped_column(Boolean, default=True)
    share_returns: Mapped[bool] = mapped_column(Boolean, default=True)
    share_payables: Mapped[bool] = mapped_column(Boolean, default=True)
    share_sales_inventory: Mapped[bool] = mapped_column(Boolean, default=True)
    # The buyer's stock policy: weeks of sales it wants on hand; the supplier's
    # replenishment suggestion aims at it.
    target_cover_weeks: Mapped[int] = mapped_column(Integer, default=DEFAULT_TARGET_COVER_WEEKS)

    supplier = relationship("Company", foreign_keys=[supplier_company_id])

    def shares(self, view: str) -> bool:
        return bool(getattr(self, view_flag(view)))


class SkuCrossReference(TimestampMixin, db.Model):
    """The buyer's own SKU for one of a supplier's products."""

    __tablename__ = "supplier_link_sku_xrefs"
    __label__ = "SKU cross-reference"
    __table_args__ = (UniqueConstraint("buyer_company_id", "buyer_sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_company_id: Mapped[int] = _company_fk(index=True)
    supplier_company_id: Mapped[int] = _company_fk(index=True)
    buyer_sku: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)

    product = relationship("Product")
    supplier = relationship("Company", foreign_keys=[supplier_company_id])

    @classmethod
    def visible_to(cls, company_id: int):
        """The table is the buyer's; the supplier reads its own rows in its views."""
        return cls.buyer_company_id == company_id


class StockReport(TimestampMixin, db.Model):
    """One upload (CSV or API call) of a buyer's stock report."""

    __tablename__ = "supplier_link_stock_reports"
    __label__ = "Stock report"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_company_id: Mapped[int] = _company_fk(index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(10))  # "json" or "csv"
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)

    @classmethod
    def visible_to(cls, company_id: int):
        return cls.buyer_company_id == company_id


class StockReportRow(db.Model):
    """Quantity sold and on hand of one supplier product at one buyer over one period.
    A period reported again replaces the earlier figures (same product and dates)."""

    __tablename__ = "supplier_link_stock_rows"
    __table_args__ = (
        UniqueConstraint("buyer_company_id", "product_id", "period_start", "period_end"),
        # The supplier's statistics: one buyer, its products, newest period first.
        Index("ix_supplier_link_stock_rows_view", "supplier_company_id", "buyer_company_id",
              "product_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier_link_stock_reports.id", ondelete="SET NULL"), index=True)
    buyer_company_id: Mapped[int] = _company_fk()
    supplier_company_id: Mapped[int] = _company_fk()
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    buyer_sku: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # Kept so rates are computed in SQL the same way on SQLite and PostgreSQL
    # (their date arithmetic differs): period_end - period_start + 1.
    period_days: Mapped[int] = mapped_column(Integer)
    quantity_sold: Mapped[Decimal] = mapped_column(Quantity())
    quantity_on_hand: Mapped[Decimal] = mapped_column(Quantity())
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RejectionReason(enum.StrEnum):
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    QUALITY = "quality"
    OTHER = "other"


REJECTION_REASON_LABELS = {
    RejectionReason.DAMAGED: _l("Damaged"),
    RejectionReason.WRONG_ITEM: _l("Wrong item"),
    RejectionReason.QUALITY: _l("Quality"),
    RejectionReason.OTHER: _l("Other"),
}

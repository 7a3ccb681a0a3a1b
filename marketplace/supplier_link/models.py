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
    Text,
    UniqueConstraint,
    or_,
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


class StockSeries(db.Model):
    """One product's history of stock reports at one buyer: which SKUs a supplier's
    statistics list, so a page of SKUs is chosen among a few thousand series rather
    than among the pair's (possibly millions of) report rows. Kept by the import."""

    __tablename__ = "supplier_link_stock_series"
    __table_args__ = (UniqueConstraint("buyer_company_id", "product_id"),
                      Index("ix_supplier_link_stock_series_pair", "supplier_company_id",
                            "buyer_company_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_company_id: Mapped[int] = _company_fk()
    supplier_company_id: Mapped[int] = _company_fk()
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    periods: Mapped[int] = mapped_column(Integer, default=0)
    last_period_end: Mapped[date] = mapped_column(Date)
    # The latest figures, so the statistics can be sorted in SQL across every SKU
    # (which run out first, which sell most) and still read one page of rows only.
    last_quantity_on_hand: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    weekly_sales: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    weeks_of_cover: Mapped[Decimal | None] = mapped_column(Quantity())


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


# ----- goods receipts, discrepancies, returns -------------------------------------------------


class RejectionReason(enum.StrEnum):
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"
    QUALITY = "quality"
    OTHER = "other"


REASON_LABELS = {
    RejectionReason.DAMAGED: _l("Damaged"),
    RejectionReason.WRONG_ITEM: _l("Wrong item"),
    RejectionReason.QUALITY: _l("Quality"),
    RejectionReason.OTHER: _l("Other"),
}


def _reason_column(name: str):
    return mapped_column(enum_column(RejectionReason, name=name), nullable=True)


class PartiesMixin:
    """A record between a buyer and one of its suppliers: both see it, nobody else."""

    buyer_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    supplier_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)

    @classmethod
    def visible_to(cls, company_id: int):
        return or_(cls.buyer_company_id == company_id, cls.supplier_company_id == company_id)


class GoodsReceipt(PartiesMixin, TimestampMixin, db.Model):
    """What the buyer counted on arrival of goods of one order: per order line the
    quantity received and how much of it was rejected, and why."""

    __tablename__ = "goods_receipts"
    __label__ = "Goods receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    # The advance shipping notice (the supplier's shipment) the goods arrived with:
    # named by the buyer, or matched on arrival (see operations.receipts).
    shipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipments.id", ondelete="SET NULL"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(10), default="api")  # api, portal, csv
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    order = relationship("Order")
    shipment = relationship("Shipment")
    lines: Mapped[list[GoodsReceiptLine]] = relationship(
        back_populates="receipt", order_by="GoodsReceiptLine.id", cascade="all, delete-orphan")


class GoodsReceiptLine(db.Model):
    __tablename__ = "goods_receipt_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("goods_receipts.id", ondelete="CASCADE"),
                                            index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"),
                                               index=True)
    # The shipment line these goods were matched to; null when nothing was shipped
    # for the line (a receipt of goods never announced: a discrepancy).
    shipment_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipment_lines.id", ondelete="SET NULL"), index=True)
    quantity_received: Mapped[Decimal] = mapped_column(Quantity())
    quantity_rejected: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    reason: Mapped[RejectionReason | None] = _reason_column("receipt_rejection_reason")

    receipt: Mapped[GoodsReceipt] = relationship(back_populates="lines")
    order_line = relationship("OrderLine")
    shipment_line = relationship("ShipmentLine")

    @property
    def quantity_accepted(self) -> Decimal:
        return self.quantity_received - self.quantity_rejected


class DiscrepancyStatus(enum.StrEnum):
    OPEN = "open"  # found, nothing done yet
    CLAIMED = "claimed"  # the buyer sent a claim
    RESOLVING = "resolving"  # a credit note, debit note or replacement is under way
    CLOSED = "closed"


class Discrepancy(PartiesMixin, TimestampMixin, VersionedMixin, db.Model):
    """The resolution of a difference between what was shipped and what was received
    on one shipment line (or on an order line where goods came unannounced). The
    quantities are always computed from shipments and receipts; this row carries the
    workflow: the claim and its answer are engine documents."""

    __tablename__ = "supplier_link_discrepancies"
    __label__ = "Discrepancy"
    __table_args__ = (UniqueConstraint("order_line_id", "shipment_line_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"),
                                               index=True)
    shipment_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipment_lines.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DiscrepancyStatus.OPEN, index=True)
    claim_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    # How it was settled: "credit_note", "debit_note", "replacement" ("kept": goods over
    # what was shipped, kept by the buyer; "received": the rest arrived unclaimed).
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolution_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"))
    replacement_shipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipments.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the buyer wrote with its claim (also the claim document's notes).
    claim_comment: Mapped[str | None] = mapped_column(Text)

    order = relationship("Order")
    order_line = relationship("OrderLine")
    shipment_line = relationship("ShipmentLine")
    claim_photos: Mapped[list[ClaimPhoto]] = relationship(
        back_populates="discrepancy", order_by="ClaimPhoto.position", lazy="selectin",
        cascade="all, delete-orphan")
    claim_document = relationship("Document", foreign_keys=[claim_document_id])
    resolution_document = relationship("Document", foreign_keys=[resolution_document_id])
    replacement_shipment = relationship("Shipment", foreign_keys=[replacement_shipment_id])


class ClaimPhoto(db.Model):
    """A photo the buyer sent with its claim (the goods damaged, the carton short): one
    of content's stored images, seen by the two parties of the discrepancy only."""

    __tablename__ = "supplier_link_claim_photos"
    __label__ = "Claim photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    discrepancy_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_link_discrepancies.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    discrepancy: Mapped[Discrepancy] = relationship(back_populates="claim_photos")
    media = relationship("MediaFile", lazy="joined")


class ReturnRequest(PartiesMixin, TimestampMixin, db.Model):
    """Goods the buyer sends back: the quantities and reasons, and the engine's
    ``return_request`` document that carries the request to the supplier."""

    __tablename__ = "supplier_link_returns"
    __label__ = "Return"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    order = relationship("Order")
    document = relationship("Document")
    lines: Mapped[list[ReturnLine]] = relationship(
        back_populates="return_request", order_by="ReturnLine.id", cascade="all, delete-orphan")


class ReturnLine(db.Model):
    __tablename__ = "supplier_link_return_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_link_returns.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"),
                                               index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    reason: Mapped[RejectionReason] = mapped_column(
        enum_column(RejectionReason, name="return_reason"))

    return_request: Mapped[ReturnRequest] = relationship(back_populates="lines")
    order_line = relationship("OrderLine")

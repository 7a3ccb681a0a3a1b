"""Content: company profiles and factory tours, product lines and products with
their price tiers and media, bulletins. Uploaded files are ``MediaFile`` rows."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import CompanyOwnedMixin, TimestampMixin, VersionedMixin
from marketplace.core.types import Money, Quantity, UTCDateTime
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus, enum_column


def _active_company_ids():
    return select(Company.id).where(Company.status == CompanyStatus.ACTIVE)


class MediaKind(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    PDF = "pdf"


class MediaFile(CompanyOwnedMixin, TimestampMixin, db.Model):
    """An uploaded file, checked by its content, stored under the instance folder.
    Who may see it follows what it is attached to (a published product, a profile)."""

    __tablename__ = "media_files"
    __label__ = "File"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MediaKind] = mapped_column(enum_column(MediaKind, name="media_kind"))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Relative to the media folder; never built from the uploaded file name.
    storage_path: Mapped[str] = mapped_column(String(300), unique=True)
    thumbnail_path: Mapped[str | None] = mapped_column(String(300))
    original_name: Mapped[str] = mapped_column(String(255))
    width: Mapped[int | None]
    height: Mapped[int | None]


class CompanyProfile(CompanyOwnedMixin, TimestampMixin, VersionedMixin, db.Model):
    """What a company tells buyers about itself, beside the account data in Company."""

    __tablename__ = "company_profiles"
    __table_args__ = (UniqueConstraint("company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    description_en: Mapped[str | None] = mapped_column(Text)
    description_zh: Mapped[str | None] = mapped_column(Text)
    year_founded: Mapped[int | None]
    employees: Mapped[str | None] = mapped_column(String(20))  # a range: "51-200"
    main_markets: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))

    company: Mapped[Company] = relationship()


class Certification(CompanyOwnedMixin, TimestampMixin, db.Model):
    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # "ISO 9001:2015"
    issuer: Mapped[str | None] = mapped_column(String(200))
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_files.id", ondelete="SET NULL"))

    document: Mapped[MediaFile | None] = relationship()


class FactoryTourItem(CompanyOwnedMixin, TimestampMixin, db.Model):
    """One photo or video of the factory tour, in the company's chosen order."""

    __tablename__ = "factory_tour_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    caption_en: Mapped[str | None] = mapped_column(String(300))
    caption_zh: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)

    media: Mapped[MediaFile] = relationship()


class ProductLine(CompanyOwnedMixin, TimestampMixin, db.Model):
    """A supplier's own catalog tree, beside the platform's category tree."""

    __tablename__ = "product_lines"
    __label__ = "Product line"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_lines.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[ProductLine | None] = relationship(remote_side=[id])


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Product(CompanyOwnedMixin, TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "products"
    __label__ = "Product"
    __table_args__ = (UniqueConstraint("company_id", "sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    name_zh: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    description_zh: Mapped[str | None] = mapped_column(Text)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    product_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_lines.id", ondelete="SET NULL"), index=True)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    moq: Mapped[Decimal | None] = mapped_column(Quantity())
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # What one unit costs the supplier, in ``currency``; never shown to buyers. Optional:
    # customer analytics compute gross margin only where it is known.
    cost_price: Mapped[Decimal | None] = mapped_column(Money())
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    hs_code: Mapped[str | None] = mapped_column(String(12))
    lead_time_days: Mapped[int | None]
    packaging: Mapped[str | None] = mapped_column(String(300))
    port: Mapped[str | None] = mapped_column(String(120))  # port of loading: "Kaohsiung"
    # For the shipping documents (customs and packing list): where the goods are made,
    # what one unit weighs, and how they are packed (units per carton, the carton's
    # outside size in cm and its gross weight when full, in kg).
    origin_country: Mapped[str | None] = mapped_column(String(2))
    net_weight_kg: Mapped[Decimal | None] = mapped_column(Quantity())
    units_per_carton: Mapped[int | None]
    carton_length_cm: Mapped[Decimal | None] = mapped_column(Quantity())
    carton_width_cm: Mapped[Decimal | None] = mapped_column(Quantity())
    carton_height_cm: Mapped[Decimal | None] = mapped_column(Quantity())
    carton_gross_weight_kg: Mapped[Decimal | None] = mapped_column(Quantity())
    status: Mapped[ProductStatus] = mapped_column(
        enum_column(ProductStatus, name="product_status"), default=ProductStatus.DRAFT,
        index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Hidden by the operator (moderation): out of search, lists and its page for everyone
    # but its owner, who sees why; whatever its status.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_reason: Mapped[str | None] = mapped_column(String(300))

    company: Mapped[Company] = relationship()
    category: Mapped[Category | None] = relationship()
    product_line: Mapped[ProductLine | None] = relationship()
    price_tiers: Mapped[list[PriceTier]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="PriceTier.min_qty")
    media: Mapped[list[ProductMedia]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductMedia.position")

    @classmethod
    def visible_to(cls, company_id: int):
        """The owner sees all of its products; others only published ones of active companies."""
        return or_(cls.company_id == company_id, cls.publicly_visible())

    @classmethod
    def publicly_visible(cls):
        return and_(cls.status == ProductStatus.PUBLISHED, cls.hidden_at.is_(None),
                    cls.company_id.in_(_active_company_ids()))

    def unit_price_for(self, quantity: Decimal) -> Decimal | None:
        """The tier price for an order of ``quantity`` (None below the first tier)."""
        price = None
        for tier in self.price_tiers:
            if quantity >= tier.min_qty:
                price = tier.unit_price
        return price


class PriceTier(db.Model):
    __tablename__ = "price_tiers"
    __table_args__ = (UniqueConstraint("product_id", "min_qty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    min_qty: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Money())

    product: Mapped[Product] = relationship(back_populates="price_tiers")


class ProductMedia(db.Model):
    """A file shown with a product, in the supplier's order (the first is the cover)."""

    __tablename__ = "product_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    caption: Mapped[str | None] = mapped_column(String(300))

    product: Mapped[Product] = relationship(back_populates="media")
    file: Mapped[MediaFile] = relationship()


class BulletinKind(enum.StrEnum):
    PRODUCT_NEWS = "product_news"  # a new product, a price change, a trade show
    BUY_OFFER = "buy_offer"  # a trade lead: wanted
    SELL_OFFER = "sell_offer"  # a trade lead: offered


class Bulletin(CompanyOwnedMixin, TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "bulletins"
    __label__ = "Bulletin"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[BulletinKind] = mapped_column(enum_column(BulletinKind, name="bulletin_kind"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_reason: Mapped[str | None] = mapped_column(String(300))

    company: Mapped[Company] = relationship()
    category: Mapped[Category | None] = relationship()


class CatalogImportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class CatalogImport(CompanyOwnedMixin, TimestampMixin, db.Model):
    """A spreadsheet upload processed in the background: its progress and row report.
    The files wait under the instance folder until the job has read them."""

    __tablename__ = "catalog_imports"
    __label__ = "Catalog import"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    original_name: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(4))  # "xlsx" or "csv"
    # Relative to the instance folder; generated, never built from the uploaded name.
    file_path: Mapped[str] = mapped_column(String(300))
    images_path: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[CatalogImportStatus] = mapped_column(
        enum_column(CatalogImportStatus, name="catalog_import_status"),
        default=CatalogImportStatus.QUEUED, index=True)
    rows_total: Mapped[int | None]  # an estimate until the job is done
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed_rows: Mapped[int] = mapped_column(Integer, default=0)
    images_attached: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    # The first errors only ([{row, field, message}]); error_count counts them all.
    errors: Mapped[list] = mapped_column(JSON, default=list)
    detail: Mapped[str | None] = mapped_column(String(500))  # why a job failed
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

"""Association rules over order lines ("often ordered together"): one row per ordered
pair of a supplier's products, written by ``crm/tasks/associations.py``.

A rule reads "orders with ``product`` also hold ``other_product``". Both directions are
kept (A → B and B → A), since confidence differs by direction. See docs/ANALYTICS.md.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db


class ProductAssociation(db.Model):
    __tablename__ = "crm_product_associations"
    __table_args__ = (
        UniqueConstraint("product_id", "other_product_id"),
        Index("ix_crm_product_associations_supplier", "supplier_company_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    other_product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    # Orders of the supplier holding both products.
    orders_together: Mapped[int] = mapped_column(Integer)
    # Share of the supplier's orders holding both; share of orders with ``product`` that
    # also hold ``other_product``; confidence over the share holding ``other_product``.
    support: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    lift: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

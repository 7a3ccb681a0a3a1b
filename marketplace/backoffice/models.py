"""The back office's own table: members' reports of products and bulletins (moderation).

The hidden flag itself is content's (``products.hidden_at``, ``bulletins.hidden_at``);
a report only says who asked for a look, why, and what the operator decided."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, User, enum_column


class ReportKind(enum.StrEnum):
    PRODUCT = "product"
    BULLETIN = "bulletin"


class ReportReason(enum.StrEnum):
    COUNTERFEIT = "counterfeit"
    PROHIBITED = "prohibited"
    MISLEADING = "misleading"
    OTHER = "other"


class ReportStatus(enum.StrEnum):
    OPEN = "open"  # waiting for the operator
    HIDDEN = "hidden"  # the operator hid what it reports
    DISMISSED = "dismissed"  # the operator found nothing wrong


REASON_LABELS = {
    ReportReason.COUNTERFEIT: _l("Counterfeit"),
    ReportReason.PROHIBITED: _l("Prohibited goods"),
    ReportReason.MISLEADING: _l("Misleading"),
    ReportReason.OTHER: _l("Other"),
}
STATUS_LABELS = {
    ReportStatus.OPEN: _l("Waiting"),
    ReportStatus.HIDDEN: _l("Hidden"),
    ReportStatus.DISMISSED: _l("Dismissed"),
}
KIND_LABELS = {ReportKind.PRODUCT: _l("Product"), ReportKind.BULLETIN: _l("Bulletin")}


class ContentReport(db.Model):
    """A member's report of a product or a bulletin; one open report per member and
    object. Deciding one decides every open report of the same object."""

    __tablename__ = "content_reports"
    __label__ = "Report"
    __table_args__ = (Index("ix_content_reports_object", "object_type", "object_id"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    # The column is named as the audit trail names it ("product" or "bulletin").
    kind: Mapped[ReportKind] = mapped_column("object_type",
                                             enum_column(ReportKind, name="report_kind"))
    object_id: Mapped[int]
    # The owner of what is reported (for the queue and the audit), kept as it was.
    owner_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    reason: Mapped[ReportReason] = mapped_column(enum_column(ReportReason,
                                                             name="report_reason"))
    text: Mapped[str | None] = mapped_column(Text)
    reporter_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reporter_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True)
    status: Mapped[ReportStatus] = mapped_column(
        enum_column(ReportStatus, name="report_status"), default=ReportStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    decision_note: Mapped[str | None] = mapped_column(String(300))

    owner: Mapped[Company | None] = relationship(foreign_keys=[owner_company_id])
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_user_id])
    reporter_company: Mapped[Company | None] = relationship(foreign_keys=[reporter_company_id])

    @property
    def link(self) -> str:
        return f"/{'products' if self.kind == ReportKind.PRODUCT else 'bulletins'}/{self.object_id}"


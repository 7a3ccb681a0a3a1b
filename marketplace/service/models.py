"""A service case and its messages. The opening company and the handling side see it:
the counterparty company, or the platform's operators when the case is to the operator
(``counterparty_company_id`` null). Nobody else (``visible_to``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import TimestampMixin, VersionedMixin
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db

TYPES = ("complaint", "question", "return", "quality")
PRIORITIES = ("low", "normal", "high", "urgent")
OPEN, WAITING, RESOLVED, CLOSED = "open", "waiting", "resolved", "closed"
STATUSES = (OPEN, WAITING, RESOLVED, CLOSED)
ACTIVE = (OPEN, WAITING)  # the clock runs


class ServiceCase(TimestampMixin, VersionedMixin, db.Model):
    """A complaint, question, return or quality case a company opens with another (or
    with the operator): ``open`` waits for the handling side, ``waiting`` for the
    opener; ``resolved`` by either, ``closed`` (and rated) by the opener; reopened."""

    __tablename__ = "service_cases"
    __label__ = "Service case"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)  # the opener
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The handling company; null: the platform's operator handles it.
    counterparty_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    # The handling company's department whose shared box holds it (its dispatch rules).
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=OPEN, index=True)
    # The targets, fixed when it opens (the type's, in business days).
    response_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The handler's answers before the first resolution; reopened: not solved at once.
    answers: Mapped[int] = mapped_column(Integer, default=0)
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    solved_at_first_answer: Mapped[bool | None] = mapped_column()
    rating: Mapped[int | None] = mapped_column(Integer)  # 1-5, by the opener once closed

    company = relationship("Company", foreign_keys=[company_id])
    counterparty = relationship("Company", foreign_keys=[counterparty_company_id])
    opened_by = relationship("User", foreign_keys=[opened_by_id])
    messages: Mapped[list[ServiceCaseMessage]] = relationship(
        back_populates="case", order_by="ServiceCaseMessage.id", cascade="all, delete-orphan")

    @classmethod
    def visible_to(cls, company_id: int):
        return or_(cls.company_id == company_id, cls.counterparty_company_id == company_id)

    def handled_by(self, company_id: int | None) -> bool:
        """The handling side: the counterparty company (None: the operator)."""
        return company_id == self.counterparty_company_id


class ServiceCaseMessage(db.Model):
    """One message of a case: who wrote it (a company; null: the operator), its text and
    files (content's stored media, ``{id, name, content_type, size}``)."""

    __tablename__ = "service_case_messages"
    __label__ = "Service case message"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("service_cases.id", ondelete="CASCADE"),
                                         index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id",
                                                              ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[ServiceCase] = relationship(back_populates="messages")
    author = relationship("User", foreign_keys=[author_id])

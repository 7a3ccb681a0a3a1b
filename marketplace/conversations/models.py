"""A conversation between two companies and its messages. Both companies see it, nobody
else (``visible_to``); each company's read state is one row (how far it has read), so
"seen" on a message is the other company having read up to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import TimestampMixin
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db


class Conversation(TimestampMixin, db.Model):
    """Two companies talking: the one that started it and the other."""

    __tablename__ = "conversations"
    __label__ = "Conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    starter_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    counterparty_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Where it was started (a product page, a document), if anywhere.
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    # The inquiry it was turned into (the draft links back through its extras).
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(300), default="")
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Every message's text, lower-cased, in one column: the member's search is one LIKE
    # per word over the company's conversations instead of a join per message.
    search_text: Mapped[str] = mapped_column(Text, default="")

    starter = relationship("Company", foreign_keys=[starter_company_id])
    counterparty = relationship("Company", foreign_keys=[counterparty_company_id])

    @classmethod
    def visible_to(cls, company_id: int):
        return or_(cls.starter_company_id == company_id,
                   cls.counterparty_company_id == company_id)

    def other_company_id(self, company_id: int) -> int:
        return self.counterparty_company_id if company_id == self.starter_company_id \
            else self.starter_company_id


class ConversationMessage(db.Model):
    """One message: its text and its attachments (content's stored media, listed as
    ``{id, name, content_type, size}`` like a document's)."""

    __tablename__ = "conversation_messages"
    __label__ = "Message"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author = relationship("User", foreign_keys=[author_id])
    company = relationship("Company", foreign_keys=[company_id])


class ConversationRead(db.Model):
    """How far a company has read a conversation (the last message it saw, and when)."""

    __tablename__ = "conversation_reads"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    last_read_message_id: Mapped[int] = mapped_column(Integer, default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

"""Trading's own table: guest links. Trade documents themselves are the engine's
(``workflow.models``); what trading adds is a way for a person who is not a member —
a contact in the issuer's address book — to read one quotation and answer it.

A guest link opens one document only. Its token is random (``secrets``) and only its
SHA-256 is kept, so a copy of the database opens nothing; it expires
(``GUEST_LINK_LIFETIME``) and the issuer can revoke it. The guest's answers are
recorded on the document's history by the guest's name (``DocumentEvent.actor_name``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import CompanyOwnedMixin, TimestampMixin
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Contact, User
from marketplace.workflow.models import Document


class GuestLink(CompanyOwnedMixin, TimestampMixin, db.Model):
    """A link sent by the issuing company (``company_id``) to one address-book contact,
    opening ``document_id`` read-only, with Accept and Ask for a change."""

    __tablename__ = "guest_links"
    __label__ = "Guest link"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    # The contact as the mail went out (the address book may change afterwards).
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    document: Mapped[Document] = relationship()
    contact: Mapped[Contact | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    def expired(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.expires_at

    @property
    def state(self) -> str:
        """``revoked``, ``expired``, ``accepted`` or ``open``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.accepted_at is not None:
            return "accepted"
        return "expired" if self.expired() else "open"


class IssuedPayTo(db.Model):
    """The issuer's bank details as they were when a proforma or commercial invoice was
    sent (``trading.pay_to``): its print shows these, so a later change of the issuer's
    bank details never alters an issued invoice. A revision is a document of its own
    (``parent_id``) and keeps its own. ``details`` None: the issuer had none then."""

    __tablename__ = "issued_pay_to"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             primary_key=True)
    details: Mapped[dict | None] = mapped_column(JSON)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

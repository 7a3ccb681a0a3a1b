"""Notifications of members, their e-mail choices, and companies' webhooks with the
log of every delivery and attempt."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.labels import N_, Labels
from marketplace.core.models import CompanyOwnedMixin, TimestampMixin, VersionedMixin
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import User, enum_column
from marketplace.infrastructure.notifications.messages import render_message


class Notification(CompanyOwnedMixin, db.Model):
    """Something a member is told in the portal. The message is kept as its English
    msgid and params, and made in the reader's language when shown."""

    __tablename__ = "notifications"
    __label__ = "Notification"
    __table_args__ = (
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(80))
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def text(self) -> str:
        return render_message(self.message, self.params)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(db.Model):
    """A member's choice for one event; without a row, the event comes by e-mail."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(80))
    email: Mapped[bool] = mapped_column(Boolean, default=True)


class Webhook(CompanyOwnedMixin, TimestampMixin, VersionedMixin, db.Model):
    """A partner system's URL that receives the company's events, signed with a secret."""

    __tablename__ = "webhooks"
    __label__ = "Webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Kept as given: signing needs the secret itself. Never shown again after creation.
    secret: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()
    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="webhook", cascade="all, delete-orphan", passive_deletes=True)

    def wants(self, event: str) -> bool:
        return self.active and event in self.events


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # every attempt failed; sent again only on request


# The words for a delivery's status (core/labels.py).
DELIVERY_STATUS = Labels({"pending": N_("Waiting"), "delivered": N_("Delivered"),
                          "failed": N_("Failed")})


class WebhookDelivery(CompanyOwnedMixin, db.Model):
    """One event for one webhook: the exact body, sent (and signed) at every attempt."""

    __tablename__ = "webhook_deliveries"
    __label__ = "Delivery"
    __table_args__ = (
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_webhook_id_created_at", "webhook_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    # The X-Marketplace-Delivery header: the same for every attempt of this delivery.
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    event: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, name="webhook_delivery_status"),
        default=DeliveryStatus.PENDING)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    # Due for its next attempt from then on; also moved ahead while an attempt is under
    # way, so an attempt that never reports back is made again later.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    webhook: Mapped[Webhook] = relationship(back_populates="deliveries")
    attempts: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", passive_deletes=True,
        order_by="WebhookAttempt.number")


class AttemptOutcome(enum.StrEnum):
    DELIVERED = "delivered"
    HTTP_ERROR = "http_error"  # an answer other than 2xx
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection_error"
    TLS_ERROR = "tls_error"
    ADDRESS_REFUSED = "address_refused"  # a private or loopback address, not allowed


class WebhookAttempt(db.Model):
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    url: Mapped[str] = mapped_column(String(2000))
    outcome: Mapped[AttemptOutcome] = mapped_column(
        enum_column(AttemptOutcome, name="webhook_attempt_outcome"))
    status_code: Mapped[int | None]
    # What went wrong, as the network or the receiver said it (technical, not translated).
    error: Mapped[str | None] = mapped_column(String(500))
    response_excerpt: Mapped[str | None] = mapped_column(String(500))
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempts")

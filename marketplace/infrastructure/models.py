"""Companies, their members and roles, sessions and tokens, categories, address book."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.errors import Forbidden
from marketplace.core.labels import N_, Labels
from marketplace.core.models import CompanyOwnedMixin, TimestampMixin, VersionedMixin
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db


def enum_column(enum_cls: type[enum.Enum], **kwargs) -> Enum:
    """A portable enum column: VARCHAR with a CHECK, storing the values."""
    return Enum(enum_cls, native_enum=False, create_constraint=True, length=20,
                values_callable=lambda e: [m.value for m in e],
                validate_strings=True, **kwargs)


class CompanyStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"


class MemberRole(enum.StrEnum):
    ADMIN = "admin"
    SALES = "sales"
    PURCHASING = "purchasing"
    APPROVER = "approver"
    VIEWER = "viewer"


ROLE_LABELS = {
    MemberRole.ADMIN: _l("Administrator"),
    MemberRole.SALES: _l("Sales"),
    MemberRole.PURCHASING: _l("Purchasing"),
    MemberRole.APPROVER: _l("Approver"),
    MemberRole.VIEWER: _l("Viewer"),
}

# The words for the company's and the role request's status (core/labels.py).
COMPANY_STATUS = Labels({"active": N_("Active"), "pending": N_("Pending approval"),
                         "suspended": N_("Suspended")})
ROLE_REQUEST_STATUS = Labels({"pending": N_("Waiting"), "approved": N_("Approved"),
                              "declined": N_("Declined")})

# What each role may do. Modules add their permissions here as they arrive.
ROLE_PERMISSIONS: dict[MemberRole, frozenset[str]] = {
    MemberRole.ADMIN: frozenset({
        "company.edit", "members.manage", "api_keys.manage", "address_book.view",
        "address_book.edit", "audit.view", "profile.edit", "catalog.edit", "bulletins.post",
        "webhooks.manage", "documents.view", "documents.edit", "documents.approve",
        "documents.settings", "fulfillment.view", "fulfillment.manage", "payments.record",
        "payments.pay", "supplier_link.view", "supplier_link.record"}),
    MemberRole.SALES: frozenset({"address_book.view", "address_book.edit", "catalog.edit",
                                 "bulletins.post", "documents.view", "documents.edit",
                                 "fulfillment.view", "fulfillment.manage", "payments.record",
                                 "supplier_link.view"}),
    MemberRole.PURCHASING: frozenset({"address_book.view", "address_book.edit",
                                      "bulletins.post", "documents.view", "documents.edit",
                                      "fulfillment.view", "payments.pay", "supplier_link.view",
                                      "supplier_link.record"}),
    MemberRole.APPROVER: frozenset({"address_book.view", "documents.view", "documents.approve",
                                    "fulfillment.view", "supplier_link.view"}),
    MemberRole.VIEWER: frozenset({"address_book.view", "documents.view", "fulfillment.view",
                                  "supplier_link.view"}),
}
# A partner system's API key acts for the company in business matters, never in
# administration (members, keys, company profile): those need a person.
ADMIN_ONLY_PERMISSIONS = frozenset({"company.edit", "members.manage", "api_keys.manage",
                                    "audit.view", "profile.edit", "webhooks.manage",
                                    "documents.settings"})
API_KEY_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values()) - ADMIN_ONLY_PERMISSIONS


company_categories = Table(
    "company_categories",
    db.metadata,
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)


class Category(TimestampMixin, db.Model):
    """A node of the platform's business category tree, kept by the operator."""

    __tablename__ = "categories"
    __label__ = "Category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str | None] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(back_populates="parent",
                                                    order_by="Category.position")

    def display_name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name


class Company(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "companies"
    __label__ = "Company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    country: Mapped[str] = mapped_column(String(2))
    is_buyer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_supplier: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[CompanyStatus] = mapped_column(
        enum_column(CompanyStatus, name="company_status"), default=CompanyStatus.PENDING,
        index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_reason: Mapped[str | None] = mapped_column(String(500))

    categories: Mapped[list[Category]] = relationship(secondary=company_categories,
                                                      order_by="Category.code")
    memberships: Mapped[list[Membership]] = relationship(back_populates="company",
                                                         cascade="all, delete-orphan")

    @classmethod
    def visible_to(cls, company_id: int):
        """Active companies are public; a pending or suspended one only to itself."""
        return or_(cls.status == CompanyStatus.ACTIVE, cls.id == company_id)

    @property
    def roles(self) -> list[str]:
        return [role for role, flag in (("buyer", self.is_buyer), ("supplier", self.is_supplier))
                if flag]

    @roles.setter
    def roles(self, roles: list[str]) -> None:
        self.is_buyer, self.is_supplier = "buyer" in roles, "supplier" in roles

    @property
    def is_active(self) -> bool:
        return self.status == CompanyStatus.ACTIVE

    @property
    def admins(self) -> list[User]:
        return [m.user for m in self.memberships if m.role == MemberRole.ADMIN]

    def ensure_can_trade(self) -> None:
        """Publishing and sending wait for the operator's approval."""
        if self.status == CompanyStatus.PENDING:
            raise Forbidden(str(_l(
                "Your company is waiting for the operator's approval; you can edit your "
                "profile meanwhile, but not publish or send anything yet.")))
        if self.status == CompanyStatus.SUSPENDED:
            raise Forbidden(str(_l("Your company is suspended; contact the operator.")))


class User(TimestampMixin, VersionedMixin, UserMixin, db.Model):
    __tablename__ = "users"
    __label__ = "User"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(10), default="en")
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_operator: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    membership: Mapped[Membership | None] = relationship(back_populates="user", uselist=False)

    @staticmethod
    def normalize_email(email: str) -> str:
        return email.strip().lower()

    @property
    def company(self) -> Company | None:
        return self.membership.company if self.membership else None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


class Membership(TimestampMixin, db.Model):
    """A user's place in one company, with one role."""

    __tablename__ = "memberships"
    __label__ = "Member"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole, name="member_role"))

    company: Mapped[Company] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="membership")

    def can(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


class Invitation(CompanyOwnedMixin, TimestampMixin, db.Model):
    __tablename__ = "invitations"
    __label__ = "Invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole, name="invitation_role"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    company: Mapped[Company] = relationship()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= utcnow() else "invited"


class LoginSession(db.Model):
    """A portal login. The cookie names it; logout ends it for good, so a copied
    cookie is dead after logout, and a new one is made at every login."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why it ended, so the next page can say so: "logout", "removed", "password".
    end_reason: Mapped[str | None] = mapped_column(String(20))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship()

    END_MESSAGES = {
        "removed": _l("You are no longer a member of a company on this marketplace."),
        "password": _l("Your password was changed; please log in again."),
    }

    def end(self, reason: str) -> None:
        if self.revoked_at is None:
            self.revoked_at = utcnow()
            self.end_reason = reason


class TokenKind(enum.StrEnum):
    ACCESS = "access"  # a person's bearer token from POST /auth/token
    API_KEY = "api_key"  # a company's key for a partner system


class ApiToken(TimestampMixin, db.Model):
    """Bearer credentials, stored as a SHA-256 of the secret (shown once)."""

    __tablename__ = "api_tokens"
    __label__ = "API key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(enum_column(TokenKind, name="token_kind"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    display_prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(120))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                index=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    company: Mapped[Company | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @classmethod
    def visible_to(cls, company_id: int):
        return (cls.company_id == company_id) & (cls.kind == TokenKind.API_KEY)

    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > utcnow())


class AddressBookEntry(CompanyOwnedMixin, TimestampMixin, VersionedMixin, db.Model):
    """A partner company saved by a company, on the platform or not, with its contacts."""

    __tablename__ = "address_book_entries"
    __label__ = "Address book entry"
    __table_args__ = (UniqueConstraint("company_id", "partner_company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    address: Mapped[str | None] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)

    partner_company: Mapped[Company | None] = relationship(foreign_keys=[partner_company_id])
    contacts: Mapped[list[Contact]] = relationship(back_populates="entry",
                                                   cascade="all, delete-orphan",
                                                   order_by="Contact.id")


class Contact(db.Model):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("address_book_entries.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))

    entry: Mapped[AddressBookEntry] = relationship(back_populates="contacts")


class RoleRequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class CompanyRoleRequest(TimestampMixin, db.Model):
    """A company admin's request to change the company's roles (become a supplier, stop
    buying): the operator decides, as for a new company (a company that made itself a
    supplier could publish at once)."""

    __tablename__ = "company_role_requests"
    __label__ = "Role change request"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    roles: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[RoleRequestStatus] = mapped_column(
        enum_column(RoleRequestStatus, name="role_request_status"),
        default=RoleRequestStatus.PENDING, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(500))

    company: Mapped[Company] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])

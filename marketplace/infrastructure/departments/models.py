"""A department of a company and its members (a member may belong to several)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import TimestampMixin
from marketplace.extensions import db


class Department(TimestampMixin, db.Model):
    """Members of one company who share a box, led by a head (who may approve when an
    approval rule names the department)."""

    __tablename__ = "departments"
    __label__ = "Department"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(120))
    head_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))

    head = relationship("User", foreign_keys=[head_user_id])
    memberships: Mapped[list[DepartmentMember]] = relationship(
        back_populates="department", cascade="all, delete-orphan",
        order_by="DepartmentMember.user_id")

    @classmethod
    def visible_to(cls, company_id: int):
        return cls.company_id == company_id

    @property
    def member_ids(self) -> list[int]:
        return [row.user_id for row in self.memberships]


class DepartmentMember(db.Model):
    __tablename__ = "department_members"

    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)

    department: Mapped[Department] = relationship(back_populates="memberships")
    user = relationship("User")

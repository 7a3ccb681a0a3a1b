"""Reads of departments: a company's, one of them (404 for another company's), the
ones a member belongs to, and who may open a department's box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.infrastructure.departments.models import Department, DepartmentMember
from marketplace.infrastructure.models import Membership, User

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor


def departments_of(company_id: int) -> list[Department]:
    return list(db.session.scalars(
        select(Department).where(Department.company_id == company_id)
        .options(selectinload(Department.memberships), selectinload(Department.head))
        .order_by(Department.name, Department.id)))


def department_in(company_id: int | None, department_id: int) -> Department:
    """One of the company's departments; another company's is not there (404)."""
    department = db.session.get(Department, department_id)
    if department is None or company_id is None or department.company_id != company_id:
        raise NotFound(str(_l("Department %(id)s was not found.", id=department_id)))
    return department


def department_ids_of(user_id: int) -> list[int]:
    """The departments a member belongs to (as a member or as its head)."""
    members = db.session.scalars(select(DepartmentMember.department_id).where(
        DepartmentMember.user_id == user_id))
    heads = db.session.scalars(select(Department.id).where(Department.head_user_id == user_id))
    return sorted(set(members) | set(heads))


def departments_of_member(actor: Actor) -> list[Department]:
    """The departments whose box the actor may open, by name."""
    if actor.company is None or actor.user is None:
        return []
    if actor.can("company.edit"):
        return departments_of(actor.company.id)
    ids = department_ids_of(actor.user.id)
    return [d for d in departments_of(actor.company.id) if d.id in ids]


def box_refusal(department: Department, actor: Actor) -> str | None:
    """Why the actor may not open the department's box, or None: its members, its head
    and the company's administrators may."""
    if actor.company is None or actor.company.id != department.company_id:
        return str(_l("Department %(id)s was not found.", id=department.id))
    if actor.user is None:
        return None  # the company's API key acts for the company
    if actor.can("company.edit") or department.head_user_id == actor.user.id \
            or actor.user.id in department.member_ids:
        return None
    return str(_l("Only the members of %(name)s open its box.", name=department.name))


def head_of(department_id: int) -> int | None:
    return db.session.scalar(select(Department.head_user_id).where(
        Department.id == department_id))


def name_of(department_id: int | None) -> str | None:
    if department_id is None:
        return None
    return db.session.scalar(select(Department.name).where(Department.id == department_id))


def company_member_ids(company_id: int) -> set[int]:
    return set(db.session.scalars(select(Membership.user_id).where(
        Membership.company_id == company_id)))


def member_choices(company_id: int) -> list[tuple[int, str]]:
    """The company's members as (user id, name) for the settings page."""
    rows = db.session.execute(
        select(User.id, User.full_name).join(Membership, Membership.user_id == User.id)
        .where(Membership.company_id == company_id).order_by(User.full_name, User.id))
    return [(user_id, name) for user_id, name in rows]


def people(user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(
        User.id.in_(user_ids))).all())

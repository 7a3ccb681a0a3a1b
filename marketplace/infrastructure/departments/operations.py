"""Writes of departments: create, change, delete, each checked (a name, unique in the
company; a head and members who belong to the company), audited. Flush, never commit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.core.audit import record_audit
from marketplace.core.errors import Forbidden, ValidationFailed
from marketplace.extensions import db
from marketplace.infrastructure.departments import queries
from marketplace.infrastructure.departments.models import Department, DepartmentMember

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

NAME_LENGTH = 120
MAX_MEMBERS = 500


def _company_id(actor: Actor) -> int:
    if actor.company is None:
        raise Forbidden(str(_l("Departments belong to a company; the operator has none.")))
    if actor.user is not None and not actor.can("company.edit"):
        raise Forbidden(str(_l("Only your company's administrators organise departments.")))
    return actor.company.id


def _checked(company_id: int, values: dict, department: Department | None) -> dict:
    errors: dict = {}
    result: dict = {}
    if "name" in values or department is None:
        name = " ".join((values.get("name") or "").split())
        if not name:
            errors["name"] = [str(_l("Give the department a name."))]
        elif len(name) > NAME_LENGTH:
            errors["name"] = [str(_l("At most %(n)d characters.", n=NAME_LENGTH))]
        elif db.session.scalar(select(func.count()).select_from(Department).where(
                Department.company_id == company_id,
                func.lower(Department.name) == name.lower(),
                Department.id != (department.id if department else -1))):
            errors["name"] = [str(_l("Your company has a department of this name already."))]
        result["name"] = name
    members = queries.company_member_ids(company_id)
    if "head_user_id" in values:
        head = values.get("head_user_id")
        if head is not None and head not in members:
            errors["head_user_id"] = [str(_l("Not a member of your company."))]
        result["head_user_id"] = head
    if "member_ids" in values:
        ids = list(dict.fromkeys(values.get("member_ids") or []))
        if len(ids) > MAX_MEMBERS:
            errors["member_ids"] = [str(_l("At most %(n)d members.", n=MAX_MEMBERS))]
        for index, user_id in enumerate(ids):
            if user_id not in members:
                errors[f"member_ids.{index}"] = [str(_l("Not a member of your company."))]
        result["member_ids"] = ids
    if errors:
        raise ValidationFailed(str(_l("The department was not saved: check the fields "
                                      "named.")), errors=errors)
    return result


def _set_members(department: Department, user_ids: list[int]) -> None:
    keep = set(user_ids)
    department.memberships = [row for row in department.memberships if row.user_id in keep]
    have = {row.user_id for row in department.memberships}
    department.memberships += [DepartmentMember(user_id=user_id) for user_id in user_ids
                               if user_id not in have]


def create_department(actor: Actor, values: dict) -> Department:
    company_id = _company_id(actor)
    checked = _checked(company_id, {"head_user_id": None, "member_ids": [], **values}, None)
    department = Department(company_id=company_id, name=checked["name"],
                            head_user_id=checked["head_user_id"])
    members = checked["member_ids"]
    if department.head_user_id is not None and department.head_user_id not in members:
        members = [department.head_user_id, *members]  # the head is one of its members
    _set_members(department, members)
    db.session.add(department)
    db.session.flush()
    record_audit("department.created", department, changes={
        "name": department.name, "head_user_id": department.head_user_id,
        "member_ids": members})
    return department


def update_department(actor: Actor, department: Department, values: dict) -> Department:
    company_id = _company_id(actor)
    checked = _checked(company_id, values, department)
    if "name" in checked:
        department.name = checked["name"]
    if "head_user_id" in checked:
        department.head_user_id = checked["head_user_id"]
    members = checked.get("member_ids", department.member_ids)
    if department.head_user_id is not None and department.head_user_id not in members:
        members = [department.head_user_id, *members]
    _set_members(department, members)
    db.session.flush()
    record_audit("department.changed", department, changes={
        "name": department.name, "head_user_id": department.head_user_id,
        "member_ids": members})
    return department


def delete_department(actor: Actor, department: Department) -> None:
    """The department goes; what was routed to it stays with the company (its box is
    gone, the documents and cases are in the company's inbox), and a rule naming it
    goes with it."""
    _company_id(actor)
    record_audit("department.deleted", department, changes={"name": department.name})
    db.session.delete(department)
    db.session.flush()

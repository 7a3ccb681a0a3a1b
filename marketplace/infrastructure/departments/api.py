"""JSON API of departments (API.md, "Service"): every member of a company lists its
departments; its administrators create, change and delete them. Another company's
department is not there (404)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.api import idempotent, problem_responses
from marketplace.core.guards import company_actor
from marketplace.infrastructure.auth import api_auth
from marketplace.infrastructure.departments import blp_departments as blp
from marketplace.infrastructure.departments import operations, queries
from marketplace.infrastructure.departments.schemas import (
    DepartmentArgsSchema,
    DepartmentPatchArgsSchema,
    DepartmentSchema,
)

NO_COMPANY = _l("Departments belong to a company; the operator has none.")


def described(department) -> dict:
    names = queries.people(department.member_ids)
    return {"id": department.id, "name": department.name,
            "head_user_id": department.head_user_id, "member_ids": department.member_ids,
            "members": [{"id": user_id, "full_name": names.get(user_id, "")}
                        for user_id in department.member_ids],
            "box_url": f"/departments/{department.id}/box"}


@blp.route("")
@api_auth()
@blp.response(200, DepartmentSchema(many=True))
def list_departments():
    """Your company's departments, by name."""
    actor = company_actor(NO_COMPANY)
    return [described(d) for d in queries.departments_of(actor.company.id)]


@blp.route("", methods=["POST"])
@api_auth(permission="company.edit")
@idempotent
@blp.arguments(DepartmentArgsSchema)
@blp.response(201, DepartmentSchema)
@blp.doc(responses=problem_responses(422))
def create_department(values):
    """A new department (company administrators): a name unique in your company, its
    head and members (members of your company; the head is always a member)."""
    actor = company_actor(NO_COMPANY)
    department = operations.create_department(actor, values)
    location = url_for("departments_api.get_department", department_id=department.id)
    return described(department), 201, {"Location": location}


@blp.route("/<int:department_id>")
@api_auth()
@blp.response(200, DepartmentSchema)
@blp.doc(responses=problem_responses(404))
def get_department(department_id):
    actor = company_actor(NO_COMPANY)
    return described(queries.department_in(actor.company.id, department_id))


@blp.route("/<int:department_id>", methods=["PATCH"])
@api_auth(permission="company.edit")
@blp.arguments(DepartmentPatchArgsSchema)
@blp.response(200, DepartmentSchema)
@blp.doc(responses=problem_responses(404, 422))
def patch_department(values, department_id):
    """Change the name, the head or the members (only the fields sent change;
    ``member_ids`` replaces the list)."""
    actor = company_actor(NO_COMPANY)
    department = queries.department_in(actor.company.id, department_id)
    return described(operations.update_department(actor, department, values))


@blp.route("/<int:department_id>", methods=["DELETE"])
@api_auth(permission="company.edit")
@blp.response(204)
@blp.doc(responses=problem_responses(404))
def delete_department(department_id):
    """Delete the department; what was routed to it stays in the company's inbox, and
    the dispatch rules naming it go with it."""
    actor = company_actor(NO_COMPANY)
    operations.delete_department(actor, queries.department_in(actor.company.id,
                                                              department_id))

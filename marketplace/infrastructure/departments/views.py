"""Portal: the company's departments (company settings → Departments). Every member
sees them; administrators add, change and delete them. A refusal shows the form again
with what was chosen and each field's problem beside it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import DomainError, Forbidden
from marketplace.core.guards import company_member_required
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.departments import bp, operations, queries
from marketplace.infrastructure.departments.forms import DepartmentForm
from marketplace.infrastructure.forms import post_with_csrf, show_errors

NO_COMPANY = _l("Departments belong to a company; the operator has none.")


def _values(form: DepartmentForm) -> dict:
    return {"name": form.name.data or "", "head_user_id": form.head_user_id.data,
            "member_ids": list(form.member_ids.data or [])}


def _editable(actor) -> bool:
    return actor.can("company.edit")


def _refuse_unless_admin(actor) -> None:
    if not _editable(actor):
        raise Forbidden(str(_l("Only your company's administrators organise departments.")))


def _page(form: DepartmentForm, editing=None, status: int = 200):
    actor = current_actor()
    departments = queries.departments_of(actor.company.id)
    names = queries.people(sorted({u for d in departments for u in d.member_ids}
                                  | {d.head_user_id for d in departments if d.head_user_id}))
    return render_template("departments/departments.html", departments=departments,
                           names=names, form=form, editing=editing,
                           editable=_editable(actor),
                           mine=set(queries.department_ids_of(actor.user.id))
                           if actor.user else set()), status


@bp.route("/company/departments", methods=["GET", "POST"])
@company_member_required(message=NO_COMPANY)
def departments():
    actor = current_actor()
    form = DepartmentForm().offer(queries.member_choices(actor.company.id))
    if request.method == "POST":
        _refuse_unless_admin(actor)
        if form.validate_on_submit():
            try:
                department = operations.create_department(actor, _values(form))
            except DomainError as error:
                show_errors(error, form)
            else:
                flash(_l("Department %(name)s is set up.", name=department.name), "success")
                return redirect(url_for("infrastructure.departments.departments"), 303)
        return _page(form, status=422)
    return _page(form)


@bp.route("/company/departments/<int:department_id>", methods=["GET", "POST"])
@company_member_required(message=NO_COMPANY)
def edit_department(department_id):
    actor = current_actor()
    department = queries.department_in(actor.company.id, department_id)
    _refuse_unless_admin(actor)
    form = DepartmentForm(formdata=request.form if request.method == "POST" else None, data={
        "name": department.name, "head_user_id": department.head_user_id,
        "member_ids": department.member_ids}).offer(queries.member_choices(actor.company.id))
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                operations.update_department(actor, department, _values(form))
            except DomainError as error:
                show_errors(error, form)
            else:
                flash(_l("Department %(name)s is saved.", name=department.name), "success")
                return redirect(url_for("infrastructure.departments.departments"), 303)
        return _page(form, editing=department, status=422)
    return _page(form, editing=department)


@bp.route("/company/departments/<int:department_id>/delete", methods=["POST"])
@company_member_required(message=NO_COMPANY)
def delete_department(department_id):
    post_with_csrf()
    actor = current_actor()
    department = queries.department_in(actor.company.id, department_id)
    _refuse_unless_admin(actor)
    name = department.name
    operations.delete_department(actor, department)
    flash(_l("Department %(name)s is deleted; what was routed to it stays in your "
             "company's inbox.", name=name), "success")
    return redirect(url_for("infrastructure.departments.departments"), 303)

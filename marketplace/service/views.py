"""Service cases in the portal: the cases page (handled, opened, overdue), a new case
(also started from a document or an order page), a case (messages, files, resolve,
close, reopen, the one-click rating once closed), the figures page with its charts, and
a department's shared box (documents and cases a dispatch rule routed to it). Refused
input shows the form again with each field's reason and what was typed."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from marketplace.core import slots
from marketplace.core.errors import DomainError, Forbidden, NotFound
from marketplace.core.guards import login_required
from marketplace.core.pagination import MAX_PER_PAGE
from marketplace.fulfillment.queries import order_of_party
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.departments.queries import (
    box_refusal,
    department_in,
    departments_of_member,
)
from marketplace.infrastructure.forms import post_with_csrf, show_errors
from marketplace.infrastructure.queries import active_companies_for_picker
from marketplace.service import bp, forms, office  # noqa: F401 - office: the work items
from marketplace.service import operations as case_operations
from marketplace.service import queries as cases
from marketplace.service.forms import CaseForm, CaseMessageForm
from marketplace.service.models import STATUSES
from marketplace.trading.downloads import attachment_response
from marketplace.trading.queries.documents import visible_document

PER_PAGE = 20


def _actor(write: bool = False):
    actor = current_actor()
    if actor.company is None and not actor.is_operator:
        raise Forbidden(str(_l("Service cases belong to companies and the operator.")))
    if actor.company is not None and not actor.can("documents.edit" if write
                                                   else "documents.view"):
        raise Forbidden(str(_l("Your role does not allow this.")))
    return actor


def _uploads(form) -> list[case_operations.Upload]:
    return [case_operations.Upload(upload.stream, upload.filename)
            for upload in (form.files.data or []) if getattr(upload, "filename", "")]


def _show(error: DomainError, form) -> None:
    if "file" in (error.errors or {}):
        error.errors = {**error.errors, "files": error.errors.pop("file")}
    elif not error.errors and getattr(error, "status", 0) in (413, 415):
        error.errors = {"files": [error.detail]}
    for name in ("document_id", "order_id"):  # no visible field: said on top of the form
        for message in (error.errors or {}).pop(name, []):
            flash(message, "danger")
    if error.errors:
        show_errors(error, form)
    elif getattr(error, "status", 0) != 422 or not error.errors:
        flash(error.detail, "danger")


@bp.app_context_processor
def service_words() -> dict:
    return {"case_type_label": lambda code: str(forms.TYPE_LABELS.get(code, code)),
            "case_priority_label": lambda code: str(forms.PRIORITY_LABELS.get(code, code)),
            "case_status_label": lambda code: str(forms.STATUS_LABELS.get(code, code))}


# ----- the cases page and one case -------------------------------------------------------------


@bp.route("/service-cases")
@login_required
def cases_page():
    actor = _actor()
    role = request.args.get("role") if request.args.get("role") in ("opener", "handler") \
        else None
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    overdue = request.args.get("overdue") == "1"
    page = cases.cases_page(
        actor, role=role, status=status, overdue=overdue,
        page=max(request.args.get("page", 1, type=int) or 1, 1),
        per_page=min(max(request.args.get("per_page", PER_PAGE, type=int) or PER_PAGE, 1),
                     MAX_PER_PAGE))
    return render_template("service/cases.html", page=page, role=role, status=status,
                           overdue=overdue, rows=[cases.described(c, actor) for c in page.items],
                           departments=departments_of_member(actor),
                           can_open=actor.company is not None and actor.can("documents.edit"))


@bp.route("/service-cases/<int:case_id>")
@login_required
def case_page(case_id):
    actor = _actor()
    return _case(cases.visible_case(case_id, actor), CaseMessageForm())


def _case(case, form, status: int = 200):
    actor = current_actor()
    return render_template("service/case.html", case=case,
                           summary=cases.described(case, actor),
                           messages=cases.described_messages(case, cases.messages(case), actor),
                           form=form, document=_visible_or_none(
                               lambda ident: visible_document(ident, actor), case.document_id),
                           order=order_of_party(case.order_id, actor.company.id)
                           if case.order_id and actor.company else None,
                           can_write=case.status != "closed" and (
                               actor.company is None or actor.can("documents.edit"))), status


@bp.route("/service-cases/<int:case_id>", methods=["POST"])
@login_required
def reply(case_id):
    actor = _actor(write=True)
    case = cases.visible_case(case_id, actor)
    form = CaseMessageForm()
    if not form.validate_on_submit():
        return _case(case, form, 422)
    try:
        case_operations.post_message(case, actor, form.body.data, _uploads(form))
    except DomainError as error:
        _show(error, form)
        return _case(case, form, error.status if error.status in (409, 413, 415) else 422)
    return redirect(url_for("service.case_page", case_id=case.id, _anchor="latest"), 303)


@bp.route("/service-cases/<int:case_id>/actions/<action>", methods=["POST"])
@login_required
def act(case_id, action):
    post_with_csrf()
    actor = _actor(write=True)
    case = cases.visible_case(case_id, actor)
    if action not in case_operations.ACTIONS:
        raise NotFound(str(_l("A service case has no action %(action)s.", action=action)))
    page = url_for("service.case_page", case_id=case.id)
    try:
        case_operations.perform(case, actor, action)
    except DomainError as error:
        flash(error.detail, "danger")
        return redirect(page, 303)
    flash({"resolve": _l("The case is resolved."), "close": _l("The case is closed."),
           "reopen": _l("The case is open again.")}[action], "success")
    return redirect(page, 303)


@bp.route("/service-cases/<int:case_id>/rating", methods=["POST"])
@login_required
def rate(case_id):
    post_with_csrf()
    actor = _actor(write=True)
    case = cases.visible_case(case_id, actor)
    page = url_for("service.case_page", case_id=case.id)
    try:
        case_operations.rate(case, actor, request.form.get("score", type=int) or 0)
    except DomainError as error:
        messages = [m for ms in (error.errors or {}).values() for m in ms]
        flash(" ".join(messages) or error.detail, "danger")
        return redirect(page, 303)
    flash(_l("Thank you: your rating is saved."), "success")
    return redirect(page, 303)


@bp.route("/service-cases/<int:case_id>/messages/<int:message_id>/attachments/<int:media_id>")
@login_required
def download_attachment(case_id, message_id, media_id):
    case = cases.visible_case(case_id, _actor())
    return attachment_response(cases.message_attachment(case, message_id, media_id))


# ----- a new case ----------------------------------------------------------------------------


def _visible_or_none(load, ident):
    if ident is None:
        return None
    try:
        return load(ident)
    except DomainError:
        return None


@bp.route("/service-cases/new", methods=["GET", "POST"])
@login_required
def new_case():
    """Open a case; ``?document=`` or ``?order=`` (from their pages) names what it is
    about and the other party; ``?company=`` the company."""
    actor = _actor(write=True)
    if actor.company is None:
        raise Forbidden(str(_l("Service cases are opened by companies.")))
    source = request.form if request.method == "POST" else request.args
    document = _visible_or_none(lambda ident: visible_document(ident, actor),
                                _given(source, "document_id", "document"))
    order = order_of_party(_given(source, "order_id", "order") or 0, actor.company.id)
    other = _other_party(actor, document, order) or request.args.get("company", type=int)
    form = CaseForm(data={"counterparty_company_id": other,
                          "document_id": document.id if document else "",
                          "order_id": order.id if order else ""}) \
        if request.method == "GET" else CaseForm()
    form.counterparty_company_id.choices = [("", str(_l("The marketplace operator")))] + [
        (company.id, company.name) for company in active_companies_for_picker(actor.company.id)]
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            values = {"counterparty_company_id": form.counterparty_company_id.data,
                      "type": form.type.data, "priority": form.priority.data,
                      "subject": form.subject.data, "body": form.body.data,
                      "document_id": _int(form.document_id.data),
                      "order_id": _int(form.order_id.data)}
            try:
                case = case_operations.open_case(actor, values, _uploads(form))
            except DomainError as error:
                _show(error, form)
                status = error.status if error.status in (413, 415) else 422
            else:
                flash(_l("Service case %(number)s is open.",
                         number=cases.described(case, actor)["number"]), "success")
                return redirect(url_for("service.case_page", case_id=case.id), 303)
    return render_template("service/new.html", form=form, document=document,
                           order=order), status


def _given(source, *names: str) -> int | None:
    """The first of ``names`` the form or the link gives, as a number (else None)."""
    for name in names:
        value = source.get(name, type=int)
        if value is not None:
            return value
    return None


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return -1  # refused by the operation as not found


def _other_party(actor, document, order) -> int | None:
    if document is not None:
        return document.recipient_company_id if document.issuer_company_id == actor.company.id \
            else document.issuer_company_id
    if order is not None:
        return order.supplier_company_id if order.buyer_company_id == actor.company.id \
            else order.buyer_company_id
    return None


# ----- figures -------------------------------------------------------------------------------


@bp.route("/service-cases/figures")
@login_required
def figures_page():
    actor = _actor()
    figures = cases.figures(actor.company.id if actor.company else None)
    return render_template("service/figures.html", figures=figures,
                           departments=departments_of_member(actor))


# ----- a department's shared box ------------------------------------------------------------


@bp.route("/departments/<int:department_id>/box")
@login_required
def department_box(department_id):
    actor = _actor()
    department = department_in(actor.company.id if actor.company else None, department_id)
    refusal = box_refusal(department, actor)
    if refusal:
        raise Forbidden(refusal)
    page = cases.cases_page(actor, role="handler", department_id=department.id, per_page=50)
    return render_template("service/box.html", department=department,
                           documents=cases.documents_in_box(actor, department.id),
                           rows=[cases.described(c, actor) for c in page.items],
                           departments=departments_of_member(actor))


# ----- what other modules' pages show ----------------------------------------------------------


@slots.fill("document_page.notice")
def document_cases(document, **_) -> Markup | None:
    """On a document: its service cases, and a link to open one about it."""
    actor = current_actor()
    if actor is None or actor.company is None or document.sent_at is None:
        return None
    linked = cases.cases_about_document(document.id, actor.company.id)
    if not linked and not actor.can("documents.edit"):
        return None
    return Markup(render_template("service/_document_notice.html", linked=linked,
                                  document=document, can_open=actor.can("documents.edit")))


@slots.fill("order_page.notice")
def order_cases(order, **_) -> Markup | None:
    """On an order: its service cases, and a link to open one about it."""
    actor = current_actor()
    if actor is None or actor.company is None:
        return None
    linked = cases.cases_about_order(order.id, actor.company.id)
    if not linked and not actor.can("documents.edit"):
        return None
    return Markup(render_template("service/_order_notice.html", linked=linked, order=order,
                                  can_open=actor.can("documents.edit")))


@slots.fill("office.figures")
def office_service(actor, company=None, **_context) -> Markup | None:
    """On the office: the service cases waiting for the member's company, how many are
    late, and the way to the cases, the figures and the member's department boxes."""
    if actor is None or (actor.company is None and not actor.is_operator):
        return None
    if actor.company is not None and not actor.can("documents.view"):
        return None
    waiting = cases.waiting_for(actor)
    return Markup(render_template("service/_office.html", waiting=len(waiting),
                                  late=sum(cases.is_overdue(case) for case in waiting),
                                  departments=departments_of_member(actor)))

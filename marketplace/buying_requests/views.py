"""Buying requests in the portal: the list (own requests and those in the supplier's
categories, searchable), posting a request, its page (the buyer: answers, compare and
award on sourcing's comparison page, close; a supplier: its own answer and the form),
and the category subscriptions. Thin: form → operation → page."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from marketplace.buying_requests import bp, operations, queries
from marketplace.buying_requests.forms import AnswerForm, RequestForm, SubscriptionsForm
from marketplace.buying_requests.models import STATUS
from marketplace.buying_requests.tasks import request_end_sweep
from marketplace.content.queries.currencies import currency_choices
from marketplace.core.errors import DomainError, refusal_goes_back
from marketplace.core.guards import company_member_required
from marketplace.core.pagination import paginate
from marketplace.extensions import db
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import post_with_csrf, show_errors
from marketplace.trading.doctypes import PAYMENT_TERMS
from marketplace.workflow.doctypes import status_word

NO_COMPANY = _l("Buying requests belong to companies; the operator has none.")

bp.after_app_request(request_end_sweep.after_request)


def _language() -> str:
    return str(get_locale() or "en")


def _closing(raw: str | None):
    """A datetime-local value is UTC on this page; anything else goes to the check."""
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=UTC) if raw else raw
    except ValueError:
        return raw


def _int_or_raw(raw: str | None):
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else (raw or None)


def _context(**extra) -> dict:
    return {"status_label": STATUS.label, "statuses": list(STATUS),
            "document_status": status_word,
            "payment_terms_label": lambda code: str(PAYMENT_TERMS.get(code, code or "")),
            "decimal": lambda value: "" if value is None else f"{Decimal(value).normalize():f}",
            **extra}


@bp.route("/buying-requests")
@company_member_required("documents.view", message=NO_COMPANY)
def list_page():
    company = current_actor().company
    scope = request.args.get("scope") or ("matching" if company.is_supplier
                                          and not company.is_buyer else "all")
    if scope not in ("all", "own", "matching"):
        scope = "all"
    q = (request.args.get("q") or "").strip()[:200]
    category_id = request.args.get("category_id", type=int)
    status = request.args.get("status") or ("open" if scope == "matching" else None)
    if status not in (None, *STATUS):
        status = None
    page = paginate(queries.requests(company, scope=scope, q=q, category_id=category_id,
                                     status=status),
                    page=max(request.args.get("page", 1, type=int), 1), per_page=20)
    return render_template("buying_requests/list.html", page=page, scope=scope, q=q,
                           category_id=category_id, status=status,
                           categories=queries.category_choices(_language()),
                           **_context(company=company))


def _request_form() -> RequestForm:
    form = RequestForm()
    form.category_id.choices = [(0, "—")] + queries.category_choices(_language())
    form.currency.choices = currency_choices(keep=form.currency.data)
    if not form.currency.data:  # a new request starts in the company's usual currency
        form.currency.data = form.currency.choices[0][0]
    return form


@bp.route("/buying-requests/new", methods=["GET", "POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def new_request():
    actor = current_actor()
    form = _request_form()
    if request.method == "POST" and form.validate_on_submit():
        values = {name: getattr(form, name).data for name in (
            "title", "description", "category_id", "quantity", "unit", "target_price",
            "currency", "destination_country")}
        values["closes_at"] = _closing(form.closes_at.data)
        publish = request.form.get("action") != "draft"
        try:
            created = operations.create_request(actor, values, publish=publish)
        except DomainError as error:
            db.session.rollback()
            show_errors(error, form)
            return render_template("buying_requests/new.html", form=form), error.status
        flash(_l("Your buying request is open to the suppliers of its category.") if publish
              else _l("Saved as a draft: only your company sees it."), "success")
        return redirect(url_for("buying_requests.request_page", buying_request_id=created.id), 303)
    return render_template("buying_requests/new.html", form=form), \
        422 if request.method == "POST" else 200


def _page(found, company, answer_form=None, status=200):
    own = found.company_id == company.id
    answers = queries.answers(found, company)
    return render_template(
        "buying_requests/request.html", buying=found, own=own, answers=answers,
        current=queries.current_answers(found, company) if own else answers,
        answer_count=queries.answer_count(found) if own else None,
        form=answer_form if answer_form is not None else AnswerForm(),
        **_context(company=company)), status


@bp.route("/buying-requests/<int:buying_request_id>")
@company_member_required("documents.view", message=NO_COMPANY)
def request_page(buying_request_id):
    company = current_actor().company
    return _page(queries.visible_request(buying_request_id, company), company)


@bp.route("/buying-requests/<int:buying_request_id>/answer", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def answer(buying_request_id):
    actor = current_actor()
    found = queries.visible_request(buying_request_id, actor.company)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _page(found, actor.company, form, 422)
    values = {"unit_price": form.unit_price.data, "quantity": form.quantity.data or None,
              "lead_time_days": _int_or_raw(form.lead_time_days.data),
              **{name: getattr(form, name).data or None for name in (
                  "incoterm", "incoterm_place", "payment_terms", "valid_until", "notes")}}
    try:
        quotation = operations.answer_request(buying_request_id, actor, values)
    except DomainError as error:
        db.session.rollback()
        show_errors(error, form)
        found = queries.visible_request(buying_request_id, actor.company)
        return _page(found, actor.company, form, error.status)
    flash(_l("Your quotation %(number)s was sent to the buyer.", number=quotation.number),
          "success")
    return redirect(url_for("buying_requests.request_page",
                            buying_request_id=buying_request_id), 303)


@bp.route("/buying-requests/<int:buying_request_id>/publish", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def publish(buying_request_id):
    post_with_csrf()
    actor = current_actor()
    found = queries.own_request(buying_request_id, actor.company, for_update=True)
    page = url_for("buying_requests.request_page", buying_request_id=buying_request_id)
    with refusal_goes_back(page):
        operations.publish_request(found, actor)
    flash(_l("Your buying request is open to the suppliers of its category."), "success")
    return redirect(page, 303)


@bp.route("/buying-requests/<int:buying_request_id>/close", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def close(buying_request_id):
    post_with_csrf()
    actor = current_actor()
    found = queries.own_request(buying_request_id, actor.company, for_update=True)
    page = url_for("buying_requests.request_page", buying_request_id=buying_request_id)
    with refusal_goes_back(page):
        operations.close_request(found, actor)
    flash(_l("Closed: no more quotations are taken. You can still compare and award."),
          "success")
    return redirect(page, 303)


@bp.route("/buying-requests/subscriptions", methods=["GET", "POST"])
@company_member_required("documents.view", message=NO_COMPANY)
def subscriptions():
    actor = current_actor()
    company = actor.company
    allowed = queries.supplier_categories(company)
    choices = [(ident, label) for ident, label in queries.category_choices(_language())
               if ident in allowed]
    form = SubscriptionsForm()
    form.category_ids.choices = choices
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                operations.set_subscriptions(actor, list(form.category_ids.data or []))
            except DomainError as error:
                db.session.rollback()
                show_errors(error, form)
                status = error.status
            else:
                flash(_l("Saved: new buying requests in these categories reach you in the "
                         "bell and by mail."), "success")
                return redirect(url_for("buying_requests.subscriptions"), 303)
        else:
            status = 422
    else:
        form.category_ids.data = [row.category_id for row in queries.subscriptions(company.id)]
    return render_template("buying_requests/subscriptions.html", form=form,
                           supplier=company.is_supplier, **_context()), status

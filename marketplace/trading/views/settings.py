"""Trading views: the company's document settings (``documents.settings``): numbering
patterns per type, approval rules, dispatch groups and rules.

The forms are checked by the API's own input schemas, then saved by the same
operations as ``/api/v1/document-settings/...``: one set of rules and messages."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from marketplace.content.queries.currencies import currency_choices
from marketplace.core.errors import DomainError, flatten_messages
from marketplace.core.field_errors import translated
from marketplace.core.guards import company_member_required
from marketplace.extensions import db
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.departments.queries import departments_of
from marketplace.infrastructure.forms import post_with_csrf
from marketplace.trading import bp
from marketplace.trading.operations import settings as setting_operations
from marketplace.trading.queries import portal as portal_queries
from marketplace.trading.queries import settings as setting_queries
from marketplace.trading.schemas import (
    ROLES,
    ApprovalRuleArgsSchema,
    DispatchGroupArgsSchema,
    DispatchRuleArgsSchema,
)
from marketplace.trading.views.context import NO_COMPANY
from marketplace.workflow import doctypes
from marketplace.workflow.models import ApprovalRule, DispatchGroup, DispatchRule

SETTINGS = "trading.settings"


@bp.route("/settings")
@company_member_required("documents.settings", message=NO_COMPANY)
def settings():
    company_id = current_actor().company.id
    return render_template(
        "trading/settings.html", types=doctypes.all_types(),
        numbering={dt.code: setting_queries.numbering_of(company_id, dt.code)
                   for dt in doctypes.all_types()},
        approval_rules=setting_queries.approval_rules(company_id),
        dispatch_rules=setting_queries.dispatch_rules(company_id),
        groups=setting_queries.dispatch_groups(company_id), roles=ROLES,
        members=portal_queries.colleagues(company_id),
        product_lines=portal_queries.product_lines(company_id),
        categories=portal_queries.categories(), currencies=currency_choices(),
        departments=departments_of(company_id),
        chinese=str(get_locale() or "").startswith("zh"))


def _done(message) -> object:
    flash(message, "success")
    return redirect(url_for(SETTINGS), 303)


def _refused(problem: str) -> object:
    db.session.rollback()
    flash(problem, "danger")
    return redirect(url_for(SETTINGS), 303)


# The forms' own labels for the API's field names, so a refusal names what the user sees.
FIELD_LABELS = {
    "type": _l("Type"), "direction": _l("When"), "min_total": _l("Total at least"),
    "currency": _l("Currency"), "steps": _l("Steps"), "position": _l("Position"),
    "name": _l("Name"), "member_ids": _l("Members"), "keyword": _l("Keyword"),
    "sender_country": _l("Sender country"), "product_line_id": _l("Product line"),
    "category_id": _l("Category"), "assignee_id": _l("Member"), "group_id": _l("or group"),
    "pattern": _l("Pattern"),
}


def _problems(messages: dict) -> str:
    return "; ".join(f"{_label(field)}: {' '.join(translated(t) for t in texts)}"
                     for field, texts in flatten_messages(messages).items())


def _label(field: str) -> str:
    head = field.split(".", 1)[0]
    return str(FIELD_LABELS[head]) if head in FIELD_LABELS else field


def _save(schema, raw: dict, save, message):
    """Check ``raw`` with the API's schema, then ``save(values)``; a refusal says why."""
    post_with_csrf()
    try:
        values = schema.load(raw)
    except ValidationError as invalid:
        return _refused(str(_l("Nothing was saved: %(problems)s",
                               problems=_problems(invalid.messages))))
    return _attempt(lambda: save(values), message)


def _attempt(save, message):
    try:
        save()
    except DomainError as error:
        return _refused(str(_l("Nothing was saved: %(problems)s",
                               problems=_problems(error.errors) or error.detail)))
    return _done(message)


def _text(name: str) -> str | None:
    return (request.form.get(name) or "").strip() or None


def _ident(name: str) -> int | str | None:
    value = _text(name)
    return int(value) if value and value.isdigit() else value


@bp.route("/settings/numbering/<string(maxlength=40):type_code>", methods=["POST"])
@company_member_required("documents.settings", message=NO_COMPANY)
def set_numbering(type_code):
    """The company's own pattern for a type (``reset``: back to the type's default)."""
    post_with_csrf()
    pattern = None if request.form.get("reset") else _text("pattern")
    if pattern is None and not request.form.get("reset"):
        return _refused(str(_l("Type a pattern, e.g. QUO-{year}-{seq:05}.")))
    return _attempt(lambda: setting_operations.set_numbering(current_actor(), type_code, pattern),
                    _l("The numbering of this type is saved."))


@bp.route("/settings/approval-rules", methods=["POST"])
@company_member_required("documents.settings", message=NO_COMPANY)
def add_approval_rule():
    raw = {"type": _text("type"), "direction": _text("direction"),
           "min_total": _text("min_total"), "currency": _text("currency"),
           "steps": [_step(role) for role in request.form.getlist("steps") if role]}
    return _save(ApprovalRuleArgsSchema(), raw,
                 lambda values: setting_operations.create_approval_rule(current_actor(), values),
                 _l("The approval rule is saved."))


def _step(value: str) -> dict:
    """A step's choice: a role, or ``department:<id>`` (that department's head)."""
    kind, _, ident = value.partition(":")
    if kind == "department":
        return {"role": "department_head", "department_id": _ident_of(ident)}
    return {"role": value}


@bp.route("/settings/dispatch-groups", methods=["POST"])
@company_member_required("documents.settings", message=NO_COMPANY)
def add_dispatch_group():
    raw = {"name": _text("name") or "", "is_default": bool(request.form.get("is_default")),
           "member_ids": [_ident_of(v) for v in request.form.getlist("member_ids")]}
    return _save(DispatchGroupArgsSchema(), raw,
                 lambda values: setting_operations.create_dispatch_group(current_actor(), values),
                 _l("The group is saved."))


def _ident_of(value: str) -> int | str:
    return int(value) if value.isdigit() else value


@bp.route("/settings/dispatch-rules", methods=["POST"])
@company_member_required("documents.settings", message=NO_COMPANY)
def add_dispatch_rule():
    raw = {"type": _text("type"), "keyword": _text("keyword"),
           "product_line_id": _ident("product_line_id"), "category_id": _ident("category_id"),
           "sender_country": _text("sender_country"), "assignee_id": _ident("assignee_id"),
           "group_id": _ident("group_id"), "department_id": _ident("department_id")}
    return _save(DispatchRuleArgsSchema(), raw,
                 lambda values: setting_operations.create_dispatch_rule(current_actor(), values),
                 _l("The dispatch rule is saved."))


DELETABLE = {"approval-rules": ApprovalRule, "dispatch-rules": DispatchRule,
             "dispatch-groups": DispatchGroup}


@bp.route("/settings/<any('approval-rules', 'dispatch-rules', 'dispatch-groups'):kind>"
          "/<int:ident>/delete", methods=["POST"])
@company_member_required("documents.settings", message=NO_COMPANY)
def delete_setting(kind, ident):
    post_with_csrf()
    row = setting_queries.own_setting(DELETABLE[kind], ident, current_actor().company.id)
    setting_operations.delete_setting(row)
    return _done(_l("Removed."))

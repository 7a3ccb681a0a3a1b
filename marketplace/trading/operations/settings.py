"""The company's document settings (writes): numbering patterns per type, approval
rules, dispatch groups and rules. The same operations serve the settings page and
``/api/v1/document-settings/...``. Flush, never commit."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core.errors import Forbidden, NotFound, ValidationFailed
from marketplace.extensions import db
from marketplace.infrastructure.departments.queries import department_in
from marketplace.infrastructure.models import Membership
from marketplace.trading.queries import settings as settings_queries
from marketplace.workflow import doctypes, engine, numbering
from marketplace.workflow.approvals import DEPARTMENT_HEAD
from marketplace.workflow.dispatch import SERVICE_CASE
from marketplace.workflow.models import ApprovalRule, ApprovalStep, DispatchGroup, DispatchRule

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor


def _settings_company(actor: Actor) -> int:
    if actor.company is None:
        raise Forbidden(str(_l("Only a company has document settings.")))
    return actor.company.id


def set_numbering(actor: Actor, type_code: str, pattern: str | None) -> dict:
    company_id = _settings_company(actor)
    if not doctypes.is_known(type_code):
        raise ValidationFailed(errors={"type": [str(_l("Unknown document type."))]})
    numbering.set_pattern(company_id, type_code, pattern)
    return settings_queries.numbering_of(company_id, type_code)


def create_approval_rule(actor: Actor, values: dict) -> ApprovalRule:
    company_id = _settings_company(actor)
    minimum = values.get("min_total")
    if minimum is not None and (minimum < 0 or minimum >= engine.MAX_AMOUNT
                                or minimum != minimum.quantize(Decimal("0.0001"))):
        raise ValidationFailed(errors={"min_total": [str(_l(
            "A non-negative amount with at most 4 decimal places."))]})
    _check_department_steps(company_id, values["steps"])
    rule = ApprovalRule(company_id=company_id, type=values["type"],
                        direction=values["direction"], min_total=minimum,
                        currency=values.get("currency"), position=values.get("position", 0),
                        steps=[ApprovalStep(position=i, role=step["role"],
                                            department_id=step.get("department_id")
                                            if step["role"] == DEPARTMENT_HEAD else None)
                               for i, step in enumerate(values["steps"])])
    db.session.add(rule)
    db.session.flush()
    return rule


def _check_department_steps(company_id: int, steps: list[dict]) -> None:
    """A step naming a department head names one of the company's departments."""
    errors = {}
    for index, step in enumerate(steps):
        if step["role"] != DEPARTMENT_HEAD:
            continue
        department_id = step.get("department_id")
        if department_id is None:
            errors[f"steps.{index}.department_id"] = [str(_l(
                "Name the department whose head approves."))]
            continue
        try:
            department_in(company_id, department_id)
        except NotFound:
            errors[f"steps.{index}.department_id"] = [str(_l("Not found."))]
    if errors:
        raise ValidationFailed(errors=errors)


def delete_setting(row) -> None:
    db.session.delete(row)
    db.session.flush()


def _members_of(company_id: int, user_ids: list[int], field: str) -> None:
    found = set(db.session.scalars(select(Membership.user_id).where(
        Membership.company_id == company_id, Membership.user_id.in_(user_ids))))
    missing = [i for i, user_id in enumerate(user_ids) if user_id not in found]
    if missing:
        raise ValidationFailed(errors={
            f"{field}.{i}" if field.endswith("ids") else field: [str(_l(
                "Not a member of your company."))] for i in missing})


def create_dispatch_group(actor: Actor, values: dict) -> DispatchGroup:
    company_id = _settings_company(actor)
    member_ids = list(dict.fromkeys(values["member_ids"]))
    _members_of(company_id, member_ids, "member_ids")
    group = DispatchGroup(company_id=company_id, name=values["name"].strip(),
                          member_ids=member_ids, is_default=values.get("is_default", False),
                          turns=0)
    if group.is_default:  # one default group: the new one takes over
        for other in settings_queries.default_dispatch_groups(company_id):
            other.is_default = False
    db.session.add(group)
    db.session.flush()
    return group


def create_dispatch_rule(actor: Actor, values: dict) -> DispatchRule:
    company_id = _settings_company(actor)
    errors: dict = {}
    targets = [name for name in ("assignee_id", "group_id", "department_id") if values.get(name)]
    if len(targets) != 1:
        errors["assignee_id"] = [str(_l("Give either a member (assignee_id), a group or a "
                                        "department."))]
    if values.get("department_id"):
        try:
            department_in(company_id, values["department_id"])
        except NotFound:
            errors["department_id"] = [str(_l("Not found."))]
    elif values.get("type") == SERVICE_CASE:
        errors["department_id"] = [str(_l("Service cases are routed to a department: name "
                                          "one."))]
    if values.get("assignee_id"):
        try:
            _members_of(company_id, [values["assignee_id"]], "assignee_id")
        except ValidationFailed as refusal:
            errors.update(refusal.errors)
    for field in settings_queries.missing_references(company_id, values):
        errors[field] = [str(_l("Not found."))]
    if errors:
        raise ValidationFailed(errors=errors)
    keyword = (values.get("keyword") or "").strip() or None
    rule = DispatchRule(company_id=company_id, keyword=keyword, **{
        name: values.get(name) for name in ("type", "product_line_id", "category_id",
                                             "sender_country", "assignee_id", "group_id",
                                             "department_id")},
        position=values.get("position", 0))
    db.session.add(rule)
    db.session.flush()
    return rule

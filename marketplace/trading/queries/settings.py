"""The company's document settings as its settings page and the API list them:
numbering patterns, approval rules, dispatch rules and groups; and one of them, for a
change, by id."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.content.models import ProductLine
from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.infrastructure.models import Category
from marketplace.workflow import doctypes, numbering
from marketplace.workflow.models import ApprovalRule, DispatchGroup, DispatchRule


def numbering_of(company_id: int, type_code: str) -> dict:
    """The company's pattern for a type, and the type's own default."""
    return {"type": type_code, "pattern": numbering.pattern_for(company_id, type_code),
            "default": doctypes.get(type_code).numbering}


def approval_rules(company_id: int) -> list[ApprovalRule]:
    return list(db.session.scalars(select(ApprovalRule).where(
        ApprovalRule.company_id == company_id).options(selectinload(ApprovalRule.steps))
        .order_by(ApprovalRule.type, ApprovalRule.direction, ApprovalRule.position,
                  ApprovalRule.id)))


def dispatch_rules(company_id: int) -> list[DispatchRule]:
    return list(db.session.scalars(select(DispatchRule).where(
        DispatchRule.company_id == company_id).order_by(DispatchRule.position,
                                                        DispatchRule.id)))


def dispatch_groups(company_id: int) -> list[DispatchGroup]:
    return list(db.session.scalars(select(DispatchGroup).where(
        DispatchGroup.company_id == company_id).order_by(DispatchGroup.id)))


def default_dispatch_groups(company_id: int) -> list[DispatchGroup]:
    """The company's default group (one at most, unless a change is under way)."""
    return list(db.session.scalars(select(DispatchGroup).where(
        DispatchGroup.company_id == company_id, DispatchGroup.is_default.is_(True))))


def own_setting(model, ident: int, company_id: int):
    row = db.session.scalar(select(model).where(model.id == ident,
                                                model.company_id == company_id))
    if row is None:
        raise NotFound(str(_l("%(what)s %(id)s was not found.", what=model.__label__,
                              id=ident)))
    return row


def missing_references(company_id: int, values: dict) -> list[str]:
    """The fields of a dispatch rule naming what is not there for the company: a group
    or product line of its own, a category of the platform."""
    checks = (("group_id", DispatchGroup, True), ("product_line_id", ProductLine, True),
              ("category_id", Category, False))
    missing = []
    for field, model, owned in checks:
        ident = values.get(field)
        if ident is None:
            continue
        row = db.session.get(model, ident)
        if row is None or (owned and row.company_id != company_id):
            missing.append(field)
    return missing

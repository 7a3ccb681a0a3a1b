"""Content operations: bulletins (product announcements and trade leads).

Posting needs an active company; the owner changes and deletes its bulletins; the
operator hides one (with a reason the owner sees) and shows it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.content.models import Bulletin, BulletinKind, Product
from marketplace.core.audit import pending_changes, record_audit
from marketplace.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.core.scoping import get_visible
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company

DEFAULT_LIFETIME = timedelta(days=30)
MAX_LIFETIME = timedelta(days=366)


def find_category(value: int | str | None) -> Category:
    """A category by its id or its code; ValidationFailed (on ``category``) when unknown."""
    category = None
    if isinstance(value, int) and not isinstance(value, bool):
        category = db.session.get(Category, value) if 0 < value < 2**31 else None
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if text.isdigit() and len(text) < 10:
            category = db.session.get(Category, int(text))
        if category is None:
            category = db.session.scalar(select(Category).where(Category.code == text))
    if category is None:
        raise ValidationFailed(str(_l("Unknown category: use an id or a code from "
                                      "GET /api/v1/categories.")),
                               errors={"category": [str(_l("Unknown category."))]})
    return category


def post_bulletin(company: Company, values: dict[str, Any]) -> Bulletin:
    """A new bulletin of ``company`` (active companies only)."""
    company.ensure_can_trade()
    bulletin = Bulletin(company_id=company.id)
    bulletin.company = company
    values = {"expires_at": utcnow() + DEFAULT_LIFETIME, **values}
    _apply(bulletin, values, creating=True)
    db.session.add(bulletin)
    changes = pending_changes(bulletin)
    db.session.flush()
    record_audit("bulletin.posted", bulletin, changes=changes)
    return bulletin


def update_bulletin(bulletin: Bulletin, values: dict[str, Any]) -> Bulletin:
    """Change the fields given; a hidden bulletin stays hidden until the operator shows it."""
    bulletin.company.ensure_can_trade()
    _apply(bulletin, values, creating=False)
    changes = pending_changes(bulletin)
    db.session.flush()
    record_audit("bulletin.changed", bulletin, changes=changes)
    return bulletin


def delete_bulletin(bulletin: Bulletin) -> None:
    record_audit("bulletin.deleted", bulletin, changes={"title": bulletin.title,
                                                         "kind": bulletin.kind})
    db.session.delete(bulletin)
    db.session.flush()


def hide_bulletin(bulletin: Bulletin, reason: str) -> Bulletin:
    """The operator takes a bulletin off the listings; its owner sees why."""
    if bulletin.hidden_at is not None:
        raise Conflict(str(_l("This bulletin is already hidden.")), allowed_actions=["unhide"])
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(errors={"reason": [str(_l("Give a reason."))]})
    bulletin.hidden_at = utcnow()
    bulletin.hidden_reason = reason
    db.session.flush()
    record_audit("bulletin.hidden", bulletin, changes={"reason": reason})
    return bulletin


def unhide_bulletin(bulletin: Bulletin) -> Bulletin:
    if bulletin.hidden_at is None:
        raise Conflict(str(_l("This bulletin is not hidden.")), allowed_actions=["hide"])
    bulletin.hidden_at = None
    bulletin.hidden_reason = None
    db.session.flush()
    record_audit("bulletin.unhidden", bulletin)
    return bulletin


def _apply(bulletin: Bulletin, values: dict[str, Any], *, creating: bool) -> None:
    errors: dict[str, list[str]] = {}
    if "kind" in values:
        bulletin.kind = BulletinKind(values["kind"])
    for name in ("title", "body"):
        if name in values:
            text = (values[name] or "").strip()
            if not text:
                errors[name] = [str(_l("Must not be blank."))]
            setattr(bulletin, name, text)
    if "category" in values:
        try:
            bulletin.category = find_category(values["category"])
        except ValidationFailed as error:
            errors.update(error.errors)
    elif creating:
        errors["category"] = [str(_l("Choose a category."))]
    if "product_id" in values:
        try:
            bulletin.product_id = _product_id(values["product_id"])
        except NotFound:
            errors["product_id"] = [str(_l("Unknown product."))]
    if "expires_at" in values:
        problem = _expiry_problem(values["expires_at"])
        if problem:
            errors["expires_at"] = [problem]
        else:
            bulletin.expires_at = values["expires_at"]
    if errors:
        raise ValidationFailed(errors=errors)


def _product_id(product_id: int | None) -> int | None:
    """A product the posting company may name: its own, or any published one."""
    if product_id is None:
        return None
    return get_visible(Product, product_id, operator_sees_all=False).id


def _expiry_problem(expires_at: datetime | None) -> str | None:
    if expires_at is None:
        return str(_l("Give an expiry date."))
    now = utcnow()
    if expires_at <= now:
        return str(_l("The expiry must be in the future."))
    if expires_at > now + MAX_LIFETIME:
        return str(_l("At most %(days)d days ahead.", days=MAX_LIFETIME.days))
    return None

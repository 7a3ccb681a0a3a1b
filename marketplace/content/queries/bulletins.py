"""Content queries: bulletins.

Listed publicly: not hidden, not expired, of an active company. The owner sees all of
its own (expired or hidden too); the operator sees hidden ones as well.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from marketplace.content.models import Bulletin, BulletinKind, Product
from marketplace.content.operations.bulletins import find_category
from marketplace.core.errors import NotFound
from marketplace.core.scoping import acting_as_operator, acting_company_id
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus


def _not_expired():
    return or_(Bulletin.expires_at.is_(None), Bulletin.expires_at > utcnow())


def publicly_listed():
    return and_(Bulletin.hidden_at.is_(None), _not_expired(),
                Bulletin.company_id.in_(select(Company.id).where(
                    Company.status == CompanyStatus.ACTIVE)))


def _readable():
    """What the caller may open by id."""
    if acting_as_operator():
        return None
    company_id = acting_company_id()
    if company_id is None:
        return publicly_listed()
    return or_(publicly_listed(), Bulletin.company_id == company_id)


def bulletins(filters: dict[str, Any], *, mine: bool = False) -> Select:
    """The listing, newest first. ``mine``: the acting company's own, in every state."""
    stmt = select(Bulletin).options(selectinload(Bulletin.company),
                                    selectinload(Bulletin.category))
    if mine:
        stmt = stmt.where(Bulletin.company_id == acting_company_id()) \
            if acting_company_id() is not None else stmt.where(Bulletin.id.is_(None))
    elif acting_as_operator():
        stmt = stmt.where(_not_expired())  # hidden ones too, marked, so they can be shown again
    else:
        stmt = stmt.where(publicly_listed())
    if filters.get("kind"):
        stmt = stmt.where(Bulletin.kind == BulletinKind(filters["kind"]))
    if filters.get("category") not in (None, ""):
        stmt = stmt.where(Bulletin.category_id.in_(
            category_and_descendants(find_category(filters["category"]))))
    if filters.get("country"):
        stmt = stmt.where(Bulletin.company_id.in_(
            select(Company.id).where(Company.country == filters["country"])))
    if filters.get("q"):
        like = "%" + _escape_like(filters["q"].strip()) + "%"
        stmt = stmt.where(or_(Bulletin.title.ilike(like, escape="\\"),
                              Bulletin.body.ilike(like, escape="\\")))
    return stmt.order_by(Bulletin.created_at.desc(), Bulletin.id.desc())


def category_and_descendants(category: Category) -> list[int]:
    ids, frontier = [category.id], [category.id]
    while frontier:
        frontier = list(db.session.scalars(select(Category.id).where(
            Category.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def bulletin(bulletin_id: int) -> Bulletin:
    """A bulletin the caller may read (others: 404, as if it did not exist)."""
    stmt = select(Bulletin).where(Bulletin.id == bulletin_id)
    rule = _readable()
    if rule is not None:
        stmt = stmt.where(rule)
    found = db.session.scalar(stmt)
    if found is None:
        raise NotFound(str(_l("Bulletin %(id)s was not found.", id=bulletin_id)))
    return found


def own_bulletin(bulletin_id: int) -> Bulletin:
    """A bulletin of the acting company, for changes."""
    found = db.session.scalar(select(Bulletin).where(
        Bulletin.id == bulletin_id, Bulletin.company_id == acting_company_id()))
    if found is None:
        raise NotFound(str(_l("Bulletin %(id)s was not found.", id=bulletin_id)))
    return found


def any_bulletin(bulletin_id: int) -> Bulletin:
    """For the operator."""
    found = db.session.get(Bulletin, bulletin_id)
    if found is None:
        raise NotFound(str(_l("Bulletin %(id)s was not found.", id=bulletin_id)))
    return found


def is_expired(bulletin: Bulletin) -> bool:
    return bulletin.expires_at is not None and bulletin.expires_at <= utcnow()


def product_of(bulletin: Bulletin) -> Product | None:
    """The product a bulletin names, if the caller may see it."""
    if bulletin.product_id is None:
        return None
    stmt = select(Product).where(Product.id == bulletin.product_id)
    if not acting_as_operator():
        company_id = acting_company_id()
        stmt = stmt.where(Product.visible_to(company_id) if company_id is not None
                          else Product.publicly_visible())
    return db.session.scalar(stmt)


def products_to_name(company: Company) -> list[Product]:
    """The company's own products, for the portal's picker (newest first)."""
    return list(db.session.scalars(select(Product).where(Product.company_id == company.id)
                                   .order_by(Product.name).limit(500)))

"""The choices the portal's forms offer: colleagues to forward to, companies to write
to, and what a dispatch rule may route by (the company's product lines, the platform's
categories)."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.content.models import ProductLine
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus, Membership, User

MAX_PARTNERS = 1000


def colleagues(company_id: int, *, but: int | None = None) -> list[User]:
    """Members of the company (to forward a document to), by name."""
    stmt = select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.company_id == company_id).order_by(User.full_name, User.id)
    if but is not None:
        stmt = stmt.where(User.id != but)
    return list(db.session.scalars(stmt))


def product_lines(company_id: int) -> list[ProductLine]:
    """The company's own product lines (a dispatch rule may route by them), by name."""
    return list(db.session.scalars(select(ProductLine).where(
        ProductLine.company_id == company_id).order_by(ProductLine.name, ProductLine.id)))


def categories() -> list[Category]:
    """The platform's categories (a dispatch rule may route by them), by name."""
    return list(db.session.scalars(select(Category).order_by(Category.name, Category.id)))


def trade_partners(company_id: int) -> list[Company]:
    """Active companies a document may go to (all but one's own), by name."""
    return list(db.session.scalars(select(Company).where(
        Company.status == CompanyStatus.ACTIVE, Company.id != company_id)
        .order_by(Company.name).limit(MAX_PARTNERS)))

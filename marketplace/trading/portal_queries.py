"""Reads only the portal's pages need (the engine's ``trading/queries.py`` has the
boxes, documents, threads and history): colleagues to forward to, companies to write
to, and the supplier's products for the line picker."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.content.models import Product, ProductLine
from marketplace.core.pagination import Page
from marketplace.core.scoping import acting_company_id
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus, Membership, User
from marketplace.workflow.models import Document, DocumentLine, DocumentParty

PICKER_LIMIT = 20
MAX_PARTNERS = 1000


def colleagues(company_id: int, *, but: int | None = None) -> list[User]:
    """Members of the company (to forward a document to), by name."""
    stmt = select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.company_id == company_id).order_by(User.full_name, User.id)
    if but is not None:
        stmt = stmt.where(User.id != but)
    return list(db.session.scalars(stmt))


MAX_FOLDERS = 50


def folders(company_id: int) -> list[str]:
    """The folders the company filed documents in (by name), to browse them from the
    boxes: a folder is otherwise only reached through a document that is in it."""
    return list(db.session.scalars(
        select(DocumentParty.folder).where(DocumentParty.company_id == company_id,
                                           DocumentParty.folder.is_not(None))
        .group_by(DocumentParty.folder).order_by(DocumentParty.folder).limit(MAX_FOLDERS)))


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


def picker_products(supplier_id: int, q: str | None) -> list[Product]:
    """The supplier's products a line may name: all of them for the supplier itself, its
    published ones (of an active company) for anyone else; ``q`` in SKU or names."""
    stmt = select(Product).where(Product.company_id == supplier_id).options(
        selectinload(Product.price_tiers))
    if supplier_id != acting_company_id():
        stmt = stmt.where(Product.publicly_visible())
    if q and q.strip():
        pattern = f"%{q.strip()[:100]}%"
        stmt = stmt.where(or_(Product.sku.ilike(pattern), Product.name.ilike(pattern),
                              Product.name_zh.ilike(pattern)))
    return list(db.session.scalars(stmt.order_by(Product.sku).limit(PICKER_LIMIT)))


def assigned_in_inbox(actor, *, page: int, per_page: int, **filters) -> Page:
    """The inbox's ``(document, party)`` rows assigned to the acting member (dispatch or
    a colleague's forward), with the inbox's own filters."""
    from marketplace.trading.queries import box_statement

    stmt = box_statement("inbox", actor.company.id, **filters).where(
        Document.assigned_to_id == actor.user.id)
    total = db.session.scalar(select(func.count()).select_from(
        stmt.order_by(None).subquery())) or 0
    rows = db.session.execute(stmt.options(
        joinedload(Document.issuer), joinedload(Document.recipient),
        joinedload(Document.assigned_to)).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=[tuple(row) for row in rows], total=total, page=page, per_page=per_page)


def open_inquiry(product: Product, company_id: int) -> Document | None:
    """The company's newest inquiry draft to the product's supplier naming the product."""
    return db.session.scalar(select(Document).join(DocumentLine).where(
        Document.type == "inquiry", Document.status == "draft",
        Document.issuer_company_id == company_id,
        Document.recipient_company_id == product.company_id,
        DocumentLine.product_id == product.id).order_by(Document.id.desc()).limit(1))

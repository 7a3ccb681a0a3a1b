"""Content queries: products, their media and product lines, and the e-catalog.

Who sees a product: its own company sees all of its products (drafts, archived);
everyone else, signed in or not, only published products of active companies. The
platform operator is "everyone else" here: drafts are their owner's alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.content.models import (
    Product,
    ProductLine,
    ProductMedia,
    ProductStatus,
)
from marketplace.content.operations.products import find_category
from marketplace.core.errors import NotFound, ValidationFailed
from marketplace.core.scoping import acting_as_operator, acting_company_id
from marketplace.extensions import db
from marketplace.infrastructure import queries as accounts
from marketplace.infrastructure.models import Category, Company, CompanyStatus


def product_visibility() -> ColumnElement[bool]:
    company_id = acting_company_id()
    if acting_as_operator():  # the operator judges hidden products too (moderation)
        return or_(Product.publicly_visible(), Product.hidden_at.is_not(None))
    return Product.publicly_visible() if company_id is None else Product.visible_to(company_id)


def _with_details(stmt: Select) -> Select:
    """What a product's page, card or API answer shows, loaded without N+1 queries."""
    return stmt.options(
        joinedload(Product.company), joinedload(Product.category),
        joinedload(Product.product_line), selectinload(Product.price_tiers),
        selectinload(Product.media).joinedload(ProductMedia.file))


def _not_found(product_id: int) -> NotFound:
    return NotFound(str(_l("Product %(id)s was not found.", id=product_id)))


def visible_product(product_id: int) -> Product:
    """The product if the acting company (or anonymous) may see it; NotFound otherwise."""
    product = db.session.scalar(_with_details(select(Product)).where(
        Product.id == product_id, product_visibility()))
    if product is None:
        raise _not_found(product_id)
    return product


def own_product(product_id: int) -> Product:
    """One of the acting company's own products, for a change; any other is not found."""
    company_id = acting_company_id()
    product = None
    if company_id is not None:
        product = db.session.scalar(_with_details(select(Product)).where(
            Product.id == product_id, Product.company_id == company_id))
    if product is None:
        raise _not_found(product_id)
    return product


def product_media_item(product: Product, product_media_id: int) -> ProductMedia:
    for item in product.media:
        if item.id == product_media_id:
            return item
    raise NotFound(str(_l("File %(id)s of this product was not found.", id=product_media_id)))


def category_by_reference(reference) -> Category:
    """A category named by id or code in a query; an unknown one is refused (422)."""
    found = find_category(reference)
    if found is None:
        raise ValidationFailed(errors={"category": [str(_l(
            "Unknown category %(ref)s: give an id or a code from GET /categories.",
            ref=repr(reference)))]})
    return found


def _tree() -> tuple[list[Category], dict[int | None, list[Category]]]:
    ordered = accounts.categories()
    children: dict[int | None, list[Category]] = {}
    for category in ordered:
        children.setdefault(category.parent_id, []).append(category)
    return ordered, children


def descendant_ids(category: Category) -> set[int]:
    """The category and every category below it."""
    _, children = _tree()
    found, stack = set(), [category.id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(child.id for child in children.get(current, []))
    return found


def products(*, company_id: int | None = None, status: ProductStatus | None = None,
             category: Category | None = None, search: str | None = None) -> Select:
    """Published products of active companies, newest first; ``company_id`` narrows
    to one supplier, and when it names the acting company, to all of its own products
    (drafts and archived ones too), most recently changed first."""
    own = company_id is not None and company_id == acting_company_id()
    stmt = _with_details(select(Product)).where(
        Product.company_id == company_id if own else Product.publicly_visible())
    if company_id is not None and not own:
        stmt = stmt.where(Product.company_id == company_id)
    if status is not None:
        stmt = stmt.where(Product.status == status)
    if category is not None:
        stmt = stmt.where(Product.category_id.in_(descendant_ids(category)))
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(Product.name.ilike(like), Product.name_zh.ilike(like),
                              Product.sku.ilike(like)))
    if own:
        return stmt.order_by(Product.updated_at.desc(), Product.id.desc())
    return stmt.order_by(Product.published_at.desc(), Product.id.desc())


def status_counts(company: Company) -> dict[str, int]:
    rows = db.session.execute(select(Product.status, func.count()).where(
        Product.company_id == company.id).group_by(Product.status))
    counts = {status.value: 0 for status in ProductStatus}
    counts.update({ProductStatus(status).value: count for status, count in rows})
    return counts


# ----- product lines ----------------------------------------------------------------------------


def product_lines(company: Company) -> list[ProductLine]:
    return list(db.session.scalars(select(ProductLine).where(
        ProductLine.company_id == company.id).order_by(ProductLine.position, ProductLine.name)))


def product_lines_page(company: Company) -> Select:
    return select(ProductLine).where(ProductLine.company_id == company.id).order_by(
        ProductLine.position, ProductLine.name)


# ----- the e-catalog ----------------------------------------------------------------------------


@dataclass
class CategoryNode:
    category: Category
    depth: int
    count: int  # published products here and below


@dataclass
class SupplierEntry:
    company: Company
    count: int


@dataclass
class LineGroup:
    line: ProductLine | None  # None: products outside any line
    products: list[Product] = field(default_factory=list)


def catalog_tree() -> list[CategoryNode]:
    """The category tree in reading order, each with its count of published products
    (its own and its children's); categories with none are left out."""
    ordered, children = _tree()
    own = dict(db.session.execute(
        select(Product.category_id, func.count()).where(Product.publicly_visible())
        .group_by(Product.category_id)).all())
    totals: dict[int, int] = {}

    def total(category: Category) -> int:
        if category.id not in totals:
            totals[category.id] = own.get(category.id, 0) + sum(
                total(child) for child in children.get(category.id, []))
        return totals[category.id]

    nodes: list[CategoryNode] = []

    def visit(parent_id: int | None, depth: int) -> None:
        for category in children.get(parent_id, []):
            if total(category):
                nodes.append(CategoryNode(category, depth, total(category)))
                visit(category.id, depth + 1)

    visit(None, 0)
    return nodes


def catalog_suppliers(category: Category | None = None) -> list[SupplierEntry]:
    """Active companies with published products (in ``category`` and below), most first."""
    stmt = (select(Company, func.count(Product.id)).join(Product, Product.company_id == Company.id)
            .where(Product.publicly_visible()).group_by(Company.id)
            .order_by(func.count(Product.id).desc(), Company.name))
    if category is not None:
        stmt = stmt.where(Product.category_id.in_(descendant_ids(category)))
    return [SupplierEntry(company, count) for company, count in db.session.execute(stmt)]


def catalog_supplier(company_id: int) -> Company:
    """A supplier whose catalog may be browsed: active (or the acting company itself)."""
    company = db.session.get(Company, company_id)
    if company is None or not (company.status == CompanyStatus.ACTIVE
                               or company.id == acting_company_id()):
        raise NotFound(str(_l("Company %(id)s was not found.", id=company_id)))
    return company


def supplier_catalog(company: Company) -> list[LineGroup]:
    """The supplier's published products grouped by its product lines, in the lines'
    order; products outside any line come last."""
    rows = db.session.scalars(_with_details(select(Product)).where(
        Product.company_id == company.id, Product.status == ProductStatus.PUBLISHED,
        Product.hidden_at.is_(None)).order_by(Product.name, Product.id)).unique()
    groups: dict[int | None, LineGroup] = {
        line.id: LineGroup(line) for line in product_lines(company)}
    loose = LineGroup(None)
    for product in rows:
        groups.get(product.product_line_id, loose).products.append(product)
    return [group for group in [*groups.values(), loose] if group.products]

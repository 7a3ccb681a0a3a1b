"""Searching: the index finds and ranks, the database answers.

The index gives ids, highlights and facet counts; the rows shown are read from the
database in one query per page and only if still public, so a product that left
the catalog a moment ago never shows, even before its index update has run.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, bindparam, func, literal, null, select, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload

from marketplace.content.models import MediaFile, MediaKind, PriceTier, Product, ProductMedia
from marketplace.content.search.indexing import _attributes_text, backend, price_key
from marketplace.content.search.whoosh_backend import SearchRequest
from marketplace.core.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus


@dataclass
class ProductFilters:
    category: str | None = None  # id or code; its subcategories are included
    country: str | None = None  # the supplier's, ISO 3166-1 alpha-2
    supplier: int | None = None  # company id
    min_price: Decimal | None = None  # the lowest tier's unit price, in the product's currency
    max_price: Decimal | None = None
    currency: str | None = None


@dataclass
class CompanyFilters:
    category: str | None = None
    country: str | None = None
    role: str | None = None  # "supplier" or "buyer"


@dataclass
class FacetValue:
    value: str  # what to send back as the filter: category code, country code, company id
    label: str
    count: int


@dataclass
class ProductHit:
    product: Product
    highlight: dict[str, str]
    score: float
    # Read with the product in one statement (``_page_products``), not through its tiers
    # and pictures: the lowest and highest tier price, the first picture.
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    cover: ProductMedia | None = None


@dataclass
class CompanyHit:
    company: Company
    highlight: dict[str, str]
    score: float

    @property
    def verified(self) -> bool:
        return self.company.approved_at is not None and self.company.is_active


@dataclass
class Results:
    items: list
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    # More than ``total`` match (the count stopped at its cap, shown as "10,000+"); the
    # facets then count the first ``total`` hits found.
    total_capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _category(value: str | None) -> Category | None:
    from marketplace.content.operations.products import find_category

    if not value:
        return None
    category = find_category(value)
    if category is None:
        raise ValidationFailed(errors={"category": [str(_l("Unknown category."))]})
    return category


def search_products(text: str = "", filters: ProductFilters | None = None, *, page: int = 1,
                    per_page: int = 20, sort: str = "relevance", language: str = "en"
                    ) -> Results:
    """Published products of active companies matching ``text`` (English or Chinese),
    with facets (category, country, supplier) and a spelling suggestion when few match."""
    filters = filters or ProductFilters()
    request = SearchRequest(text=text or "", page=page, per_page=per_page, sort=sort)
    category = _category(filters.category)
    if category is not None:
        request.terms["category_path"] = category.code
    if filters.country:
        request.terms["country"] = filters.country.upper()
    if filters.supplier:
        request.terms["company_id"] = str(filters.supplier)
    if filters.currency:
        request.terms["currency"] = filters.currency.upper()
    if filters.min_price is not None or filters.max_price is not None:
        request.ranges["price"] = (
            price_key(filters.min_price) if filters.min_price is not None else None,
            price_key(filters.max_price) if filters.max_price is not None else None)
    raw = backend().search("products", request)

    rows = _page_products([hit.id for hit in raw.hits])
    items = [ProductHit(row.Product, {**_highlight(raw, h, row.Product),
                                      "sku": marked_code(row.Product.sku, raw.codes)},
                        h.score, price_min=row.price_min, price_max=row.price_max,
                        cover=row.cover)
             for h in raw.hits if (row := rows.get(h.id)) is not None]
    total = max(raw.total - (len(raw.hits) - len(items)), len(items))
    return Results(items=items, total=total, page=page, per_page=per_page,
                   facets=_product_facets(raw.facets, language), suggestion=raw.suggestion,
                   total_capped=raw.total_capped)


def _page_products(ids: list[int]) -> dict:
    """The page's products that are still public, by id, each read in one statement with
    its supplier, category, lowest and highest tier price and first picture (its file
    joined): a row per product, where loading the tiers and pictures through the
    relationships took three statements and an object per tier and picture."""
    if not ids:
        return {}
    return {row.Product.id: row for row in db.session.execute(_page_statement(), {"ids": ids})}


@cache
def _page_statement():
    """``_page_products``' statement, the ids bound when it runs: built once per process
    (building it, its alias and subqueries, cost more than running it: ~2/3 of the page's
    read at 20 products)."""
    tiers = select(PriceTier.unit_price).where(PriceTier.product_id == Product.id)
    first_picture = (select(ProductMedia.id)
                     .join(MediaFile, MediaFile.id == ProductMedia.media_id)
                     .where(ProductMedia.product_id == Product.id,
                            MediaFile.kind == MediaKind.IMAGE)
                     .order_by(ProductMedia.position, ProductMedia.id).limit(1)
                     .scalar_subquery())
    cover = aliased(ProductMedia, name="cover")
    return (
        select(Product,
               tiers.with_only_columns(func.min(PriceTier.unit_price))
               .scalar_subquery().label("price_min"),
               tiers.with_only_columns(func.max(PriceTier.unit_price))
               .scalar_subquery().label("price_max"),
               cover)
        .outerjoin(cover, cover.id == first_picture)
        .where(Product.id.in_(bindparam("ids", expanding=True)), Product.publicly_visible())
        .options(joinedload(Product.company), joinedload(Product.category),
                 joinedload(cover.file)))


def _highlight(raw, hit, product: Product) -> dict[str, str]:
    """The hit's highlights: the index's, or made from the product's row."""
    if raw.highlighter is None:
        return hit.highlight
    return raw.highlighter({"name": product.name, "name_zh": product.name_zh,
                            "description": product.description,
                            "description_zh": product.description_zh,
                            "attributes": _attributes_text(product.attributes)})


def marked_code(code: str, words: list[str]) -> str:
    """The item code as HTML (escaped), the longest of ``words`` it starts with in <mark>
    (case-insensitive: the code is shown as the supplier wrote it)."""
    lowered = code.lower()
    found = max((w for w in words if lowered.startswith(w)), key=len, default="")
    head, rest = code[:len(found)], code[len(found):]
    marked = f"<mark>{html.escape(head, quote=False)}</mark>" if head else ""
    return marked + html.escape(rest, quote=False)


def search_companies(text: str = "", filters: CompanyFilters | None = None, *, page: int = 1,
                     per_page: int = 20, language: str = "en") -> Results:
    """Active companies matching ``text``, with facets (category, country)."""
    filters = filters or CompanyFilters()
    request = SearchRequest(text=text or "", page=page, per_page=per_page)
    category = _category(filters.category)
    if category is not None:
        request.terms["category_path"] = category.code
    if filters.country:
        request.terms["country"] = filters.country.upper()
    if filters.role:
        request.terms["roles"] = filters.role
    raw = backend().search("companies", request)

    ids = [hit.id for hit in raw.hits]
    rows = {c.id: c for c in db.session.scalars(
        select(Company).where(Company.id.in_(ids), Company.status == CompanyStatus.ACTIVE)
        .options(selectinload(Company.categories)))} if ids else {}
    items = [CompanyHit(rows[h.id], h.highlight, h.score) for h in raw.hits if h.id in rows]
    total = max(raw.total - (len(raw.hits) - len(items)), len(items))
    categories = _categories_by_id(raw.facets.get("category", {}))
    facets = {
        "category": _facet_values(raw.facets.get("category", {}), lambda v: (
            (categories[v].code, categories[v].display_name(language)) if v in categories
            else None)),
        "country": _facet_values(raw.facets.get("country", {}), lambda v: (v, v)),
    }
    return Results(items=items, total=total, page=page, per_page=per_page, facets=facets,
                   suggestion=raw.suggestion, total_capped=raw.total_capped)


def _categories_by_id(counts: dict[str, int]) -> dict[str, Category]:
    ids = [int(v) for v in counts if str(v).isdigit()]
    if not ids:
        return {}
    return {str(c.id): c for c in db.session.scalars(select(Category).where(Category.id.in_(ids)))}


def _product_facets(counts: dict[str, dict[str, int]], language: str
                    ) -> dict[str, list[FacetValue]]:
    labels = _facet_labels(_ids(counts.get("category", {})), _ids(counts.get("supplier", {})))
    categories, suppliers = labels["category"], labels["supplier"]
    return {
        "category": _facet_values(counts.get("category", {}), lambda v: (
            (categories[v].code, Category.display_name(categories[v], language))
            if v in categories else None)),
        "country": _facet_values(counts.get("country", {}), lambda v: (v, v)),
        "supplier": _facet_values(counts.get("supplier", {}), lambda v: (
            (v, suppliers[v].name) if v in suppliers else None)),
    }


def _ids(counts: dict[str, int]) -> list[int]:
    return [int(v) for v in counts if str(v).isdigit()]


def _facet_labels(category_ids: list[int], supplier_ids: list[int]) -> dict[str, dict]:
    """The facets' categories (code, names) and active suppliers (name) by id, as plain
    rows of one statement (two ORM reads were a fifth of a search's own time)."""
    labels: dict[str, dict] = {"category": {}, "supplier": {}}
    if category_ids or supplier_ids:
        rows = db.session.execute(_labels_statement(),
                                  {"categories": category_ids, "suppliers": supplier_ids})
        for row in rows:
            labels[row.facet][str(row.id)] = row  # display_name reads name and name_zh
    return labels


@cache
def _labels_statement():
    """``_facet_labels``' statement, the ids bound when it runs (an empty list matches
    nothing): built once per process, as ``_page_statement``."""
    return union_all(
        select(literal("category", String).label("facet"), Category.id, Category.code,
               Category.name, Category.name_zh)
        .where(Category.id.in_(bindparam("categories", expanding=True))),
        select(literal("supplier", String).label("facet"), Company.id, null().label("code"),
               Company.name, null().label("name_zh"))
        .where(Company.id.in_(bindparam("suppliers", expanding=True)),
               Company.status == CompanyStatus.ACTIVE))


def _facet_values(counts: dict[str, int], describe) -> list[FacetValue]:
    """Facet values by count (largest first), then label; values no longer known dropped."""
    values = []
    for raw, count in counts.items():
        described = describe(str(raw))
        if described is not None:
            values.append(FacetValue(value=described[0], label=described[1], count=count))
    return sorted(values, key=lambda f: (-f.count, f.label.lower()))

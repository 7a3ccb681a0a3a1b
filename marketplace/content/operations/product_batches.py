"""Content operations: many existing products changed at once (a catalog import's
batch), the bulk twin of ``products.save_product`` for updates.

The products are read as plain rows (``stored_products``: no ORM objects, their tiers,
category code and line name beside them), checked one by one with ``save_product``'s
own checks (``_checked_values``: the same refusals and messages), compared column by
column as ``save_product``'s unit of work would, and written together: one UPDATE per
set of changed columns (executemany, each row guarded by its version, as the ORM's
optimistic lock does), the changed products' tiers deleted and inserted in one
statement each, their audit rows in one, then the same ``product_changed`` signal each.
A row refused by the checks leaves nothing behind (its new product line is not made:
the checks that may refuse come first). Operations: they flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from marketplace.content.models import PriceTier, Product, ProductLine, ProductStatus
from marketplace.content.operations.products import (
    BatchLookups,
    _checked_values,
    _tiers_for_audit,
)
from marketplace.core.audit import record_audits
from marketplace.core.bulk import insert_rows
from marketplace.core.errors import DomainError
from marketplace.core.limits import PRODUCTS, read_only_among
from marketplace.core.sets import among
from marketplace.core.signals import product_changed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company

_PRODUCTS = Product.__table__
_TIERS = PriceTier.__table__


class StaleProducts(Exception):
    """Another transaction changed some of the products between their reading and the
    batch's UPDATE (their version moved on): the batch is to be saved row by row."""


def stored_products(company: Company, skus: Iterable[str]) -> dict[str, SimpleNamespace]:
    """The company's products of these SKUs as plain rows, by SKU: every column as an
    attribute, ``category`` (id, code) and ``product_line`` (id, name) or None, and
    ``price_tiers`` [(min_qty, unit_price)] by quantity: what the catalog's comparison
    (rows.stored_values) and ``update_products`` read, without ORM objects."""
    skus = list(skus)
    if not skus:
        return {}
    rows = db.session.execute(
        select(_PRODUCTS, Category.code.label("_category_code"),
               ProductLine.name.label("_line_name"))
        .outerjoin(Category, Category.id == _PRODUCTS.c.category_id)
        .outerjoin(ProductLine, ProductLine.id == _PRODUCTS.c.product_line_id)
        .where(_PRODUCTS.c.company_id == company.id, among(_PRODUCTS.c.sku, skus))).all()
    found: dict[str, SimpleNamespace] = {}
    by_id: dict[int, SimpleNamespace] = {}
    for row in rows:
        values = row._asdict()
        category_code, line_name = values.pop("_category_code"), values.pop("_line_name")
        product = SimpleNamespace(**values, price_tiers=[])
        product.category = SimpleNamespace(id=product.category_id, code=category_code) \
            if product.category_id is not None else None
        product.product_line = SimpleNamespace(id=product.product_line_id, name=line_name) \
            if product.product_line_id is not None else None
        found[product.sku] = by_id[product.id] = product
    if by_id:
        for product_id, min_qty, unit_price in db.session.execute(
                select(_TIERS.c.product_id, _TIERS.c.min_qty, _TIERS.c.unit_price)
                .where(among(_TIERS.c.product_id, by_id))
                .order_by(_TIERS.c.product_id, _TIERS.c.min_qty)):
            by_id[product_id].price_tiers.append(
                SimpleNamespace(min_qty=min_qty, unit_price=unit_price))
    return found


class _Change:
    __slots__ = ("product", "columns", "changes", "tiers")

    def __init__(self, product: SimpleNamespace):
        self.product = product
        self.columns: dict[str, Any] = {}  # the products columns that change
        self.changes: dict[str, list] = {}  # for the audit row, as pending_changes says
        self.tiers: list | None = None  # the new tiers, when they change


def update_products(company: Company, batch: list[tuple[SimpleNamespace, dict[str, Any]]],
                    lookups: BatchLookups) -> list[int | DomainError]:
    """``save_product`` for many existing products (from ``stored_products``) at once:
    for each (product, values) in order, the product's id, or the refusal that left
    nothing of it behind. Raises ``StaleProducts`` (nothing written) when a product
    changed meanwhile."""
    results: list[int | DomainError] = []
    changed: list[_Change] = []
    now = utcnow()
    # Published products beyond a lapsed plan are read-only (ensure_editable): asked once.
    read_only = read_only_among(PRODUCTS, company.id, [
        product.id for product, _ in batch if product.status == ProductStatus.PUBLISHED])
    for product, values in batch:
        try:
            change = _change(company, product, values, lookups, now, read_only)
        except DomainError as error:
            results.append(error)
            continue
        results.append(product.id)
        if change.changes:
            changed.append(change)
    if changed:
        _write(company, changed, now)
    lookups.unwritten = 0  # counted by the plan from now on
    return results


def _change(company: Company, product: SimpleNamespace, values: dict[str, Any],
            lookups: BatchLookups, now, read_only: dict[int, DomainError]) -> _Change:
    """What ``save_product`` would change on ``product``: checked first, so a refusal
    happens before anything (a new product line) is made."""
    clean = _checked_values(company, values, product, lookups)  # type: ignore[arg-type]
    if clean.get("status", ProductStatus.PUBLISHED) == ProductStatus.PUBLISHED and \
            product.id in read_only:
        raise read_only[product.id]  # as ensure_editable: withdrawing it stays possible
    status = clean.pop("status", None)
    line_name = clean.pop("product_line", ...)
    tiers = clean.pop("price_tiers", None)
    category = clean.pop("category", ...)
    change = _Change(product)
    if status is not None:
        _status(company, product, ProductStatus(status), change, lookups, now)
    for name, value in clean.items():
        old = getattr(product, name)
        if old != value:
            change.columns[name] = value
            change.changes[name] = [old, value]  # made plain by record_audits
    if category is not ...:
        old_id, new_id = product.category_id, category.id if category is not None else None
        if old_id != new_id:
            change.columns["category_id"] = new_id
            change.changes["category"] = [old_id, new_id]
    if line_name is not ...:
        line = lookups.line(company, line_name) if line_name is not None else None
        old_id, new_id = product.product_line_id, line.id if line is not None else None
        if old_id != new_id:
            change.columns["product_line_id"] = new_id
            change.changes["product_line"] = [old_id, new_id]
    old_tiers = [(tier.min_qty, tier.unit_price) for tier in product.price_tiers]
    if tiers is not None and tiers != old_tiers:
        change.tiers = tiers
        change.changes["price_tiers"] = [_tiers_for_audit(old_tiers), _tiers_for_audit(tiers)]
    return change


def _status(company: Company, product: SimpleNamespace, status: ProductStatus,
            change: _Change, lookups: BatchLookups, now) -> None:
    """``products._set_status`` for a row: publishing needs an active company and room in
    the plan (counting the batch's earlier publications)."""
    if status == ProductStatus.PUBLISHED and product.status != ProductStatus.PUBLISHED:
        company.ensure_can_trade()  # 403 for a pending or suspended company
        lookups.publish(company)  # the plan's limit, counting the batch's publications
        change.columns["published_at"] = now
        change.changes["published_at"] = [product.published_at, now]
    if product.status != status:
        change.columns["status"] = status
        change.changes["status"] = [product.status, status]


def _write(company: Company, changed: list[_Change], now) -> None:
    """The changes in bulk: one UPDATE per set of changed columns, each row guarded by
    its version (``StaleProducts`` when one moved on), the tiers replaced, the audit
    rows; then the index hears of each product."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in changed:
        columns = change.columns
        groups.setdefault(tuple(sorted(columns)), []).append(
            {**{f"v_{name}": value for name, value in columns.items()},
             "v_updated_at": now, "v_version": change.product.version + 1,
             "k_id": change.product.id, "k_version": change.product.version})
    for names, rows in groups.items():
        statement = update(_PRODUCTS).where(
            _PRODUCTS.c.id == bindparam("k_id"), _PRODUCTS.c.version == bindparam("k_version")
        ).values({name: bindparam(f"v_{name}")
                  for name in (*names, "updated_at", "version")})
        result = db.session.execute(statement, rows)
        if result.rowcount != len(rows):
            raise StaleProducts(f"{len(rows) - result.rowcount} products changed meanwhile")
    retiered = [change for change in changed if change.tiers is not None]
    if retiered:
        # Old rows go first: a new tier may reuse an old quantity (unique per product).
        db.session.execute(delete(_TIERS).where(
            among(_TIERS.c.product_id, [change.product.id for change in retiered])))
        tiers = [{"product_id": change.product.id, "min_qty": qty, "unit_price": price}
                 for change in retiered for qty, price in change.tiers]
        if tiers:
            insert_rows(_TIERS, tiers)
    record_audits("product.changed", Product.__name__,
                  [(change.product.id, company.id, change.changes) for change in changed])
    for change in changed:
        product_changed.send(None, product_id=change.product.id, company_id=company.id)

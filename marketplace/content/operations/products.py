"""Content operations: products and product lines.

CONTRACT (other areas call these; the products/media helper implements them):

    save_product(company: Company, values: dict, product: Product | None = None) -> Product
        Create (product None) or update a product from API-shaped values:
        sku, name, name_zh, description, description_zh, category (id or code),
        product_line (the supplier's own line, by name; created when new), unit, moq,
        currency, price_tiers [{min_qty, unit_price}] (replaces the list), attributes,
        hs_code, lead_time_days, packaging, port, status ("draft"/"published"/
        "archived"). Raises ValidationFailed with per-field errors (unknown category,
        duplicate SKU in the company, negative price, ...). Publishing needs an
        active company (Company.ensure_can_trade). Flushes, audits, and sends
        core.signals.product_changed(product_id=..., company_id=...).

    publish_product(product) / archive_product(product) / delete_product(product)
    attach_media(product, media: MediaFile, caption: str | None = None) -> ProductMedia
    reorder_media(product, product_media_ids: list[int]) -> None

Values may come from the API (already typed by its schema), from a portal form or
from a spreadsheet row (strings): every value is checked here again, so all three
refuse the same things with the same messages. Error keys are the API's field paths
(``price_tiers.1.unit_price``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.content.models import (
    MediaFile,
    MediaKind,
    PriceTier,
    Product,
    ProductLine,
    ProductMedia,
    ProductStatus,
)
from marketplace.content.operations.media import delete_media, store_upload
from marketplace.core.audit import pending_changes, record_audit, record_audits
from marketplace.core.bulk import insert_rows
from marketplace.core.errors import Conflict, DomainError, ValidationFailed
from marketplace.core.limits import PRODUCTS, LimitReached, check_editable, check_limit
from marketplace.core.schemas import MAX_ID
from marketplace.core.sets import among
from marketplace.core.signals import product_changed
from marketplace.core.types import utcnow
from marketplace.core.validation import country_codes, currency_codes
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company

PRODUCT_MEDIA = frozenset(MediaKind)  # images, videos, audio and PDF spec sheets
MAX_MEDIA_PER_PRODUCT = 40
MAX_PRICE_TIERS = 20
MAX_ATTRIBUTES = 60
MAX_ATTRIBUTE_NAME = 100
MAX_ATTRIBUTE_VALUE = 500
MAX_LEAD_TIME_DAYS = 3650
DECIMAL_PLACES = 4
MAX_DECIMAL = Decimal(10) ** 14  # Money / Quantity: 18 digits, 4 after the point
DEFAULT_UNIT = "pcs"
DEFAULT_CURRENCY = "USD"

# field: (longest, required when creating)
TEXT_FIELDS: dict[str, tuple[int, bool]] = {
    "sku": (64, True), "name": (300, True), "name_zh": (300, False),
    "description": (20000, False), "description_zh": (20000, False), "unit": (20, False),
    "hs_code": (12, False), "packaging": (300, False), "port": (120, False),
}
# Customs and packing data for the shipping papers (origin, unit net weight, cartons).
PACKAGING_DECIMALS = ("net_weight_kg", "carton_length_cm", "carton_width_cm",
                      "carton_height_cm", "carton_gross_weight_kg")
PACKAGING_FIELDS = ("origin_country", "units_per_carton", *PACKAGING_DECIMALS)
PRODUCT_FIELDS = frozenset(TEXT_FIELDS) | {
    "category", "product_line", "moq", "currency", "price_tiers", "attributes",
    "lead_time_days", "status", "cost_price", *PACKAGING_FIELDS}
HS_CODE = re.compile(r"\d{4}(\.?\d{2}){0,4}")


Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message) -> None:
    errors.setdefault(field, []).append(str(message))


def _changed(product: Product, product_id: int | None = None) -> None:
    product_changed.send(product, product_id=product_id or product.id,
                         company_id=product.company_id)


def _touch(product: Product) -> None:
    """A change to the product's tiers or media is a change of the product: new version."""
    product.updated_at = utcnow()


# ----- products ---------------------------------------------------------------------------


def save_product(company: Company, values: dict[str, Any], product: Product | None = None,
                 *, lookups: BatchLookups | None = None) -> Product:
    """Create (``product`` None) or change a product from API-shaped ``values``.
    ``lookups``: the answers of a batch's lookups, read once (a catalog import)."""
    creating = product is None
    clean = _checked_values(company, values, product, lookups)
    if not creating and clean.get("status", ProductStatus.PUBLISHED) == ProductStatus.PUBLISHED:
        ensure_editable(product)  # withdrawing it stays possible
    status = clean.pop("status", None)
    line_name = clean.pop("product_line", ...)
    tiers = clean.pop("price_tiers", None)
    # The line first: making a new one flushes, and the product is not added yet.
    line = _line(company, line_name, lookups) if line_name not in (None, ...) else None
    if creating:
        product = _new_product(company)
    _fill(product, clean, line_name, line)
    if status is not None:
        _set_status(company, product, ProductStatus(status))
    changes = pending_changes(product)
    # Reading the tiers must not flush the product: flushed now and again once touched
    # below, a change was two UPDATEs of the row (and two versions).
    with db.session.no_autoflush:
        old_tiers = [] if creating else _tier_list(product)
    new_tiers = tiers is not None and tiers != old_tiers
    if new_tiers:
        changes["price_tiers"] = [_tiers_for_audit(old_tiers), _tiers_for_audit(tiers)]
    if not creating and changes:
        _touch(product)
    if new_tiers:
        _replace_tiers(product, tiers)
    db.session.flush()
    if creating or changes:
        record_audit("product.created" if creating else "product.changed", product,
                     changes=changes)
        _changed(product)
    return product


def _new_product(company: Company) -> Product:
    product = Product(company_id=company.id, unit=DEFAULT_UNIT, currency=DEFAULT_CURRENCY,
                      attributes={}, status=ProductStatus.DRAFT)
    db.session.add(product)
    return product


def _fill(product: Product, clean: dict[str, Any], line_name: Any, line: ProductLine | None
          ) -> None:
    for name, value in clean.items():
        if getattr(product, name) != value or (name == "category" and
                                                getattr(product, name) is not value):
            setattr(product, name, value)
    if line_name is not ... and product.product_line is not line:
        product.product_line = line


def _line(company: Company, name: str, lookups: BatchLookups | None) -> ProductLine:
    return lookups.line(company, name) if lookups else product_line_named(company, name)


class BatchLookups:
    """What ``_checked_values`` and the product lines ask the database, read once for a
    batch of products' values: the SKUs the company already uses among them, the
    categories, the company's lines."""

    def __init__(self, company: Company, batch: list[dict[str, Any]]):
        skus = [str(values["sku"]).strip() for values in batch if values.get("sku")]
        self.taken = set(db.session.scalars(select(Product.sku).where(
            Product.company_id == company.id, among(Product.sku, skus)))) if skus else set()
        self.categories = {category.code: category
                           for category in db.session.scalars(select(Category))}
        self.lines = {line.name.lower(): line for line in db.session.scalars(
            select(ProductLine).where(ProductLine.company_id == company.id))}
        # The batch's rows that ask to be published: the plan's limit is asked once for
        # them all (at most this many publish), then row by row only once that fails.
        self.publishing = sum(1 for values in batch if values.get("status") in (
            ProductStatus.PUBLISHED, ProductStatus.PUBLISHED.value))
        self.room: int | None = None  # publications the plan was found to have room for
        self.published = 0  # published by the batch so far
        self.unwritten = 0  # of which not written yet: the plan's count does not see them

    def publish(self, company: Company) -> None:
        """Room in the plan for one more of the batch's publications (LimitReached when
        none): ``check_limit`` for the whole batch at once while it fits, which it
        does unless the batch takes the company to its plan's limit."""
        if self.room is None:
            self.room = 0
            try:
                check_limit(PRODUCTS, company.id, adding=self.unwritten + self.publishing)
                self.room = self.published + self.publishing
            except LimitReached:
                pass  # near the limit: each publication is asked on its own
        if self.published >= self.room:
            check_limit(PRODUCTS, company.id, adding=self.unwritten + 1)
        self.published += 1
        self.unwritten += 1

    def sku_taken(self, sku: str, product: Product | None = None) -> bool:
        """Used by another product than ``product``."""
        return sku in self.taken and (product is None or product.sku != sku)

    def category(self, reference: Any) -> Category | None:
        if isinstance(reference, str) and reference.strip() in self.categories:
            return self.categories[reference.strip()]
        return find_category(reference)

    def line(self, company: Company, name: str) -> ProductLine:
        line = self.lines.get(name.strip().lower())
        if line is None or line not in db.session:  # not yet, or undone with a savepoint
            line = self.lines[name.strip().lower()] = product_line_named(company, name)
        return line


def create_products(company: Company, batch: list[dict[str, Any]],
                    lookups: BatchLookups | None = None) -> list[int | DomainError]:
    """``save_product`` for many new products at once (a catalog import's batch): the
    same checks, stored values and audit rows, with the lookups read once and the rows
    inserted in bulk (products, their tiers, their audit rows: one statement each),
    then the same ``product_changed`` signal each. For each values, in order: the new
    product's id, or the refusal that left nothing of it behind. The caller sees to
    SKUs given twice within the batch."""
    lookups = lookups or BatchLookups(company, batch)
    results: list[int | DomainError] = []
    made: list[tuple[int, _NewProduct]] = []
    for values in batch:
        try:
            new = _new_product_row(company, values, lookups)
        except DomainError as error:
            results.append(error)
            continue
        lookups.taken.add(new.row["sku"])
        made.append((len(results), new))
        results.append(0)  # its id, below
    if made:
        ids = _insert_products(company, [new for _, new in made])
        lookups.unwritten = 0  # counted by the plan from now on
        for (index, _), product_id in zip(made, ids, strict=True):
            results[index] = product_id
    return results


@dataclass
class _NewProduct:
    row: dict[str, Any]  # the products row
    tiers: list[tuple[Decimal, Decimal]]
    changes: dict[str, list]  # as ``pending_changes`` finds them on a new Product


# A new Product's own values (as ``_new_product`` makes it): in its audit row even when
# the values leave them as they are.
_CONSTRUCTED = ("company_id", "unit", "currency", "attributes", "status")
_COLUMNS = ("company_id", "sku", "name", "name_zh", "description", "description_zh",
            "category_id", "product_line_id", "unit", "moq", "currency", "cost_price",
            "attributes", "hs_code", "lead_time_days", "packaging", "port", "status",
            "published_at", *PACKAGING_FIELDS)


def _new_product_row(company: Company, values: dict[str, Any], lookups: BatchLookups
                     ) -> _NewProduct:
    """One product of ``create_products``: checked (refused before its line is made),
    as a row, with its audit changes."""
    clean = _checked_values(company, values, None, lookups)
    status = ProductStatus(clean.pop("status", None) or ProductStatus.DRAFT)
    line_name = clean.pop("product_line", ...)
    tiers = clean.pop("price_tiers", None) or []
    if status == ProductStatus.PUBLISHED:
        company.ensure_can_trade()  # 403 for a pending or suspended company
        lookups.publish(company)  # the plan's limit
    line = lookups.line(company, line_name) if line_name not in (None, ...) else None
    category = clean.pop("category", None)
    given = {"company_id": company.id, "unit": DEFAULT_UNIT, "currency": DEFAULT_CURRENCY,
             "attributes": {}, **{k: v for k, v in clean.items() if v is not None},
             "status": status}
    if status == ProductStatus.PUBLISHED:
        given["published_at"] = utcnow()
    changes = {name: [None, value] for name, value in given.items()
               if name in _CONSTRUCTED or value is not None}
    for name, related in (("category", category), ("product_line", line)):
        if related is not None:
            changes[name] = [None, related]
    if tiers:
        changes["price_tiers"] = [[], _tiers_for_audit(tiers)]
    row = {column: given.get(column) for column in _COLUMNS}
    row.update(category_id=category.id if category else None,
               product_line_id=line.id if line else None)
    return _NewProduct(row, tiers, changes)


def _insert_products(company: Company, made: list[_NewProduct]) -> list[int]:
    """Insert the rows, their tiers and audit rows, one statement each (executemany: no
    ids back, which SQLite could give only one row at a time); the products' ids, read
    back by SKU (unique in the company), in order."""
    rows = [new.row for new in made]
    insert_rows(Product.__table__, rows)
    by_sku = dict(db.session.execute(select(Product.sku, Product.id).where(
        Product.company_id == company.id, among(Product.sku, [row["sku"] for row in rows]))).all())
    ids = [by_sku[row["sku"]] for row in rows]
    tiers = [{"product_id": product_id, "min_qty": qty, "unit_price": price}
             for product_id, new in zip(ids, made, strict=True) for qty, price in new.tiers]
    if tiers:
        insert_rows(PriceTier.__table__, tiers)
    record_audits("product.created", Product.__name__,
                  [(product_id, company.id, new.changes)
                   for product_id, new in zip(ids, made, strict=True)])
    for product_id in ids:
        product_changed.send(None, product_id=product_id, company_id=company.id)
    return ids


def publish_product(product: Product) -> Product:
    """Show the product to buyers (the company must be approved and active)."""
    return _change_status(product, ProductStatus.PUBLISHED)


def archive_product(product: Product) -> Product:
    """Withdraw the product from buyers, keeping it for the record."""
    return _change_status(product, ProductStatus.ARCHIVED)


def unpublish_product(product: Product) -> Product:
    """Back to a draft, seen by its own company only."""
    return _change_status(product, ProductStatus.DRAFT)


def _change_status(product: Product, status: ProductStatus) -> Product:
    if product.status == status:
        return product
    _set_status(db.session.get(Company, product.company_id), product, status)
    changes = pending_changes(product)
    _touch(product)
    db.session.flush()
    record_audit(f"product.{'draft' if status == ProductStatus.DRAFT else status.value}",
                 product, changes=changes)
    _changed(product)
    return product


def hide_product(product: Product, reason: str) -> Product:
    """The operator takes a product out of search, lists and its page (moderation); its
    owner still sees it, with the reason."""
    if product.hidden_at is not None:
        raise Conflict(str(_l("This product is already hidden.")), allowed_actions=["restore"])
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(errors={"reason": [str(_l("Give a reason."))]})
    product.hidden_at, product.hidden_reason = utcnow(), reason[:300]
    _touch(product)
    db.session.flush()
    record_audit("product.hidden", product, changes={"reason": product.hidden_reason})
    _changed(product)
    return product


def restore_product(product: Product) -> Product:
    """The operator shows a hidden product again (where its status allows)."""
    if product.hidden_at is None:
        raise Conflict(str(_l("This product is not hidden.")), allowed_actions=["hide"])
    changes = {"reason": [product.hidden_reason, None]}
    product.hidden_at, product.hidden_reason = None, None
    _touch(product)
    db.session.flush()
    record_audit("product.restored", product, changes=changes)
    _changed(product)
    return product


def ensure_editable(product: Product) -> None:
    """A published product beyond what the company's plan allows now (a lapsed plan held
    to the free plan's limits, core/limits.py) stays published and shown, but cannot be
    changed until the company pays or unpublishes others: refused with the limit named.
    Unpublishing, archiving and deleting it stay possible."""
    if product.id is not None and product.status == ProductStatus.PUBLISHED:
        check_editable(PRODUCTS, product.company_id, product.id)


def _set_status(company: Company, product: Product, status: ProductStatus) -> None:
    if status == ProductStatus.PUBLISHED and product.status != ProductStatus.PUBLISHED:
        company.ensure_can_trade()  # 403 with the reason for a pending or suspended company
        check_limit(PRODUCTS, company.id)  # the plan's published products (core/limits.py)
        product.published_at = utcnow()
    product.status = status


def delete_product(product: Product) -> None:
    """Remove the product with its tiers and media; its files go after commit."""
    product_id, files = product.id, [item.file for item in product.media]
    record_audit("product.deleted", product, changes={"sku": product.sku, "name": product.name,
                                                      "status": product.status})
    db.session.delete(product)
    db.session.flush()
    for media in files:
        _delete_if_unused(media)
    _changed(product, product_id)


def _checked_values(company: Company, values: dict[str, Any], product: Product | None,
                    lookups: BatchLookups | None = None) -> dict[str, Any]:
    """The values as the model stores them; every problem found is reported at once.
    ``lookups``: a batch's answers read beforehand (``BatchLookups``)."""
    errors: Errors = {}
    creating = product is None
    for name in values:
        if name not in PRODUCT_FIELDS:
            _add(errors, name, _l("Unknown field."))
    clean: dict[str, Any] = {}
    for name, (longest, required) in TEXT_FIELDS.items():
        if name in values or (creating and required):
            clean[name] = _text(values.get(name), name, longest, required, errors)
    if "unit" in clean and clean["unit"] is None:
        if "unit" in values:
            _add(errors, "unit", _l("Give a unit: pcs, kg, m, carton, ..."))
        clean.pop("unit")
    if clean.get("hs_code") and not HS_CODE.fullmatch(clean["hs_code"]):
        _add(errors, "hs_code", _l("An HS code is 4 to 12 digits, such as 7318.15 or "
                                   "73181500."))
    if clean.get("sku") and (lookups.sku_taken(clean["sku"], product) if lookups
                             else _sku_taken(company, clean["sku"], product)):
        _add(errors, "sku", _l("Your company already has a product with SKU %(sku)s.",
                               sku=clean["sku"]))
    if "category" in values:
        clean["category"] = _category(values["category"], errors,
                                      lookups.category if lookups else find_category)
    if "product_line" in values:
        clean["product_line"] = _text(values["product_line"], "product_line", 200, False,
                                      errors)
    if "moq" in values:
        clean["moq"] = decimal_value(values["moq"], "moq", errors, positive=True)
    if "currency" in values:
        clean["currency"] = _currency(values["currency"], errors)
    if "cost_price" in values:  # the supplier's own cost, for customer analytics' margin
        clean["cost_price"] = decimal_value(values["cost_price"], "cost_price", errors)
    if "price_tiers" in values:
        clean["price_tiers"] = _price_tiers(values["price_tiers"], errors)
    if "attributes" in values:
        clean["attributes"] = _attributes(values["attributes"], errors)
    if "lead_time_days" in values:
        clean["lead_time_days"] = _lead_time(values["lead_time_days"], errors)
    _packaging(values, clean, errors)
    if "status" in values:
        status = values["status"]
        status = status.value if isinstance(status, ProductStatus) else status
        if status not in {s.value for s in ProductStatus}:
            _add(errors, "status", _l("One of draft, published, archived."))
        clean["status"] = status
    if errors:
        raise ValidationFailed(errors=errors)
    return clean


def _packaging(values: dict[str, Any], clean: dict[str, Any], errors: Errors) -> None:
    """Origin (an ISO country code), unit net weight, units per carton, carton size and
    gross weight: what the packing list works out cartons and weights from."""
    if "origin_country" in values:
        origin = _text(values["origin_country"], "origin_country", 2, False, errors)
        origin = origin.upper() if origin else None
        if origin is not None and origin not in country_codes():
            _add(errors, "origin_country", _l("Give the country's ISO code, such as TW."))
        clean["origin_country"] = origin
    for name in PACKAGING_DECIMALS:
        if name in values:
            clean[name] = decimal_value(values[name], name, errors,
                                        positive=name != "net_weight_kg")
    if "units_per_carton" in values:
        value = values["units_per_carton"]
        if value in (None, ""):
            clean["units_per_carton"] = None
        else:
            try:
                count = int(str(value).strip())
            except ValueError:
                count = 0
            if not 1 <= count <= 1_000_000:
                _add(errors, "units_per_carton", _l("A whole number from 1 to 1,000,000."))
            clean["units_per_carton"] = count


def _text(value: Any, name: str, longest: int, required: bool, errors: Errors) -> str | None:
    if value is not None and not isinstance(value, str):
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            value = str(value)  # a SKU or HS code typed as a number in a spreadsheet
        else:
            _add(errors, name, _l("Must be text."))
            return None
    value = (value or "").strip() or None
    if value is None and required:
        _add(errors, name, _l("Required."))
    elif value is not None and len(value) > longest:
        _add(errors, name, _l("At most %(n)d characters.", n=longest))
    return value


def _sku_taken(company: Company, sku: str, product: Product | None) -> bool:
    stmt = select(Product.id).where(Product.company_id == company.id, Product.sku == sku)
    if product is not None and product.id is not None:
        stmt = stmt.where(Product.id != product.id)
    return db.session.scalar(stmt.limit(1)) is not None


def find_category(reference: Any) -> Category | None:
    """A category by its id or its code (as GET /categories lists them)."""
    if isinstance(reference, bool) or reference is None:
        return None
    if isinstance(reference, int):
        return db.session.get(Category, reference) if 1 <= reference <= MAX_ID else None
    if not isinstance(reference, str) or not reference.strip():
        return None
    reference = reference.strip()
    found = db.session.scalar(select(Category).where(Category.code == reference))
    if found is None and reference.isdigit() and 1 <= int(reference) <= MAX_ID:
        found = db.session.get(Category, int(reference))
    return found


def _category(reference: Any, errors: Errors, find=find_category) -> Category | None:
    if reference is None or (isinstance(reference, str) and not reference.strip()):
        return None
    found = find(reference)
    if found is None:
        _add(errors, "category", _l("Unknown category %(ref)s: give an id or a code from "
                                    "GET /categories.", ref=repr(reference)))
    return found


def decimal_value(value: Any, field: str, errors: Errors, *, positive: bool = False
                  ) -> Decimal | None:
    """A quantity or an amount: a number (or its text), not negative (``positive``: above
    zero), at most 4 decimal places and 14 digits before the point."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        _add(errors, field, _l("Not a valid number."))
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        _add(errors, field, _l("Not a valid number."))
        return None
    if not number.is_finite():
        _add(errors, field, _l("Not a valid number."))
    elif positive and number <= 0:
        _add(errors, field, _l("Must be more than 0."))
    elif number < 0:
        _add(errors, field, _l("Must not be negative."))
    elif number >= MAX_DECIMAL:
        _add(errors, field, _l("Too large."))
    elif number.normalize().as_tuple().exponent < -DECIMAL_PLACES:
        _add(errors, field, _l("At most %(n)d decimal places.", n=DECIMAL_PLACES))
    else:
        return number
    return None


def _currency(value: Any, errors: Errors) -> str | None:
    code = value.strip().upper() if isinstance(value, str) else None
    if code not in currency_codes():
        _add(errors, "currency", _l("Not an ISO 4217 currency code."))
        return None
    return code


def _price_tiers(value: Any, errors: Errors) -> list[tuple[Decimal, Decimal]] | None:
    """``[{min_qty, unit_price}]`` as (min_qty, unit_price) pairs, quantities going up."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        _add(errors, "price_tiers", _l("A list of {min_qty, unit_price}."))
        return None
    if len(value) > MAX_PRICE_TIERS:
        _add(errors, "price_tiers", _l("At most %(n)d price tiers.", n=MAX_PRICE_TIERS))
        return None
    tiers: list[tuple[Decimal, Decimal]] = []
    before = None
    for index, tier in enumerate(value):
        path = f"price_tiers.{index}"
        if not isinstance(tier, dict):
            _add(errors, path, _l("A tier is {min_qty, unit_price}."))
            continue
        for name in tier:
            if name not in ("min_qty", "unit_price"):
                _add(errors, f"{path}.{name}", _l("Unknown field."))
        min_qty = decimal_value(tier.get("min_qty"), f"{path}.min_qty", errors, positive=True)
        price = decimal_value(tier.get("unit_price"), f"{path}.unit_price", errors)
        for name, number in (("min_qty", min_qty), ("unit_price", price)):
            if number is None and f"{path}.{name}" not in errors:
                _add(errors, f"{path}.{name}", _l("Required."))
        if min_qty is not None and before is not None:
            if min_qty == before:
                _add(errors, f"{path}.min_qty", _l("Each tier needs its own quantity: "
                                                   "%(qty)s is given twice.",
                                                   qty=plain_number(min_qty)))
            elif min_qty < before:
                _add(errors, f"{path}.min_qty", _l("Tiers go up by quantity: give more than "
                                                   "the tier before (%(qty)s).",
                                                   qty=plain_number(before)))
        if min_qty is not None:
            before = min_qty if before is None else max(before, min_qty)
        if min_qty is not None and price is not None:
            tiers.append((min_qty, price))
    return tiers


def _attributes(value: Any, errors: Errors) -> dict[str, str] | None:
    """Specifications as name → text (numbers are kept as written)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        _add(errors, "attributes", _l("An object of name: value pairs."))
        return None
    if len(value) > MAX_ATTRIBUTES:
        _add(errors, "attributes", _l("At most %(n)d specifications.", n=MAX_ATTRIBUTES))
        return None
    clean: dict[str, str] = {}
    for raw_name, raw in value.items():
        name = str(raw_name).strip()
        path = f"attributes.{name or raw_name}"
        if not name or len(name) > MAX_ATTRIBUTE_NAME:
            _add(errors, path, _l("A name of 1 to %(n)d characters.", n=MAX_ATTRIBUTE_NAME))
            continue
        if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
            _add(errors, path, _l("Must be text or a number."))
            continue
        text = str(raw).strip()
        if len(text) > MAX_ATTRIBUTE_VALUE:
            _add(errors, path, _l("At most %(n)d characters.", n=MAX_ATTRIBUTE_VALUE))
            continue
        clean[name] = text
    return clean


def _lead_time(value: Any, errors: Errors) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        days = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        _add(errors, "lead_time_days", _l("A whole number of days."))
        return None
    if not 0 <= days <= MAX_LEAD_TIME_DAYS:
        _add(errors, "lead_time_days", _l("Between 0 and %(n)d days.", n=MAX_LEAD_TIME_DAYS))
        return None
    return days


def _tier_list(product: Product) -> list[tuple[Decimal, Decimal]]:
    return [(tier.min_qty, tier.unit_price) for tier in product.price_tiers]


def _replace_tiers(product: Product, tiers: list[tuple[Decimal, Decimal]]) -> None:
    if product.price_tiers:
        # Old rows go first: a new tier may reuse an old quantity (unique per product).
        product.price_tiers.clear()
        db.session.flush()
    product.price_tiers.extend(PriceTier(min_qty=q, unit_price=p) for q, p in tiers)


def _tiers_for_audit(tiers: list[tuple[Decimal, Decimal]]) -> list[list[str]]:
    return [[plain_number(q), plain_number(p)] for q, p in tiers]


def plain_number(value: Decimal | None) -> str | None:
    """A decimal without trailing zeros after the point: 100.0000 → "100", 2.5000 → "2.5"."""
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ----- product lines ----------------------------------------------------------------------


def product_line_named(company: Company, name: str) -> ProductLine:
    """The company's line of that name (case aside), made when it does not exist yet."""
    name = name.strip()
    line = db.session.scalar(select(ProductLine).where(
        ProductLine.company_id == company.id, func.lower(ProductLine.name) == name.lower()))
    if line is None:
        line = save_product_line(company, {"name": name})
    return line


def save_product_line(company: Company, values: dict[str, Any],
                      line: ProductLine | None = None) -> ProductLine:
    """Create or rename a line of the company's own catalog tree."""
    errors: Errors = {}
    creating = line is None
    clean: dict[str, Any] = {}
    if "name" in values or creating:
        clean["name"] = _text(values.get("name"), "name", 200, True, errors)
    if "name_zh" in values:
        clean["name_zh"] = _text(values.get("name_zh"), "name_zh", 200, False, errors)
    if values.get("parent_id") is not None:
        parent = db.session.scalar(select(ProductLine).where(
            ProductLine.id == values["parent_id"], ProductLine.company_id == company.id))
        if parent is None or (line is not None and _is_within(parent, line)):
            _add(errors, "parent_id", _l("Not one of your product lines (or the line itself)."))
        clean["parent_id"] = values["parent_id"]
    elif "parent_id" in values:
        clean["parent_id"] = None
    if clean.get("name"):
        taken = select(ProductLine.id).where(ProductLine.company_id == company.id,
                                             func.lower(ProductLine.name) == clean["name"].lower())
        if line is not None:
            taken = taken.where(ProductLine.id != line.id)
        if db.session.scalar(taken.limit(1)) is not None:
            _add(errors, "name", _l("You already have a product line named %(name)s.",
                                    name=clean["name"]))
    if errors:
        raise ValidationFailed(errors=errors)
    if creating:
        last = db.session.scalar(select(func.max(ProductLine.position)).where(
            ProductLine.company_id == company.id))
        line = ProductLine(company_id=company.id, position=(last + 1) if last is not None else 0)
        db.session.add(line)
    for name, value in clean.items():
        setattr(line, name, value)
    changes = pending_changes(line)
    db.session.flush()
    record_audit("product_line.created" if creating else "product_line.changed", line,
                 changes=changes)
    return line


def _is_within(candidate: ProductLine, line: ProductLine) -> bool:
    """Whether ``candidate`` is ``line`` or lies below it (a loop in the tree)."""
    seen = set()
    while candidate is not None and candidate.id not in seen:
        if candidate.id == line.id:
            return True
        seen.add(candidate.id)
        candidate = candidate.parent
    return False


# ----- media of a product -----------------------------------------------------------------


def upload_product_media(product: Product, stream: IO[bytes], filename: str,
                         caption: str | None = None) -> ProductMedia:
    """Store an image, video, audio file or PDF (checked by its content) as the product's
    last medium."""
    ensure_editable(product)
    _ensure_room_for_media(product)
    company = db.session.get(Company, product.company_id)
    media = store_upload(company, stream, filename, allowed=set(PRODUCT_MEDIA))
    return attach_media(product, media, caption)


def _ensure_room_for_media(product: Product) -> None:
    count = db.session.scalar(select(func.count()).where(
        ProductMedia.product_id == product.id)) or 0
    if count >= MAX_MEDIA_PER_PRODUCT:
        message = _l("A product holds at most %(n)d files; delete one first.",
                     n=MAX_MEDIA_PER_PRODUCT)
        raise ValidationFailed(str(message), errors={"file": [str(message)]})


def attach_media(product: Product, media: MediaFile, caption: str | None = None
                 ) -> ProductMedia:
    """Show a stored file with the product, after the ones it has."""
    ensure_editable(product)
    if media.company_id != product.company_id:
        raise ValidationFailed(errors={"media_id": [str(_l("Not one of your files."))]})
    _ensure_room_for_media(product)
    errors: Errors = {}
    caption = _text(caption, "caption", 300, False, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    last = db.session.scalar(select(func.max(ProductMedia.position)).where(
        ProductMedia.product_id == product.id))
    item = ProductMedia(media_id=media.id, file=media, caption=caption,
                        position=(last + 1) if last is not None else 0)
    product.media.append(item)
    _touch(product)
    db.session.flush()
    record_audit("product.media_added", product, changes={
        "product_media_id": item.id, "media_id": media.id, "kind": media.kind,
        "caption": caption})
    _changed(product)
    return item


def reorder_media(product: Product, product_media_ids: list[int]) -> None:
    """Put the product's media in the order given: every one of them named once."""
    ensure_editable(product)
    items = list(product.media)
    by_id = {item.id: item for item in items}
    if len(product_media_ids) != len(set(product_media_ids)) or \
            set(product_media_ids) != set(by_id):
        raise ValidationFailed(
            str(_l("Name every file of the product exactly once, in the new order.")),
            errors={"ids": [str(_l("Expected the ids %(ids)s in any order.",
                                   ids=", ".join(str(i) for i in sorted(by_id)) or "—"))]})
    before = [item.id for item in items]
    _renumber([by_id[item_id] for item_id in product_media_ids])
    product.media.sort(key=lambda item: item.position)
    _touch(product)
    db.session.flush()
    record_audit("product.media_reordered", product,
                 changes={"order": [before, list(product_media_ids)]})
    _changed(product)


def move_media(product: Product, item: ProductMedia, offset: int) -> None:
    """One step towards the front (-1) or the back (+1); at either end nothing moves."""
    order = [entry.id for entry in product.media]
    index = order.index(item.id)
    target = index + offset
    if offset in (-1, 1) and 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        reorder_media(product, order)


def update_media_caption(product: Product, item: ProductMedia, caption: str | None) -> None:
    ensure_editable(product)
    errors: Errors = {}
    caption = _text(caption, "caption", 300, False, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    if item.caption != caption:
        record_audit("product.media_caption", product, changes={
            "product_media_id": item.id, "caption": [item.caption, caption]})
        item.caption = caption
        _touch(product)
        db.session.flush()
        _changed(product)


def detach_media(product: Product, item: ProductMedia) -> None:
    """Take a file off the product; the file itself goes when nothing else shows it."""
    ensure_editable(product)
    media = item.file
    record_audit("product.media_removed", product, changes={
        "product_media_id": item.id, "media_id": item.media_id})
    product.media.remove(item)
    db.session.flush()
    _renumber(list(product.media))
    _touch(product)
    db.session.flush()
    _delete_if_unused(media)
    _changed(product)


def _renumber(items: list[ProductMedia]) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


def _delete_if_unused(media: MediaFile) -> None:
    used = db.session.scalar(select(ProductMedia.id).where(
        ProductMedia.media_id == media.id).limit(1))
    if used is None:
        delete_media(media)

"""One row of a catalog file: its cells checked one by one and turned into the values
``save_product`` takes, every cell's error collected (a row reports all its mistakes at
once); and the comparison that skips rows which change nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.content.models import Product
from marketplace.content.queries.catalog import (
    COLUMNS_BY_NAME,
    PACKING_NUMBERS,
    STATUSES,
    TIERS,
    categories,
)
from marketplace.core.validation import currency_codes

MONEY_MAX = Decimal(10) ** 14  # Money and Quantity are NUMERIC(18, 4)
LEAD_TIME_MAX_DAYS = 3650
TEXT_LIMITS = {"sku": 64, "name": 300, "name_zh": 300, "description": 20_000,
               "description_zh": 20_000, "product_line": 200, "unit": 20, "hs_code": 12,
               "packaging": 300, "port": 120, "attributes": 10_000, "origin_country": 2}
OPTIONAL_TEXT = ("name_zh", "description", "description_zh", "product_line", "hs_code",
                 "packaging", "port")
TIER_FIELD = re.compile(r"^price_tiers\.(\d+)(?:\.(min_qty|unit_price))?")
ESCAPED = re.compile(r"\\(.)")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
OMIT = object()  # an empty unit, currency or status: the default, or unchanged


@dataclass
class ParsedRow:
    row: int
    sku: str | None
    values: dict[str, Any]
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    tier_numbers: list[int] = field(default_factory=list)  # price_tiers index → tier column


class CellError(Exception):
    pass


# ----- cells ----------------------------------------------------------------------------------


def as_text(value: Any) -> str | None:
    """A cell as the spreadsheet shows it: 12 not 12.0, a date without midnight."""
    if type(value) is str:  # every CSV cell, most workbook cells
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    elif isinstance(value, datetime):
        value = value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    elif isinstance(value, date):
        value = value.isoformat()
    value = str(value).strip()
    return value or None


def text_cell(value: Any, column: str, *, required: bool = False) -> str | None:
    result = as_text(value)
    if result is None:
        if required:
            raise CellError(_l("Required; this cell is empty."))
        return None
    limit = TEXT_LIMITS[column]
    if len(result) > limit:
        raise CellError(_l("At most %(max)d characters (this has %(length)d).",
                           max=limit, length=len(result)))
    return result


def decimal_cell(value: Any, *, positive: bool = False) -> Decimal | None:
    number = _number(value)
    if number is None:
        return None
    shown = shown_number(number)
    if not number.is_finite() or abs(number) >= MONEY_MAX:
        raise CellError(_l("Too large: %(value)s.", value=shown))
    if number < 0:
        raise CellError(_l("Must not be negative (%(value)s).", value=shown))
    if positive and number == 0:
        raise CellError(_l("Must be more than 0."))
    if number != number.quantize(Decimal("0.0001"), rounding="ROUND_DOWN"):
        raise CellError(_l("At most 4 decimal places (%(value)s).", value=shown))
    return number


def _number(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_l("Not a number: %(value)s.", value=value))
    if isinstance(value, float):
        # 15 significant digits, as Excel shows them: a formula's 1.3200000000000001
        # is the 1.32 on the screen.
        return Decimal(format(value, ".15g"))
    if isinstance(value, int):
        return Decimal(value)
    raw = str(value).strip()
    if not raw:
        return None
    try:
        if not NUMBER.fullmatch(raw):
            raise InvalidOperation
        return Decimal(raw)
    except InvalidOperation:
        raise CellError(_l(
            "Not a number: %(value)s. Write digits with a point for decimals, without "
            "currency signs or thousands separators.", value=raw[:40])) from None


def shown_number(number: Decimal) -> str:
    return format(number.normalize(), "f") if number.is_finite() else str(number)


def lead_time_cell(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = decimal_cell(value)
    except CellError:
        number = None
    if number is None or number != number.to_integral() or number > LEAD_TIME_MAX_DAYS:
        raise CellError(_l("A whole number of days from 0 to %(max)d (not %(value)s).",
                           max=LEAD_TIME_MAX_DAYS, value=str(value).strip()[:40]))
    return int(number)


def carton_count_cell(value: Any) -> int | None:
    """Units per carton: a whole number from 1 on."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = decimal_cell(value, positive=True)
    except CellError:
        number = None
    if number is None or number != number.to_integral() or number > 1_000_000:
        raise CellError(_l("A whole number from 1 to 1,000,000."))
    return int(number)


def _split_escaped(text_value: str, separator: str) -> list[str]:
    """Split on ``separator`` except where written as a backslash escape."""
    if "\\" not in text_value:  # most cells: nothing escaped
        return text_value.split(separator)
    parts, current, chars = [], [], iter(text_value)
    for char in chars:
        if char == "\\":
            current.append(char + next(chars, ""))
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unescape(text_value: str) -> str:
    if "\\" not in text_value:
        return text_value.strip()
    return ESCAPED.sub(r"\1", text_value).strip()


def parse_attributes(value: Any) -> dict[str, str]:
    """'Material: steel; Thread: M8' → {"Material": "steel", "Thread": "M8"}."""
    raw = text_cell(value, "attributes")
    attributes: dict[str, str] = {}
    if raw is None:
        return attributes
    for part in _split_escaped(raw, ";"):
        if not part.strip():
            continue
        key_value = _split_escaped(part, ":")
        if len(key_value) < 2:
            raise CellError(_l("Write specifications as 'key: value; key: value'; "
                               "'%(part)s' has no colon.", part=part.strip()[:60]))
        key, rest = _unescape(key_value[0]), ":".join(key_value[1:])
        if not key:
            raise CellError(_l("A specification has a value but no key: '%(part)s'.",
                               part=part.strip()[:60]))
        if key in attributes:
            raise CellError(_l("The key '%(key)s' appears twice.", key=key[:60]))
        attributes[key] = _unescape(rest)
    return attributes  # their number and lengths: save_product checks them


# ----- a row ----------------------------------------------------------------------------------


class RowParser:
    """Turns a row's cells into ``save_product`` values, collecting every cell's error."""

    def __init__(self, header: list[str | None]):
        self.positions = {name: index for index, name in enumerate(header) if name}
        self.has_tiers = any(name.startswith("tier") for name in self.positions)
        known = categories()
        self.categories = {category.code.lower(): category.code for category in known}
        # An id works too, as in the API (the template documents the codes).
        self.categories.update({str(category.id): category.code for category in known})
        self.currencies = currency_codes()
        self.cell_parsers: dict[str, Callable[[Any], Any]] = {
            "sku": lambda value: text_cell(value, "sku", required=True),
            "name": lambda value: text_cell(value, "name", required=True),
            **{name: lambda value, name=name: text_cell(value, name) for name in OPTIONAL_TEXT},
            "moq": lambda value: decimal_cell(value, positive=True),
            "lead_time_days": lead_time_cell, "attributes": parse_attributes,
            "category": self._category, "unit": lambda value: text_cell(value, "unit") or OMIT,
            "currency": self._currency, "status": _status,
            "origin_country": lambda value: (text_cell(value, "origin_country") or "").upper()
            or None, "units_per_carton": carton_count_cell,
            **{name: lambda value: decimal_cell(value, positive=True)
               for name in PACKING_NUMBERS}}

    def cell(self, cells: tuple, name: str) -> Any:
        index = self.positions[name]
        value = cells[index] if index < len(cells) else None
        if isinstance(value, str):
            value = value.strip() or None
        return value

    def is_blank(self, cells: tuple) -> bool:
        return all(self.cell(cells, name) is None for name in self.positions)

    def parse(self, number: int, cells: tuple) -> ParsedRow:
        parsed = ParsedRow(number, None, {})
        values = parsed.values
        for name in self.positions:
            if name.startswith("tier"):
                continue
            try:
                result = self.cell_parsers[name](self.cell(cells, name))
            except CellError as error:
                parsed.errors.append((name, str(error.args[0])))
                continue
            if result is not OMIT:
                values[name] = result
        if self.has_tiers:
            self._parse_tiers(cells, parsed)
        parsed.sku = values.get("sku")
        return parsed

    def _category(self, value: Any) -> str | None:
        code = as_text(value)  # a number typed as an id: "12", not "12.0"
        if code is None:
            return None
        if code.lower() not in self.categories:
            raise CellError(_l("Unknown category code '%(code)s'. Use a code from the "
                               "Instructions sheet or GET /api/v1/categories.", code=code[:60]))
        return self.categories[code.lower()]

    def _currency(self, value: Any) -> Any:
        code = as_text(value)
        if code is None:
            return OMIT
        if code.upper() not in self.currencies:
            raise CellError(_l("Not an ISO 4217 currency code: '%(code)s'.", code=code[:20]))
        return code.upper()

    def _parse_tiers(self, cells: tuple, parsed: ParsedRow) -> None:
        tiers, previous = [], None
        for n in range(1, TIERS + 1):
            tier = self._tier(cells, n, previous, parsed)
            if tier is None:
                continue
            previous = (n, tier["min_qty"])
            tiers.append(tier)
            parsed.tier_numbers.append(n)
        parsed.values["price_tiers"] = tiers

    def _tier(self, cells: tuple, n: int, previous: tuple[int, Decimal] | None,
              parsed: ParsedRow) -> dict[str, Decimal] | None:
        """Tier ``n``'s quantity and price, or None (empty, or its errors noted)."""
        qty_column, price_column = f"tier{n}_min_qty", f"tier{n}_unit_price"
        try:
            qty = decimal_cell(self.cell(cells, qty_column), positive=True) \
                if qty_column in self.positions else None
        except CellError as error:
            parsed.errors.append((qty_column, str(error.args[0])))
            return None
        try:
            price = decimal_cell(self.cell(cells, price_column)) \
                if price_column in self.positions else None
        except CellError as error:
            parsed.errors.append((price_column, str(error.args[0])))
            return None
        if qty is None and price is None:
            return None
        problem = _tier_problem(n, qty, price, previous)
        if problem is not None:
            parsed.errors.append(problem)
            return None
        return {"min_qty": qty, "unit_price": price}


def _status(value: Any) -> Any:
    status = as_text(value)
    if status is None:
        return OMIT
    if status.lower() not in STATUSES:
        raise CellError(_l("Write draft, published or archived (not '%(value)s').",
                           value=status[:30]))
    return status.lower()


def _tier_problem(n: int, qty: Decimal | None, price: Decimal | None,
                  previous: tuple[int, Decimal] | None) -> tuple[str, str] | None:
    if price is None:
        return f"tier{n}_unit_price", str(_l("Tier %(n)d has a quantity but no unit price.",
                                             n=n))
    if qty is None:
        return f"tier{n}_min_qty", str(_l("Tier %(n)d has a unit price but no quantity.",
                                          n=n))
    if previous is not None and qty <= previous[1]:
        return f"tier{n}_min_qty", str(_l(
            "Tier quantities must go up: %(qty)s is not above %(previous)s of tier %(m)d.",
            qty=shown_number(qty), previous=shown_number(previous[1]), m=previous[0]))
    return None


# ----- against the stored product -------------------------------------------------------------


def stored_values(product: Product) -> dict[str, Any]:
    """The product in the shape ``RowParser`` gives, to skip rows that change nothing."""
    return {
        "sku": product.sku, "name": product.name, "name_zh": product.name_zh or None,
        "description": product.description or None,
        "description_zh": product.description_zh or None,
        "category": product.category.code if product.category else None,
        "product_line": product.product_line.name if product.product_line else None,
        "unit": product.unit, "moq": product.moq, "currency": product.currency,
        "attributes": [(str(k), str(v)) for k, v in (product.attributes or {}).items()],
        "hs_code": product.hs_code or None, "lead_time_days": product.lead_time_days,
        "packaging": product.packaging or None, "port": product.port or None,
        "status": str(product.status), "origin_country": product.origin_country or None,
        "units_per_carton": product.units_per_carton,
        **{name: getattr(product, name) for name in PACKING_NUMBERS},
        "price_tiers": [(tier.min_qty, tier.unit_price) for tier in
                        sorted(product.price_tiers, key=lambda tier: tier.min_qty)],
    }


def changes_nothing(product: Product, values: dict[str, Any]) -> bool:
    stored = stored_values(product)
    for name, value in values.items():
        if name == "attributes":
            value = list(value.items())
        elif name == "price_tiers":
            value = [(tier["min_qty"], tier["unit_price"]) for tier in value]
        elif name == "product_line" and value is not None and stored[name] is not None:
            value, stored[name] = value.lower(), stored[name].lower()  # found case aside
        if stored[name] != value:
            return False
    return True


def keep_further_tiers(product: Product, values: dict[str, Any]) -> None:
    """The template holds TIERS tiers; a product given more through the API keeps the
    others while the file repeats its first TIERS unchanged."""
    tiers = sorted(product.price_tiers, key=lambda tier: tier.min_qty)
    if "price_tiers" in values and len(tiers) > TIERS and \
            [(t["min_qty"], t["unit_price"]) for t in values["price_tiers"]] == \
            [(t.min_qty, t.unit_price) for t in tiers[:TIERS]]:
        del values["price_tiers"]


def column_of(api_field: str, parsed: ParsedRow) -> str | None:
    """save_product names API fields; the report names the spreadsheet's columns."""
    match = TIER_FIELD.match(api_field)
    if match:
        index = int(match.group(1))
        n = parsed.tier_numbers[index] if index < len(parsed.tier_numbers) else index + 1
        return f"tier{n}_{match.group(2) or 'min_qty'}"
    if api_field == "price_tiers":
        return f"tier{parsed.tier_numbers[0] if parsed.tier_numbers else 1}_min_qty"
    name = api_field.split(".")[0]
    return name if name in COLUMNS_BY_NAME else None

"""What a trade module tells the engine, so the engine itself knows no module: the
words a header may use (incoterms, payment terms), the limits of a document, and how a
line's product is found (the catalog lives in a module above the engine).

``trading`` fills it when it is imported (``trading/doctypes.py``), beside its
document types. Until something registers, the engine checks no vocabulary and a line
names no product.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Protocol


class LineProduct(Protocol):
    """What the engine reads of a product named on a line: its defaults for the line
    (name, unit, sku) and what auto-dispatch rules match (product line, category)."""

    id: int
    name: str
    unit: str
    sku: str | None
    product_line_id: int | None
    category_id: int | None


# (product ids, the acting company or None) -> the products found, by id. With a
# company, only those it may see (a line names no product it may not see); with None,
# any (dispatch reads the products already on a document).
ProductResolver = Callable[[Collection[int], "int | None"], dict[int, LineProduct]]


@dataclass(frozen=True)
class Vocabulary:
    """The header words and document limits of the trade; empty word lists: not checked."""

    incoterms: tuple[str, ...] = ()
    payment_terms: tuple[str, ...] = ()
    max_lines: int = 500
    max_recipients: int = 50


_vocabulary = Vocabulary()
_resolver: ProductResolver | None = None


def register_vocabulary(vocabulary: Vocabulary) -> None:
    global _vocabulary
    _vocabulary = vocabulary


def vocabulary() -> Vocabulary:
    return _vocabulary


def register_product_resolver(resolver: ProductResolver) -> None:
    global _resolver
    _resolver = resolver


def products(product_ids: Collection[int], company_id: int | None) -> dict[int, LineProduct]:
    """The products with these ids (those ``company_id`` may see, when given)."""
    ids = {i for i in product_ids if i is not None}
    if not ids or _resolver is None:
        return {}
    return _resolver(ids, company_id)


def product(product_id: int, company_id: int | None) -> LineProduct | None:
    # One id asked, so whatever is found is it (an id given as text finds it too).
    return next(iter(products([product_id], company_id).values()), None)


# ----- what a derived document starts from -----------------------------------------------------
# (new type, the parent, the issuing company, the header carried over, the lines carried
# over as dicts) -> changes the header and lines in place where the trade knows better
# (trading: a reply's subject names what it answers; a quotation answering an inquiry
# starts from the product's price tier for the quantity). The engine knows no prices.
DeriveDefaults = Callable[[str, object, int, dict, list[dict]], None]

_derive_defaults: list[DeriveDefaults] = []


def register_derive_defaults(fill: DeriveDefaults) -> None:
    if fill not in _derive_defaults:
        _derive_defaults.append(fill)


def fill_derived(doctype: str, parent: object, company_id: int, header: dict,
                 lines: list[dict]) -> None:
    """Let each registered filler change a derived draft's header and lines."""
    for fill in _derive_defaults:
        fill(doctype, parent, company_id, header, lines)


# ----- held deliveries and refusals a module above adds ------------------------------------
# A module above may hold a sent document back from its recipient until it releases it
# (sourcing: a sealed bid reaches the buyer only when all bids are opened together), and
# refuse an action or a derive the type itself allows (a bid after the closing time).
# The engine asks; it does not know why.

Hold = Callable[[Any], bool]  # (document) -> hold its delivery
ActionRefusal = Callable[[Any, str], "str | None"]  # (document, action) -> why not
DeriveRefusal = Callable[[Any, str], "str | None"]  # (parent, new type) -> why not

_holds: list[Hold] = []
_action_refusals: list[ActionRefusal] = []
_derive_refusals: list[DeriveRefusal] = []


def register_hold(hold: Hold) -> None:
    if hold not in _holds:
        _holds.append(hold)


def register_action_refusal(refusal: ActionRefusal) -> None:
    if refusal not in _action_refusals:
        _action_refusals.append(refusal)


def register_derive_refusal(refusal: DeriveRefusal) -> None:
    if refusal not in _derive_refusals:
        _derive_refusals.append(refusal)


def held(document: Any) -> bool:
    """Whether a module holds this document's delivery back (see ``register_hold``)."""
    return any(hold(document) for hold in _holds)


def action_refusal(document: Any, action: str) -> str | None:
    return next((why for refusal in _action_refusals
                 if (why := refusal(document, action)) is not None), None)


def derive_refusal(parent: Any, doctype: str) -> str | None:
    return next((why for refusal in _derive_refusals
                 if (why := refusal(parent, doctype)) is not None), None)

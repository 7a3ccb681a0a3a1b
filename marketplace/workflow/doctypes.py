"""Document types declared as data: who issues a type, how it is numbered, what it may
be derived from and what carries over, its states and the actions between them.

A trade module declares its types once (``trading/doctypes.py``) with ``register``;
the engine reads them with ``get``. Adding a type is one declaration, no new code path:
its name (``title``, the English msgid; ``label`` in the reader's language), its place
in the trade's usual sequence (``order``) and its print template are on the
declaration, and the API, the portal, the exports and the notifications read them
there (``label``, ``in_trade_order``, ``print_template``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext
from marshmallow import validate

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor
    from marketplace.workflow.models import Document

BUYER, SUPPLIER, EITHER = "buyer", "supplier", "either"
ISSUER, RECIPIENT, PARTY = "issuer", "recipient", "party"

# A guard looks and never touches: it answers why the action may not happen, or None.
Guard = Callable[["Document", "Actor"], str | None]

# The header fields a derived document may take over from its parent.
CARRIABLE_FIELDS = ("subject", "currency", "incoterm", "incoterm_place", "payment_terms",
                    "valid_until", "delivery_date", "port_of_loading", "port_of_discharge",
                    "notes")


@dataclass(frozen=True)
class Action:
    """``name`` moves a document from any of ``from_states`` to ``to_state`` (None: the
    status stays, e.g. forward and archive) when done by ``by`` with ``permission``."""

    name: str
    from_states: tuple[str, ...]
    to_state: str | None
    by: str = ISSUER  # ISSUER, RECIPIENT or PARTY (either side)
    permission: str = "documents.edit"
    guard: Guard | None = None
    needs_comment: bool = False


@dataclass(frozen=True)
class Carry:
    """How a document is derived from a parent of type ``parent``: ``reply`` (the
    other side answers: parties swap) or the same side revising its own document."""

    parent: str
    reply: bool = True
    fields: tuple[str, ...] = CARRIABLE_FIELDS
    lines: bool = True
    # The parent's statuses this type may be made from; empty: any delivered one. An
    # order confirmation answers an *accepted* order, else the order stays open unseen.
    parent_states: tuple[str, ...] = ()

    def allows(self, parent_status: str) -> bool:
        return not self.parent_states or parent_status in self.parent_states


# A type without a place in the trade's sequence comes after those that have one.
UNORDERED = 10_000


@dataclass(frozen=True)
class DocType:
    code: str
    # The type's name as an English msgid ("Purchase order"), marked for pybabel where it
    # is declared; ``label`` is it in the reader's language. A notification stores the
    # msgid and translates it when it is read, so the msgid itself is kept here.
    title: str
    issued_by: str  # BUYER, SUPPLIER or EITHER
    numbering: str  # the default pattern: "QUO-{year}-{seq:05}"
    actions: tuple[Action, ...]
    derived_from: tuple[Carry, ...] = ()
    states: tuple[str, ...] = ()
    send_needs_approval: bool = True  # the issuer's approval rules may hold a send
    accept_needs_approval: bool = True  # the recipient's rules may hold an accept
    many_recipients: bool = False  # rfq: one invitation per recipient, sent together
    # May be drafted for no company: sent to a guest (an address-book contact without an
    # account) through the module's guest link instead of to a recipient company.
    to_guests: bool = False
    prices_required: bool = False  # every line needs a unit price before it is sent
    # Type-specific header fields kept in ``Document.extras``: name → marshmallow field
    # (e.g. a purchase order's ``buyer_reference``), checked by the engine.
    extra_fields: dict[str, Any] = field(default_factory=dict)
    # Where the type stands in the trade's usual sequence (quotation, order, confirmation,
    # invoice...): the derive menu offers the usual next step first.
    order: int = UNORDERED
    # The template a PDF of this type is printed with (it extends ``print/base.html``);
    # None: the printing module's usual one.
    print_template: str | None = None

    @property
    def label(self) -> Any:
        """The name in the reader's language (a lazy string: translated when shown)."""
        return lazy_gettext(self.title)

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)

    def carry_from(self, parent_type: str, reply: bool | None = None) -> Carry | None:
        """How this type is made from ``parent_type``: as a reply (``reply=True``), as
        the same side's follow-up (False), or either way (None: the first declared)."""
        return next((c for c in self.derived_from if c.parent == parent_type
                     and (reply is None or c.reply == reply)), None)


_registry: dict[str, DocType] = {}


def register(doctype: DocType) -> DocType:
    if doctype.code in _registry and _registry[doctype.code] != doctype:
        raise ValueError(f"document type {doctype.code!r} is declared twice")
    for carry in doctype.derived_from:
        if carry.lines not in (True, False) or set(carry.fields) - set(CARRIABLE_FIELDS):
            raise ValueError(f"{doctype.code}: cannot carry {carry.fields!r}")
    _registry[doctype.code] = doctype
    return doctype


def unregister(code: str) -> None:
    """Forget a declaration (a test's throw-away type); unknown codes are ignored."""
    _registry.pop(code, None)


def get(code: str) -> DocType:
    """The declaration of ``code``; KeyError for a type nobody declared."""
    return _registry[code]


def is_known(code: str) -> bool:
    return code in _registry


def codes() -> list[str]:
    return sorted(_registry)


def all_types() -> list[DocType]:
    return [_registry[code] for code in codes()]


def in_trade_order(types: list[DocType] | None = None) -> list[DocType]:
    """``types`` (default: all) in the trade's usual sequence, the unordered last (by
    code): the usual next step first, so "Derive" mostly needs no choosing."""
    chosen = all_types() if types is None else list(types)
    return sorted(chosen, key=lambda doctype: (doctype.order, doctype.code))


def label(code: str) -> str:
    """The name of type ``code`` in the reader's language; a type nobody declared (an
    old document of a withdrawn type) reads as its code made readable."""
    if code in _registry:
        return str(_registry[code].label)
    return code.replace("_", " ").capitalize()


class OneOfTypes(validate.OneOf):
    """A marshmallow validator: one of the declared types, read when a value is checked
    (and when the API description is made), so a type declared later is known too."""

    def __init__(self, *, also: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.also = also  # names accepted beside the types (a rule's "service_case")
        super().__init__((), **kwargs)

    @property
    def choices(self) -> list[str]:  # type: ignore[override]
        return [*codes(), *self.also]

    @choices.setter
    def choices(self, value: Any) -> None:  # OneOf.__init__ sets it; the registry rules
        pass

    @property
    def choices_text(self) -> str:  # type: ignore[override]
        return ", ".join(self.choices)

    @choices_text.setter
    def choices_text(self, value: Any) -> None:
        pass


# How a status reads inside a sentence ("... while the document is sent"), in the
# reader's language; the module that declares the types names them (lazy strings).
_status_words: dict[str, Any] = {}


def register_status_words(words: dict[str, Any]) -> None:
    _status_words.update(words)


def status_word(code: str) -> str:
    return str(_status_words.get(code, code))

"""An inquiry about one product ("Send inquiry" on a product page, or
``POST /api/v1/documents/inquiries``): a real inquiry draft to the product's supplier
with the product as its line, for the buyer to check and send. The trade's rules: a
company does not inquire about its own product, only a buyer sends inquiries, and an
open draft about the same product is reused rather than doubled. Flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from marketplace.content.queries.products import visible_product
from marketplace.content.schemas.products import quantity_text
from marketplace.core.errors import Forbidden, ValidationFailed
from marketplace.trading.operations.documents import create_document
from marketplace.trading.queries.products import open_inquiry
from marketplace.workflow.models import Document

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

SUBJECT_LENGTH = 300
UNIT_LENGTH = 20
NOTES_LENGTH = 5000


class OwnProduct(ValidationFailed):
    """The company's own product: its buyers send it inquiries, it sends none."""


class NotABuyer(Forbidden):
    """The company has no buyer role, and only buyers send inquiries."""


@dataclass(frozen=True)
class Inquiry:
    document: Document
    created: bool  # False: the open draft about the product, reused
    product: Any  # content's product the inquiry is about


def inquire_about_product(actor: Actor, product_id: int, values: dict | None = None
                          ) -> Inquiry:
    """The actor's company's inquiry draft about the product: its open one, else a new
    one from ``values`` (``subject``, ``quantity``, ``unit``, ``notes``, each optional:
    the product's name, minimum order and unit stand in). NotFound when the actor may
    not see the product (unknown, another company's draft)."""
    product = visible_product(product_id)
    company = actor.company
    if product.company_id == company.id:
        message = str(_l("This is your own product: buyers send you inquiries about it."))
        raise OwnProduct(message, errors={"product_id": [message]})
    if not company.is_buyer:
        raise NotABuyer(str(_l("Inquiries are sent by buyers: add the buyer role to your "
                               "company in the company settings first.")))
    existing = open_inquiry(product.id, product.company_id, company.id)
    if existing is not None:
        return Inquiry(existing, created=False, product=product)
    values = values or {}
    try:
        document = _create_inquiry(actor, product, values)
    except ValidationFailed as refusal:
        raise ValidationFailed(refusal.detail, errors=_as_given(refusal.errors)) from refusal
    return Inquiry(document, created=True, product=product)


def _create_inquiry(actor: Actor, product, values: dict) -> Document:
    return create_document(actor, {
        "type": "inquiry", "recipient_company_id": product.company_id,
        "subject": (values.get("subject") or str(_l("Inquiry: %(name)s", name=product.name))
                    )[:SUBJECT_LENGTH],
        "currency": product.currency, "notes": values.get("notes") or None,
        "port_of_loading": product.port or None,
        "lines": [{"product_id": product.id,
                   "quantity": _given(values.get("quantity"))
                   or quantity_text(product.moq) or "1",
                   "unit": (values.get("unit") or product.unit)[:UNIT_LENGTH],
                   "description": _line_description(product)}]})


def _given(quantity):
    """The quantity as given, a zero too (refused by the engine, not replaced)."""
    return None if quantity is None else str(quantity)


def _as_given(errors: dict) -> dict:
    """The engine names the line's fields by their place (``lines.0.quantity``); the
    caller gave them as ``quantity`` and ``unit``."""
    return {name.removeprefix("lines.0."): messages for name, messages in errors.items()}


def _line_description(product) -> str:
    return " / ".join(name for name in (product.name, product.name_zh) if name)

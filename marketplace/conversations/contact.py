"""The first contact with a supplier in one box (a product page, a supplier profile):
quantity, unit, an optional target price, a message and attachments become an inquiry
that is sent at once (held for approval when the company's rules say so). The full
editor stays one click away for everything else. Flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from marketplace.content.queries.products import visible_product
from marketplace.conversations import queries as conversation_queries
from marketplace.conversations.operations import (
    ATTACHABLE,
    MAX_FILES,
    NotABuyer,
    Upload,
    start_conversation,
)
from marketplace.core.errors import NotFound, ValidationFailed
from marketplace.core.validation import currency_codes
from marketplace.trading.operations.attachments import attach_file
from marketplace.trading.operations.documents import create_document, perform_action
from marketplace.workflow.models import Document

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

__all__ = ["ATTACHABLE", "send_inquiry"]

MESSAGE_LENGTH = 5000
UNIT_LENGTH = 20
SUBJECT_LENGTH = 300
# The engine names the one line's fields by place; the box by its own fields.
LINE_FIELDS = {"lines.0.quantity": "quantity", "lines.0.unit": "unit",
               "lines.0.unit_price": "target_price", "lines.0.description": "message",
               "notes": "message", "currency": "currency"}


def send_inquiry(actor: Actor, supplier_id: int, values: dict,
                 files: Iterable[Upload] = ()) -> Document:
    """An inquiry to the supplier, sent: about ``product_id`` (one of its products) or
    what the message describes. ``values``: ``quantity``, ``unit``, ``message``
    (required), ``target_price`` (optional, in ``currency``: the product's, else the one
    chosen), ``product_id``. Every refusal names the box's field."""
    files = list(files)
    company = actor.company
    if not company.is_buyer:
        raise NotABuyer(str(_l("Inquiries are sent by buyers: add the buyer role to your "
                               "company in the company settings first.")))
    errors: dict = {}
    supplier = _supplier(supplier_id, company.id, errors)
    product = _product(values.get("product_id"), supplier_id, errors)
    quantity = _decimal(values.get("quantity"), "quantity", errors, required=True)
    price = _decimal(values.get("target_price"), "target_price", errors, required=False)
    unit = (values.get("unit") or "").strip()
    if not unit or len(unit) > UNIT_LENGTH:
        errors["unit"] = [str(_l("A unit of 1 to %(n)d characters (pcs, kg, cartons).",
                                 n=UNIT_LENGTH))]
    message = (values.get("message") or "").strip()
    if not message or len(message) > MESSAGE_LENGTH:
        errors["message"] = [str(_l("Write what you need (1 to %(n)d characters).",
                                    n=MESSAGE_LENGTH))]
    currency = product.currency if product else (values.get("currency") or "").strip().upper()
    if currency not in currency_codes():
        errors["currency"] = [str(_l("Choose a currency."))]
    if len(files) > MAX_FILES:
        errors["files"] = [str(_l("A message takes at most %(n)d files.", n=MAX_FILES))]
    if errors or supplier is None:
        raise ValidationFailed(str(_l("The inquiry was not sent: check the fields named.")),
                               errors=errors)
    try:
        document = create_document(actor, _document_values(
            supplier.id, product, quantity, unit, price, currency, message))
    except ValidationFailed as refusal:
        raise ValidationFailed(refusal.detail, errors={
            LINE_FIELDS.get(name, name): reasons
            for name, reasons in (refusal.errors or {}).items()}) from refusal
    for upload in files:
        attach_file(document, actor, upload.stream, upload.filename)
    document = perform_action(document, "send", actor, {})
    if document.status != "sent":  # held for the company's approval: nothing reaches them
        return document
    # The supplier answers questions in a conversation about the inquiry (told of the
    # inquiry already: the message itself is not told twice).
    start_conversation(actor, supplier.id, message, product_id=product.id if product else None,
                       document_id=document.id, tell=False)
    return document


def _supplier(supplier_id: int, company_id: int, errors: dict):
    if supplier_id == company_id:
        errors["supplier"] = [str(_l("This is your own company: buyers send you inquiries."))]
        return None
    supplier = conversation_queries.active_company(supplier_id)
    if supplier is None or not supplier.is_supplier:
        raise NotFound(str(_l("Supplier %(id)s was not found.", id=supplier_id)))
    return supplier


def _product(product_id, supplier_id: int, errors: dict):
    if product_id in (None, ""):
        return None
    try:
        product = visible_product(int(product_id))
    except (NotFound, ValueError, TypeError):
        product = None
    if product is None or product.company_id != supplier_id:
        errors["product_id"] = [str(_l("Choose one of this supplier's products, or none."))]
        return None
    return product


def _decimal(raw, name: str, errors: dict, *, required: bool) -> Decimal | None:
    text = str(raw or "").strip().replace(",", "")
    if not text:
        if required:
            errors[name] = [str(_l("Required."))]
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number <= 0 or number >= Decimal(10) ** 12:
        errors[name] = [str(_l("A number greater than 0."))]
        return None
    return number


def _document_values(supplier_id: int, product, quantity: Decimal, unit: str,
                     price: Decimal | None, currency: str, message: str) -> dict:
    if product is not None:
        subject = str(_l("Inquiry: %(name)s", name=product.name))
        description = " / ".join(n for n in (product.name, product.name_zh) if n)
    else:
        first = " ".join(message.split())
        subject = str(_l("Inquiry: %(name)s", name=first[:80]))
        description = message
    notes = message
    if price is not None:
        notes = str(_l("Target price: %(currency)s %(price)s per %(unit)s",
                       currency=currency, price=price, unit=unit)) + "\n\n" + message
    line = {"quantity": str(quantity), "unit": unit, "description": description[:5000],
            **({"product_id": product.id} if product else {}),
            **({"unit_price": str(price)} if price is not None else {})}
    return {"type": "inquiry", "recipient_company_id": supplier_id,
            "subject": subject[:SUBJECT_LENGTH], "currency": currency,
            "notes": notes[:MESSAGE_LENGTH + 200],
            "port_of_loading": (product.port or None) if product else None,
            "lines": [line]}

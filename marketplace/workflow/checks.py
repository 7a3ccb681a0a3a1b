"""Checking what a caller gives the engine: header fields, the type's extras, lines,
recipients, the issuing side and the parent a document is made from. Each check adds
its refusals to ``errors`` (``{"lines.0.quantity": [...]}``); ``refuse`` raises them
together, so a caller hears of every mistake at once."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from marshmallow import ValidationError

from marketplace.core.errors import NotFound, ValidationFailed
from marketplace.core.validation import currency_codes
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, CompanyStatus
from marketplace.workflow import doctypes, registry
from marketplace.workflow.acting import side_of
from marketplace.workflow.doctypes import RECIPIENT, DocType
from marketplace.workflow.models import Document, DocumentLine

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

# The trade's words (incoterms, payment terms) and the limits of a document (lines,
# recipients) are the trade module's, told to the engine in ``registry``.
MAX_AMOUNT = Decimal(10) ** 14  # Numeric(18, 4): 14 digits before the point
HEADER_LIMITS = {"subject": 300, "incoterm_place": 120, "port_of_loading": 120,
                 "port_of_discharge": 120, "notes": 20_000}
HEADER_FIELDS = set(doctypes.CARRIABLE_FIELDS) | {"extras"}
# Extras the engine keeps itself: never given by a caller.
RESERVED_EXTRAS = ("recipient_company_ids", "invitation")
LINE_FIELDS = {"product_id", "sku", "description", "quantity", "unit", "unit_price", "extras",
               "source_line_id"}


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _amount_error(number: Decimal, *, positive: bool) -> str | None:
    if positive and number <= 0:
        return _("Must be greater than zero.")
    if number < 0:
        return _("Must not be negative.")
    if number >= MAX_AMOUNT:
        return _("Too large.")
    if number != number.quantize(Decimal("0.0001")):
        return _("At most 4 decimal places.")
    return None


def check_header(header: dict, errors: dict) -> dict:
    unknown = set(header) - HEADER_FIELDS
    for name in unknown:
        errors[name] = [_("Unknown field.")]
    clean = {k: v for k, v in header.items() if k in HEADER_FIELDS}
    if "currency" in clean and clean["currency"] not in currency_codes():
        errors["currency"] = [_("Not an ISO 4217 currency code.")]
    words = registry.vocabulary()
    if words.incoterms and clean.get("incoterm") is not None \
            and clean["incoterm"] not in words.incoterms:
        errors["incoterm"] = [_("Not an Incoterms 2020 rule: %(rules)s.",
                                rules=", ".join(words.incoterms))]
    if words.payment_terms and clean.get("payment_terms") is not None \
            and clean["payment_terms"] not in words.payment_terms:
        errors["payment_terms"] = [_("One of: %(terms)s.",
                                     terms=", ".join(words.payment_terms))]
    for name, limit in HEADER_LIMITS.items():
        value = clean.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            errors[name] = [_("Text of at most %(n)d characters.", n=limit)]
    if "extras" in clean and not isinstance(clean["extras"] or {}, dict):
        errors["extras"] = [_("An object.")]
    return clean


def check_extras(declared: DocType, extras: Any, errors: dict) -> dict:
    """The type's declared extras checked and stored as JSON (dates and decimals as
    strings); other keys a module keeps (e.g. fulfillment's ``shipment_id``) pass."""
    if extras is None:
        return {}
    if not isinstance(extras, dict):
        errors["extras"] = [_("An object.")]
        return {}
    clean = dict(extras)
    for name in RESERVED_EXTRAS:
        if name in extras:
            errors[f"extras.{name}"] = [_("Kept by the engine.")]
    for name, declared_field in declared.extra_fields.items():
        if extras.get(name) is None:
            clean.pop(name, None)
            continue
        try:
            value = declared_field.deserialize(extras[name])
        except ValidationError as refusal:
            errors[f"extras.{name}"] = [str(m) for m in refusal.messages]
            continue
        clean[name] = declared_field._serialize(value, name, None)
    return clean


def _check_line(index: int, raw: dict, company_id: int, errors: dict) -> DocumentLine | None:
    where = f"lines.{index}"
    if not isinstance(raw, dict):
        errors[where] = [_("A line is an object.")]
        return None
    for name in set(raw) - LINE_FIELDS:
        errors[f"{where}.{name}"] = [_("Unknown field.")]
    product = None
    if raw.get("product_id") is not None:
        product = registry.product(raw["product_id"], company_id)
        if product is None:
            errors[f"{where}.product_id"] = [_("No such product.")]
    quantity = _decimal(raw.get("quantity"))
    if quantity is None:
        errors[f"{where}.quantity"] = [_("A number is required.")]
    elif problem := _amount_error(quantity, positive=True):
        errors[f"{where}.quantity"] = [problem]
    price = _decimal(raw.get("unit_price"))
    if raw.get("unit_price") is not None and price is None:
        errors[f"{where}.unit_price"] = [_("A number.")]
    elif price is not None and (problem := _amount_error(price, positive=False)):
        errors[f"{where}.unit_price"] = [problem]
    description = (raw.get("description") or "").strip() or (product.name if product else "")
    if not description or len(description) > 5000:
        errors[f"{where}.description"] = [_("A description of 1 to 5000 characters.")]
    unit = (raw.get("unit") or (product.unit if product else "pcs")).strip()
    if not unit or len(unit) > 20:
        errors[f"{where}.unit"] = [_("A unit of 1 to 20 characters.")]
    sku = raw.get("sku") or (product.sku if product else None)
    if sku is not None and len(sku) > 64:
        errors[f"{where}.sku"] = [_("At most %(n)d characters.", n=64)]
    if any(key.startswith(where) for key in errors):
        return None
    line = DocumentLine(position=index, product_id=product.id if product else None, sku=sku,
                        description=description, quantity=quantity, unit=unit,
                        unit_price=price, extras=raw.get("extras") or {},
                        source_line_id=raw.get("source_line_id"))
    if line.compute_amount() is not None and line.amount >= MAX_AMOUNT:
        errors[f"{where}.unit_price"] = [_("The line amount is too large.")]
    return line


def check_lines(raw_lines: list[dict], company_id: int, errors: dict) -> list[DocumentLine]:
    limit = registry.vocabulary().max_lines
    if not isinstance(raw_lines, list) or len(raw_lines) > limit:
        errors["lines"] = [_("A list of at most %(n)d lines.", n=limit)]
        return []
    lines = [_check_line(i, raw, company_id, errors) for i, raw in enumerate(raw_lines)]
    return [line for line in lines if line is not None]


def _recipient(company_id: Any, issuer_id: int, field: str, errors: dict,
               met: dict | None = None) -> int | None:
    if company_id is None:
        return None
    company = db.session.get(Company, company_id) if isinstance(company_id, int) else None
    if company is None or company.status != CompanyStatus.ACTIVE:
        errors[field] = [_("No such company on the marketplace.")]
        return None
    if company.id == issuer_id:
        errors[field] = [_("A document goes to another company, not your own.")]
        return None
    if met is not None:
        met[company.id] = company
    return company.id


def check_recipients(doctype: DocType, recipient_id: Any, recipient_ids: Any, issuer_id: int,
                      errors: dict, met: dict | None = None) -> tuple[int | None, list[int]]:
    """The recipient (or an rfq's recipients) checked; ``met`` receives the companies
    read, by id: the session keeps no object nobody holds, so a caller that needs them
    again (the search text, the answer) keeps them there instead of reading them twice."""
    if not doctype.many_recipients:
        if recipient_ids:
            errors["recipient_company_ids"] = [_("Only an rfq goes to several companies.")]
        return _recipient(recipient_id, issuer_id, "recipient_company_id", errors, met), []
    if recipient_id is not None:
        recipient_ids = [recipient_id, *(recipient_ids or [])]
    recipient_ids = [] if recipient_ids is None else recipient_ids
    limit = registry.vocabulary().max_recipients
    if not isinstance(recipient_ids, list) or len(recipient_ids) > limit:
        errors["recipient_company_ids"] = [_("A list of at most %(n)d companies.", n=limit)]
        return None, []
    chosen: list[int] = []
    for index, company_id in enumerate(recipient_ids):
        found = _recipient(company_id, issuer_id, f"recipient_company_ids.{index}", errors,
                           met)
        if found is not None and found not in chosen:
            chosen.append(found)
    return None, chosen


def check_side(doctype: DocType, actor: Actor, errors: dict) -> None:
    company = actor.company
    if doctype.issued_by == doctypes.BUYER and not company.is_buyer:
        errors["type"] = [_("Only buyers issue this type (%(type)s).", type=doctype.label)]
    if doctype.issued_by == doctypes.SUPPLIER and not company.is_supplier:
        errors["type"] = [_("Only suppliers issue this type (%(type)s).", type=doctype.label)]


def declared_type(code: Any) -> DocType:
    if not isinstance(code, str) or not doctypes.is_known(code):
        raise ValidationFailed(errors={"type": [_("One of: %(types)s.",
                                                  types=", ".join(doctypes.codes()))]})
    return doctypes.get(code)


def refuse(errors: dict) -> None:
    if errors:
        raise ValidationFailed(errors={k: [str(m) for m in v] for k, v in errors.items()})



def check_parent(declared: DocType, parent: Document, header: dict, recipient_id: int | None,
                  actor: Actor, errors: dict) -> None:
    side = side_of(parent, actor)
    if side is None:
        raise NotFound(_("Document %(id)s was not found.", id=parent.id))
    parent_label = doctypes.get(parent.type).label
    carry = declared.carry_from(parent.type, reply=side == RECIPIENT)
    if carry is None:
        other_way = declared.carry_from(parent.type)
        errors["type"] = [
            _("A %(type)s cannot be made from %(number)s (%(parent)s).", type=declared.label,
              number=parent.number, parent=parent_label) if other_way is None else
            _("A %(type)s answers a document you received; %(number)s is your own.",
              type=declared.label, number=parent.number) if other_way.reply else
            _("Only the issuer of %(number)s makes a %(type)s from it.",
              number=parent.number, type=declared.label)]
        return
    if not carry.allows(parent.status):
        errors["parent_id"] = [not_yet(declared, carry, parent)]
    expected = parent.issuer_company_id if carry.reply else parent.recipient_company_id
    if recipient_id is not None and recipient_id != expected:
        errors["recipient_company_id"] = [_("It goes to the other party of the %(parent)s.",
                                            parent=parent_label)]
    if header.get("currency") and header["currency"] != parent.currency:
        errors["currency"] = [_("The currency must stay %(currency)s, as in %(number)s.",
                                currency=parent.currency, number=parent.number)]


def not_yet(declared: DocType, carry, parent: Document) -> str:
    return _("A %(type)s is made from a %(parent)s that is %(states)s; %(number)s is "
             "%(status)s.", type=declared.label, parent=doctypes.get(parent.type).label,
             states=" / ".join(doctypes.status_word(state) for state in carry.parent_states),
             number=parent.number, status=doctypes.status_word(parent.status))

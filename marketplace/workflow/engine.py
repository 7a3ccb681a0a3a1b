"""The engine: create, edit, move and derive documents. Every change goes through here.

Each function checks, changes, flushes (never commits: the request boundary does) and
writes a history row; every action emits ``document_transitioned`` with ``action``,
``from_status``, ``to_status`` and ``actor``.

Listeners should look at ``to_status``: an accept held by the recipient's approval
chain is concluded by the last ``approve`` (``to_status="accepted"``), and a send
held by the sender's chain by the last ``approve`` (``to_status="sent"``).

``approve`` and ``reject`` are the engine's own actions (every type has them where a
company's approval rules hold a document); the other actions are declared per type.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from marketplace.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from marketplace.core.signals import document_derived, document_transitioned
from marketplace.core.types import utcnow
from marketplace.core.validation import currency_codes
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, CompanyStatus, Membership
from marketplace.workflow import approvals, dispatch, doctypes, numbering, parties, registry
from marketplace.workflow.doctypes import ISSUER, PARTY, RECIPIENT, DocType
from marketplace.workflow.models import Document, DocumentEvent, DocumentLine, DocumentThread

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

DRAFT, PENDING_APPROVAL, SENT, ACCEPTED = "draft", "pending_approval", "sent", "accepted"
ENGINE_ACTIONS = ("approve", "reject")
# Who may see what an action did: these are one party's own business.
PRIVATE_ACTIONS = ("forward", "archive")
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


# ----- who is acting ----------------------------------------------------------------------


def _company_id(actor: Actor) -> int:
    if actor.company is None:
        raise Forbidden(_("Only a member of a company (or its API key) acts on documents."))
    return actor.company.id


def side_of(document: Document, actor: Actor) -> str | None:
    """ISSUER, RECIPIENT or None (a stranger: the document is not there for them)."""
    company_id = actor.company.id if actor.company else None
    if company_id is None:
        return None
    if company_id == document.issuer_company_id:
        return ISSUER
    if company_id == document.recipient_company_id and document.sent_at is not None:
        return RECIPIENT
    return None


def _party_side(document: Document, actor: Actor) -> str:
    side = side_of(document, actor)
    if side is None:
        raise NotFound(_("Document %(id)s was not found.", id=document.id))
    return side


# ----- checking input ---------------------------------------------------------------------


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


def _check_header(header: dict, errors: dict) -> dict:
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


def _check_extras(declared: DocType, extras: Any, errors: dict) -> dict:
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


def _check_lines(raw_lines: list[dict], company_id: int, errors: dict) -> list[DocumentLine]:
    limit = registry.vocabulary().max_lines
    if not isinstance(raw_lines, list) or len(raw_lines) > limit:
        errors["lines"] = [_("A list of at most %(n)d lines.", n=limit)]
        return []
    lines = [_check_line(i, raw, company_id, errors) for i, raw in enumerate(raw_lines)]
    return [line for line in lines if line is not None]


def _recipient(company_id: Any, issuer_id: int, field: str, errors: dict) -> int | None:
    if company_id is None:
        return None
    company = db.session.get(Company, company_id) if isinstance(company_id, int) else None
    if company is None or company.status != CompanyStatus.ACTIVE:
        errors[field] = [_("No such company on the marketplace.")]
        return None
    if company.id == issuer_id:
        errors[field] = [_("A document goes to another company, not your own.")]
        return None
    return company.id


def _check_recipients(doctype: DocType, recipient_id: Any, recipient_ids: Any, issuer_id: int,
                      errors: dict) -> tuple[int | None, list[int]]:
    if not doctype.many_recipients:
        if recipient_ids:
            errors["recipient_company_ids"] = [_("Only an rfq goes to several companies.")]
        return _recipient(recipient_id, issuer_id, "recipient_company_id", errors), []
    if recipient_id is not None:
        recipient_ids = [recipient_id, *(recipient_ids or [])]
    recipient_ids = [] if recipient_ids is None else recipient_ids
    limit = registry.vocabulary().max_recipients
    if not isinstance(recipient_ids, list) or len(recipient_ids) > limit:
        errors["recipient_company_ids"] = [_("A list of at most %(n)d companies.", n=limit)]
        return None, []
    chosen: list[int] = []
    for index, company_id in enumerate(recipient_ids):
        found = _recipient(company_id, issuer_id, f"recipient_company_ids.{index}", errors)
        if found is not None and found not in chosen:
            chosen.append(found)
    return None, chosen


def _check_side(doctype: DocType, actor: Actor, errors: dict) -> None:
    company = actor.company
    if doctype.issued_by == doctypes.BUYER and not company.is_buyer:
        errors["type"] = [_("Only buyers issue this type (%(type)s).", type=doctype.label)]
    if doctype.issued_by == doctypes.SUPPLIER and not company.is_supplier:
        errors["type"] = [_("Only suppliers issue this type (%(type)s).", type=doctype.label)]


def _doctype(code: Any) -> DocType:
    if not isinstance(code, str) or not doctypes.is_known(code):
        raise ValidationFailed(errors={"type": [_("One of: %(types)s.",
                                                  types=", ".join(doctypes.codes()))]})
    return doctypes.get(code)


def _refuse(errors: dict) -> None:
    if errors:
        raise ValidationFailed(errors={k: [str(m) for m in v] for k, v in errors.items()})


def index_for_search(document: Document) -> None:
    """Refresh the text a box search looks in (see ``Document.search_text``)."""
    company_ids = [document.issuer_company_id, document.recipient_company_id,
                   *(document.extras or {}).get("recipient_company_ids", [])]
    with db.session.no_autoflush:  # the edit being made is flushed once, as one version
        names = list(db.session.scalars(select(Company.name).where(
            Company.id.in_([i for i in company_ids if i]))))
    words = [document.number, document.subject or "", *names]
    words += [f"{line.description} {line.sku or ''}" for line in document.lines]
    document.search_text = "\n".join(words).lower()


def _record(document: Document, action: str, from_status: str | None, actor: Actor,
            comment: str | None = None) -> DocumentEvent:
    event = DocumentEvent(document=document, action=action, from_status=from_status,
                          to_status=document.status,
                          actor_id=actor.user.id if actor.user else None,
                          actor_company_id=actor.company.id if actor.company else None,
                          comment=comment)
    db.session.add(event)
    db.session.flush()
    document_transitioned.send(document, action=action, from_status=from_status,
                               to_status=document.status, actor=actor)
    return event


# ----- create and edit ---------------------------------------------------------------------


def create_document(doctype: str, *, actor: Actor, recipient_company_id: int | None,
                    header: dict, lines: list[dict], parent: Document | None = None,
                    recipient_company_ids: list[int] | None = None) -> Document:
    """A new draft issued by the actor's company, numbered, in the parent's thread (or a
    new one), with its lines' amounts and total."""
    company_id = _company_id(actor)
    if not actor.can("documents.edit"):
        raise Forbidden(_("Your role does not allow writing documents."))
    declared = _doctype(doctype)
    errors: dict = {}
    _check_side(declared, actor, errors)
    clean = _check_header(header, errors)
    clean["extras"] = _check_extras(declared, clean.get("extras"), errors)
    recipient_id, recipient_ids = _check_recipients(declared, recipient_company_id,
                                                    recipient_company_ids, company_id, errors)
    if parent is not None:
        _check_parent(declared, parent, clean, recipient_id, actor, errors)
    elif not declared.many_recipients and recipient_id is None and "recipient_company_id" \
            not in errors:
        errors["recipient_company_id"] = [_("Say which company the document goes to.")]
    new_lines = _check_lines(lines, company_id, errors)
    _refuse(errors)
    document = Document(
        type=declared.code, status=DRAFT, issuer_company_id=company_id,
        recipient_company_id=recipient_id, created_by_id=actor.user.id if actor.user else None,
        parent_id=parent.id if parent else None,
        thread=parent.thread if parent else DocumentThread(subject=clean.get("subject")),
        number=numbering.allocate(company_id, declared.code), lines=new_lines,
        extras={}, **{k: v for k, v in clean.items() if k != "extras"})
    document.currency = clean.get("currency") or (parent.currency if parent else "USD")
    document.extras = dict(clean.get("extras") or {})
    if recipient_ids:
        document.extras["recipient_company_ids"] = recipient_ids
    document.compute_total()
    index_for_search(document)
    db.session.add(document)
    db.session.flush()
    parties.ensure_party(document, company_id, ISSUER)
    _record(document, "create", None, actor)
    return document


def _check_parent(declared: DocType, parent: Document, header: dict, recipient_id: int | None,
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
        errors["parent_id"] = [_not_yet(declared, carry, parent)]
    expected = parent.issuer_company_id if carry.reply else parent.recipient_company_id
    if recipient_id is not None and recipient_id != expected:
        errors["recipient_company_id"] = [_("It goes to the other party of the %(parent)s.",
                                            parent=parent_label)]
    if header.get("currency") and header["currency"] != parent.currency:
        errors["currency"] = [_("The currency must stay %(currency)s, as in %(number)s.",
                                currency=parent.currency, number=parent.number)]


def _not_yet(declared: DocType, carry, parent: Document) -> str:
    return _("A %(type)s is made from a %(parent)s that is %(states)s; %(number)s is "
             "%(status)s.", type=declared.label, parent=doctypes.get(parent.type).label,
             states=" / ".join(doctypes.status_word(state) for state in carry.parent_states),
             number=parent.number, status=doctypes.status_word(parent.status))


def _only_drafts(document: Document, actor: Actor) -> None:
    if _party_side(document, actor) != ISSUER:
        raise Conflict(_("Only the issuer edits a document."),
                       allowed_actions=allowed_actions(document, actor))
    if document.status != DRAFT:
        raise Conflict(_("A %(status)s document is read-only; derive a new one to change it.",
                         status=doctypes.status_word(document.status)),
                       allowed_actions=allowed_actions(document, actor))
    if not actor.can("documents.edit"):
        raise Forbidden(_("Your role does not allow writing documents."))


def ensure_editable(document: Document, actor: Actor) -> None:
    """Refuse, as an edit is refused, anything but the issuer changing its own draft (a
    module's own additions to a document, e.g. its attachments, follow the same rule)."""
    _only_drafts(document, actor)


def update_draft(document: Document, *, actor: Actor, header: dict, lines: list[dict] | None,
                 expected_version: int | None) -> Document:
    """Change a draft's header fields (those given) and, when given, replace its lines."""
    _only_drafts(document, actor)
    if expected_version is not None and expected_version != document.version:
        raise PreconditionFailed(
            _("You edited version %(sent)s but the document is at version %(now)s. Reload "
              "it and apply your change again.", sent=expected_version, now=document.version),
            current_version=document.version)
    header = dict(header)
    recipient_given = "recipient_company_id" in header or "recipient_company_ids" in header
    recipient_id = header.pop("recipient_company_id", document.recipient_company_id)
    recipient_ids = header.pop("recipient_company_ids",
                               (document.extras or {}).get("recipient_company_ids"))
    errors: dict = {}
    clean = _check_header(header, errors)
    declared = doctypes.get(document.type)
    if "extras" in clean:  # the keys given change; null removes one
        given = clean["extras"] if isinstance(clean["extras"], dict) else clean["extras"] or {}
        checked = _check_extras(declared, given, errors)
        merged = {**(document.extras or {}), **checked}
        clean["extras"] = {k: v for k, v in merged.items()
                           if not (k in given and given[k] is None)}
    if recipient_given:
        recipient_id, recipient_ids = _check_recipients(
            declared, recipient_id, recipient_ids, document.issuer_company_id, errors)
    if document.parent is not None:
        if clean.get("currency") and clean["currency"] != document.parent.currency:
            errors["currency"] = [_("The currency must stay %(currency)s, as in %(number)s.",
                                    currency=document.parent.currency,
                                    number=document.parent.number)]
        if recipient_given and recipient_id != document.recipient_company_id:
            errors["recipient_company_id"] = [_("A derived document keeps its parties.")]
    new_lines = None if lines is None else _check_lines(lines, document.issuer_company_id, errors)
    _refuse(errors)
    for name, value in clean.items():
        setattr(document, name, dict(value or {}) if name == "extras" else value)
    if recipient_given:
        document.recipient_company_id = recipient_id
        document.extras = {**{k: v for k, v in (document.extras or {}).items()
                              if k != "recipient_company_ids"},
                           **({"recipient_company_ids": recipient_ids} if recipient_ids else {})}
    if new_lines is not None:
        document.lines = new_lines
    document.compute_total()
    index_for_search(document)
    document.updated_at = utcnow()  # the row changes, so its version moves, even for lines
    db.session.flush()
    return document


# ----- actions -------------------------------------------------------------------------


def _side_allows(by: str, side: str) -> bool:
    return by in (PARTY, side)


def _declared_refusal(document: Document, declared: DocType, name: str, actor: Actor,
                      side: str) -> str | None:
    """Why the declared action ``name`` may not be done now by this actor, or None."""
    action = declared.action(name)
    if action is None:
        return _("A %(type)s has no action %(action)s.", type=declared.label, action=name)
    if document.status not in action.from_states:
        return _("The action %(action)s is not possible while the document is %(status)s.",
                 status=doctypes.status_word(document.status), action=name)
    if not _side_allows(action.by, side):
        return _("Only the %(side)s may do this.", side=_("issuer") if action.by == ISSUER
                 else _("recipient"))
    if not actor.can(action.permission):
        return _("Your role does not allow this.")
    if name == "accept" and approvals.open_steps(document, actor.company.id, approvals.ACCEPT):
        return _("The acceptance already waits for approval.")
    if name == "send" and declared.prices_required and any(
            line.unit_price is None for line in document.lines):
        return _("Every line needs a unit price before a %(type)s is sent.", type=declared.label)
    if name == "send" and not document.lines:
        return _("Add at least one line before sending.")
    if name == "send" and not (document.recipient_company_id
                               or (document.extras or {}).get("recipient_company_ids")):
        return _("Say which company the document goes to.")
    return action.guard(document, actor) if action.guard else None


def _engine_refusal(document: Document, name: str, actor: Actor, side: str) -> str | None:
    step = _open_step(document, actor, side)
    if step is None:
        return _("Nothing of this document waits for your company's approval.")
    return approvals.may_decide(step, document, actor)


def _open_step(document: Document, actor: Actor, side: str):
    direction = approvals.SEND if side == ISSUER else approvals.ACCEPT
    if (direction == approvals.SEND) != (document.status == PENDING_APPROVAL):
        return None
    return approvals.pending_step(document, actor.company.id, direction)


def _refusal(document: Document, name: str, actor: Actor, side: str) -> str | None:
    if name in ENGINE_ACTIONS:
        return _engine_refusal(document, name, actor, side)
    return _declared_refusal(document, doctypes.get(document.type), name, actor, side)


def allowed_actions(document: Document, actor: Actor) -> list[str]:
    """The actions this actor may do on this document now (for buttons and 409s)."""
    side = side_of(document, actor)
    if side is None:
        return []
    declared = doctypes.get(document.type)
    names = [action.name for action in declared.actions] + list(ENGINE_ACTIONS)
    return [name for name in names if _refusal(document, name, actor, side) is None]


def perform(document: Document, action: str, actor: Actor, comment: str | None = None,
            **params: Any) -> Document:
    """Do ``action`` on ``document`` as ``actor``: NotFound for a stranger, Conflict (with
    ``allowed_actions``) when the state, the side or a guard does not allow it."""
    side = _party_side(document, actor)
    refusal = _refusal(document, action, actor, side)
    if refusal is not None:
        raise Conflict(refusal, allowed_actions=allowed_actions(document, actor))
    if comment is not None and len(comment) > 5000:
        raise ValidationFailed(errors={"comment": [_("At most %(n)d characters.", n=5000)]})
    handler = _HANDLERS.get(action, _move)
    handler(document, action, actor, comment, side, **params)
    db.session.flush()
    return document


def _move(document: Document, action: str, actor: Actor, comment: str | None, side: str,
          **params: Any) -> None:
    from_status = document.status
    document.status = doctypes.get(document.type).action(action).to_state
    _record(document, action, from_status, actor, comment)


def _send(document: Document, action: str, actor: Actor, comment: str | None, side: str,
          **params: Any) -> None:
    actor.company.ensure_can_trade()
    declared = doctypes.get(document.type)
    rule = approvals.matching_rule(actor.company.id, document, approvals.SEND) \
        if declared.send_needs_approval else None
    if rule is not None:
        approvals.open_round(document, rule, approvals.SEND, actor)
        document.status = PENDING_APPROVAL
        _record(document, "send", DRAFT, actor, comment)
        return
    _deliver(document, action, DRAFT, actor, comment)


def _deliver(document: Document, action: str, from_status: str, actor: Actor,
             comment: str | None) -> None:
    """The document reaches its recipient(s): sent, assigned, in their inbox."""
    document.status = SENT
    document.sent_at = utcnow()
    if document.recipient_company_id is None:  # an rfq to many: one invitation each
        invited = (document.extras or {}).get("recipient_company_ids", [])
        for index, company_id in enumerate(invited):
            _invite(document, company_id, index + 1, actor)
    else:
        # Gathered without flushing, so the document is written once (one version).
        with db.session.no_autoflush:
            parties.ensure_party(document, document.recipient_company_id, RECIPIENT,
                                 flush=False)
            document.assigned_to_id = dispatch.choose_assignee(document)
        db.session.expire(document, ["assigned_to"])
    _record(document, action, from_status, actor, comment)


def _assign(document: Document, user_id: int | None) -> None:
    document.assigned_to_id = user_id
    db.session.flush()
    db.session.expire(document, ["assigned_to"])  # loaded before: show the new one


def _invite(rfq: Document, company_id: int, index: int, actor: Actor) -> Document:
    """One supplier's own invitation to an rfq: its own document and thread, so each
    supplier sees only its own and never a competitor's answer."""
    invitation = Document(
        type=rfq.type, number=f"{rfq.number}-{index:02}", status=DRAFT,
        issuer_company_id=rfq.issuer_company_id, recipient_company_id=company_id,
        created_by_id=rfq.created_by_id, parent_id=rfq.id,
        thread=DocumentThread(subject=rfq.subject),
        # The rfq's own fields and what modules keep (its attachments) go to every supplier.
        extras={**{key: value for key, value in (rfq.extras or {}).items()
                   if key not in RESERVED_EXTRAS}, "invitation": True},
        lines=[DocumentLine(position=line.position, product_id=line.product_id, sku=line.sku,
                            description=line.description, quantity=line.quantity,
                            unit=line.unit, unit_price=line.unit_price, amount=line.amount,
                            source_line_id=line.id, extras=dict(line.extras or {}))
               for line in rfq.lines],
        **{name: getattr(rfq, name) for name in doctypes.CARRIABLE_FIELDS})
    invitation.compute_total()
    index_for_search(invitation)
    db.session.add(invitation)
    db.session.flush()
    parties.ensure_party(invitation, rfq.issuer_company_id, ISSUER)
    _record(invitation, "create", None, actor)
    _deliver(invitation, "send", DRAFT, actor, None)
    return invitation


def _accept(document: Document, action: str, actor: Actor, comment: str | None, side: str,
            **params: Any) -> None:
    declared = doctypes.get(document.type)
    rule = approvals.matching_rule(actor.company.id, document, approvals.ACCEPT) \
        if declared.accept_needs_approval else None
    if rule is not None:
        # The status stays "sent" (the issuer sees no half-accepted state); the
        # recipient's round shows as acceptance_pending until its last approval.
        approvals.open_round(document, rule, approvals.ACCEPT, actor)
        _record(document, "request_approval", SENT, actor, comment)
        return
    _move(document, action, actor, comment, side)


def _close_rounds_and_move(document: Document, action: str, actor: Actor,
                           comment: str | None, side: str, **params: Any) -> None:
    approvals.withdraw(document)
    _move(document, action, actor, comment, side)
    if action == "cancel" and doctypes.get(document.type).many_recipients:
        for invitation in db.session.scalars(select(Document).where(
                Document.parent_id == document.id, Document.type == document.type,
                Document.status == SENT)):
            invitation.status = "cancelled"
            _record(invitation, "cancel", SENT, actor, comment)


def _decide(document: Document, action: str, actor: Actor, comment: str | None, side: str,
            **params: Any) -> None:
    approved = action == "approve"
    if not approved and not (comment or "").strip():
        raise ValidationFailed(errors={"comment": [_("Say why you reject it.")]})
    step = _open_step(document, actor, side)
    done = approvals.decide(step, actor, approved, comment)
    from_status = document.status
    if step.direction == approvals.SEND:
        if done:
            _deliver(document, action, from_status, actor, comment)
            return
        if not approved:
            document.status = DRAFT  # back to its author, with the reason in the history
    elif done:
        document.status = ACCEPTED
    _record(document, action, from_status, actor, comment)


def _forward(document: Document, action: str, actor: Actor, comment: str | None, side: str,
             to_user_id: Any = None, **params: Any) -> None:
    member = db.session.scalar(select(Membership).where(
        Membership.user_id == to_user_id, Membership.company_id == actor.company.id)) \
        if isinstance(to_user_id, int) and not isinstance(to_user_id, bool) else None
    if member is None or not member.can("documents.view"):
        raise ValidationFailed(errors={"to_user_id": [_("A colleague in your company.")]})
    _assign(document, member.user_id)
    _record(document, action, document.status, actor, comment)


def _archive(document: Document, action: str, actor: Actor, comment: str | None, side: str,
             **params: Any) -> None:
    party = parties.ensure_party(document, actor.company.id, side)
    party.archived = True
    _record(document, action, document.status, actor, comment)


_HANDLERS = {"send": _send, "accept": _accept, "decline": _close_rounds_and_move,
             "cancel": _close_rounds_and_move, "approve": _decide, "reject": _decide,
             "forward": _forward, "archive": _archive}


# ----- derive --------------------------------------------------------------------------


def _still_offered(product_id: int | None, actor: Actor) -> int | None:
    return product_id if product_id and registry.product(product_id, actor.company.id) \
        else None


def derive(parent: Document, doctype: str, *, actor: Actor) -> Document:
    """A new draft made from ``parent`` (a reply from the other side, or the same side's
    revision, as the type declares): parties, currency, terms and lines carried over."""
    _company_id(actor)
    side = _party_side(parent, actor)
    declared = _doctype(doctype)
    carry = declared.carry_from(parent.type, reply=side == RECIPIENT)
    if carry is None:
        errors: dict = {}
        _check_parent(declared, parent, {}, None, actor, errors)
        _refuse(errors)
    if parent.status in (DRAFT, PENDING_APPROVAL, "cancelled"):
        raise Conflict(_("A %(status)s document cannot be answered or revised.",
                         status=doctypes.status_word(parent.status)),
                       allowed_actions=allowed_actions(parent, actor))
    if not carry.allows(parent.status):
        raise Conflict(_not_yet(declared, carry, parent),
                       allowed_actions=allowed_actions(parent, actor))
    recipient = parent.issuer_company_id if side == RECIPIENT else parent.recipient_company_id
    header = {name: getattr(parent, name) for name in carry.fields}
    # A product withdrawn from the catalog since stays on the line as text only.
    lines = [{"product_id": _still_offered(line.product_id, actor), "sku": line.sku,
              "description": line.description, "quantity": line.quantity, "unit": line.unit,
              "unit_price": line.unit_price,
              "source_line_id": line.id, "extras": dict(line.extras or {})}
             for line in parent.lines] if carry.lines else []
    document = create_document(declared.code, actor=actor, recipient_company_id=recipient,
                               header={k: v for k, v in header.items() if v is not None},
                               lines=lines, parent=parent)
    document_derived.send(document, parent=parent, actor=actor)
    return document

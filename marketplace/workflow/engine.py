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

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.core.errors import Conflict, Forbidden, PreconditionFailed
from marketplace.core.signals import document_derived
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.workflow import checks, doctypes, made, numbering, parties, registry

# What callers use from here: the statuses, the limits and the actions, kept importable
# from ``engine`` though they live in the rooms below.
from marketplace.workflow.acting import (  # noqa: F401 - re-exported
    ACCEPTED,
    DRAFT,
    ENGINE_ACTIONS,
    PENDING_APPROVAL,
    PRIVATE_ACTIONS,
    SENT,
    company_id_of,
    index_for_search,
    party_side,
    record,
    side_of,
)
from marketplace.workflow.actions import (  # noqa: F401 - re-exported
    allowed_actions,
    invite,
    perform,
    release,
)
from marketplace.workflow.checks import MAX_AMOUNT, RESERVED_EXTRAS  # noqa: F401 - re-exported
from marketplace.workflow.doctypes import ISSUER, RECIPIENT
from marketplace.workflow.models import Document, DocumentThread

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor


# ----- create and edit ---------------------------------------------------------------------


def create_document(doctype: str, *, actor: Actor, recipient_company_id: int | None,
                    header: dict, lines: list[dict], parent: Document | None = None,
                    recipient_company_ids: list[int] | None = None) -> Document:
    """A new draft issued by the actor's company, numbered, in the parent's thread (or a
    new one), with its lines' amounts and total."""
    company_id = company_id_of(actor)
    if not actor.can("documents.edit"):
        raise Forbidden(_("Your role does not allow writing documents."))
    declared = checks.declared_type(doctype)
    errors: dict = {}
    checks.check_side(declared, actor, errors)
    clean = checks.check_header(header, errors)
    clean["extras"] = checks.check_extras(declared, clean.get("extras"), errors)
    met: dict = {}  # the companies checked, held for the search text and the answer
    recipient_id, recipient_ids = checks.check_recipients(
        declared, recipient_company_id, recipient_company_ids, company_id, errors, met)
    if parent is not None:
        checks.check_parent(declared, parent, clean, recipient_id, actor, errors)
    elif not declared.many_recipients and not declared.to_guests and recipient_id is None \
            and "recipient_company_id" not in errors:
        errors["recipient_company_id"] = [_("Say which company the document goes to.")]
    new_lines = checks.check_lines(lines, company_id, errors)
    checks.refuse(errors)
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
    if recipient_id in met:
        set_committed_value(document, "recipient", met[recipient_id])
    document.compute_total()
    index_for_search(document)
    db.session.add(document)
    parties.ensure_party(document, company_id, ISSUER, flush=False, new=True)
    record(document, "create", None, actor)  # flushes the document with its rows, once
    made.note_made(document.id)
    return document


def _only_drafts(document: Document, actor: Actor) -> None:
    if party_side(document, actor) != ISSUER:
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
    errors: dict = {}
    clean, recipients = _checked_change(document, dict(header), errors)
    new_lines = None if lines is None else checks.check_lines(
        lines, document.issuer_company_id, errors)
    checks.refuse(errors)
    for name, value in clean.items():
        setattr(document, name, dict(value or {}) if name == "extras" else value)
    if recipients is not None:
        recipient_id, recipient_ids = recipients
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


def _checked_change(document: Document, header: dict,
                    errors: dict) -> tuple[dict, tuple[int | None, list[int]] | None]:
    """The header fields to set, and the recipients when the change names them (None:
    they stay); refusals go to ``errors``."""
    recipient_given = "recipient_company_id" in header or "recipient_company_ids" in header
    recipient_id = header.pop("recipient_company_id", document.recipient_company_id)
    recipient_ids = header.pop("recipient_company_ids",
                               (document.extras or {}).get("recipient_company_ids"))
    clean = checks.check_header(header, errors)
    declared = doctypes.get(document.type)
    if "extras" in clean:  # the keys given change; null removes one
        given = clean["extras"] if isinstance(clean["extras"], dict) else clean["extras"] or {}
        checked = checks.check_extras(declared, given, errors)
        merged = {**(document.extras or {}), **checked}
        clean["extras"] = {k: v for k, v in merged.items()
                           if not (k in given and given[k] is None)}
    if recipient_given:
        recipient_id, recipient_ids = checks.check_recipients(
            declared, recipient_id, recipient_ids, document.issuer_company_id, errors)
    if document.parent is not None:
        if clean.get("currency") and clean["currency"] != document.parent.currency:
            errors["currency"] = [_("The currency must stay %(currency)s, as in %(number)s.",
                                    currency=document.parent.currency,
                                    number=document.parent.number)]
        if recipient_given and recipient_id != document.recipient_company_id:
            errors["recipient_company_id"] = [_("A derived document keeps its parties.")]
    return clean, (recipient_id, recipient_ids) if recipient_given else None


# ----- derive --------------------------------------------------------------------------


def _still_offered(product_id: int | None, actor: Actor) -> int | None:
    return product_id if product_id and registry.product(product_id, actor.company.id) \
        else None


def derive(parent: Document, doctype: str, *, actor: Actor) -> Document:
    """A new draft made from ``parent`` (a reply from the other side, or the same side's
    revision, as the type declares): parties, currency, terms and lines carried over."""
    company_id_of(actor)
    side = party_side(parent, actor)
    declared = checks.declared_type(doctype)
    carry = declared.carry_from(parent.type, reply=side == RECIPIENT)
    if carry is None:
        errors: dict = {}
        checks.check_parent(declared, parent, {}, None, actor, errors)
        checks.refuse(errors)
    if parent.status in (DRAFT, PENDING_APPROVAL, "cancelled"):
        raise Conflict(_("A %(status)s document cannot be answered or revised.",
                         status=doctypes.status_word(parent.status)),
                       allowed_actions=allowed_actions(parent, actor))
    if not carry.allows(parent.status):
        raise Conflict(checks.not_yet(declared, carry, parent),
                       allowed_actions=allowed_actions(parent, actor))
    if (refused := registry.derive_refusal(parent, declared.code)) is not None:
        raise Conflict(refused, allowed_actions=allowed_actions(parent, actor))
    recipient = parent.issuer_company_id if side == RECIPIENT else parent.recipient_company_id
    header = {name: getattr(parent, name) for name in carry.fields}
    # A product withdrawn from the catalog since stays on the line as text only.
    lines = [{"product_id": _still_offered(line.product_id, actor), "sku": line.sku,
              "description": line.description, "quantity": line.quantity, "unit": line.unit,
              "unit_price": line.unit_price,
              "source_line_id": line.id, "extras": dict(line.extras or {})}
             for line in parent.lines] if carry.lines else []
    registry.fill_derived(declared.code, parent, company_id_of(actor), header, lines)
    document = create_document(declared.code, actor=actor, recipient_company_id=recipient,
                               header={k: v for k, v in header.items() if v is not None},
                               lines=lines, parent=parent)
    document_derived.send(document, parent=parent, actor=actor)
    return document

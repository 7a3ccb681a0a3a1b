"""Trade document writes: thin wrappers over the workflow engine, which checks and
records every change (state, lines, history, the signal). Flush, never commit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from marketplace.core.errors import DomainError, ValidationFailed
from marketplace.extensions import db
from marketplace.workflow import doctypes, engine, parties
from marketplace.workflow.models import Document

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

RECIPIENT_KEYS = ("recipient_company_id", "recipient_company_ids")


def _only_declared_extras(type_code: str, values: dict) -> None:
    """From the API and forms, ``extras`` holds the type's own fields only (modules
    calling the engine keep their own keys there too)."""
    extras = values.get("extras") or {}
    declared = doctypes.get(type_code).extra_fields if doctypes.is_known(type_code) else {}
    unknown = sorted(set(extras) - set(declared))
    if unknown:
        allowed = ", ".join(sorted(declared)) or str(_l("none"))
        raise ValidationFailed(errors={f"extras.{name}": [str(_l(
            "Not a field of this document type (it takes: %(names)s).", names=allowed))]
            for name in unknown})


def _closing_in_extras(values: dict) -> dict:
    """An rfq's ``closes_at`` (a field of its own in the API) is kept in its extras."""
    if "closes_at" not in values:
        return values
    values = dict(values)
    closes_at = values.pop("closes_at")
    values["extras"] = {**(values.get("extras") or {}), "closes_at":
                        closes_at.isoformat() if closes_at is not None else None}
    return values


def create_document(actor: Actor, values: dict, parent: Document | None = None) -> Document:
    """A draft from the API's or a form's fields (``type``, recipient(s), header, lines)."""
    values = _closing_in_extras(values)
    _only_declared_extras(values.get("type", ""), values)
    values = dict(values)
    doctype = values.pop("type")
    lines = values.pop("lines", [])
    recipient_id = values.pop("recipient_company_id", None)
    recipient_ids = values.pop("recipient_company_ids", None)
    return engine.create_document(doctype, actor=actor, recipient_company_id=recipient_id,
                                  recipient_company_ids=recipient_ids, header=values,
                                  lines=lines, parent=parent)


def update_document(document: Document, actor: Actor, values: dict,
                    expected_version: int | None = None) -> Document:
    values = _closing_in_extras(values)
    _only_declared_extras(document.type, values)
    values = dict(values)
    lines = values.pop("lines", None)
    return engine.update_draft(document, actor=actor, header=values, lines=lines,
                               expected_version=expected_version)


def perform_action(document: Document, action: str, actor: Actor, values: dict) -> Document:
    values = dict(values)
    comment = values.pop("comment", None)
    return engine.perform(document, action, actor, comment, **values)


def derive_document(parent: Document, doctype: str, actor: Actor) -> Document:
    return engine.derive(parent, doctype, actor=actor)


def open_document(document: Document, actor: Actor) -> None:
    """A member of a party opened it: read, for their company."""
    parties.mark_read(document, actor)


def update_party_state(document: Document, actor: Actor, values: dict):
    return parties.update_party_state(document, actor, values)


def send_saved_draft(document: Document, actor: Actor) -> DomainError | None:
    """Send a draft just saved ("Save and send"). A refused send is undone alone (a
    savepoint) and returned, not raised: the saved draft stays saved."""
    try:
        with db.session.begin_nested():
            perform_action(document, "send", actor, {})
    except DomainError as refusal:
        return refusal
    return None

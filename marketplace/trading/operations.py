"""Trade document writes: thin wrappers over the workflow engine (which checks and
records every change), and the company's document settings (numbering, approval
rules, dispatch rules and groups). Flush, never commit."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core.errors import Forbidden, ValidationFailed
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Membership
from marketplace.workflow import doctypes, engine, numbering, parties
from marketplace.workflow.models import (
    ApprovalRule,
    ApprovalStep,
    DispatchGroup,
    DispatchRule,
    Document,
)

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


def create_document(actor: Actor, values: dict, parent: Document | None = None) -> Document:
    """A draft from the API's or a form's fields (``type``, recipient(s), header, lines)."""
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


# ----- settings --------------------------------------------------------------------------


def _settings_company(actor: Actor) -> int:
    if actor.company is None:
        raise Forbidden(str(_l("Only a company has document settings.")))
    return actor.company.id


def set_numbering(actor: Actor, type_code: str, pattern: str | None) -> dict:
    company_id = _settings_company(actor)
    if not doctypes.is_known(type_code):
        raise ValidationFailed(errors={"type": [str(_l("Unknown document type."))]})
    numbering.set_pattern(company_id, type_code, pattern)
    return numbering_of(company_id, type_code)


def numbering_of(company_id: int, type_code: str) -> dict:
    return {"type": type_code, "pattern": numbering.pattern_for(company_id, type_code),
            "default": doctypes.get(type_code).numbering}


def create_approval_rule(actor: Actor, values: dict) -> ApprovalRule:
    company_id = _settings_company(actor)
    minimum = values.get("min_total")
    if minimum is not None and (minimum < 0 or minimum >= engine.MAX_AMOUNT
                                or minimum != minimum.quantize(engine.Decimal("0.0001"))):
        raise ValidationFailed(errors={"min_total": [str(_l(
            "A non-negative amount with at most 4 decimal places."))]})
    rule = ApprovalRule(company_id=company_id, type=values["type"],
                        direction=values["direction"], min_total=minimum,
                        currency=values.get("currency"), position=values.get("position", 0),
                        steps=[ApprovalStep(position=i, role=step["role"])
                               for i, step in enumerate(values["steps"])])
    db.session.add(rule)
    db.session.flush()
    return rule


def delete_setting(row) -> None:
    db.session.delete(row)
    db.session.flush()


def _members_of(company_id: int, user_ids: list[int], field: str) -> None:
    found = set(db.session.scalars(select(Membership.user_id).where(
        Membership.company_id == company_id, Membership.user_id.in_(user_ids))))
    missing = [i for i, user_id in enumerate(user_ids) if user_id not in found]
    if missing:
        raise ValidationFailed(errors={
            f"{field}.{i}" if field.endswith("ids") else field: [str(_l(
                "Not a member of your company."))] for i in missing})


def create_dispatch_group(actor: Actor, values: dict) -> DispatchGroup:
    company_id = _settings_company(actor)
    member_ids = list(dict.fromkeys(values["member_ids"]))
    _members_of(company_id, member_ids, "member_ids")
    group = DispatchGroup(company_id=company_id, name=values["name"].strip(),
                          member_ids=member_ids, is_default=values.get("is_default", False),
                          turns=0)
    if group.is_default:  # one default group: the new one takes over
        for other in db.session.scalars(select(DispatchGroup).where(
                DispatchGroup.company_id == company_id, DispatchGroup.is_default.is_(True))):
            other.is_default = False
    db.session.add(group)
    db.session.flush()
    return group


def create_dispatch_rule(actor: Actor, values: dict) -> DispatchRule:
    from marketplace.content.models import ProductLine

    company_id = _settings_company(actor)
    errors: dict = {}
    if bool(values.get("assignee_id")) == bool(values.get("group_id")):
        errors["assignee_id"] = [str(_l("Give either a member (assignee_id) or a group."))]
    if values.get("assignee_id"):
        try:
            _members_of(company_id, [values["assignee_id"]], "assignee_id")
        except ValidationFailed as refusal:
            errors.update(refusal.errors)
    checks = (("group_id", DispatchGroup, True), ("product_line_id", ProductLine, True),
              ("category_id", Category, False))
    for field, model, owned in checks:
        ident = values.get(field)
        if ident is None:
            continue
        row = db.session.get(model, ident)
        if row is None or (owned and row.company_id != company_id):
            errors[field] = [str(_l("Not found."))]
    if errors:
        raise ValidationFailed(errors=errors)
    keyword = (values.get("keyword") or "").strip() or None
    rule = DispatchRule(company_id=company_id, keyword=keyword, **{
        name: values.get(name) for name in ("type", "product_line_id", "category_id",
                                             "sender_country", "assignee_id", "group_id")},
        position=values.get("position", 0))
    db.session.add(rule)
    db.session.flush()
    return rule


# ----- attachments --------------------------------------------------------------------------

# A document's attachments (a drawing, a spec sheet, an L/C draft) are the issuer's files,
# listed in ``extras["attachments"]`` beside the type's fields: no table of their own.
ATTACHMENTS = "attachments"
MAX_ATTACHMENTS = 10


def attachments_of(document: Document) -> list[dict]:
    return list((document.extras or {}).get(ATTACHMENTS) or [])


def attach_file(document: Document, actor: Actor, stream: IO[bytes], filename: str) -> dict:
    """Store an image or PDF (checked by its content) and list it on the issuer's draft."""
    from marketplace.content.models import MediaKind
    from marketplace.content.operations.media import store_upload

    engine.ensure_editable(document, actor)
    listed = attachments_of(document)
    if len(listed) >= MAX_ATTACHMENTS:
        raise ValidationFailed(errors={"file": [str(_l(
            "A document takes at most %(n)d attachments; remove one first.",
            n=MAX_ATTACHMENTS))]})
    media = store_upload(actor.company, stream, filename,
                         allowed=(MediaKind.IMAGE, MediaKind.PDF))
    item = {"id": media.id, "name": media.original_name, "content_type": media.content_type,
            "size": media.size}
    document.extras = {**(document.extras or {}), ATTACHMENTS: [*listed, item]}
    db.session.flush()
    return item


def detach_file(document: Document, actor: Actor, media_id: int) -> None:
    """Take an attachment off the issuer's draft and delete its file."""
    from marketplace.content.models import MediaFile
    from marketplace.content.operations.media import delete_media

    engine.ensure_editable(document, actor)
    listed = attachments_of(document)
    document.extras = {**(document.extras or {}),
                       ATTACHMENTS: [item for item in listed if item["id"] != media_id]}
    media = db.session.get(MediaFile, media_id)
    if media is not None and media.company_id == document.issuer_company_id:
        delete_media(media)
    db.session.flush()

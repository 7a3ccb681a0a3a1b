"""The resolution of discrepancies, through the document engine.

1. A receipt that differs from its shipment opens a ``Discrepancy`` (``sync``).
2. The buyer claims it: a ``claim`` document (buyer → supplier) for the goods short
   and rejected, at the order's price, sent at once.
3. It is settled by a ``credit_note`` the supplier derives from the claim, a
   ``debit_note`` the buyer derives from it, or a replacement shipment the supplier
   names; the discrepancy is then ``resolving``.
4. When the other party accepts the note (or the buyer confirms the replacement),
   the claim is closed and so is the discrepancy. A later receipt that makes the
   shipment whole closes an unclaimed discrepancy too.
Every step is an engine action, so each document keeps its own history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core.audit import record_audit
from marketplace.core.errors import Conflict, DomainError, ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.queries import shipment_of_buyer
from marketplace.infrastructure.auth import Actor
from marketplace.supplier_link.models import ClaimPhoto, Discrepancy, DiscrepancyStatus

NOTE_TYPES = {"credit_note": "supplier", "debit_note": "buyer"}
MAX_CLAIM_PHOTOS = 8  # enough to show the damage, few enough to look at
ATTACHMENTS = "attachments"  # where a document lists its files (trading's attachments)
RESOLUTIONS = (*NOTE_TYPES, "replacement")


def _engine():
    from marketplace.workflow import engine

    return engine


def sync_discrepancies(order: Any, keys: list[tuple[int, int | None]]) -> None:
    """After a receipt: open a discrepancy for every counted line that differs from its
    shipment; close an unclaimed one the goods now match."""
    from marketplace.supplier_link.queries.discrepancies import discrepancy_of

    for order_line_id, shipment_line_id in keys:
        case = db.session.scalar(select(Discrepancy).where(
            Discrepancy.order_line_id == order_line_id,
            Discrepancy.shipment_line_id.is_(None) if shipment_line_id is None
            else Discrepancy.shipment_line_id == shipment_line_id))
        found = discrepancy_of(order_line_id, shipment_line_id, order.buyer_company_id)
        if found is not None and case is None:
            db.session.add(Discrepancy(
                buyer_company_id=order.buyer_company_id,
                supplier_company_id=order.supplier_company_id, order_id=order.id,
                order_line_id=order_line_id, shipment_line_id=shipment_line_id))
        elif found is None and case is not None and case.status == DiscrepancyStatus.OPEN:
            _close(case, "received")
    db.session.flush()


def _close(case: Discrepancy, resolution: str | None = None) -> None:
    case.status = DiscrepancyStatus.CLOSED
    case.resolution = case.resolution or resolution
    case.closed_at = utcnow()


def _refuse(case: Discrepancy, allowed: list[str]):
    return Conflict(str(_l("This discrepancy is %(status)s: that step is not possible now.",
                           status=case.status)), allowed_actions=allowed)


def allowed_steps(case: Discrepancy, actor: Actor) -> list[str]:
    """What the acting company may do next with a discrepancy."""
    side = "buyer" if actor.company and actor.company.id == case.buyer_company_id \
        else "supplier"
    if case.status == DiscrepancyStatus.OPEN:
        if side != "buyer":
            return []
        # Goods over what was shipped (none short or rejected) leave nothing to claim:
        # the buyer keeps them and closes the case (a claim would be refused).
        return ["claim"] if _claim_quantity(case) > 0 else ["close"]
    if case.status == DiscrepancyStatus.CLAIMED:
        return ["debit_note"] if side == "buyer" else ["credit_note", "replacement"]
    if case.status == DiscrepancyStatus.RESOLVING:
        note = case.resolution_document
        if case.resolution == "replacement":
            return ["close"] if side == "buyer" else []
        if note is not None and note.recipient_company_id == actor.company.id:
            return ["close"]
    return []


def _claim_quantity(case: Discrepancy):
    from marketplace.supplier_link.queries.discrepancies import discrepancy_of

    found = discrepancy_of(case.order_line_id, case.shipment_line_id, case.buyer_company_id)
    return found.claim_quantity if found is not None else 0


def _ensure_step(case: Discrepancy, actor: Actor, step: str) -> None:
    """409 with the steps open to the caller (none: the other party is next)."""
    allowed = allowed_steps(case, actor)
    if step not in allowed:
        if not allowed and case.status != DiscrepancyStatus.CLOSED:
            raise Conflict(str(_l("This discrepancy is %(status)s: the other party takes "
                                  "the next step.", status=case.status)), allowed_actions=[])
        raise _refuse(case, allowed)


def claim_discrepancy(case: Discrepancy, actor: Actor, comment: str | None = None,
                      photos: Sequence[tuple[IO[bytes], str]] = ()):
    """The buyer claims the goods short and rejected: a sent ``claim`` document, with
    the buyer's comment and photos (images, checked by their content: 415 for anything
    else, 413 over the image size limit). The supplier is told, comment included."""
    from marketplace.supplier_link.queries.discrepancies import discrepancy_of

    _ensure_step(case, actor, "claim")
    found = discrepancy_of(case.order_line_id, case.shipment_line_id, case.buyer_company_id)
    if found is None or found.claim_quantity <= 0:
        raise _refuse(case, [])
    comment = (comment or "").strip() or None
    stored = _store_photos(actor, photos)
    order = case.order
    what = found.sku or found.description
    details = ", ".join(f"{kind} {quantity.normalize():f}" for kind, quantity in (
        ("short", found.short), ("rejected", found.rejected)) if quantity > 0)
    attachments = [{"id": media.id, "name": media.original_name,
                    "content_type": media.content_type, "size": media.size}
                   for media in stored]
    claim = _engine().create_document(
        "claim", actor=actor, recipient_company_id=case.supplier_company_id,
        header={"subject": str(_l("Claim on order %(order)s, shipment %(shipment)s: %(what)s",
                                  order=order.number, shipment=found.shipment_number or "-",
                                  what=what))[:300],
                "currency": order.currency, "notes": comment or details,
                "extras": {"discrepancy_id": case.id, "order_id": order.id,
                           "order_line_id": case.order_line_id,
                           **({ATTACHMENTS: attachments} if attachments else {})}},
        lines=[{"sku": found.sku, "description": f"{found.description} ({details})",
                "quantity": found.claim_quantity, "unit": found.unit,
                "unit_price": found.unit_price}])
    _engine().perform(claim, "send", actor, comment)
    case.claim_document_id = claim.id
    case.claim_comment = comment
    case.claim_photos = [ClaimPhoto(media_id=media.id, position=position)
                         for position, media in enumerate(stored)]
    case.status = DiscrepancyStatus.CLAIMED
    db.session.flush()
    _tell_supplier(case, actor, what, comment, len(stored))
    record_audit("supplier_link.discrepancy_claimed", case, company_id=case.buyer_company_id,
                 changes={"claim": [None, claim.id], "photos": [0, len(stored)]})
    return claim


def _store_photos(actor: Actor, photos: Sequence[tuple[IO[bytes], str]]) -> list:
    """Each photo stored as content's media (an image, checked by its content); the
    refusal names the photo, under the field ``photos``."""
    from marketplace.content.operations.media import store_upload

    if len(photos) > MAX_CLAIM_PHOTOS:
        raise ValidationFailed(errors={"photos": [str(_l(
            "A claim takes at most %(n)d photos.", n=MAX_CLAIM_PHOTOS))]})
    stored = []
    for stream, filename in photos:
        try:
            stored.append(store_upload(actor.company, stream, filename,
                                       allowed={"image"}))
        except DomainError as refusal:
            reasons = [message for messages in refusal.errors.values() for message in messages]
            text = f"{filename or _l('photo')}: {' '.join(reasons) or refusal.detail}"
            raise type(refusal)(text, errors={"photos": [text]}) from None
    return stored


def _tell_supplier(case: Discrepancy, actor: Actor, what: str, comment: str | None,
                   photos: int) -> None:
    from marketplace.infrastructure.notifications import N_, notify

    params = {"company": actor.company.name, "order": case.order.number, "what": what,
              "photos": photos}
    if comment:
        message = N_("%(company)s claims %(what)s on order %(order)s, with %(photos)s "
                     "photo(s): %(comment)s")
        params["comment"] = comment[:500]
    else:
        message = N_("%(company)s claims %(what)s on order %(order)s, with %(photos)s "
                     "photo(s).")
    notify("discrepancy.claimed", company_id=case.supplier_company_id, message=message,
           params=params, link=f"/supplier_link/discrepancies#discrepancy-{case.id}",
           payload={"discrepancy_id": case.id, "order_id": case.order_id,
                    "claim_document_id": case.claim_document_id, "comment": comment,
                    "photos": photos})


def resolve_discrepancy(case: Discrepancy, actor: Actor, resolution: str, *,
                        shipment_id: int | None = None, comment: str | None = None):
    """Answer a claim: a credit note (supplier), a debit note (buyer), both derived
    from the claim and sent; or a replacement shipment the supplier names."""
    if resolution not in RESOLUTIONS:
        raise ValidationFailed(errors={"resolution": [str(_l("Unknown resolution."))]})
    _ensure_step(case, actor, resolution)
    _acknowledge_claim(case, actor, comment)
    if resolution == "replacement":
        case.replacement_shipment_id = _replacement_shipment(case, shipment_id).id
        note = None
    else:
        note = _engine().derive(case.claim_document, resolution, actor=actor)
        note.extras = {**(note.extras or {}), "discrepancy_id": case.id}
        _engine().perform(note, "send", actor, comment)
        case.resolution_document_id = note.id
    case.resolution = resolution
    case.status = DiscrepancyStatus.RESOLVING
    db.session.flush()
    record_audit("supplier_link.discrepancy_resolving", case, company_id=case.buyer_company_id,
                 changes={"resolution": [None, resolution]})
    return note


def _replacement_shipment(case: Discrepancy, shipment_id: int | None):
    """The shipment (fulfillment's) the supplier names as the replacement."""
    shipment = shipment_of_buyer(shipment_id, case.buyer_company_id)
    if shipment is None or shipment.supplier_company_id != case.supplier_company_id:
        raise ValidationFailed(errors={"shipment_id": [str(_l(
            "Name the replacement shipment: one of yours to this buyer."))]})
    own = case.shipment_line.shipment_id if case.shipment_line else None
    if shipment.id <= (own or 0) or not any(line.order_line_id == case.order_line_id
                                     for line in shipment.lines):
        # the shipment that came short cannot replace itself, nor one without the goods
        raise ValidationFailed(errors={"shipment_id": [str(_l(
            "The replacement shipment must be a later one carrying these goods."))]})
    return shipment


def close_discrepancy(case: Discrepancy, actor: Actor, comment: str | None = None) -> None:
    """The party the note was sent to accepts it (the buyer confirms a replacement, or
    keeps goods over what was shipped); the claim is closed in the engine and the
    discrepancy with it."""
    _ensure_step(case, actor, "close")
    if case.status == DiscrepancyStatus.OPEN:  # goods over what was shipped, kept
        case.resolution = "kept"
    note = case.resolution_document
    if note is not None and "accept" in _engine().allowed_actions(note, actor):
        _engine().perform(note, "accept", actor, comment)  # the receiver below closes
    # A note whose acceptance waits for the receiver's approvers closes it once approved.
    if case.status != DiscrepancyStatus.CLOSED and (note is None or note.status == "accepted"):
        _finish(case, actor, comment)


def _acknowledge_claim(case: Discrepancy, actor: Actor, comment: str | None) -> None:
    """The supplier answering a claim accepts it in the engine (it owns up to it)."""
    claim = case.claim_document
    if claim is not None and "accept" in _engine().allowed_actions(claim, actor):
        _engine().perform(claim, "accept", actor, comment)


def _finish(case: Discrepancy, actor, comment: str | None = None) -> None:
    claim = case.claim_document
    if claim is not None and actor is not None:
        _acknowledge_claim(case, actor, comment)  # a debit note's acceptance by the supplier
        if "close" in _engine().allowed_actions(claim, actor):
            _engine().perform(claim, "close", actor, comment)
    _close(case)
    db.session.flush()
    record_audit("supplier_link.discrepancy_closed", case, company_id=case.buyer_company_id,
                 changes={"status": [DiscrepancyStatus.RESOLVING, DiscrepancyStatus.CLOSED]})


def on_document_transitioned(document, *, to_status=None, actor=None, **_):
    """A credit or debit note of a discrepancy accepted in the engine closes it, by
    whichever way it was accepted (this module's page, the documents API)."""
    if document.type not in NOTE_TYPES or to_status != "accepted":
        return  # (an accept waiting for approvers is not an acceptance yet)
    case = db.session.scalar(select(Discrepancy).where(
        Discrepancy.resolution_document_id == document.id))
    if case is not None and case.status != DiscrepancyStatus.CLOSED:
        _finish(case, actor, None)


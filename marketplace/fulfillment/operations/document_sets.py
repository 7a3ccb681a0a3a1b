"""One confirmation from an accepted order to its papers: ship the open lines and issue
the commercial invoice, packing list and shipping advice together (and the
certificates the letter of credit asks for). The PDFs are laid out afterwards in the
background (the ``fulfillment.render_documents`` outbox job), once per revision."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.core import outbox
from marketplace.core.errors import Forbidden
from marketplace.extensions import db
from marketplace.fulfillment import tasks
from marketplace.fulfillment.models import (
    DocumentRender,
    DocumentRenderStatus,
    Order,
    OrderLine,
    Shipment,
    ShipmentLine,
    ShippingDocument,
    ShippingDocumentKind,
)
from marketplace.fulfillment.operations import checklist, papers
from marketplace.fulfillment.operations import shipments as shipment_ops
from marketplace.fulfillment.operations import shipping_documents as document_ops
from marketplace.fulfillment.operations.letters_of_credit import (
    check_warnings,
    letter_of_credit_of,
    required_kinds,
)

THE_SET = (ShippingDocumentKind.COMMERCIAL_INVOICE, ShippingDocumentKind.PACKING_LIST,
           ShippingDocumentKind.SHIPPING_ADVICE)
CERTIFICATES = (ShippingDocumentKind.CERTIFICATE_OF_ORIGIN,
                ShippingDocumentKind.BENEFICIARY_CERTIFICATE)
# What the shipment form may say beyond the shipment's own header (papers' fields).
PAPER_ONLY = tuple(f for f in papers.PAPER_FIELDS if f not in shipment_ops.HEADER_FIELDS)
LINE_PAPER_ONLY = tuple(f for f in papers.LINE_PAPER_FIELDS
                        if f not in shipment_ops.LINE_MEASURES)


def kinds_for(shipment: Shipment) -> list[ShippingDocumentKind]:
    """The three papers of every shipment, and the certificates its credit requires; a
    replacement shipment is not invoiced again."""
    wanted = required_kinds(letter_of_credit_of(shipment))
    kinds = [k for k in THE_SET if not (shipment.is_replacement
                                        and k == ShippingDocumentKind.COMMERCIAL_INVOICE)]
    return kinds + [k for k in CERTIFICATES if k.value in wanted]


def line_defaults(line: OrderLine) -> papers.LinePacking:
    """What the form offers for an order line's open quantity: its product's customs
    data and packing worked out (cartons, weights, volume), as the papers would."""
    return papers.line_packing(ShipmentLine(order_line=line, quantity=line.open_quantity))


def ship_and_issue(orders: list[Order], values: dict[str, Any], actor, *,
                   locale: str = "en") -> tuple[Shipment, list[ShippingDocument],
                                                DocumentRender]:
    """Book the shipment, store what its papers state, and issue the set, all in the
    caller's one transaction: a missing field (422, every one named) or an
    unacknowledged L/C warning (409) leaves nothing behind."""
    shipment = shipment_ops.create_shipment(orders, values, actor)
    _save_papers(shipment, values, actor)
    printed, render = issue_set(shipment, actor, acknowledge=values.get("acknowledge_warnings"),
                                locale=locale)
    return shipment, printed, render


def _save_papers(shipment: Shipment, values: dict[str, Any], actor) -> None:
    header = {field: values[field] for field in PAPER_ONLY if values.get(field) is not None}
    by_order_line = {line.order_line_id: line for line in shipment.lines}
    lines = []
    for item in values["lines"]:
        extra = {f: item[f] for f in LINE_PAPER_ONLY if item.get(f) is not None}
        if extra:
            lines.append({"shipment_line_id": by_order_line[item["order_line_id"]].id, **extra})
    if header or lines:
        papers.save_shipment_papers(shipment, {**header, "lines": lines}, actor)


def issue_set(shipment: Shipment, actor, *, acknowledge: list[str] | None = None,
              paper: str = "a4", locale: str = "en"
              ) -> tuple[list[ShippingDocument], DocumentRender]:
    """Issue (or add a revision of) each paper of the shipment's set, after the
    checklist (422 naming every missing field of every paper) and the credit's
    warnings (409 until acknowledged, then recorded); queue their PDFs."""
    if actor.company is None or actor.company.id != shipment.supplier_company_id:
        raise Forbidden(str(_l("Only the supplier issues a shipment's documents.")))
    kinds = kinds_for(shipment)
    checklist.ensure_ready(shipment, kinds)
    check_warnings(shipment, acknowledge, actor)
    printed = []
    for kind in kinds:
        if kind == ShippingDocumentKind.COMMERCIAL_INVOICE and shipment.invoice is None:
            printed.append(document_ops.issue_commercial_invoice(
                shipment, actor, warnings_checked=True)[1])
        else:
            printed.append(document_ops.generate_document(shipment, kind, actor))
    return printed, queue_render(shipment, printed, actor, paper=paper, locale=locale)


def queue_render(shipment: Shipment, printed: list[ShippingDocument], actor, *,
                 paper: str = "a4", locale: str = "en") -> DocumentRender:
    """A progress row for the set's PDFs and the job that lays them out."""
    render = DocumentRender(shipment_id=shipment.id, status=DocumentRenderStatus.QUEUED,
                            document_ids=[doc.id for doc in printed], done=0, paper=paper,
                            locale=locale, created_by_id=actor.user.id if actor.user else None)
    db.session.add(render)
    db.session.flush()
    outbox.enqueue(tasks.RENDER_DOCUMENTS, render_id=render.id)
    return render

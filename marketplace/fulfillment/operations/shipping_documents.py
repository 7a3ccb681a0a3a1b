"""Shipping documents: a shipment's commercial invoice, packing list and shipping
advice. Each is an engine document of its type (numbered by the engine, sent to the
buyer, in the order's thread); every generation adds a revision holding what was
printed, so an earlier revision prints exactly as it did then."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from marketplace.core.audit import record_audit
from marketplace.core.errors import Conflict, Forbidden, NotFound
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import (
    ZERO,
    Invoice,
    LetterOfCreditClauses,
    OrderLine,
    Shipment,
    ShipmentLine,
    ShippingDocument,
    ShippingDocumentKind,
)
from marketplace.fulfillment.operations import checklist, papers
from marketplace.fulfillment.operations.letters_of_credit import (
    check_warnings,
    letter_of_credit_of,
    snapshot_of,
)
from marketplace.fulfillment.operations.receivables import invoice_amount, record_invoice
from marketplace.infrastructure.banking.queries import pay_to_snapshot
from marketplace.infrastructure.notifications import N_, notify
from marketplace.workflow.models import Document


def _ensure_supplier(shipment: Shipment, actor) -> None:
    if actor.company is None or actor.company.id != shipment.supplier_company_id:
        raise Forbidden(str(_l("Only the supplier issues a shipment's documents.")))


def latest(shipment: Shipment, kind: ShippingDocumentKind) -> ShippingDocument | None:
    revisions = [doc for doc in shipment.documents if doc.kind == kind]
    return max(revisions, key=lambda doc: doc.revision) if revisions else None


def revision_of(shipment: Shipment, kind: ShippingDocumentKind,
                revision: int | None) -> ShippingDocument:
    if revision is None:
        found = latest(shipment, kind)
    else:
        found = next((doc for doc in shipment.documents
                      if doc.kind == kind and doc.revision == revision), None)
    if found is None:
        raise NotFound(str(_l("Shipment %(number)s has no %(kind)s%(revision)s yet.",
                              number=shipment.number, kind=kind.value.replace("-", " "),
                              revision=f" revision {revision}" if revision else "")))
    return found


def issue_commercial_invoice(shipment: Shipment, actor, *, acknowledge: list[str] | None = None,
                             warnings_checked: bool = False) -> tuple[Invoice, ShippingDocument]:
    """The shipment's commercial invoice (a numbered engine document sent to the buyer)
    and the receivable it records. Once only: a second call is refused (409). Under a
    letter of credit, its warnings refuse it (409) until ``acknowledge`` names them
    (``warnings_checked``: the caller checked them for the whole set already)."""
    _ensure_supplier(shipment, actor)
    if shipment.invoice is not None:
        raise Conflict(str(_l("Shipment %(number)s is invoiced already (%(invoice)s).",
                              number=shipment.number, invoice=shipment.invoice.number)),
                       allowed_actions=[])
    if shipment.is_replacement:
        raise Conflict(str(_l("Shipment %(number)s replaces goods invoiced already: it is "
                              "not invoiced again.", number=shipment.number)),
                       allowed_actions=["packing-list", "shipping-advice"])
    if not warnings_checked:
        check_warnings(shipment, acknowledge, actor)
    printed = generate_document(shipment, ShippingDocumentKind.COMMERCIAL_INVOICE, actor)
    document = printed.document
    invoice = record_invoice(shipment, number=document.number, document_id=document.id,
                             payment_terms=document.payment_terms)
    printed.snapshot = {**printed.snapshot, "invoice": _invoice_part(invoice)}
    return invoice, printed


def generate_document(shipment: Shipment, kind: ShippingDocumentKind,
                      actor) -> ShippingDocument:
    """A new revision of ``kind`` for the shipment, from its data as it is now. The
    first revision creates and sends the engine document; later ones keep its number."""
    _ensure_supplier(shipment, actor)
    # Nothing is issued with a field a bank or customs needs left blank.
    checklist.ensure_ready(shipment, [kind])
    previous = latest(shipment, kind)
    if kind.is_certificate:  # the supplier's own statement: no engine document
        document = None
    else:
        document = previous.document if previous and previous.document else \
            _engine_document(shipment, kind, actor)
    revision = (db.session.scalar(select(func.max(ShippingDocument.revision)).where(
        ShippingDocument.shipment_id == shipment.id, ShippingDocument.kind == kind)) or 0) + 1
    printed = ShippingDocument(shipment=shipment, kind=kind, revision=revision,
                               document=document, created_at=utcnow(),
                               created_by_id=actor.user.id if actor.user else None,
                               snapshot=snapshot(shipment, kind, document, revision))
    db.session.add(printed)
    db.session.flush()
    number = printed.snapshot["number"]
    record_audit("shipping_document.generated", shipment,
                 company_id=shipment.supplier_company_id,
                 changes={"kind": kind.value, "number": number, "revision": revision})
    notify("shipping_document.issued", company_id=shipment.buyer_company_id,
           message=N_("%(kind)s %(number)s (revision %(revision)s) for shipment %(shipment)s."),
           params={"kind": kind_label(kind), "number": number, "revision": revision,
                   "shipment": shipment.number},
           link=f"/fulfillment/shipments/{shipment.id}",
           payload={"shipment_id": shipment.id, "kind": kind.value,
                    "document_id": document.id if document else None,
                    "number": number, "revision": revision}, email=False)
    return printed


def regenerate_document(shipment: Shipment, kind: ShippingDocumentKind,
                        actor) -> ShippingDocument:
    """A packing list or shipping advice (first or next revision); a commercial
    invoice only once issued (it records the receivable: see issue_commercial_invoice)."""
    _ensure_supplier(shipment, actor)
    if kind == ShippingDocumentKind.COMMERCIAL_INVOICE and shipment.invoice is None:
        raise Conflict(str(_l("Issue the commercial invoice first: POST "
                              "/shipments/%(id)s/commercial-invoice.", id=shipment.id)),
                       allowed_actions=["commercial-invoice"])
    return generate_document(shipment, kind, actor)


def kind_label(kind: ShippingDocumentKind) -> str:
    return {ShippingDocumentKind.COMMERCIAL_INVOICE: N_("Commercial invoice"),
            ShippingDocumentKind.PACKING_LIST: N_("Packing list"),
            ShippingDocumentKind.SHIPPING_ADVICE: N_("Shipping advice"),
            ShippingDocumentKind.CERTIFICATE_OF_ORIGIN: N_("Certificate of origin"),
            ShippingDocumentKind.BENEFICIARY_CERTIFICATE: N_("Beneficiary's certificate")}[kind]


CERTIFICATE_SUFFIX = {ShippingDocumentKind.CERTIFICATE_OF_ORIGIN: "CO",
                      ShippingDocumentKind.BENEFICIARY_CERTIFICATE: "BC"}


def document_number(shipment: Shipment, kind: ShippingDocumentKind,
                    document: Document | None) -> str:
    """The engine document's number; a certificate is numbered after its shipment."""
    if document is not None:
        return document.number
    return f"{shipment.number}-{CERTIFICATE_SUFFIX[kind]}"


def _engine_document(shipment: Shipment, kind: ShippingDocumentKind, actor) -> Document:
    """Created and sent through the engine, so it is numbered in the supplier's series
    for its type and lands in the buyer's inbox."""
    from marketplace.workflow import engine

    _load_lines(shipment)
    orders = sorted({line.order_line.order for line in shipment.lines}, key=lambda o: o.id)
    first = orders[0]
    header = {"subject": f"{kind_label(kind)} — {shipment.number}",
              "currency": shipment.currency, "incoterm": first.incoterm,
              "incoterm_place": first.incoterm_place, "payment_terms": first.payment_terms,
              "port_of_loading": shipment.port_of_loading,
              "port_of_discharge": shipment.port_of_discharge,
              "extras": {"shipment_id": shipment.id, "shipment_number": shipment.number,
                         "order_ids": [o.id for o in orders]}}
    header = {key: value for key, value in header.items() if value is not None}
    lines = [{"product_id": line.order_line.product_id, "sku": line.order_line.sku,
              "description": line.order_line.description, "quantity": line.quantity,
              "unit": line.order_line.unit, "unit_price": line.order_line.unit_price,
              "extras": {"order_line_id": line.order_line_id, "shipment_line_id": line.id}}
             for line in shipment.lines]
    # In the purchase order's thread, so both parties find it beside the negotiation.
    document = engine.create_document(kind.doctype, actor=actor,
                                      recipient_company_id=shipment.buyer_company_id,
                                      header=header, lines=lines, parent=first.purchase_order)
    engine.perform(document, "send", actor)
    return document


# ----- what is printed ------------------------------------------------------------------------


def lc_clauses_for(supplier_id: int, buyer_id: int) -> LetterOfCreditClauses | None:
    """The supplier's former per-buyer L/C clauses (read only since letters of credit
    are records of their own): their marks still serve as the default marks."""
    rows = db.session.scalars(select(LetterOfCreditClauses).where(
        LetterOfCreditClauses.company_id == supplier_id,
        (LetterOfCreditClauses.buyer_company_id == buyer_id)
        | LetterOfCreditClauses.buyer_company_id.is_(None))).all()
    return min(rows, key=lambda row: row.buyer_company_id is None) if rows else None


def _load_lines(shipment: Shipment) -> None:
    """Each line's order line and order in two queries, not two per line."""
    db.session.scalars(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)
                       .options(selectinload(ShipmentLine.order_line)
                                .selectinload(OrderLine.order))).all()


def _party(company) -> dict[str, Any]:
    return {"id": company.id, "name": company.name, "address": company.address,
            "city": company.city, "postal_code": company.postal_code, "country": company.country,
            "phone": company.phone}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def snapshot(shipment: Shipment, kind: ShippingDocumentKind, document: Document | None,
             revision: int) -> dict[str, Any]:
    """Everything a printed revision shows, as plain JSON values (decimals as strings,
    coded values as codes: the paper says them in words in its language when printed)."""
    rows = papers.packed_lines(shipment)
    orders = sorted({line.order_line.order for line, *_rest in rows}, key=lambda o: o.id)
    lines, totals = [], {"quantity": ZERO, "amount": ZERO, "packages": 0, "gross_weight": ZERO,
                         "net_weight": ZERO, "volume": ZERO}
    for position, (line, packing, first, last) in enumerate(rows, start=1):
        order_line = line.order_line
        lines.append({"position": position, "sku": order_line.sku,
                      "description": order_line.description, "unit": order_line.unit,
                      "quantity": str(line.quantity), "unit_price": str(order_line.unit_price),
                      "amount": str(line.amount), "packages": packing.packages,
                      "gross_weight": _text(packing.gross_weight),
                      "net_weight": _text(packing.net_weight), "volume": _text(packing.volume),
                      "hs_code": packing.hs_code, "origin": packing.origin_country,
                      "carton_from": first, "carton_to": last,
                      "order_number": order_line.order.number,
                      "purchase_order": order_line.order.purchase_order.number
                      if order_line.order.purchase_order else None})
        totals["quantity"] += line.quantity
        totals["amount"] += line.amount
        totals["packages"] += packing.packages or 0
        for measure in ("gross_weight", "net_weight", "volume"):
            totals[measure] += getattr(packing, measure) or ZERO
    origins = sorted({line["origin"] for line in lines if line["origin"]})
    clauses = lc_clauses_for(shipment.supplier_company_id, shipment.buyer_company_id)
    # The invoice prints its due date; a certificate names the invoice it goes with.
    invoice = shipment.invoice if kind == ShippingDocumentKind.COMMERCIAL_INVOICE \
        or kind.is_certificate else None
    return {
        "kind": kind.value, "title": kind_label(kind),
        "number": document_number(shipment, kind, document),
        "revision": revision, "date": utcnow().date().isoformat(),
        "language": papers.document_language(shipment),
        "supplier": _party(shipment.supplier), "buyer": _party(shipment.buyer),
        # Null: the buyer is the consignee, and the notify party is "same as consignee".
        "consignee": shipment.consignee, "notify_party": shipment.notify_party,
        "marks": shipment.marks_and_numbers or (clauses.marks_and_numbers if clauses else None)
        or papers.default_marks(shipment, totals["packages"], origins),
        "origins": origins,
        "shipment": {
            "number": shipment.number, "carrier": shipment.carrier, "mode": shipment.mode,
            "vessel": shipment.vessel, "voyage": shipment.voyage,
            "flight_number": shipment.flight_number, "tracking_number": shipment.tracking_number,
            "bill_of_lading": shipment.bill_of_lading,
            "on_board_date": shipment.on_board_date.isoformat()
            if shipment.on_board_date else None,
            "container_numbers": list(shipment.container_numbers or []),
            "port_of_loading": shipment.port_of_loading,
            "port_of_discharge": shipment.port_of_discharge,
            "etd": shipment.etd.isoformat() if shipment.etd else None,
            "eta": shipment.eta.isoformat() if shipment.eta else None},
        "orders": [{"number": o.number, "purchase_order": o.purchase_order.number
                    if o.purchase_order else None} for o in orders],
        "currency": shipment.currency, "incoterm": orders[0].incoterm,
        "incoterm_place": orders[0].incoterm_place, "payment_terms": orders[0].payment_terms,
        "lines": lines,
        "totals": {**{key: str(value) for key, value in totals.items()},
                   "amount": str(invoice_amount(totals["amount"], shipment.currency))},
        # The credit the shipment's orders ship under; None prints no L/C data at all.
        "lc": snapshot_of(letter_of_credit_of(shipment)),
        # A later revision of an issued invoice still prints its due date.
        **({"invoice": _invoice_part(invoice)} if invoice is not None else {}),
        # Where to pay, as it was when this revision was issued (a later change of the
        # supplier's bank details prints on the next revision only).
        **({"pay_to": pay_to_snapshot(shipment.supplier_company_id)}
           if kind == ShippingDocumentKind.COMMERCIAL_INVOICE else {}),
    }


def _invoice_part(invoice: Invoice) -> dict[str, str]:
    return {"number": invoice.number, "due_date": invoice.due_date.isoformat(),
            "amount": str(invoice.amount)}

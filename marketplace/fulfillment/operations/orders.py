"""Orders: born of an accepted purchase order, merged, split, changed by an accepted
change request, cut back by an accepted cancellation. Every change leaves an
OrderEvent saying where each line came from, and the status follows the lines."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core.audit import record_audit
from marketplace.core.errors import Conflict, Forbidden, ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import (
    ZERO,
    Invoice,
    InvoiceStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
)
from marketplace.infrastructure.notifications import N_, notify
from marketplace.workflow.models import Document

# Orders in these states take no more shipments, merges or splits.
FINISHED = frozenset({OrderStatus.CLOSED, OrderStatus.CANCELLED})


# ----- history --------------------------------------------------------------------------------


def record_event(order: Order, kind: str, actor=None, note: str | None = None,
                 **details: Any) -> OrderEvent:
    user = getattr(actor, "user", None)
    company = getattr(actor, "company", None)
    event = OrderEvent(order=order, kind=kind, note=note, details=details,
                       actor_id=user.id if user else None,
                       actor_company_id=company.id if company else None, at=utcnow())
    db.session.add(event)
    record_audit(f"order.{kind}", order, company_id=company.id if company else
                 order.supplier_company_id, changes=details)
    return event


def _tell_parties(order: Order, event: str, message: str, params: dict, actor=None,
                  **payload: Any) -> None:
    """Both parties hear of it (the acting member excepted, who knows already)."""
    for company_id in (order.buyer_company_id, order.supplier_company_id):
        notify(event, company_id=company_id, message=message, params=params,
               link=f"/fulfillment/orders/{order.id}",
               payload={"order_id": order.id, "number": order.number, **payload},
               email=False)


# ----- status ---------------------------------------------------------------------------------


def refresh_status(order: Order) -> str:
    """The status the lines (and the shipments and invoices) say: an order is closed
    once everything is shipped, delivered and paid for (or received, when the buyer
    records receipts)."""
    if order.merged_into_id is not None or order.status == OrderStatus.CANCELLED:
        return order.status
    lines = [line for line in order.lines if line.quantity > 0]
    if not lines:
        order.status = OrderStatus.CANCELLED
        return order.status
    all_shipped = all(line.shipped_quantity >= line.quantity for line in lines)
    any_shipped = any(line.shipped_quantity > 0 for line in lines)
    all_received = all(line.received_quantity >= line.quantity for line in lines)
    any_received = any(line.received_quantity > 0 for line in lines)
    if all_shipped and _delivered_and_paid(order):
        status = OrderStatus.CLOSED
    elif all_received:
        status = OrderStatus.RECEIVED
    elif any_received:
        status = OrderStatus.PARTIALLY_RECEIVED
    elif all_shipped:
        status = OrderStatus.SHIPPED
    elif any_shipped:
        status = OrderStatus.PARTIALLY_SHIPPED
    else:
        status = OrderStatus.OPEN
    if status != order.status:
        if status == OrderStatus.CLOSED:
            record_event(order, "closed", note="shipped, delivered and paid in full")
        order.status = status
    return order.status


def _delivered_and_paid(order: Order) -> bool:
    line_ids = [line.id for line in order.lines]
    shipments = db.session.scalars(
        select(Shipment).where(Shipment.id.in_(
            select(ShipmentLine.shipment_id).where(ShipmentLine.order_line_id.in_(line_ids))))
    ).all()
    if not shipments:
        return False
    for shipment in shipments:
        received = all(line.order_line.received_quantity >= line.order_line.quantity
                       for line in shipment.lines)
        if shipment.status != ShipmentStatus.DELIVERED and not received:
            return False
        invoice: Invoice | None = shipment.invoice
        if invoice is None or invoice.status != InvoiceStatus.PAID:
            return False
    return True


def refresh_orders(orders: Iterable[Order]) -> None:
    for order in {o.id: o for o in orders}.values():
        refresh_status(order)


# ----- from a purchase order ------------------------------------------------------------------


def _new_number(order: Order) -> None:
    """Numbered from its id, so two orders opened at once never share a number."""
    db.session.flush()
    order.number = f"ORD-{order.created_at:%Y}-{order.id:06d}"


def _new_order(like: Order | Document, *, buyer_id: int, supplier_id: int) -> Order:
    # A placeholder unique to this row until its id names it (see _new_number).
    order = Order(number=f"pending-{uuid4().hex}", buyer_company_id=buyer_id,
                  supplier_company_id=supplier_id, currency=like.currency,
                  incoterm=like.incoterm, incoterm_place=like.incoterm_place,
                  payment_terms=like.payment_terms, port_of_loading=like.port_of_loading,
                  port_of_discharge=like.port_of_discharge, status=OrderStatus.OPEN,
                  created_at=utcnow())
    db.session.add(order)
    return order


def create_order_from_purchase_order(document: Document, actor=None) -> Order:
    """The order an accepted purchase order opens: buyer is the purchase order's
    issuer, supplier its recipient, one line per purchase order line. Called again for
    the same purchase order, it answers the order already there."""
    existing = db.session.scalar(select(Order).where(Order.purchase_order_id == document.id))
    if existing is not None:
        return existing
    order = _new_order(document, buyer_id=document.issuer_company_id,
                       supplier_id=document.recipient_company_id)
    order.purchase_order_id = document.id
    order.notes = document.notes
    for position, line in enumerate(document.lines, start=1):
        order.lines.append(OrderLine(
            position=position, product_id=line.product_id, sku=line.sku,
            description=line.description, unit=line.unit, quantity=line.quantity,
            unit_price=line.unit_price or ZERO, shipped_quantity=ZERO, received_quantity=ZERO,
            requested_delivery_date=_delivery_date(line, document),
            purchase_order_line_id=line.id))
    _new_number(order)
    record_event(order, "created", actor, purchase_order_id=document.id,
                 purchase_order_number=document.number)
    _tell_parties(order, "order.created", N_("Order %(number)s was opened from %(po)s."),
                  {"number": order.number, "po": document.number}, actor,
                  purchase_order_id=document.id)
    return order


def _delivery_date(line, document: Document):
    wanted = (line.extras or {}).get("requested_delivery_date")
    if wanted:
        from datetime import date

        try:
            return date.fromisoformat(wanted)
        except ValueError:
            pass
    return document.delivery_date


# ----- checks ---------------------------------------------------------------------------------


def ensure_supplier(order: Order, actor) -> None:
    if actor.company is None or actor.company.id != order.supplier_company_id:
        raise Forbidden(str(_l("Only the supplier of order %(number)s may do this.",
                               number=order.number)))


def ensure_open(order: Order) -> None:
    if order.status in FINISHED or order.merged_into_id is not None:
        raise Conflict(str(_l("Order %(number)s is %(status)s: it takes no more changes.",
                              number=order.number, status=order.status)),
                       allowed_actions=[])


# ----- merge ----------------------------------------------------------------------------------


SAME_TERMS = ("buyer_company_id", "supplier_company_id", "currency", "incoterm",
              "payment_terms")


def merge_orders(orders: list[Order], actor) -> Order:
    """One new order holding every line of ``orders`` (same buyer, supplier, currency
    and terms); the old orders close, pointing at it. Lines keep their ids (shipments
    already made still point at them) and remember the order they came from."""
    if len({order.id for order in orders}) < 2:
        raise ValidationFailed(errors={"order_ids": [str(_l("Name at least two orders."))]})
    for order in orders:
        ensure_supplier(order, actor)
        ensure_open(order)
    first = orders[0]
    for field in SAME_TERMS:
        if len({getattr(order, field) for order in orders}) > 1:
            raise ValidationFailed(
                str(_l("Only orders with the same buyer, supplier, currency, incoterm and "
                       "payment terms can be merged; these differ in %(field)s.",
                       field=field.removesuffix("_company_id"))),
                errors={"order_ids": [str(_l("The orders differ in %(field)s.",
                                             field=field.removesuffix("_company_id")))]})
    total_before = sum((order.total_amount for order in orders), ZERO)
    merged = _new_order(first, buyer_id=first.buyer_company_id,
                        supplier_id=first.supplier_company_id)
    _new_number(merged)
    position = 0
    moved: list[dict] = []
    merged.lines = []
    for order in orders:
        # No flush between leaving one order and joining the other: the line would be
        # an orphan for a moment, and deleted.
        with db.session.no_autoflush:
            for line in list(order.lines):
                position += 1
                moved.append({"line_id": line.id, "from_order": order.number})
                line.origin_order_id = line.origin_order_id or order.id
                line.position = position
                line.order = merged
        order.merged_into_id = merged.id
        order.status = OrderStatus.CLOSED
        record_event(order, "merged_into", actor, into_order=merged.number,
                     into_order_id=merged.id)
    db.session.flush()
    if merged.total_amount != total_before:  # a bug, never a user's mistake: refuse loudly
        raise RuntimeError("merged order total does not reconcile")
    record_event(merged, "merged_from", actor, orders=[o.number for o in orders],
                 order_ids=[o.id for o in orders], lines=moved)
    refresh_status(merged)
    _tell_parties(merged, "order.changed", N_("Orders %(numbers)s were merged into %(number)s."),
                  {"numbers": ", ".join(o.number for o in orders), "number": merged.number},
                  actor)
    return merged


# ----- split ----------------------------------------------------------------------------------


def split_order(order: Order, wanted: list[dict], actor) -> Order:
    """A new order with the named lines (or part of their open quantity); the rest
    stays. ``wanted``: ``[{order_line_id, quantity}]``."""
    ensure_supplier(order, actor)
    ensure_open(order)
    lines = {line.id: line for line in order.lines}
    errors = _split_errors(lines, wanted)
    if errors:
        raise ValidationFailed(errors=errors)
    if all(lines[w["order_line_id"]].quantity == w["quantity"] for w in wanted) and \
            len(wanted) == len([line for line in lines.values() if line.quantity > 0]):
        raise ValidationFailed(errors={"lines": [str(_l(
            "A split must leave something on the order; this would move all of it."))]})
    new = _new_order(order, buyer_id=order.buyer_company_id,
                     supplier_id=order.supplier_company_id)
    new.purchase_order_id = None
    _new_number(new)
    moved = []
    for position, item in enumerate(wanted, start=1):
        line, quantity = lines[item["order_line_id"]], item["quantity"]
        new.lines.append(OrderLine(
            position=position, product_id=line.product_id, sku=line.sku,
            description=line.description, unit=line.unit, quantity=quantity,
            unit_price=line.unit_price, shipped_quantity=ZERO, received_quantity=ZERO,
            requested_delivery_date=line.requested_delivery_date,
            purchase_order_line_id=line.purchase_order_line_id, origin_order_id=order.id,
            origin_line_id=line.id))
        line.quantity -= quantity
        moved.append({"line_id": line.id, "quantity": str(quantity)})
    db.session.flush()
    record_event(order, "split_to", actor, to_order=new.number, to_order_id=new.id, lines=moved)
    record_event(new, "split_from", actor, from_order=order.number, from_order_id=order.id,
                 lines=moved)
    refresh_status(order)
    refresh_status(new)
    _tell_parties(new, "order.changed", N_("Order %(number)s was split off %(source)s."),
                  {"number": new.number, "source": order.number}, actor)
    return new


def _split_errors(lines: dict[int, OrderLine], wanted: list[dict]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    if not wanted:
        return {"lines": [str(_l("Name at least one line to split off."))]}
    for index, item in enumerate(wanted):
        line = lines.get(item["order_line_id"])
        key = f"lines.{index}"
        if line is None:
            errors[f"{key}.order_line_id"] = [str(_l("No such line on this order."))]
        elif line.id in seen:
            errors[f"{key}.order_line_id"] = [str(_l("This line is named twice."))]
        elif item["quantity"] > line.open_quantity:
            errors[f"{key}.quantity"] = [str(_l(
                "At most %(open)s %(unit)s of this line are not shipped yet.",
                open=plain_number(line.open_quantity), unit=line.unit))]
        if line is not None:
            seen.add(line.id)
    return errors


def plain_number(value: Decimal) -> str:
    """For messages: 100.0000 → "100", 45.5000 → "45.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ----- change requests and cancellations ------------------------------------------------------


def order_of_document(document: Document) -> Order | None:
    """The order a change request or cancellation concerns: through the purchase order
    it was derived from (or ``extras.order_id``), following a merge to where lines went."""
    order_id = (document.extras or {}).get("order_id")
    order = db.session.get(Order, order_id) if order_id else None
    parent = document.parent
    while order is None and parent is not None:
        if parent.type == "purchase_order":
            order = db.session.scalar(select(Order).where(Order.purchase_order_id == parent.id))
        parent = parent.parent
    while order is not None and order.merged_into_id is not None:
        order = db.session.get(Order, order.merged_into_id)
    return order


def apply_change_request(document: Document, actor=None) -> Order | None:
    """An accepted change request sets the quantities (and prices) it names. A line is
    matched through the purchase order line it was carried over from, else by SKU.
    Cutting below what is shipped already is refused, and so is the acceptance."""
    order = order_of_document(document)
    if order is None:
        return None
    ensure_open(order)
    changes = []
    for doc_line in document.lines:
        line = _matching_line(order, doc_line)
        if line is None:
            continue
        if doc_line.quantity < line.shipped_quantity:
            raise ValidationFailed(str(_l(
                "Line %(sku)s has %(shipped)s shipped already; it cannot go down to %(qty)s.",
                sku=line.sku or line.description, shipped=plain_number(line.shipped_quantity),
                qty=plain_number(doc_line.quantity))))
        changes.append({"line_id": line.id, "from": str(line.quantity),
                        "to": str(doc_line.quantity)})
        line.quantity = doc_line.quantity
        if doc_line.unit_price is not None:
            line.unit_price = doc_line.unit_price
    record_event(order, "changed", actor, document_id=document.id, number=document.number,
                 lines=changes)
    refresh_status(order)
    _tell_parties(order, "order.changed", N_("Order %(number)s was changed by %(doc)s."),
                  {"number": order.number, "doc": document.number}, actor)
    return order


def _matching_line(order: Order, doc_line) -> OrderLine | None:
    source = doc_line.source_line_id
    for line in order.lines:
        if source is not None and line.purchase_order_line_id == source \
                and line.origin_line_id is None:
            return line
    for line in order.lines:
        if doc_line.sku and line.sku == doc_line.sku:
            return line
    return None


def apply_cancellation(document: Document, actor=None) -> Order | None:
    """An accepted cancellation cuts every line to what is shipped already: nothing more
    will be sent. An order with nothing shipped is cancelled."""
    order = order_of_document(document)
    if order is None:
        return None
    ensure_open(order)
    for line in order.lines:
        line.quantity = line.shipped_quantity
    record_event(order, "cancelled", actor, document_id=document.id, number=document.number)
    if all(line.shipped_quantity == 0 for line in order.lines):
        order.status = OrderStatus.CANCELLED
    refresh_status(order)
    _tell_parties(order, "order.changed", N_("Order %(number)s was cancelled by %(doc)s."),
                  {"number": order.number, "doc": document.number}, actor)
    return order


# ----- receipts (the buyer's side, used by supplier link) -------------------------------------


def record_received_quantity(line: OrderLine, quantity: Decimal, actor=None) -> OrderLine:
    """Add ``quantity`` received to an order line (more than shipped is allowed: the
    discrepancy is the supplier link's to show) and move the order's status on."""
    if quantity <= 0:
        raise ValidationFailed(errors={"quantity": [str(_l("Must be more than zero."))]})
    line.received_quantity += quantity
    record_event(line.order, "received", actor, line_id=line.id, quantity=str(quantity))
    refresh_status(line.order)
    return line

"""The buyer's side of receipts: the buyer's own order, the shipment goods arrived with,
and advance shipping notices (the suppliers' shipments on their way or arrived) whose
goods nobody has counted yet. Once a receipt is matched to a shipment it leaves the
list: what still differs is a discrepancy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, type_coerce
from sqlalchemy.orm import selectinload

from marketplace.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.core.scoping import acting_company_id, get_visible, visible
from marketplace.core.types import Quantity
from marketplace.extensions import db
from marketplace.fulfillment import queries as fulfillment
from marketplace.fulfillment.models import (
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
)
from marketplace.infrastructure.auth import Actor
from marketplace.supplier_link.models import GoodsReceipt, GoodsReceiptLine

ZERO = Decimal(0)


def buyers_order(order_id: int, actor: Actor) -> Order:
    """The order, when the acting company is its buyer. Not a party:
    404; the supplier: 403 (it sees the order, but receipts and returns are the
    buyer's)."""
    company_id = actor.company.id if actor.company else None
    order = fulfillment.order_of_party(order_id, company_id)
    if order is None:
        raise NotFound(str(_l("Order %(id)s was not found.", id=order_id)))
    if order.buyer_company_id != company_id:
        raise Forbidden(str(_l("Only the buyer of an order records its receipts and "
                               "returns.")))
    if order.merged_into_id is not None:
        raise Conflict(str(_l("Order %(number)s was merged into another order; record "
                              "this on that order.", number=order.number)),
                       allowed_actions=[])
    if order.status == OrderStatus.CANCELLED:
        raise Conflict(str(_l("Order %(number)s is cancelled.", number=order.number)),
                       allowed_actions=[])
    return order


def receipts_of_buyer(*, with_details: bool = False) -> Select:
    """The acting company's goods receipts as the buyer, newest first (``with_details``:
    what a receipt's answer reads, loaded at once)."""
    stmt = visible(GoodsReceipt, operator_sees_all=False).where(
        GoodsReceipt.buyer_company_id == acting_company_id())
    if with_details:
        stmt = stmt.options(
            selectinload(GoodsReceipt.order),
            selectinload(GoodsReceipt.lines).selectinload(GoodsReceiptLine.order_line),
            selectinload(GoodsReceipt.lines).selectinload(GoodsReceiptLine.shipment_line))
    return stmt.order_by(GoodsReceipt.id.desc())


def readable_receipt(receipt_id: int) -> GoodsReceipt:
    """A goods receipt, to its buyer, and to its supplier while the buyer shares its
    receipts with it (else 403); to anybody else 404."""
    from marketplace.supplier_link.models import VIEWS
    from marketplace.supplier_link.operations.sharing import sharing_of

    receipt = get_visible(GoodsReceipt, receipt_id, operator_sees_all=False)
    if acting_company_id() != receipt.buyer_company_id and not sharing_of(
            receipt.buyer_company_id, acting_company_id()).shares("receipts"):
        raise Forbidden(str(_l("%(buyer)s does not share “%(view)s” with you.",
                               buyer=receipt.order.buyer.name, view=VIEWS["receipts"])))
    return receipt


def named_shipment(order: Order, shipment_id: int | None) -> Shipment | None:
    """The shipment a receipt names, when it carries goods of ``order``; None when none
    is named; else 422."""
    if shipment_id is None:
        return None
    shipment = fulfillment.shipment_of_buyer(shipment_id, order.buyer_company_id)
    line_ids = {line.id for line in order.lines}
    if shipment is None or not any(line.order_line_id in line_ids for line in shipment.lines):
        raise ValidationFailed(errors={"shipment_id": [str(_l(
            "No shipment of order %(number)s has this id.", number=order.number))]})
    return shipment


def announced_for(order: Order, shipment_id: int | None) -> dict | None:
    """The shipment named by the receipt form (its quantities fill the form) with what it
    carries of ``order`` per order line; None when it carries nothing of it."""
    shipment = fulfillment.shipment_of_buyer(shipment_id, order.buyer_company_id)
    if shipment is None:
        return None
    expected = {line.order_line_id: line.quantity for line in shipment.lines
                if line.order_line.order_id == order.id}
    return {"shipment": shipment, "expected": expected} if expected else None


def counted(shipment_line_ids: list[int]) -> dict[int, Decimal]:
    """What receipts counted of each shipped line (received, rejected included)."""
    if not shipment_line_ids:
        return {}
    rows = db.session.execute(select(
        GoodsReceiptLine.shipment_line_id,
        type_coerce(func.sum(GoodsReceiptLine.quantity_received), Quantity()))
        .where(GoodsReceiptLine.shipment_line_id.in_(shipment_line_ids))
        .group_by(GoodsReceiptLine.shipment_line_id)).all()
    return dict(rows)


def match_shipment_line(line: OrderLine, shipment: Shipment | None) -> ShipmentLine | None:
    """The shipment line (advance shipping notice) these goods of order line ``line``
    arrived with: of the named shipment, else the oldest one of this order line not yet
    fully counted, else the latest (the excess is then a discrepancy). None when nothing
    was shipped."""
    candidates = fulfillment.shipment_lines_of(line.id, shipment.id if shipment else None)
    if not candidates:
        return None
    done = counted([candidate.id for candidate in candidates])
    for candidate in candidates:
        if done.get(candidate.id, ZERO) < candidate.quantity:
            return candidate
    return candidates[-1]


def accepted_quantity(line: ShipmentLine) -> Decimal:
    """What the buyer's goods receipts accepted of a shipped line (received less
    rejected); fulfillment asks through its hook (what may be shipped again)."""
    accepted = db.session.scalar(
        select(func.coalesce(func.sum(GoodsReceiptLine.quantity_received
                                      - GoodsReceiptLine.quantity_rejected), 0))
        .where(GoodsReceiptLine.shipment_line_id == line.id))
    return Decimal(accepted or 0)

# A shipment announces goods once it has left the supplier.
ANNOUNCED = (ShipmentStatus.SHIPPED, ShipmentStatus.IN_TRANSIT, ShipmentStatus.ARRIVED,
             ShipmentStatus.CUSTOMS_CLEARED, ShipmentStatus.DELIVERED)


@dataclass
class Announced:
    shipment: Shipment
    order_id: int
    order_number: str
    shipped: Decimal
    counted: Decimal


def announced_shipments(buyer_id: int, limit: int = 100) -> list[Announced]:
    """Per shipment and order: what was shipped, while nothing of it was counted."""
    shipments = db.session.scalars(
        select(Shipment).options(selectinload(Shipment.lines).selectinload(
            ShipmentLine.order_line)).where(Shipment.buyer_company_id == buyer_id,
                                           Shipment.status.in_(ANNOUNCED))
        .order_by(Shipment.id.desc()).limit(limit)).all()
    line_ids = [line.id for shipment in shipments for line in shipment.lines]
    counted = dict(db.session.execute(
        select(GoodsReceiptLine.shipment_line_id,
               type_coerce(func.sum(GoodsReceiptLine.quantity_received), Quantity()))
        .where(GoodsReceiptLine.shipment_line_id.in_(line_ids))
        .group_by(GoodsReceiptLine.shipment_line_id)).all()) if line_ids else {}
    found = []
    for shipment in shipments:
        per_order: dict[int, Announced] = {}
        for line in shipment.lines:
            order = line.order_line.order
            entry = per_order.setdefault(order.id, Announced(
                shipment, order.id, order.number, Decimal(0), Decimal(0)))
            entry.shipped += line.quantity
            entry.counted += min(counted.get(line.id, Decimal(0)), line.quantity)
        found += [entry for entry in per_order.values() if entry.counted == 0]
    return found

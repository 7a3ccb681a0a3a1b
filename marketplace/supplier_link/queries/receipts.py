"""The buyer's side of receipts: advance shipping notices (the suppliers' shipments on
their way or arrived) whose goods nobody has counted yet. Once a receipt is matched to
a shipment it leaves the list: what still differs is a discrepancy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import selectinload

from marketplace.core.types import Quantity
from marketplace.extensions import db
from marketplace.fulfillment.models import Shipment, ShipmentLine, ShipmentStatus
from marketplace.supplier_link.models import GoodsReceiptLine

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

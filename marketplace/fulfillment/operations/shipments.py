"""Shipments: open lines of one or more orders of one buyer leave together; the
supplier records the shipment's events (packed, shipped, in transit, ...) and both
parties are told."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from marketplace.core.audit import record_audit
from marketplace.core.errors import Conflict, Forbidden, ValidationFailed
from marketplace.core.locking import lock_for_update
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.labels import SHIPMENT_STATUS
from marketplace.fulfillment.models import (
    SHIPMENT_STATUS_ORDER,
    Order,
    OrderLine,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShipmentStatus,
)
from marketplace.fulfillment.operations.orders import (
    ensure_open,
    plain_number,
    record_event,
    refresh_orders,
)
from marketplace.fulfillment.queries import accepted_quantity
from marketplace.infrastructure.notifications import N_, notify

HEADER_FIELDS = ("carrier", "forwarder", "mode", "vessel", "voyage", "flight_number",
                 "tracking_number", "container_numbers", "port_of_loading",
                 "port_of_discharge", "etd", "eta", "notes", "consignee", "notify_party",
                 "bill_of_lading", "on_board_date", "marks_and_numbers", "document_language")
LINE_MEASURES = ("packages", "gross_weight", "net_weight", "volume", "hs_code",
                 "origin_country")


def _lock_orders(order_ids: list[int]) -> list[Order]:
    """The orders, locked (PostgreSQL ``FOR UPDATE``, in id order so two shipments never
    deadlock) and read afresh: a shipment made meanwhile is seen, never overwritten."""
    stmt = lock_for_update(select(Order).where(Order.id.in_(order_ids)).order_by(Order.id)
                      ).execution_options(populate_existing=True)
    return list(db.session.scalars(stmt))


def create_shipment(orders: list[Order], values: dict[str, Any], actor) -> Shipment:
    """Ship ``values["lines"]`` (``[{order_line_id, quantity, packages?, ...}]``) of
    ``orders``. Every line must belong to one of them, the orders to the acting supplier
    and one buyer, and no line may ship more than is open: else 422 and nothing is
    written, even when two shipments of the same line are made at the same moment."""
    orders = _lock_orders(sorted({order.id for order in orders}))
    _check_orders(orders, actor)
    lines_by_id = {line.id: line for order in orders for line in order.lines}
    db.session.scalars(select(OrderLine).where(OrderLine.id.in_(lines_by_id))
                       .execution_options(populate_existing=True)).all()
    wanted = values["lines"]
    errors = _line_errors(lines_by_id, wanted)
    if errors:
        raise ValidationFailed(str(_l("Some lines cannot be shipped as asked.")), errors=errors)
    shipment = Shipment(
        number=f"pending-{uuid4().hex}", buyer_company_id=orders[0].buyer_company_id,
        supplier_company_id=orders[0].supplier_company_id, currency=orders[0].currency,
        created_by_id=actor.user.id if actor.user else None,
        status=ShipmentStatus.BOOKED, created_at=utcnow(),
        **{field: values[field] for field in HEADER_FIELDS if values.get(field) is not None})
    shipment.port_of_loading = shipment.port_of_loading or orders[0].port_of_loading
    shipment.port_of_discharge = shipment.port_of_discharge or orders[0].port_of_discharge
    db.session.add(shipment)
    for index, item in enumerate(wanted):
        _take_open_quantity(lines_by_id[item["order_line_id"]], item["quantity"], index)
        shipment.lines.append(ShipmentLine(
            order_line_id=item["order_line_id"], quantity=item["quantity"],
            **{m: item.get(m) for m in LINE_MEASURES}))
    db.session.flush()
    shipment.number = f"SHP-{shipment.created_at:%Y}-{shipment.id:06d}"
    shipment.events.append(ShipmentEvent(status=ShipmentStatus.BOOKED, at=utcnow(),
                                         recorded_by_id=shipment.created_by_id))
    record_audit("shipment.created", shipment, company_id=shipment.supplier_company_id,
                 changes={"orders": [o.id for o in orders], "lines": [
                     {"order_line_id": i["order_line_id"], "quantity": str(i["quantity"])}
                     for i in wanted]})
    for order in orders:
        record_event(order, "shipment", actor, shipment_id=shipment.id,
                     shipment_number=shipment.number)
    refresh_orders(orders)
    _tell_parties(shipment, "shipment.created",
                  N_("Shipment %(number)s was booked (%(carrier)s)."),
                  {"number": shipment.number, "carrier": shipment.carrier or "-"})
    return shipment


def _check_orders(orders: list[Order], actor) -> None:
    if actor.company is None:
        raise Forbidden(str(_l("Only a supplier ships.")))
    for order in orders:
        if order.supplier_company_id != actor.company.id:
            raise Forbidden(str(_l("Only the supplier of order %(number)s may ship it.",
                                   number=order.number)))
        ensure_open(order)
    if len({order.buyer_company_id for order in orders}) > 1:
        raise ValidationFailed(errors={"order_ids": [str(_l(
            "One shipment goes to one buyer: these orders are for different buyers."))]})
    if len({order.currency for order in orders}) > 1:
        raise ValidationFailed(errors={"order_ids": [str(_l(
            "One shipment is invoiced in one currency: these orders differ."))]})


def _line_errors(lines: dict[int, OrderLine], wanted: list[dict]) -> dict[str, list[str]]:
    if not wanted:
        return {"lines": [str(_l("Name at least one line to ship."))]}
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, item in enumerate(wanted):
        line = lines.get(item["order_line_id"])
        if line is None:
            errors[f"lines.{index}.order_line_id"] = [str(_l(
                "This line is not on the orders named in order_ids."))]
        elif line.id in seen:
            errors[f"lines.{index}.order_line_id"] = [str(_l("This line is named twice."))]
        elif item["quantity"] > line.open_quantity:
            errors[f"lines.{index}.quantity"] = [_over_shipment(line)]
        if line is not None:
            seen.add(line.id)
    return errors


def _over_shipment(line: OrderLine) -> str:
    return str(_l("Only %(open)s %(unit)s of %(what)s are still open; ship no more than that.",
                  open=plain_number(max(line.open_quantity, Decimal(0))), unit=line.unit,
                  what=line.sku or line.description))


def _take_open_quantity(line: OrderLine, quantity: Decimal, index: int) -> None:
    """Add to the shipped quantity only while it stays within the ordered one, in one
    conditional UPDATE: the database, not this process, decides between two shipments
    made at the same moment (the loser updates no row and is refused)."""
    result = db.session.execute(
        update(OrderLine)
        .where(OrderLine.id == line.id,
               OrderLine.shipped_quantity + quantity <= OrderLine.quantity)
        .values(shipped_quantity=OrderLine.shipped_quantity + quantity)
        .execution_options(synchronize_session=False))
    db.session.expire(line, ["shipped_quantity"])
    if result.rowcount != 1:
        raise ValidationFailed(str(_l("Some lines cannot be shipped as asked.")),
                               errors={f"lines.{index}.quantity": [_over_shipment(line)]})


# ----- replacements ---------------------------------------------------------------------------

LEFT_THE_WAREHOUSE = SHIPMENT_STATUS_ORDER[SHIPMENT_STATUS_ORDER.index(ShipmentStatus.SHIPPED):]


def replaced_quantity(line: ShipmentLine) -> Decimal:
    """What replacement shipments have already shipped again for this line."""
    from sqlalchemy import func

    replaced = db.session.scalar(select(func.coalesce(func.sum(ShipmentLine.quantity), 0))
                                 .where(ShipmentLine.replaces_line_id == line.id))
    return Decimal(replaced or 0)


def replaceable_quantity(line: ShipmentLine) -> Decimal:
    """How much of a shipped line may be shipped again: what the buyer did not accept
    (rejected, short or lost: nothing received at all counts as lost) less what earlier
    replacements already shipped."""
    return max(line.quantity - accepted_quantity(line) - replaced_quantity(line), Decimal(0))


def create_replacement_shipment(originals: dict[int, ShipmentLine], values: dict[str, Any],
                                actor) -> Shipment:
    """Ship again goods of lines already shipped that were rejected, short or lost
    (``values["lines"]``: ``[{shipment_line_id, quantity, packages?, ...}]``; the other
    values as for ``create_shipment``). Each quantity is at most the line's
    ``replaceable_quantity``; the lines' shipments must have left the warehouse and be
    the acting supplier's, to one buyer. The order lines' shipped quantities do not
    change and no commercial invoice is issued for it (the goods were invoiced once).
    Else 403/409/422 and nothing is written."""
    wanted = values["lines"]
    # Locked as for a shipment: two replacements of one line queue, never overlap.
    orders = _lock_orders(sorted({line.order_line.order_id for line in originals.values()}))
    _check_replacement_parties(list(originals.values()), actor)
    errors = _replacement_errors(originals, wanted)
    if errors:
        raise ValidationFailed(str(_l("Some lines cannot be shipped again as asked.")),
                               errors=errors)
    first = next(iter(originals.values())).shipment
    shipment = Shipment(
        number=f"pending-{uuid4().hex}", buyer_company_id=first.buyer_company_id,
        supplier_company_id=first.supplier_company_id, currency=first.currency,
        created_by_id=actor.user.id if actor.user else None,
        status=ShipmentStatus.BOOKED, created_at=utcnow(),
        **{field: values[field] for field in HEADER_FIELDS if values.get(field) is not None})
    shipment.port_of_loading = shipment.port_of_loading or first.port_of_loading
    shipment.port_of_discharge = shipment.port_of_discharge or first.port_of_discharge
    db.session.add(shipment)
    for item in wanted:
        original = originals[item["shipment_line_id"]]
        shipment.lines.append(ShipmentLine(
            order_line_id=original.order_line_id, quantity=item["quantity"],
            replaces_line_id=original.id, **{m: item.get(m) for m in LINE_MEASURES}))
    db.session.flush()
    shipment.number = f"SHP-{shipment.created_at:%Y}-{shipment.id:06d}"
    shipment.events.append(ShipmentEvent(status=ShipmentStatus.BOOKED, at=utcnow(),
                                         recorded_by_id=shipment.created_by_id,
                                         note=_replacement_note(originals)))
    record_audit("shipment.replacement_created", shipment,
                 company_id=shipment.supplier_company_id, changes={"lines": [
                     {"replaces_line_id": i["shipment_line_id"], "quantity": str(i["quantity"])}
                     for i in wanted]})
    for order in orders:
        record_event(order, "replacement", actor, shipment_id=shipment.id,
                     shipment_number=shipment.number)
    _tell_parties(shipment, "shipment.created",
                  N_("Replacement shipment %(number)s was booked (%(carrier)s)."),
                  {"number": shipment.number, "carrier": shipment.carrier or "-"},
                  replacement=True)
    return shipment


def _check_replacement_parties(lines: list[ShipmentLine], actor) -> None:
    if actor.company is None or any(line.shipment.supplier_company_id != actor.company.id
                                    for line in lines):
        raise Forbidden(str(_l("Only the supplier who shipped the goods ships them again.")))
    if len({line.shipment.buyer_company_id for line in lines}) > 1:
        raise ValidationFailed(errors={"lines": [str(_l(
            "One shipment goes to one buyer: these lines went to different buyers."))]})
    waiting = sorted({line.shipment.number for line in lines
                      if line.shipment.status not in LEFT_THE_WAREHOUSE})
    if waiting:
        raise Conflict(str(_l("Shipment %(numbers)s has not left your warehouse yet: change "
                              "it rather than ship its goods again.",
                              numbers=", ".join(waiting))), allowed_actions=[])


def _replacement_errors(originals: dict[int, ShipmentLine],
                        wanted: list[dict]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, item in enumerate(wanted):
        line = originals[item["shipment_line_id"]]
        if line.id in seen:
            errors[f"lines.{index}.shipment_line_id"] = [str(_l("This line is named twice."))]
            continue
        seen.add(line.id)
        replaceable = replaceable_quantity(line)
        if item["quantity"] > replaceable:
            errors[f"lines.{index}.quantity"] = [str(_l(
                "Only %(left)s %(unit)s of %(what)s in shipment %(number)s were not accepted "
                "by the buyer or shipped again already; ship no more than that.",
                left=plain_number(replaceable), unit=line.order_line.unit,
                what=line.order_line.sku or line.order_line.description,
                number=line.shipment.number))]
    return errors


def _replacement_note(originals: dict[int, ShipmentLine]) -> str:
    numbers = sorted({line.shipment.number for line in originals.values()})
    return str(_l("Replacement for %(numbers)s", numbers=", ".join(numbers)))


# ----- events ---------------------------------------------------------------------------------


def record_shipment_event(shipment: Shipment, values: dict[str, Any], actor) -> ShipmentEvent:
    """The supplier's next step of the timeline. A shipment moves forward only (steps
    may be skipped); an event at or before the current status is refused (409)."""
    if actor.company is None or actor.company.id != shipment.supplier_company_id:
        raise Forbidden(str(_l("Only the supplier records a shipment's events.")))
    status = ShipmentStatus(values["status"])
    current = SHIPMENT_STATUS_ORDER.index(ShipmentStatus(shipment.status))
    if SHIPMENT_STATUS_ORDER.index(status) <= current:
        allowed = [s.value for s in SHIPMENT_STATUS_ORDER[current + 1:]]
        raise Conflict(str(_l("Shipment %(number)s is %(status)s already; it can only move on "
                              "to a later step.", number=shipment.number,
                              status=shipment.status)),
                       allowed_actions=allowed)
    at: datetime = values.get("at") or utcnow()
    event = ShipmentEvent(status=status, at=at, location=values.get("location"),
                          note=values.get("note"),
                          recorded_by_id=actor.user.id if actor.user else None,
                          recorded_at=utcnow())
    shipment.events.append(event)
    shipment.status = status
    db.session.flush()
    record_audit("shipment.event", shipment, company_id=shipment.supplier_company_id,
                 changes={"status": status.value, "at": at, "location": event.location})
    if status == ShipmentStatus.DELIVERED:
        refresh_orders(line.order_line.order for line in shipment.lines)
    _tell_parties(shipment, "shipment.event",
                  N_("Shipment %(number)s: %(status)s (%(location)s)."),
                  {"number": shipment.number, "status": N_(SHIPMENT_STATUS.msgid(status)),
                   "location": event.location or "-"},
                  status=status.value, at=at.isoformat(), location=event.location,
                  note=event.note)
    return event


def _tell_parties(shipment: Shipment, event: str, message: str, params: dict,
                  **payload: Any) -> None:
    for company_id in (shipment.buyer_company_id, shipment.supplier_company_id):
        notify(event, company_id=company_id, message=message, params=params,
               link=f"/fulfillment/shipments/{shipment.id}",
               payload={"shipment_id": shipment.id, "number": shipment.number,
                        "tracking_number": shipment.tracking_number, **payload},
               email=False)

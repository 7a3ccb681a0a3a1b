"""Goods receipts: what the buyer counted when goods of an order arrived, matched to
the supplier's shipments (its advance shipping notices).

Per order line the buyer gives the quantity received and how much of it it rejected
(damaged, wrong item, quality, other). The accepted part (received − rejected) is
added to the order line's received quantity through fulfillment's own operation,
which moves the order's status on. More than was shipped is allowed and kept as
counted, never capped: it shows as a discrepancy."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from flask_babel import lazy_gettext as _l

from marketplace.core.audit import record_audit
from marketplace.core.errors import UnsupportedMediaType, ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.operations.orders import record_received_quantity
from marketplace.infrastructure.auth import Actor
from marketplace.infrastructure.notifications import N_, notify
from marketplace.supplier_link.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    RejectionReason,
)
from marketplace.supplier_link.operations.discrepancies import sync_discrepancies
from marketplace.supplier_link.queries.receipts import (
    buyers_order,
    match_shipment_line,
    named_shipment,
)

ZERO = Decimal(0)


@dataclass
class _Wanted:
    index: int
    line: Any  # fulfillment's order line
    received: Decimal
    rejected: Decimal
    reason: RejectionReason | None


def _check_lines(order: Any, lines: list[dict[str, Any]]) -> list[_Wanted]:
    if not lines:
        raise ValidationFailed(errors={"lines": [str(_l("Name at least one order line."))]})
    by_id = {line.id: line for line in order.lines}
    errors: dict[str, list[str]] = {}
    wanted, seen = [], set()
    for index, item in enumerate(lines):
        name = f"lines.{index}"
        line = by_id.get(item["order_line_id"])
        received = item["quantity_received"]
        rejected = item.get("quantity_rejected") or ZERO
        reason = item.get("reason")
        if line is None:
            errors[f"{name}.order_line_id"] = [str(_l("This line is not on order %(number)s.",
                                                      number=order.number))]
        elif line.id in seen:
            errors[f"{name}.order_line_id"] = [str(_l("This line is named twice."))]
        if received <= 0:
            errors[f"{name}.quantity_received"] = [str(_l("Must be more than zero."))]
        if rejected < 0:
            errors[f"{name}.quantity_rejected"] = [str(_l("Must not be negative."))]
        if rejected > received:
            errors[f"{name}.quantity_rejected"] = [str(_l(
                "Cannot reject more than was received (%(received)s).", received=received))]
        if rejected > 0 and reason is None:
            errors[f"{name}.reason"] = [str(_l("Say why goods were rejected."))]
        if rejected == 0 and reason is not None:
            errors[f"{name}.reason"] = [str(_l("A reason goes with a rejected quantity."))]
        if line is not None:
            seen.add(line.id)
            wanted.append(_Wanted(index, line, received, rejected,
                                  RejectionReason(reason) if reason else None))
    if errors:
        raise ValidationFailed(str(_l("Some lines cannot be received as given.")),
                               errors=errors)
    return wanted


CSV_COLUMNS = ("sku", "order_line_id", "quantity_received", "quantity_rejected", "reason")


def _csv_quantity(text: str, column: str, number: int) -> Decimal:
    try:
        value = Decimal(text or "0")
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ValidationFailed(errors={f"row {number}.{column}": [str(_l("Not a number."))]})
    return value


def read_receipt_csv(order: Any, stream: IO[bytes]) -> list[dict[str, Any]]:
    """The lines of a receipt CSV (UTF-8): ``sku`` or ``order_line_id``,
    ``quantity_received``, ``quantity_rejected``, ``reason``; the lines are then checked
    as any receipt's. Not UTF-8 text: 415; an unknown column: 422."""
    try:
        text = stream.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnsupportedMediaType(str(_l("The file is not UTF-8 CSV text."))) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown or "quantity_received" not in header or not (
            "sku" in header or "order_line_id" in header):
        raise ValidationFailed(str(_l(
            "The columns are sku (or order_line_id), quantity_received, quantity_rejected "
            "and reason.")), errors={name: [str(_l("Unknown column."))] for name in unknown})
    by_sku = {line.sku: line.id for line in order.lines if line.sku}
    lines = []
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if not any(row.values()):
            continue
        line_id = row.get("order_line_id") or by_sku.get(row.get("sku", ""))
        lines.append({"order_line_id": int(line_id) if str(line_id or "").isdigit() else 0,
                      "quantity_received": _csv_quantity(row.get("quantity_received"),
                                                         "quantity_received", number),
                      "quantity_rejected": _csv_quantity(row.get("quantity_rejected"),
                                                         "quantity_rejected", number),
                      "reason": row.get("reason") or None, "row": number})
    return lines


def in_csv_rows(error: ValidationFailed, lines: list[dict[str, Any]]) -> ValidationFailed:
    """The same refusal with ``lines.2.reason`` named as the file's row (``row 4.reason``)."""
    errors = {}
    for name, messages in error.errors.items():
        parts = name.split(".", 2)
        if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit() \
                and int(parts[1]) < len(lines):
            name = f"row {lines[int(parts[1])]['row']}.{parts[2]}"
        errors[name] = messages
    return ValidationFailed(error.detail, errors=errors)


def _tell_supplier(receipt: GoodsReceipt, lines: int) -> None:
    """The supplier hears of it when the buyer shares its receipts with it."""
    from marketplace.supplier_link.operations.sharing import sharing_of

    order = receipt.order
    if not sharing_of(order.buyer_company_id, order.supplier_company_id).shares("receipts"):
        return
    notify("goods_receipt.recorded", company_id=order.supplier_company_id,
           message=N_("%(buyer)s recorded goods received on order %(number)s."),
           params={"buyer": order.buyer.name, "number": order.number},
           link=f"/supplier_link/buyers/{order.buyer_company_id}/receipts",
           payload={"receipt_id": receipt.id, "order_id": order.id, "number": order.number,
                    "shipment_id": receipt.shipment_id, "lines": lines}, email=False)


def record_receipt(actor: Actor, values: dict[str, Any], *, source: str = "api") -> GoodsReceipt:
    """Record a goods receipt for ``values["order_id"]``; see the module's docstring."""
    order = buyers_order(values["order_id"], actor)
    wanted = _check_lines(order, values["lines"])
    shipment = named_shipment(order, values.get("shipment_id"))
    receipt = GoodsReceipt(
        buyer_company_id=order.buyer_company_id, supplier_company_id=order.supplier_company_id,
        order=order, received_on=values.get("received_on") or utcnow().date(),
        source=source, note=values.get("note"),
        created_by_id=actor.user.id if actor.user else None)
    db.session.add(receipt)
    matched = []
    for item in wanted:
        shipment_line = match_shipment_line(item.line, shipment)
        receipt.lines.append(GoodsReceiptLine(
            order_line_id=item.line.id, shipment_line=shipment_line,
            quantity_received=item.received, quantity_rejected=item.rejected,
            reason=item.reason))
        matched.append(shipment_line)
        db.session.flush()  # the next line's matching counts this one
    shipment_ids = {line.shipment_id for line in matched if line is not None}
    receipt.shipment_id = shipment.id if shipment else (
        shipment_ids.pop() if len(shipment_ids) == 1 else None)
    for item in wanted:
        if item.received - item.rejected > 0:
            record_received_quantity(item.line, item.received - item.rejected, actor)
    db.session.flush()
    sync_discrepancies(order, [(item.line.id, line.id if line else None)
                               for item, line in zip(wanted, matched, strict=True)])
    _tell_supplier(receipt, len(wanted))
    record_audit("supplier_link.receipt_recorded", receipt, company_id=order.buyer_company_id,
                 changes={"order": [None, order.id], "lines": [None, len(wanted)]})
    return receipt


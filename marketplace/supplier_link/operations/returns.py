"""Returns: goods the buyer sends back, through an engine ``return_request`` document
(buyer → supplier, sent at once); the supplier accepts or declines it there."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, type_coerce

from marketplace.core.audit import record_audit
from marketplace.core.errors import ValidationFailed
from marketplace.core.types import Quantity
from marketplace.extensions import db
from marketplace.infrastructure.auth import Actor
from marketplace.supplier_link.models import (
    RejectionReason,
    ReturnLine,
    ReturnRequest,
)
from marketplace.supplier_link.queries.receipts import buyers_order
from marketplace.workflow.models import Document

# A return whose document ended so takes back nothing: its quantity may be asked again.
ENDED = ("declined", "cancelled")


def returned_quantities(line_ids: list[int]) -> dict[int, Decimal]:
    """Per order line, what open or accepted returns already ask back."""
    if not line_ids:
        return {}
    rows = db.session.execute(
        select(ReturnLine.order_line_id, type_coerce(func.sum(ReturnLine.quantity), Quantity()))
        .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
        .outerjoin(Document, Document.id == ReturnRequest.document_id)
        .where(ReturnLine.order_line_id.in_(line_ids),
               Document.status.is_(None) | Document.status.not_in(ENDED))
        .group_by(ReturnLine.order_line_id)).all()
    return dict(rows)


def _check_lines(order: Any, lines: list[dict[str, Any]]) -> None:
    if not lines:
        raise ValidationFailed(errors={"lines": [str(_l("Name at least one order line."))]})
    by_id = {line.id: line for line in order.lines}
    already = returned_quantities(list(by_id))
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, item in enumerate(lines):
        line = by_id.get(item["order_line_id"])
        if line is None:
            errors[f"lines.{index}.order_line_id"] = [str(_l(
                "This line is not on order %(number)s.", number=order.number))]
            continue
        if line.id in seen:
            errors[f"lines.{index}.order_line_id"] = [str(_l("This line is named twice."))]
        seen.add(line.id)
        returnable = line.received_quantity - already.get(line.id, Decimal(0))
        if item["quantity"] <= 0:
            errors[f"lines.{index}.quantity"] = [str(_l("Must be more than zero."))]
        elif item["quantity"] > returnable:
            errors[f"lines.{index}.quantity"] = [str(_l(
                "Only %(quantity)s %(unit)s of this line were received and not yet "
                "returned.", quantity=f"{max(returnable, Decimal(0)).normalize():f}",
                unit=line.unit))]
    if errors:
        raise ValidationFailed(str(_l("Some lines cannot be returned as asked.")),
                               errors=errors)


def _document_line(line, item: dict[str, Any]) -> dict[str, Any]:
    reason = RejectionReason(item["reason"])
    return {"sku": line.sku, "description": f"{line.description} ({reason.value})",
            "quantity": item["quantity"], "unit": line.unit, "unit_price": line.unit_price,
            "extras": {"order_line_id": line.id, "reason": reason.value}}


def request_return(actor: Actor, values: dict[str, Any]) -> ReturnRequest:
    """The buyer asks to return received goods of one order."""
    from marketplace.workflow import engine

    order = buyers_order(values["order_id"], actor)
    _check_lines(order, values["lines"])
    by_id = {line.id: line for line in order.lines}
    document = engine.create_document(
        "return_request", actor=actor, recipient_company_id=order.supplier_company_id,
        header={"subject": str(_l("Return of goods, order %(order)s", order=order.number)),
                "currency": order.currency, "notes": values.get("note"),
                "extras": {"order_id": order.id}},
        lines=[_document_line(by_id[item["order_line_id"]], item) for item in values["lines"]])
    engine.perform(document, "send", actor, values.get("note"))
    request = ReturnRequest(
        buyer_company_id=order.buyer_company_id, supplier_company_id=order.supplier_company_id,
        order=order, document_id=document.id, note=values.get("note"),
        created_by_id=actor.user.id if actor.user else None,
        lines=[ReturnLine(order_line_id=item["order_line_id"], quantity=item["quantity"],
                          reason=RejectionReason(item["reason"])) for item in values["lines"]])
    db.session.add(request)
    db.session.flush()
    record_audit("supplier_link.return_requested", request, company_id=order.buyer_company_id,
                 changes={"document": [None, document.id]})
    return request

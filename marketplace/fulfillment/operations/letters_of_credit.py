"""Letters of credit: a credit recorded by the supplier for one or more orders of one
buyer; the warnings it raises before a shipment's papers are issued under it (shipped
after the latest shipment date, above the amount and tolerance, a partial shipment it
forbids, an expired credit), and the record of each warning the supplier overrode."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.core.audit import record_audit
from marketplace.core.errors import Conflict, Forbidden, ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import (
    ZERO,
    LetterOfCredit,
    LetterOfCreditAcknowledgement,
    LetterOfCreditOrder,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentLine,
)
from marketplace.fulfillment.operations.orders import record_event
from marketplace.infrastructure.notifications import N_, notify

# The papers a credit may ask for (``required_documents[].kind``), as banks name them.
REQUIRED_DOCUMENT_KINDS = {
    "commercial-invoice": N_("Commercial invoice"),
    "packing-list": N_("Packing list"),
    "bill-of-lading": N_("Bill of lading"),
    "air-waybill": N_("Air waybill"),
    "certificate-of-origin": N_("Certificate of origin"),
    "beneficiary-certificate": N_("Beneficiary's certificate"),
    "insurance-certificate": N_("Insurance certificate"),
    "inspection-certificate": N_("Inspection certificate"),
    "shipping-advice": N_("Shipping advice"),
}

# The warning codes (API: ``acknowledge_warnings``), in the order they are shown.
WARNING_CODES = ("lc_expired", "shipment_after_latest_date", "amount_above_lc",
                 "partial_shipment_forbidden")


class LcWarnings(Conflict):
    """The shipment breaks its letter of credit in ways the supplier has not yet
    acknowledged: nothing is issued until it sends them back in ``acknowledge_warnings``."""

    title, slug = _l("Letter of credit warnings to acknowledge"), "lc-warnings"


# ----- recording a credit ---------------------------------------------------------------------


def create_letter_of_credit(orders: list[Order], values: dict[str, Any],
                            actor) -> LetterOfCredit:
    """The supplier records a credit for its open orders of one buyer. An order already
    under another credit → 409; dates or currency that cannot hold → 422."""
    if actor.company is None:
        raise Forbidden(str(_l("Only a supplier records a letter of credit.")))
    _check_orders(orders, values, actor)
    _check_values(values)
    if db.session.scalar(select(LetterOfCredit.id).where(
            LetterOfCredit.supplier_company_id == actor.company.id,
            LetterOfCredit.number == values["number"])) is not None:
        raise ValidationFailed(errors={"number": [str(_l(
            "You recorded a letter of credit with this number already."))]})
    credit = LetterOfCredit(
        supplier_company_id=actor.company.id, buyer_company_id=orders[0].buyer_company_id,
        created_by_id=actor.user.id if actor.user else None,
        **{field: values.get(field) for field in (
            "number", "issuing_bank", "advising_bank", "issue_date", "expiry_date",
            "expiry_place", "latest_shipment_date", "amount", "currency")},
        tolerance_pct=values.get("tolerance_pct") or ZERO,
        partial_shipments=values.get("partial_shipments", True),
        transhipment=values.get("transhipment", True),
        presentation_days=values.get("presentation_days") or 21,
        required_documents=[{"kind": d["kind"], "originals": d.get("originals", 1),
                             "copies": d.get("copies", 0)}
                            for d in values.get("required_documents") or []],
        clauses=[c.strip() for c in values.get("clauses") or [] if c and c.strip()])
    db.session.add(credit)
    db.session.flush()
    for order in orders:
        db.session.add(LetterOfCreditOrder(letter_of_credit_id=credit.id, order_id=order.id))
        record_event(order, "letter_of_credit", actor, number=credit.number)
    db.session.flush()
    db.session.refresh(credit, ["orders"])
    record_audit("letter_of_credit.created", credit, company_id=actor.company.id,
                 changes={"number": credit.number, "orders": [o.id for o in orders],
                          "amount": credit.amount, "currency": credit.currency})
    notify("letter_of_credit.recorded", company_id=credit.buyer_company_id,
           message=N_("%(supplier)s recorded letter of credit %(number)s for orders "
                      "%(orders)s."),
           params={"supplier": actor.company.name, "number": credit.number,
                   "orders": ", ".join(o.number for o in orders)},
           link=f"/fulfillment/letters-of-credit/{credit.id}",
           payload={"letter_of_credit_id": credit.id, "number": credit.number},
           email=False)
    return credit


def _check_orders(orders: list[Order], values: dict[str, Any], actor) -> None:
    for order in orders:
        if order.supplier_company_id != actor.company.id:
            raise Forbidden(str(_l("Only the supplier of order %(number)s records its "
                                   "letter of credit.", number=order.number)))
        if order.status in (OrderStatus.CLOSED, OrderStatus.CANCELLED):
            raise Conflict(str(_l("Order %(number)s is %(status)s: nothing ships under a "
                                  "credit any more.", number=order.number,
                                  status=order.status)), allowed_actions=[])
    if len({order.buyer_company_id for order in orders}) > 1:
        raise ValidationFailed(errors={"order_ids": [str(_l(
            "One letter of credit covers orders of one buyer: these are for different "
            "buyers."))]})
    other = [o.currency for o in orders if o.currency != values.get("currency")]
    if other:
        raise ValidationFailed(errors={"currency": [str(_l(
            "The orders are in %(currency)s: the credit must be too.", currency=other[0]))]})
    taken = db.session.execute(
        select(Order.number, LetterOfCredit.number)
        .join(LetterOfCreditOrder, LetterOfCreditOrder.order_id == Order.id)
        .join(LetterOfCredit, LetterOfCredit.id == LetterOfCreditOrder.letter_of_credit_id)
        .where(Order.id.in_([o.id for o in orders]))).first()
    if taken is not None:
        raise Conflict(str(_l("Order %(order)s ships under letter of credit %(credit)s "
                              "already.", order=taken[0], credit=taken[1])),
                       allowed_actions=[])


def _check_values(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if values["expiry_date"] < values["issue_date"]:
        errors["expiry_date"] = [str(_l("The credit cannot expire before it is issued."))]
    latest = values.get("latest_shipment_date")
    if latest is not None and latest > values["expiry_date"]:
        errors["latest_shipment_date"] = [str(_l(
            "The latest shipment date must be on or before the expiry date."))]
    if latest is not None and latest < values["issue_date"]:
        errors["latest_shipment_date"] = [str(_l(
            "The latest shipment date cannot come before the date of issue."))]
    kinds = [d["kind"] for d in values.get("required_documents") or []]
    for index, kind in enumerate(kinds):
        if kinds.index(kind) != index:
            errors[f"required_documents.{index}.kind"] = [str(_l("This paper is named twice."))]
    if errors:
        raise ValidationFailed(errors=errors)


# ----- a shipment under a credit --------------------------------------------------------------


def letter_of_credit_of(shipment: Shipment) -> LetterOfCredit | None:
    """The credit the shipment's goods ship under (the credit of its orders), or None:
    a shipment of orders paid otherwise prints no L/C data."""
    order_ids = {line.order_line.order_id for line in shipment.lines}
    if not order_ids:
        return None
    return db.session.scalars(
        select(LetterOfCredit)
        .join(LetterOfCreditOrder, LetterOfCreditOrder.letter_of_credit_id == LetterOfCredit.id)
        .where(LetterOfCreditOrder.order_id.in_(order_ids))
        .order_by(LetterOfCredit.id)).first()


def letter_of_credit_of_order(order: Order) -> LetterOfCredit | None:
    return db.session.scalars(
        select(LetterOfCredit)
        .join(LetterOfCreditOrder, LetterOfCreditOrder.letter_of_credit_id == LetterOfCredit.id)
        .where(LetterOfCreditOrder.order_id == order.id)).first()


def required_kinds(credit: LetterOfCredit | None) -> list[str]:
    return [d["kind"] for d in (credit.required_documents if credit else [])]


def snapshot_of(credit: LetterOfCredit | None) -> dict[str, Any] | None:
    """What the shipment's papers print of its credit (plain JSON values)."""
    if credit is None:
        return None

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "number": credit.number, "issuing_bank": credit.issuing_bank,
        "advising_bank": credit.advising_bank, "issue_date": day(credit.issue_date),
        "expiry_date": day(credit.expiry_date), "expiry_place": credit.expiry_place,
        "latest_shipment_date": day(credit.latest_shipment_date),
        "amount": str(credit.amount), "currency": credit.currency,
        "tolerance_pct": _plain(credit.tolerance_pct),
        "partial_shipments": credit.partial_shipments, "transhipment": credit.transhipment,
        "presentation_days": credit.presentation_days,
        "required_documents": [{**d, "label": REQUIRED_DOCUMENT_KINDS.get(d["kind"], d["kind"])}
                               for d in credit.required_documents or []],
        "clauses": list(credit.clauses or []),
    }


def _plain(value: Decimal | None) -> str:
    return format((value or ZERO).normalize(), "f")


def shipped_under(credit: LetterOfCredit) -> Decimal:
    """What the credit's shipments amount to (replacements ship goods counted once)."""
    lines = db.session.scalars(
        select(ShipmentLine).join(OrderLine, ShipmentLine.order_line_id == OrderLine.id)
        .where(OrderLine.order_id.in_(credit.order_ids), ShipmentLine.replaces_line_id.is_(None))
        .options(selectinload(ShipmentLine.order_line))).all()
    return sum((line.amount for line in lines), ZERO)


def warnings_for(shipment: Shipment, credit: LetterOfCredit,
                 today: date | None = None) -> list[dict[str, str]]:
    """Each way the shipment breaks its credit, as ``{code, message}``."""
    today = today or utcnow().date()
    found: list[dict[str, str]] = []
    if credit.expiry_date < today:
        found.append({"code": "lc_expired", "message": str(_l(
            "Letter of credit %(number)s expired on %(date)s.", number=credit.number,
            date=credit.expiry_date.isoformat()))})
    shipped_on = shipment.etd or today
    if credit.latest_shipment_date and shipped_on > credit.latest_shipment_date:
        found.append({"code": "shipment_after_latest_date", "message": str(_l(
            "The shipment leaves on %(date)s, after the latest shipment date of the "
            "credit (%(latest)s).", date=shipped_on.isoformat(),
            latest=credit.latest_shipment_date.isoformat()))})
    total = shipped_under(credit)
    if total > credit.ceiling:
        found.append({"code": "amount_above_lc", "message": str(_l(
            "Shipments under the credit amount to %(total)s %(currency)s, above its "
            "%(amount)s plus %(tolerance)s%% (%(ceiling)s).", total=total,
            currency=credit.currency, amount=credit.amount,
            tolerance=_plain(credit.tolerance_pct), ceiling=credit.ceiling))})
    if not credit.partial_shipments and _is_partial(shipment, credit):
        found.append({"code": "partial_shipment_forbidden", "message": str(_l(
            "Letter of credit %(number)s does not allow partial shipments, and this "
            "shipment leaves goods of its orders behind (or follows another).",
            number=credit.number))})
    return found


def _is_partial(shipment: Shipment, credit: LetterOfCredit) -> bool:
    others = db.session.scalar(
        select(Shipment.id).join(ShipmentLine).where(
            Shipment.id != shipment.id, ShipmentLine.replaces_line_id.is_(None),
            ShipmentLine.order_line_id.in_(
                [line.id for order in credit.orders for line in order.lines])).limit(1))
    left_open = any(line.open_quantity > 0 for order in credit.orders for line in order.lines)
    return others is not None or left_open


def check_warnings(shipment: Shipment, acknowledged: list[str] | None,
                   actor) -> list[dict[str, str]]:
    """Refuse (409, the warnings listed) while a warning of the shipment's credit is not
    acknowledged; record the acknowledged ones (who, when, what it said) in the
    shipment's L/C history, its orders' history and the audit trail."""
    credit = letter_of_credit_of(shipment)
    if credit is None:
        return []
    warnings = warnings_for(shipment, credit)
    missing = [w for w in warnings if w["code"] not in set(acknowledged or [])]
    if missing:
        raise LcWarnings(
            str(_l("Letter of credit %(number)s: %(warnings)s Acknowledge to issue anyway.",
                   number=credit.number, warnings=" ".join(w["message"] for w in missing))),
            warnings=missing, letter_of_credit_id=credit.id,
            acknowledge_with={"acknowledge_warnings": [w["code"] for w in warnings]})
    if warnings:
        db.session.add(LetterOfCreditAcknowledgement(
            letter_of_credit_id=credit.id, shipment_id=shipment.id, warnings=warnings,
            user_id=actor.user.id if actor.user else None, at=utcnow()))
        record_audit("letter_of_credit.warnings_acknowledged", shipment,
                     company_id=shipment.supplier_company_id,
                     changes={"letter_of_credit": credit.number,
                              "warnings": [w["code"] for w in warnings]})
        for order in {line.order_line.order for line in shipment.lines}:
            record_event(order, "lc_warnings_acknowledged", actor,
                         shipment_number=shipment.number, number=credit.number,
                         warnings=[w["code"] for w in warnings])
        db.session.flush()
    return warnings


def acknowledgements_of(shipment: Shipment) -> list[LetterOfCreditAcknowledgement]:
    return list(db.session.scalars(
        select(LetterOfCreditAcknowledgement)
        .where(LetterOfCreditAcknowledgement.shipment_id == shipment.id)
        .order_by(LetterOfCreditAcknowledgement.id)))

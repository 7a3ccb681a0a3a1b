"""Discrepancies, computed: per order line and shipment line, what was shipped against
what the buyer counted (received, rejected). A row appears once goods were counted
and they differ from the shipment: short, over, or rejected. Their resolution (claim,
credit or debit note, replacement) is the ``Discrepancy`` row of the same key."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, literal, or_, select, type_coerce
from sqlalchemy.orm import joinedload

from marketplace.core.errors import NotFound
from marketplace.core.scoping import acting_company_id, visible
from marketplace.core.types import Quantity
from marketplace.extensions import db
from marketplace.fulfillment.models import Order, OrderLine, Shipment, ShipmentLine
from marketplace.fulfillment.queries import shipments_carrying
from marketplace.infrastructure.auth import Actor
from marketplace.supplier_link.models import (
    ClaimPhoto,
    Discrepancy,
    DiscrepancyStatus,
    GoodsReceipt,
    GoodsReceiptLine,
)

ZERO = Decimal(0)


@dataclass
class DiscrepancyFigures:
    order_id: int
    order_number: str
    order_line_id: int
    sku: str | None
    description: str
    unit: str
    unit_price: Decimal
    ordered: Decimal
    shipment_id: int | None
    shipment_number: str | None
    shipment_line_id: int | None
    shipped: Decimal
    received: Decimal
    rejected: Decimal
    case: Discrepancy | None

    @property
    def accepted(self) -> Decimal:
        return self.received - self.rejected

    @property
    def short(self) -> Decimal:
        return max(self.shipped - self.received, ZERO)

    @property
    def over(self) -> Decimal:
        return max(self.received - self.shipped, ZERO)

    @property
    def kinds(self) -> list[str]:
        return [kind for kind, quantity in (("short", self.short), ("over", self.over),
                                            ("rejected", self.rejected)) if quantity > 0]

    @property
    def claim_quantity(self) -> Decimal:
        """What the buyer claims: goods short and goods rejected (over-deliveries are
        the supplier's to take back or invoice, not a claim)."""
        return self.short + self.rejected

    @property
    def claim_amount(self) -> Decimal:
        return (self.claim_quantity * self.unit_price).quantize(Decimal("0.0001"))

    @property
    def status(self) -> str:
        return self.case.status if self.case is not None else DiscrepancyStatus.OPEN

    @property
    def id(self) -> int | None:
        return self.case.id if self.case is not None else None


def _counted(buyer_id: int, supplier_id: int | None, order_ids: list[int] | None):
    """What was counted per order line and shipment line, of this buyer's receipts only
    (filtered before grouping, so the sums never read other companies' receipts)."""
    quantity = Quantity()
    stmt = select(
        GoodsReceiptLine.order_line_id.label("order_line_id"),
        GoodsReceiptLine.shipment_line_id.label("shipment_line_id"),
        type_coerce(func.sum(GoodsReceiptLine.quantity_received), quantity).label("received"),
        type_coerce(func.sum(GoodsReceiptLine.quantity_rejected), quantity).label("rejected"),
    ).join(GoodsReceipt, GoodsReceipt.id == GoodsReceiptLine.receipt_id).where(
        GoodsReceipt.buyer_company_id == buyer_id)
    if supplier_id is not None:
        stmt = stmt.where(GoodsReceipt.supplier_company_id == supplier_id)
    if order_ids is not None:
        stmt = stmt.where(GoodsReceipt.order_id.in_(order_ids))
    return stmt.group_by(GoodsReceiptLine.order_line_id,
                         GoodsReceiptLine.shipment_line_id).subquery()


def discrepancies_stmt(*, buyer_id: int, supplier_id: int | None = None,
                       order_id: int | None = None, order_ids: list[int] | None = None,
                       include_closed: bool = True) -> Select:
    if order_id is not None:
        order_ids = [order_id] if order_ids is None else [i for i in order_ids if i == order_id]
    counted = _counted(buyer_id, supplier_id, order_ids)
    shipped = func.coalesce(ShipmentLine.quantity, type_coerce(literal(0), Quantity()))
    stmt = (
        select(Order.id, Order.number, OrderLine.id, OrderLine.sku, OrderLine.description,
               OrderLine.unit, OrderLine.unit_price, OrderLine.quantity, Shipment.id,
               Shipment.number, ShipmentLine.id, type_coerce(shipped, Quantity()),
               counted.c.received, counted.c.rejected, Discrepancy)
        .select_from(counted)
        .join(OrderLine, OrderLine.id == counted.c.order_line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .outerjoin(ShipmentLine, ShipmentLine.id == counted.c.shipment_line_id)
        .outerjoin(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .outerjoin(Discrepancy, and_(
            Discrepancy.order_line_id == counted.c.order_line_id,
            or_(Discrepancy.shipment_line_id == counted.c.shipment_line_id,
                and_(Discrepancy.shipment_line_id.is_(None),
                     counted.c.shipment_line_id.is_(None)))))
        .where(Order.buyer_company_id == buyer_id,
               or_(counted.c.received != shipped, counted.c.rejected > 0))
        .order_by(Order.id, Shipment.id, OrderLine.position, OrderLine.id))
    if supplier_id is not None:
        stmt = stmt.where(Order.supplier_company_id == supplier_id)
    if order_id is not None:
        stmt = stmt.where(Order.id == order_id)
    if order_ids is not None:
        stmt = stmt.where(Order.id.in_(order_ids))
    if not include_closed:
        stmt = stmt.where(or_(Discrepancy.id.is_(None),
                              Discrepancy.status != DiscrepancyStatus.CLOSED))
    return stmt


def figures(rows) -> list[DiscrepancyFigures]:
    return [DiscrepancyFigures(*row) for row in rows]


def discrepancies(**filters) -> list[DiscrepancyFigures]:
    return figures(db.session.execute(discrepancies_stmt(**filters)).all())


def discrepancy_of(order_line_id: int, shipment_line_id: int | None,
                   buyer_id: int) -> DiscrepancyFigures | None:
    stmt = discrepancies_stmt(buyer_id=buyer_id).where(OrderLine.id == order_line_id)
    stmt = stmt.where(ShipmentLine.id == shipment_line_id) if shipment_line_id is not None \
        else stmt.where(ShipmentLine.id.is_(None))
    found = figures(db.session.execute(stmt).all())
    return found[0] if found else None


def figures_of_case(case: Discrepancy) -> DiscrepancyFigures:
    """The figures of a discrepancy; once the goods match again (late goods), zeros."""
    found = discrepancy_of(case.order_line_id, case.shipment_line_id, case.buyer_company_id)
    if found is not None:
        found.case = case
        return found
    line, shipment_line = case.order_line, case.shipment_line
    shipped = shipment_line.quantity if shipment_line else ZERO
    return DiscrepancyFigures(
        case.order_id, case.order.number, line.id, line.sku, line.description, line.unit,
        line.unit_price, line.quantity, shipment_line.shipment_id if shipment_line else None,
        shipment_line.shipment.number if shipment_line else None,
        shipment_line.id if shipment_line else None, shipped, shipped, ZERO, case)


@dataclass
class ShipmentTotals:
    """A shipment's discrepancies summed: shipped vs received vs rejected."""

    shipment_id: int | None
    shipment_number: str | None
    lines: int = 0
    shipped: Decimal = ZERO
    received: Decimal = ZERO
    rejected: Decimal = ZERO
    short: Decimal = ZERO
    over: Decimal = ZERO
    claim_amount: Decimal = ZERO


def per_shipment(found: list[DiscrepancyFigures]) -> list[ShipmentTotals]:
    totals: dict[int | None, ShipmentTotals] = {}
    for item in found:
        total = totals.setdefault(item.shipment_id, ShipmentTotals(item.shipment_id,
                                                                   item.shipment_number))
        total.lines += 1
        total.shipped += item.shipped
        total.received += item.received
        total.rejected += item.rejected
        total.short += item.short
        total.over += item.over
        total.claim_amount += item.claim_amount
    return list(totals.values())


# ----- the cases, as each party sees them ----------------------------------------------------


def supplier_sees(case: Discrepancy) -> bool:
    """The supplier sees a discrepancy once claimed from it (it must answer), before
    that only while the buyer shares its discrepancies with it."""
    from marketplace.supplier_link.operations.sharing import sharing_of

    return case.claim_document_id is not None or sharing_of(
        case.buyer_company_id, case.supplier_company_id).shares("discrepancies")


def party_discrepancy(discrepancy_id: int, actor: Actor) -> Discrepancy:
    """A discrepancy of the acting company (buyer or supplier); else 404."""
    company_id = actor.company.id if actor.company else None
    case = db.session.get(Discrepancy, discrepancy_id) if 0 < discrepancy_id < 2**31 else None
    if case is None or company_id not in (case.buyer_company_id, case.supplier_company_id) \
            or (company_id != case.buyer_company_id and not supplier_sees(case)):
        raise NotFound(str(_l("Discrepancy %(id)s was not found.", id=discrepancy_id)))
    return case


def cases_of_party(order_id: int | None = None, limit: int = 500) -> list[Discrepancy]:
    """The discrepancies of the acting company (of one order, if named), newest first:
    as the buyer all of them, as the supplier those it sees (``supplier_sees``)."""
    company_id = acting_company_id()
    stmt = visible(Discrepancy, operator_sees_all=False)
    if order_id:
        stmt = stmt.where(Discrepancy.order_id == order_id)
    cases = db.session.scalars(stmt.order_by(Discrepancy.id.desc()).limit(limit)).all()
    return [case for case in cases if case.buyer_company_id == company_id
            or supplier_sees(case)]


def replacement_candidates(cases: list[Discrepancy]) -> dict[int, list[Shipment]]:
    """Per case, the shipments that could replace its goods (later ones of the supplier
    to the buyer carrying its order line), for the portal to offer by number."""
    rows = shipments_carrying({case.order_line_id for case in cases})
    if not rows:
        return {case.id: [] for case in cases}
    found: dict[int, list[Shipment]] = {}
    for case in cases:
        own = case.shipment_line.shipment_id if case.shipment_line else None
        found[case.id] = [shipment for line_id, shipment in rows
                          if line_id == case.order_line_id and shipment.id > (own or 0)
                          and shipment.supplier_company_id == case.supplier_company_id]
    return found


# ----- the personal office's work items --------------------------------------------------------


def open_cases(company_id: int, limit: int = 100) -> list[Discrepancy]:
    """Discrepancies not closed: the buyer's own (to claim or settle), and those a buyer
    claimed from the company as supplier (to answer)."""
    waiting = (Discrepancy.buyer_company_id == company_id) | (
        (Discrepancy.supplier_company_id == company_id)
        & Discrepancy.claim_document_id.is_not(None))
    return list(db.session.scalars(
        select(Discrepancy).where(waiting, Discrepancy.status != DiscrepancyStatus.CLOSED)
        .options(joinedload(Discrepancy.order), joinedload(Discrepancy.order_line))
        .order_by(Discrepancy.created_at, Discrepancy.id).limit(limit)))


def _work_items(actor):
    from flask import url_for

    from marketplace.infrastructure.office import WorkItem

    if actor.company is None or not actor.can("supplier_link.view"):
        return []
    return [WorkItem(kind="discrepancy_open", title=case.order.number,
                     detail=f"{case.order_line.sku or case.order_line.description}",
                     since=case.created_at, document_id=case.claim_document_id,
                     link=url_for("supplier_link.discrepancies", order_id=case.order_id))
            for case in open_cases(actor.company.id)]


def _register_work_items() -> None:
    from marketplace.infrastructure.office import register_work_items

    register_work_items(_work_items)


_register_work_items()


def claim_photo(case: Discrepancy, photo_id: int) -> ClaimPhoto:
    """One photo of the claim on a discrepancy the actor is a party to (``case`` comes
    from ``party_discrepancy``); any other id is 404."""
    found = next((photo for photo in case.claim_photos if photo.id == photo_id), None)
    if found is None or found.media is None:
        raise NotFound(str(_l("Photo %(id)s was not found.", id=photo_id)))
    return found

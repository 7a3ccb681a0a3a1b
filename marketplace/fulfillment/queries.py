"""Fulfillment's reads, always scoped to the acting company (a party of the order,
shipment or invoice): another company's record is simply not found."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import selectinload

from marketplace.content.models import Product
from marketplace.core.errors import NotFound
from marketplace.core.scoping import acting_company_id, get_visible, visibility_clause, visible
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import (
    Invoice,
    InvoiceStatus,
    LetterOfCreditClauses,
    NoteAllocation,
    Order,
    OrderLine,
    OrderStatus,
    PaymentAdvice,
    Shipment,
    ShipmentLine,
    ShippingDocument,
)
from marketplace.workflow import made
from marketplace.workflow.models import Document, DocumentLine

AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def _role_clause(model, role: str | None):
    company_id = acting_company_id()
    if role == "buyer":
        return model.buyer_company_id == company_id
    if role == "supplier":
        return model.supplier_company_id == company_id
    return None


# ----- orders ---------------------------------------------------------------------------------


def orders(*, role: str | None = None, status: str | None = None,
           counterparty_id: int | None = None) -> Select:
    stmt = visible(Order, operator_sees_all=False).options(
        selectinload(Order.lines), selectinload(Order.buyer), selectinload(Order.supplier))
    clause = _role_clause(Order, role)
    if clause is not None:
        stmt = stmt.where(clause)
    if status:
        stmt = stmt.where(Order.status == status)
    if counterparty_id:
        stmt = stmt.where((Order.buyer_company_id == counterparty_id)
                          | (Order.supplier_company_id == counterparty_id))
    return stmt.order_by(Order.id.desc())


def order(order_id: int) -> Order:
    return get_visible(Order, order_id)


def orders_by_ids(order_ids: list[int]) -> list[Order]:
    """Each named order, visible to the acting company (404 on the first that is not)."""
    return [order(order_id) for order_id in dict.fromkeys(order_ids)]


def mergeable_with(order: Order) -> list[Order]:
    """The acting supplier's other open orders that could merge with ``order``."""
    from marketplace.fulfillment.operations.orders import FINISHED

    return list(db.session.scalars(select(Order).where(
        Order.supplier_company_id == acting_company_id(), Order.id != order.id,
        Order.buyer_company_id == order.buyer_company_id, Order.currency == order.currency,
        Order.merged_into_id.is_(None), Order.status.not_in(list(FINISHED)))
        .order_by(Order.id).limit(50)))


def origin_numbers(order: Order) -> dict[int, str]:
    """The numbers of the orders this order's lines were merged or split from (orders
    between the same two parties), by id: the history names them as people do."""
    ids = {line.origin_order_id for line in order.lines if line.origin_order_id}
    if not ids:
        return {}
    rows = db.session.execute(select(Order.id, Order.number).where(
        Order.id.in_(ids), Order.buyer_company_id == order.buyer_company_id,
        Order.supplier_company_id == order.supplier_company_id))
    return {row.id: row.number for row in rows}


def shipments_of_order(order: Order) -> list[Shipment]:
    line_ids = select(OrderLine.id).where(OrderLine.order_id == order.id)
    return list(db.session.scalars(select(Shipment).where(Shipment.id.in_(
        select(ShipmentLine.shipment_id).where(ShipmentLine.order_line_id.in_(line_ids))))
        .order_by(Shipment.id)))


def documents_of_order(order: Order) -> list[Document]:
    """Its purchase orders (also those of orders merged into it), then the shipping
    documents of its shipments; only those the acting company may see."""
    po_ids = select(DocumentLine.document_id).where(DocumentLine.id.in_(
        [line.purchase_order_line_id for line in order.lines if line.purchase_order_line_id]))
    shipment_ids = [s.id for s in shipments_of_order(order)]
    doc_ids = select(ShippingDocument.document_id).where(
        ShippingDocument.shipment_id.in_(shipment_ids))
    stmt = visible(Document, operator_sees_all=False).where(
        Document.id.in_(po_ids) | Document.id.in_(doc_ids)
        | (Document.id == order.purchase_order_id))
    return list(db.session.scalars(stmt.order_by(Document.id)))


def open_orders_as_buyer(limit: int = 200) -> list[Order]:
    """The acting company's orders as the buyer that goods may still arrive on (not
    merged away, cancelled or closed), newest first."""
    return list(db.session.scalars(select(Order).where(
        Order.buyer_company_id == acting_company_id(), Order.merged_into_id.is_(None),
        Order.status.not_in((OrderStatus.CANCELLED, OrderStatus.CLOSED)))
        .order_by(Order.id.desc()).limit(limit)))


def order_of_party(order_id: int, company_id: int | None) -> Order | None:
    """The order when ``company_id`` is its buyer or supplier; else None (an id out of
    range too), for the caller to refuse in its own words."""
    found = db.session.get(Order, order_id) if 0 < order_id < 2**31 else None
    if found is None or company_id not in (found.buyer_company_id, found.supplier_company_id):
        return None
    return found


def ordered_product_ids(buyer_id: int) -> Select:
    """The ids of the products on the buyer's orders, as a subquery."""
    return select(OrderLine.product_id).join(Order, OrderLine.order_id == Order.id).where(
        Order.buyer_company_id == buyer_id)


def trade_between(buyer_id, supplier_id):
    """True in SQL when the two companies (ids or columns) have an order between them."""
    return exists().where(Order.buyer_company_id == buyer_id,
                          Order.supplier_company_id == supplier_id)


# ----- shipments ------------------------------------------------------------------------------


def shipments(*, role: str | None = None, status: str | None = None,
              order_id: int | None = None) -> Select:
    stmt = visible(Shipment, operator_sees_all=False).options(
        selectinload(Shipment.lines).selectinload(ShipmentLine.order_line),
        selectinload(Shipment.buyer), selectinload(Shipment.supplier))
    clause = _role_clause(Shipment, role)
    if clause is not None:
        stmt = stmt.where(clause)
    if status:
        stmt = stmt.where(Shipment.status == status)
    if order_id:
        stmt = stmt.where(Shipment.id.in_(select(ShipmentLine.shipment_id).join(
            OrderLine, OrderLine.id == ShipmentLine.order_line_id).where(
            OrderLine.order_id == order_id)))
    return stmt.order_by(Shipment.id.desc())


def shipment(shipment_id: int) -> Shipment:
    return get_visible(Shipment, shipment_id)


def shipment_lines_by_ids(line_ids: list[int]) -> dict[int, ShipmentLine]:
    """Each named shipped line, of a shipment visible to the acting company (404 on the
    first that is not), by id."""
    found = {}
    for line_id in dict.fromkeys(line_ids):
        line = db.session.scalars(
            select(ShipmentLine).join(Shipment, Shipment.id == ShipmentLine.shipment_id)
            .where(ShipmentLine.id == line_id, visibility_clause(Shipment, acting_company_id()))
        ).first()
        if line is None:
            raise NotFound(str(_l("Shipment line %(id)s was not found.", id=line_id)))
        found[line_id] = line
    return found


def shipment_of_buyer(shipment_id: int | None, buyer_id: int) -> Shipment | None:
    """The shipment when it goes to ``buyer_id``; else None (an id out of range too)."""
    found = db.session.get(Shipment, shipment_id) if shipment_id and \
        0 < shipment_id < 2**31 else None
    return found if found is not None and found.buyer_company_id == buyer_id else None


def shipment_lines_of(order_line_id: int, shipment_id: int | None = None) -> list[ShipmentLine]:
    """The shipped lines of an order line (of one shipment, if named), oldest first."""
    stmt = select(ShipmentLine).where(ShipmentLine.order_line_id == order_line_id) \
        .order_by(ShipmentLine.shipment_id, ShipmentLine.id)
    if shipment_id is not None:
        stmt = stmt.where(ShipmentLine.shipment_id == shipment_id)
    return list(db.session.scalars(stmt))


def shipments_carrying(order_line_ids: set[int]) -> list[tuple[int, Shipment]]:
    """``(order line id, shipment)`` for every shipment carrying goods of these order
    lines, newest shipment first."""
    if not order_line_ids:
        return []
    return [tuple(row) for row in db.session.execute(
        select(ShipmentLine.order_line_id, Shipment).join(
            Shipment, Shipment.id == ShipmentLine.shipment_id).where(
            ShipmentLine.order_line_id.in_(order_line_ids)).order_by(Shipment.id.desc()))]


def open_lines(buyer_id: int) -> list[OrderLine]:
    """The acting supplier's order lines still to ship to ``buyer_id``, oldest first."""
    from marketplace.fulfillment.operations.orders import FINISHED

    stmt = (select(OrderLine).join(Order, Order.id == OrderLine.order_id).where(
        Order.supplier_company_id == acting_company_id(), Order.buyer_company_id == buyer_id,
        Order.merged_into_id.is_(None), Order.status.not_in(list(FINISHED)),
        OrderLine.shipped_quantity < OrderLine.quantity)
        .order_by(Order.id, OrderLine.position))
    return list(db.session.scalars(stmt))


# What the buyer accepted of a shipped line (received less rejected) is counted by the
# module that keeps goods receipts, above this one: it registers how at import, so
# fulfillment never imports it. Nothing registered: nothing was accepted.
_acceptance_counts: list[Callable[[ShipmentLine], Decimal]] = []


def register_acceptance_count(count: Callable[[ShipmentLine], Decimal]) -> None:
    if count not in _acceptance_counts:
        _acceptance_counts.append(count)


def accepted_quantity(line: ShipmentLine) -> Decimal:
    """What the buyer's goods receipts accepted of this shipped line."""
    return sum((count(line) for count in _acceptance_counts), Decimal(0))


# ----- invoices -------------------------------------------------------------------------------


def invoices(*, side: str, status: str | None = None, counterparty_id: int | None = None,
             aging_bucket: str | None = None) -> Select:
    """Receivables (``side="supplier"``) or payables (``side="buyer"``) of the acting
    company, soonest due first."""
    stmt = visible(Invoice, operator_sees_all=False).where(_role_clause(Invoice, side)).options(
        selectinload(Invoice.buyer), selectinload(Invoice.supplier),
        selectinload(Invoice.payments), selectinload(Invoice.advices),
        selectinload(Invoice.note_allocations).selectinload(NoteAllocation.settlement))
    if status == "unpaid":
        stmt = stmt.where(Invoice.status != InvoiceStatus.PAID)
    elif status:
        stmt = stmt.where(Invoice.status == status)
    if counterparty_id:
        other = Invoice.buyer_company_id if side == "supplier" else Invoice.supplier_company_id
        stmt = stmt.where(other == counterparty_id)
    if aging_bucket:
        stmt = stmt.where(Invoice.id.in_(_ids_in_bucket(side, aging_bucket)))
    return stmt.order_by(Invoice.due_date, Invoice.id)


def _ids_in_bucket(side: str, bucket: str) -> list[int]:
    from datetime import timedelta

    today = utcnow().date()
    bounds = {"1-30": (1, 30), "31-60": (31, 60), "61-90": (61, 90), "90+": (91, None)}
    base = select(Invoice.id).where(_role_clause(Invoice, side))
    if bucket == "current":
        stmt = base.where((Invoice.status == InvoiceStatus.PAID) | (Invoice.due_date >= today))
    else:
        low, high = bounds[bucket]
        stmt = base.where(Invoice.status != InvoiceStatus.PAID,
                          Invoice.due_date <= today - timedelta(days=low))
        if high is not None:
            stmt = stmt.where(Invoice.due_date >= today - timedelta(days=high))
    return list(db.session.scalars(stmt))


def invoice(invoice_id: int) -> Invoice:
    return get_visible(Invoice, invoice_id)


def aging(side: str) -> dict[str, dict]:
    """Unpaid balance per counterparty and aging bucket, with totals per bucket:
    ``{"buckets": {bucket: {currency: amount}}, "by_company": [...]}``."""
    today = utcnow().date()
    rows = db.session.scalars(invoices(side=side, status="unpaid")).all()
    buckets: dict[str, dict[str, Decimal]] = {b: defaultdict(Decimal) for b in AGING_BUCKETS}
    by_company: dict[int, dict] = {}
    for row in rows:
        party = row.buyer if side == "supplier" else row.supplier
        bucket = row.aging_bucket(today)
        buckets[bucket][row.currency] += row.balance
        entry = by_company.setdefault(party.id, {
            "company": party, "buckets": {b: defaultdict(Decimal) for b in AGING_BUCKETS},
            "total": defaultdict(Decimal)})
        entry["buckets"][bucket][row.currency] += row.balance
        entry["total"][row.currency] += row.balance
    return {"buckets": buckets, "by_company": sorted(by_company.values(),
                                                     key=lambda e: e["company"].name)}


# ----- L/C clauses ----------------------------------------------------------------------------


def buyers_of_supplier() -> list:
    """The companies the acting supplier has orders from, by name."""
    from marketplace.infrastructure.models import Company

    return list(db.session.scalars(select(Company).where(Company.id.in_(
        select(Order.buyer_company_id).where(Order.supplier_company_id == acting_company_id())))
        .order_by(Company.name)))


def lc_clauses() -> list[LetterOfCreditClauses]:
    return list(db.session.scalars(select(LetterOfCreditClauses).where(
        LetterOfCreditClauses.company_id == acting_company_id()).order_by(
        LetterOfCreditClauses.buyer_company_id.is_not(None), LetterOfCreditClauses.id)))


# ----- the demo --------------------------------------------------------------------------------


def priced_products(company_id: int, limit: int = 3) -> list[Product]:
    """The company's first ``limit`` products (by id) that have a price: what the demo's
    buyers order."""
    return [product for product in db.session.scalars(select(Product).where(
        Product.company_id == company_id).order_by(Product.id)) if product.price_tiers][:limit]


# A purchase order in one of these was never accepted (none leads back from accepted).
NEVER_ACCEPTED = frozenset({"draft", "pending_approval", "sent", "declined", "cancelled"})


def order_of_purchase_order(document_id: int, document=None) -> Order | None:
    """The order an accepted purchase order opened, if any. With the ``document``: one
    never accepted has none (its acceptance opens it: a send's answer reads nothing),
    and one made in this transaction is looked for in the session only (no other can
    have opened an order of it)."""
    if document is not None:
        if document.status in NEVER_ACCEPTED:
            return None
        known = made.pointing_at_new(document, Order, purchase_order_id=document_id)
        if known is not None:
            return known[0] if known else None
    return db.session.scalar(select(Order).where(Order.purchase_order_id == document_id))


def any_order(buyer_id: int | None = None) -> bool:
    """True when an order exists (of this buyer, if named)."""
    stmt = select(Order.id)
    if buyer_id is not None:
        stmt = stmt.where(Order.buyer_company_id == buyer_id)
    return db.session.scalar(stmt.limit(1)) is not None


# ----- the personal office's work items --------------------------------------------------------

# The papers a shipment travels with; a shipment lacking one still has work to do.
SHIPPING_PAPERS = ("commercial-invoice", "packing-list", "shipping-advice")


def orders_to_ship(company_id: int, limit: int = 100) -> list[Order]:
    """The supplier's orders with goods not yet shipped, oldest first."""
    return list(db.session.scalars(
        select(Order).where(Order.supplier_company_id == company_id,
                            Order.status.in_(("open", "partially_shipped")))
        .options(selectinload(Order.buyer), selectinload(Order.lines))
        .order_by(Order.created_at).limit(limit)))


def shipments_without_documents(company_id: int, limit: int = 100) -> list[Shipment]:
    """The supplier's shipments missing a commercial invoice, packing list or advice."""
    complete = (select(ShippingDocument.shipment_id)
                .where(ShippingDocument.kind.in_(SHIPPING_PAPERS))
                .group_by(ShippingDocument.shipment_id)
                .having(func.count(func.distinct(ShippingDocument.kind)) == len(SHIPPING_PAPERS)))
    return list(db.session.scalars(
        select(Shipment).where(Shipment.supplier_company_id == company_id,
                               Shipment.id.not_in(complete))
        .options(selectinload(Shipment.buyer)).order_by(Shipment.created_at).limit(limit)))


def overdue_invoices(company_id: int, limit: int = 100) -> list[Invoice]:
    """Unpaid invoices past their due date, that the company owes or is owed."""
    return list(db.session.scalars(
        select(Invoice).where(Invoice.visible_to(company_id),
                              Invoice.status != InvoiceStatus.PAID,
                              Invoice.due_date < utcnow().date())
        .options(selectinload(Invoice.buyer), selectinload(Invoice.supplier))
        .order_by(Invoice.due_date, Invoice.id).limit(limit)))


def _work_items(actor):
    from datetime import UTC, datetime, time

    from flask import url_for

    from marketplace.infrastructure.office import WorkItem

    company = actor.company
    if company is None or not actor.can("fulfillment.view"):
        return []
    items = []
    if company.is_supplier and actor.can("fulfillment.manage"):
        for order in orders_to_ship(company.id):
            requested = [line.requested_delivery_date for line in order.lines
                         if line.requested_delivery_date and line.open_quantity > 0]
            items.append(WorkItem(
                kind="order_to_ship", title=order.number, detail=order.buyer.name,
                link=url_for("fulfillment.order", order_id=order.id), since=order.created_at,
                due_at=datetime.combine(min(requested), time.min, UTC) if requested else None))
        for shipment in shipments_without_documents(company.id):
            items.append(WorkItem(
                kind="shipment_without_documents", title=shipment.number,
                detail=shipment.buyer.name, since=shipment.created_at,
                link=url_for("fulfillment.shipment", shipment_id=shipment.id)))
    for invoice in overdue_invoices(company.id):
        owed_to_us = invoice.supplier_company_id == company.id
        if not actor.can("payments.record" if owed_to_us else "payments.pay"):
            continue  # not theirs to chase or to pay
        due = datetime.combine(invoice.due_date, time.min, UTC)
        items.append(WorkItem(
            kind="invoice_overdue", title=invoice.number, since=due, due_at=due,
            document_id=invoice.document_id,
            detail=f"{(invoice.buyer if owed_to_us else invoice.supplier).name} · "
                   f"{invoice.currency} {invoice.balance:,.2f}",
            link=url_for("fulfillment.receivables" if owed_to_us else "fulfillment.payables")))
    return items


def _register_work_items() -> None:
    from marketplace.infrastructure.office import register_work_items

    register_work_items(_work_items)


_register_work_items()


# ----- payment advices ------------------------------------------------------------------------


def payment_advices(*, side: str, status: str | None = None) -> Select:
    """The acting company's payment advices: the buyer's sent, the supplier's received;
    waiting ones first, newest first."""
    from sqlalchemy import case

    stmt = visible(PaymentAdvice, operator_sees_all=False).where(
        _role_clause(PaymentAdvice, side)).options(
        selectinload(PaymentAdvice.invoice).selectinload(Invoice.buyer),
        selectinload(PaymentAdvice.invoice).selectinload(Invoice.supplier))
    if status:
        stmt = stmt.where(PaymentAdvice.status == status)
    waiting = case((PaymentAdvice.status == "recorded", 0), else_=1)
    return stmt.order_by(waiting, PaymentAdvice.id.desc())


def payment_advice(advice_id: int) -> PaymentAdvice:
    return get_visible(PaymentAdvice, advice_id)


# ----- shipping papers ------------------------------------------------------------------------


def printed_revision_of(document_id: int) -> ShippingDocument | None:
    """The latest printed revision of a shipment's document made as engine document
    ``document_id`` (None: the engine document was not made from a shipment)."""
    return db.session.scalar(select(ShippingDocument)
                             .where(ShippingDocument.document_id == document_id)
                             .order_by(ShippingDocument.revision.desc()).limit(1))


def issued_pay_to(invoice) -> tuple[bool, dict | None]:
    """The bank details kept with the latest revision of the invoice's commercial
    invoice: (True, details or None) when that revision kept them, (False, None) when
    it was issued before they were kept."""
    printed = db.session.scalar(
        select(ShippingDocument).where(ShippingDocument.shipment_id == invoice.shipment_id,
                                       ShippingDocument.kind == "commercial-invoice")
        .order_by(ShippingDocument.revision.desc()).limit(1))
    if printed is None or "pay_to" not in (printed.snapshot or {}):
        return False, None
    return True, printed.snapshot["pay_to"]


def products_by_ids(product_ids: set[int]) -> dict[int, Product]:
    """Products named on a document's lines, for their customs and packing data."""
    if not product_ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Product).where(
        Product.id.in_(product_ids)))}

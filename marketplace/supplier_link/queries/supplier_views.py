"""The supplier's views of one buyer. Each reads only rows naming both the buyer and
the acting supplier (in SQL), and only once the buyer shares that view with it.

Each view is a function ``(supplier_id, buyer_id, args, page, per_page) -> Page`` of
plain rows (dicts or objects the view's schema dumps); ``per_page=None`` answers every
row, for the exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, type_coerce
from sqlalchemy.orm import selectinload

from marketplace.core.errors import Forbidden
from marketplace.core.pagination import Page, capped_count
from marketplace.core.types import Quantity, utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import (
    Invoice,
    InvoiceStatus,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentLine,
)
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.models import Company
from marketplace.supplier_link.models import (
    VIEWS,
    GoodsReceipt,
    GoodsReceiptLine,
    ReturnLine,
    ReturnRequest,
    SharingSetting,
)
from marketplace.supplier_link.operations.sharing import sharing_of
from marketplace.supplier_link.queries import discrepancies as discrepancy_queries
from marketplace.supplier_link.queries import sales_inventory as statistics
from marketplace.supplier_link.queries.parties import acting_company, linked_company
from marketplace.workflow.models import Document

MAX_EXPORT_ROWS = 100_000
ZERO = Decimal(0)
# Orders in these states owe nothing more.
FINISHED = (OrderStatus.CLOSED, OrderStatus.CANCELLED)


@dataclass
class SupplierView:
    supplier: Company
    buyer: Company
    setting: SharingSetting
    view: str


def open_view(buyer_id: int, view: str) -> SupplierView:
    """The acting supplier's view of a buyer: 404 when they do not trade (never a hint
    the buyer exists), 403 when the buyer does not share this view with it."""
    supplier = acting_company()
    if not supplier.is_supplier:
        raise Forbidden(str(_l("These views are for suppliers: your company does not sell "
                               "on the marketplace.")))
    actor = current_actor()
    if not actor.can("supplier_link.view"):
        raise Forbidden(str(_l("Your role does not allow this.")))
    buyer = linked_company(buyer_id, of=supplier, as_buyer=True)
    setting = sharing_of(buyer.id, supplier.id)
    if not setting.shares(view):
        raise Forbidden(str(_l("%(buyer)s does not share “%(view)s” with you.",
                               buyer=buyer.name, view=VIEWS[view])))
    return SupplierView(supplier, buyer, setting, view)


def shared_views(buyer_id: int, supplier_id: int) -> list[str]:
    setting = sharing_of(buyer_id, supplier_id)
    return [view for view in VIEWS if setting.shares(view)]


def buyers_of(supplier: Company) -> list[Company]:
    """The buyers that trade with this supplier (for the portal's list)."""
    from marketplace.supplier_link.queries.parties import linked

    return list(db.session.scalars(select(Company).where(
        Company.id != supplier.id, linked(Company.id, supplier.id)).order_by(Company.name)))


def suppliers_of(buyer: Company) -> list[Company]:
    """The suppliers this buyer trades with (for its sharing settings)."""
    from marketplace.supplier_link.queries.parties import linked

    return list(db.session.scalars(select(Company).where(
        Company.id != buyer.id, Company.is_supplier, linked(buyer.id, Company.id))
        .order_by(Company.name)))


# ----- paging rows ----------------------------------------------------------------------------


def page_of(stmt: Select, page: int, per_page: int | None, *, scalars: bool = False,
            convert: Callable[[Any], Any] | None = None) -> Page:
    # A page counts up to the lists' cap (core/pagination.py); an export (no per_page)
    # reads its rows anyway and counts them all.
    total, capped = capped_count(stmt) if per_page else (db.session.scalar(
        select(func.count()).select_from(stmt.order_by(None).subquery())) or 0, False)
    limited = stmt.limit(per_page or MAX_EXPORT_ROWS).offset((page - 1) * (per_page or 0))
    result = db.session.scalars(limited) if scalars else db.session.execute(limited)
    rows = [convert(row) if convert else row for row in result.all()]
    return Page(items=rows, total=total, page=page, per_page=per_page or total,
                total_capped=capped)


def _orders(sv: SupplierView) -> Select:
    return select(Order).where(Order.buyer_company_id == sv.buyer.id,
                               Order.supplier_company_id == sv.supplier.id,
                               Order.merged_into_id.is_(None))


def _lines(sv: SupplierView) -> Select:
    return select(OrderLine, Order).join(Order, Order.id == OrderLine.order_id).where(
        Order.buyer_company_id == sv.buyer.id, Order.supplier_company_id == sv.supplier.id,
        Order.merged_into_id.is_(None))


# ----- the views ------------------------------------------------------------------------------


def order_status(sv: SupplierView, args: dict, page: int, per_page: int | None) -> Page:
    stmt = _orders(sv).options(selectinload(Order.lines)).order_by(Order.created_at.desc(),
                                                                   Order.id.desc())
    if args.get("status"):
        stmt = stmt.where(Order.status == args["status"])
    return page_of(stmt, page, per_page, scalars=True, convert=_order_row)


def _order_row(order: Order) -> dict:
    lines = order.lines
    return {"order_id": order.id, "number": order.number, "status": order.status,
            "currency": order.currency, "created_at": order.created_at,
            "total_amount": order.total_amount, "lines": len(lines),
            "quantity": sum((line.quantity for line in lines), ZERO),
            "shipped_quantity": sum((line.shipped_quantity for line in lines), ZERO),
            "received_quantity": sum((line.received_quantity for line in lines), ZERO),
            "requested_delivery_date": min((line.requested_delivery_date for line in lines
                                            if line.requested_delivery_date), default=None)}


def _line_row(row, uncounted: dict[int, Decimal], today: date | None = None) -> dict:
    line, order = row
    today = today or utcnow().date()
    due = line.requested_delivery_date
    return {"order_id": order.id, "order_number": order.number, "order_line_id": line.id,
            "product_id": line.product_id, "sku": line.sku, "description": line.description,
            "unit": line.unit, "quantity": line.quantity,
            "shipped_quantity": line.shipped_quantity,
            "received_quantity": line.received_quantity,
            "not_shipped": max(line.quantity - line.shipped_quantity, ZERO),
            "in_transit": _in_transit_of(line, uncounted),
            "outstanding": max(line.quantity - line.received_quantity, ZERO),
            "requested_delivery_date": due,
            "days_late": (today - due).days if due and due < today else 0}


def shortages(sv: SupplierView, args: dict, page: int, per_page: int | None) -> Page:
    """Ordered but not shipped, past the requested delivery date."""
    stmt = _lines(sv).where(Order.status.not_in(FINISHED),
                            OrderLine.requested_delivery_date < utcnow().date(),
                            OrderLine.shipped_quantity < OrderLine.quantity) \
        .order_by(OrderLine.requested_delivery_date, Order.id, OrderLine.position)
    return _line_rows(sv, page_of(stmt, page, per_page))


def outstanding(sv: SupplierView, args: dict, page: int, per_page: int | None) -> Page:
    """Lines not yet delivered in full (received less than ordered)."""
    stmt = _lines(sv).where(Order.status.not_in(FINISHED),
                            OrderLine.received_quantity < OrderLine.quantity) \
        .order_by(Order.id, OrderLine.position, OrderLine.id)
    return _line_rows(sv, page_of(stmt, page, per_page))


def _line_rows(sv: SupplierView, found: Page) -> Page:
    uncounted = _uncounted(sv.supplier.id, sv.buyer.id)
    found.items = [_line_row(row, uncounted) for row in found.items]
    return found


def receipts(sv: SupplierView, args: dict, page: int, per_page: int | None) -> Page:
    stmt = (select(GoodsReceiptLine, GoodsReceipt, OrderLine, Order.number, Shipment.id,
                   Shipment.number)
            .join(GoodsReceipt, GoodsReceipt.id == GoodsReceiptLine.receipt_id)
            .join(OrderLine, OrderLine.id == GoodsReceiptLine.order_line_id)
            .join(Order, Order.id == GoodsReceipt.order_id)
            .outerjoin(ShipmentLine, ShipmentLine.id == GoodsReceiptLine.shipment_line_id)
            .outerjoin(Shipment, Shipment.id == ShipmentLine.shipment_id)
            .where(GoodsReceipt.buyer_company_id == sv.buyer.id,
                   GoodsReceipt.supplier_company_id == sv.supplier.id)
            .order_by(GoodsReceipt.received_on.desc(), GoodsReceiptLine.id.desc()))
    return page_of(stmt, page, per_page, convert=_receipt_row)


def _receipt_row(row) -> dict:
    line, receipt, order_line, order_number, shipment_id, shipment_number = row
    return {"receipt_id": receipt.id, "received_on": receipt.received_on,
            "order_id": receipt.order_id, "order_number": order_number,
            "shipment_id": shipment_id,
            "shipment_number": shipment_number, "order_line_id": order_line.id,
            "sku": order_line.sku, "description": order_line.description,
            "unit": order_line.unit, "quantity_received": line.quantity_received,
            "quantity_rejected": line.quantity_rejected,
            "quantity_accepted": line.quantity_accepted,
            "reason": line.reason.value if line.reason else None}


def discrepancies(sv: SupplierView, args: dict, page: int, per_page: int | None) -> Page:
    stmt = discrepancy_queries.discrepancies_stmt(
        buyer_id=sv.buyer.id, supplier_id=sv.supplier.id,
        include_closed=args.get("include_closed", True))
    return page_of(stmt, page, per_page,
                   convert=lambda row: discrepancy_queries.DiscrepancyFigures(*row))


def returns(sv: SupplierView, args: dict, page: int, per_page: int | None) -> Page:
    stmt = (select(ReturnLine, ReturnRequest, OrderLine, Order.number, Document)
            .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
            .join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
            .join(Order, Order.id == ReturnRequest.order_id)
            .outerjoin(Document, Document.id == ReturnRequest.document_id)
            .where(ReturnRequest.buyer_company_id == sv.buyer.id,
                   ReturnRequest.supplier_company_id == sv.supplier.id)
            .order_by(ReturnRequest.created_at.desc(), ReturnLine.id))
    return page_of(stmt, page, per_page, convert=return_row)


def return_row(row) -> dict:
    line, request, order_line, order_number, document = row
    return {"return_id": request.id, "requested_at": request.created_at,
            "order_id": request.order_id, "order_number": order_number,
            "document_id": document.id if document else None,
            "document_number": document.number if document else None,
            "status": document.status if document else None,
            "order_line_id": order_line.id, "sku": order_line.sku,
            "description": order_line.description, "unit": order_line.unit,
            "quantity": line.quantity, "reason": line.reason.value}


def payables(sv: SupplierView, args: dict, page: int, per_page: int | None) -> Page:
    """What the buyer owes the supplier: open invoices, what was paid and when."""
    stmt = (select(Invoice).options(selectinload(Invoice.payments))
            .where(Invoice.buyer_company_id == sv.buyer.id,
                   Invoice.supplier_company_id == sv.supplier.id)
            .order_by(Invoice.due_date, Invoice.id))
    if not args.get("include_paid"):
        stmt = stmt.where(Invoice.status != InvoiceStatus.PAID)
    return page_of(stmt, page, per_page, scalars=True, convert=payable_row)


def payable_row(invoice: Invoice) -> dict:
    today = utcnow().date()
    return {"invoice_id": invoice.id, "number": invoice.number, "status": invoice.status,
            "currency": invoice.currency, "amount": invoice.amount,
            "paid": invoice.paid_amount, "credited": invoice.credited_amount or 0,
            "debited": invoice.debited_amount or 0, "balance": invoice.balance,
            "issued_on": invoice.issued_on, "due_date": invoice.due_date,
            "days_overdue": max((today - invoice.due_date).days, 0) if invoice.balance > 0
            else 0, "aging_bucket": invoice.aging_bucket(today),
            "last_paid_at": max((p.received_at for p in invoice.payments), default=None),
            "payments": [{"amount": p.amount, "method": p.method, "received_at": p.received_at,
                          "reference": p.reference} for p in invoice.payments]}


def _uncounted(supplier_id: int, buyer_id: int) -> dict[int, Decimal]:
    """Per order line (open orders), what its shipments carry that no receipt has counted
    yet. A counted shipment line has arrived: what it lacks (short, rejected) is a
    discrepancy, not goods on the way."""
    counted = select(GoodsReceiptLine.id).where(
        GoodsReceiptLine.shipment_line_id == ShipmentLine.id).exists()
    quantity = type_coerce(func.sum(ShipmentLine.quantity), Quantity())
    stmt = (select(ShipmentLine.order_line_id, quantity)
            .join(OrderLine, OrderLine.id == ShipmentLine.order_line_id)
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.buyer_company_id == buyer_id, Order.supplier_company_id == supplier_id,
                   Order.merged_into_id.is_(None), Order.status.not_in(FINISHED), ~counted)
            .group_by(ShipmentLine.order_line_id))
    return {line_id: value for line_id, value in db.session.execute(stmt)}


def _in_transit_of(line: OrderLine, uncounted: dict[int, Decimal]) -> Decimal:
    """Shipped, not yet counted; never more than shipped minus received (goods counted
    without naming their shipment)."""
    return max(min(uncounted.get(line.id, ZERO),
                   line.shipped_quantity - line.received_quantity), ZERO)


def in_transit(supplier_id: int, buyer_id: int, product_ids: list[int] | None = None
               ) -> dict[int, Decimal]:
    """Per product, what was shipped to the buyer and not yet counted (open orders)."""
    uncounted = _uncounted(supplier_id, buyer_id)
    if not uncounted:
        return {}
    stmt = select(OrderLine).where(OrderLine.id.in_(list(uncounted)),
                                   OrderLine.product_id.is_not(None))
    if product_ids is not None:
        stmt = stmt.where(OrderLine.product_id.in_(product_ids))
    found: dict[int, Decimal] = {}
    for line in db.session.scalars(stmt):
        found[line.product_id] = found.get(line.product_id, ZERO) + _in_transit_of(line,
                                                                                   uncounted)
    return {product_id: value for product_id, value in found.items() if value > 0}


def sales_inventory(sv: SupplierView, args: dict, page: int, per_page: int | None) -> Page:
    weeks = args.get("target_cover_weeks") or sv.setting.target_cover_weeks
    return statistics.sales_inventory(
        sv.supplier.id, sv.buyer.id, target_cover_weeks=weeks,
        in_transit=in_transit(sv.supplier.id, sv.buyer.id), page=page, per_page=per_page,
        sort=args.get("sort", "sku"))


VIEW_QUERIES: dict[str, Callable[[SupplierView, dict, int, int | None], Page]] = {
    "order-status": order_status, "shortages": shortages, "receipts": receipts,
    "discrepancies": discrepancies, "outstanding": outstanding, "returns": returns,
    "payables": payables, "sales-inventory": sales_inventory,
}

"""Which customers a change of the trade records touches, for the incremental
recomputation (``crm/tasks/customers.py``): the rows of orders, their lines, invoices
and payments written in a transaction, and the (supplier, buyer) pairs they belong to.

In crm's queries room because it reads fulfillment's models (read only): the task
watches the session's flushes and asks here what a flushed row means for crm.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.fulfillment.models import Invoice, Order, OrderLine, Payment


def is_trade_row(obj: object) -> bool:
    """An order, order line, invoice or payment: a row the customer figures are read from."""
    return isinstance(obj, Order | OrderLine | Invoice | Payment)


def note_change(obj: object, pairs: set[tuple[int, int]], orders: set[int],
                invoices: set[int]) -> None:
    """Remember what a changed row touches: its (supplier, buyer) pair when it carries
    one (an order, an invoice), else the order or invoice to read the pair from later."""
    if isinstance(obj, Order | Invoice):
        if obj.supplier_company_id and obj.buyer_company_id:
            pairs.add((obj.supplier_company_id, obj.buyer_company_id))
    elif isinstance(obj, OrderLine) and obj.order_id:
        orders.add(obj.order_id)
    elif isinstance(obj, Payment) and obj.invoice_id:
        invoices.add(obj.invoice_id)


def pairs_of(orders: list[int], invoices: list[int]) -> set[tuple[int, int]]:
    """The (supplier, buyer) pairs of these orders and invoices."""
    found: set[tuple[int, int]] = set()
    if orders:
        found |= {tuple(row) for row in db.session.execute(
            select(Order.supplier_company_id, Order.buyer_company_id)
            .where(Order.id.in_(orders)))}
    if invoices:
        found |= {tuple(row) for row in db.session.execute(
            select(Invoice.supplier_company_id, Invoice.buyer_company_id)
            .where(Invoice.id.in_(invoices)))}
    return found

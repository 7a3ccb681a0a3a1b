"""The buyer's returns: the goods it sends back, each through a ``return_request``
document."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from marketplace.core.scoping import acting_company_id, visible
from marketplace.supplier_link.models import ReturnLine, ReturnRequest


def returns_of_buyer(*, with_details: bool = False) -> Select:
    """The acting company's returns as the buyer, newest first (``with_details``: order,
    document and lines loaded at once)."""
    stmt = visible(ReturnRequest, operator_sees_all=False).where(
        ReturnRequest.buyer_company_id == acting_company_id())
    if with_details:
        stmt = stmt.options(
            selectinload(ReturnRequest.order), selectinload(ReturnRequest.document),
            selectinload(ReturnRequest.lines).selectinload(ReturnLine.order_line))
    return stmt.order_by(ReturnRequest.id.desc())

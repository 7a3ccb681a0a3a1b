"""Demo data of the service module, loaded by `flask seed-demo` after every other
module's: Taiwan Precision Fasteners organised in two departments (Sales Americas, which
a dispatch rule gives the inquiries from the United States, with one waiting in its
shared box; Customer Care, which takes the service cases), and Northwind's complaint
about short-shipped bolts run to closure three weeks ago (answered within three hours,
resolved the next day, rated five stars), so the figures page has its first figures.
Made through the operations, on a replayed clock."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.core.types import replayed_clock, utcnow
from marketplace.extensions import db
from marketplace.infrastructure.auth import ensure_may_act
from marketplace.infrastructure.departments import operations as departments
from marketplace.infrastructure.departments.models import Department
from marketplace.infrastructure.models import Company, User
from marketplace.service import operations
from marketplace.trading.operations import settings as document_settings
from marketplace.trading.operations.documents import create_document, perform_action
from marketplace.workflow.models import Document

BUYER, SUPPLIER = "Northwind Retail Inc.", "Taiwan Precision Fasteners"


def _actor(email: str):
    user = db.session.scalar(select(User).where(User.email == email))
    return ensure_may_act(user) if user is not None else None


def load_demo(password: str) -> None:
    """Once (nothing when departments exist already or a party is missing)."""
    buyer = db.session.scalar(select(Company).where(Company.name.contains(BUYER)))
    supplier = db.session.scalar(select(Company).where(Company.name.contains(SUPPLIER)))
    chen, lin = _actor("chen@tpf.example.com"), _actor("lin@tpf.example.com")
    james = _actor("james@northwind.example.com")
    if None in (buyer, supplier, chen, lin, james) or db.session.scalar(
            select(func.count()).select_from(Department)):
        return
    americas = departments.create_department(chen, {
        "name": "Sales Americas 美洲業務部", "head_user_id": lin.user.id,
        "member_ids": [lin.user.id]})
    care = departments.create_department(chen, {
        "name": "Customer Care 客戶服務", "head_user_id": chen.user.id,
        "member_ids": [chen.user.id, lin.user.id]})
    document_settings.create_dispatch_rule(chen, {
        "position": 0, "type": "inquiry", "sender_country": "US",
        "department_id": americas.id})
    document_settings.create_dispatch_rule(chen, {
        "position": 1, "type": "service_case", "department_id": care.id})
    _complaint(buyer, supplier, james, lin)
    inquiry = create_document(james, {
        "type": "inquiry", "recipient_company_id": supplier.id, "currency": "USD",
        "subject": "Deck screws for the spring catalogue",
        "lines": [{"description": "Stainless deck screw 5×50, A2", "quantity": "40000",
                   "unit": "pcs"}]})
    perform_action(inquiry, "send", james, {})  # → Sales Americas' shared box


def _complaint(buyer: Company, supplier: Company, james, lin) -> None:
    document = db.session.scalar(select(Document).where(
        Document.issuer_company_id == buyer.id, Document.recipient_company_id == supplier.id,
        Document.type == "purchase_order", Document.sent_at.is_not(None))
        .order_by(Document.id.desc()))
    start = (utcnow() - timedelta(days=21)).replace(hour=2, minute=0, second=0, microsecond=0)
    while start.weekday() >= 5:
        start -= timedelta(days=1)
    with replayed_clock() as move_to:
        move_to(start)
        case = operations.open_case(james, {
            "counterparty_company_id": supplier.id, "type": "complaint", "priority": "high",
            "subject": "Short shipment: 2 cartons of M8×30 bolts missing",
            "body": "We received 38 of 40 cartons of HB-M8-30; the packing list says 40. "
                    "Please ship the missing 2,000 pieces with the next container.",
            "document_id": document.id if document else None})
        move_to(start + timedelta(hours=3))
        operations.post_message(case, lin, "非常抱歉。Sorry for this: two cartons were left at "
                                "our warehouse. They go with the container leaving on "
                                "Thursday, at our cost.")
        move_to(start + timedelta(hours=26))
        operations.perform(case, lin, "resolve",
                           "Shipped today: B/L KHH-LAX-2291, the 2 cartons are on it.")
        move_to(start + timedelta(hours=30))
        operations.perform(case, james, "close")
        operations.rate(case, james, 5)

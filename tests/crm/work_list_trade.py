"""The work of a supplier and a buyer at one moment, built with the models: inquiries
waiting (late, fresh, someone else's, answered), a purchase order to accept, one held
for the buyer's approval, an order to ship, a shipment without papers, an overdue
invoice, an open discrepancy, and a company waiting for the operator."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from marketplace.core.boundary import commit
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import Invoice, Order, OrderLine, Shipment, ShipmentLine
from marketplace.infrastructure.models import CompanyStatus
from marketplace.supplier_link.models import Discrepancy
from marketplace.workflow.models import Document, DocumentApproval, DocumentThread

_numbers = itertools.count(1)


@dataclass
class Office:
    supplier_admin: object
    supplier_sales: object
    buyer_admin: object
    buyer_approver: object
    operator: object
    ids: dict


def _document(type_, issuer, recipient, *, hours_ago, status="sent", assigned_to=None,
              thread=None, created_by=None, total="0"):
    sent = utcnow() - timedelta(hours=hours_ago)
    document = Document(type=type_, number=f"{type_[:3].upper()}-W-{next(_numbers):04d}",
                        status=status, issuer_company_id=issuer, recipient_company_id=recipient,
                        thread=thread or DocumentThread(subject=f"{type_} subject"),
                        subject=f"{type_} subject",
                        sent_at=sent if status != "pending_approval" else None,
                        created_at=sent, assigned_to_id=assigned_to,
                        created_by_id=created_by, total_amount=Decimal(total))
    db.session.add(document)
    db.session.flush()
    return document


def build_office(make, app) -> Office:
    supplier = make.company("Formosa Fasteners", roles=("supplier",))
    buyer = make.company("Nordic Tools", roles=("buyer",))
    make.company("Newcomer Trading", status=CompanyStatus.PENDING)
    office = Office(supplier_admin=make.member(supplier, "admin"),
                    supplier_sales=make.member(supplier, "sales"),
                    buyer_admin=make.member(buyer, "admin"),
                    buyer_approver=make.member(buyer, "approver"),
                    operator=make.operator(), ids={})
    ids = office.ids
    with app.test_request_context():
        late = _document("inquiry", buyer, supplier, hours_ago=30)
        fresh = _document("inquiry", buyer, supplier, hours_ago=2)
        sales_only = _document("inquiry", buyer, supplier, hours_ago=5,
                               assigned_to=office.supplier_sales.user_id)
        answered = _document("inquiry", buyer, supplier, hours_ago=50)
        _document("quotation", supplier, buyer, hours_ago=40, thread=answered.thread)
        po = _document("purchase_order", buyer, supplier, hours_ago=3, total="500")
        held = _document("purchase_order", buyer, supplier, hours_ago=1,
                         status="pending_approval", created_by=office.buyer_admin.user_id,
                         total="9000")
        db.session.add(DocumentApproval(document_id=held.id, company_id=buyer,
                                        direction="send", position=0, role="approver",
                                        requested_by_id=office.buyer_admin.user_id))
        order = Order(number="ORD-W-1", buyer_company_id=buyer, supplier_company_id=supplier,
                      currency="USD", status="partially_shipped",
                      created_at=utcnow() - timedelta(days=4))
        order.lines.append(OrderLine(position=0, sku="BOLT", description="Bolt", unit="pcs",
                                     quantity=Decimal(100), unit_price=Decimal("2"),
                                     shipped_quantity=Decimal(40),
                                     requested_delivery_date=(utcnow() + timedelta(days=9))
                                     .date()))
        db.session.add(order)
        db.session.flush()
        shipment = Shipment(number="SH-W-1", buyer_company_id=buyer, supplier_company_id=supplier,
                            currency="USD", created_at=utcnow() - timedelta(days=3))
        shipment.lines.append(ShipmentLine(order_line_id=order.lines[0].id,
                                           quantity=Decimal(40)))
        db.session.add(shipment)
        db.session.flush()
        invoice = Invoice(number="INV-W-1", shipment_id=shipment.id, buyer_company_id=buyer,
                          supplier_company_id=supplier, amount=Decimal("80"),
                          paid_amount=Decimal("30"), currency="USD",
                          issued_on=(utcnow() - timedelta(days=40)).date(),
                          due_date=(utcnow() - timedelta(days=10)).date(), status="partially_paid")
        db.session.add(invoice)
        db.session.flush()
        case = Discrepancy(order_id=order.id, order_line_id=order.lines[0].id,
                           shipment_line_id=shipment.lines[0].id, buyer_company_id=buyer,
                           supplier_company_id=supplier, status="open")
        db.session.add(case)
        db.session.flush()
        ids.update(late=late.id, fresh=fresh.id, sales_only=sales_only.id,
                   answered=answered.id, po=po.id, held=held.id, order=order.id,
                   shipment=shipment.id, invoice=invoice.id, discrepancy=case.id,
                   supplier=supplier, buyer=buyer,
                   numbers={"late": late.number, "fresh": fresh.number, "po": po.number,
                            "held": held.number, "sales_only": sales_only.number,
                            "answered": answered.number})
        commit()
    return office

"""Test data for fulfillment: a supplier and a buyer who trade, and orders opened the
way the engine opens them (an accepted purchase order's ``document_transitioned``),
built with the models for speed; tests/fulfillment/test_flow.py runs the real
negotiation through the engine's API instead."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from marketplace.core.signals import document_transitioned
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import Order
from marketplace.infrastructure.auth import ensure_may_act
from marketplace.infrastructure.models import User
from marketplace.workflow.models import Document, DocumentLine, DocumentThread
from tests.factories import Member


@dataclass
class Pair:
    supplier: Member
    buyer: Member
    supplier_token: str
    buyer_token: str


def trade_pair(make, api, *, supplier_name="Formosa Fasteners", buyer_name="Nordic Tools"
               ) -> Pair:
    supplier = make.member(make.company(supplier_name, roles=("supplier",)), "admin")
    buyer = make.member(make.company(buyer_name, roles=("buyer",), country="SE"), "admin")
    return Pair(supplier, buyer, api.token(supplier), api.token(buyer))


_numbers = iter(range(1, 10**6))


def accepted_purchase_order(make, buyer: Member, supplier: Member, lines=None, *,
                            currency="USD", payment_terms="tt", incoterm="FOB",
                            delivery_date=None, line_dates=None) -> int:
    """An accepted purchase order (built with the models, accepted through the engine's
    signal as the engine does) → the id of the order it opened."""
    lines = lines or [("BOLT-M8", "1000", "0.12"), ("NUT-M8", "500", "0.05")]

    def build():
        thread = DocumentThread(subject="PO")
        document = Document(type="purchase_order", number=f"PO-2026-{next(_numbers):05d}",
                            status="sent", issuer_company_id=buyer.company_id,
                            recipient_company_id=supplier.company_id, thread=thread,
                            currency=currency, incoterm=incoterm, incoterm_place="Kaohsiung",
                            payment_terms=payment_terms, sent_at=utcnow(),
                            port_of_loading="Kaohsiung", port_of_discharge="Gothenburg",
                            delivery_date=delivery_date)
        for position, (sku, quantity, price) in enumerate(lines, start=1):
            wanted = (line_dates or {}).get(sku)
            line = DocumentLine(position=position, sku=sku, description=f"Item {sku}",
                                quantity=Decimal(quantity), unit="pcs",
                                unit_price=Decimal(price),
                                extras={"requested_delivery_date": wanted} if wanted else {})
            line.compute_amount()
            document.lines.append(line)
        document.compute_total()
        db.session.add(document)
        db.session.flush()
        document.status = "accepted"
        actor = ensure_may_act(db.session.get(User, supplier.user_id))
        document_transitioned.send(document, action="accept", from_status="sent",
                                   to_status="accepted", actor=actor)
        return db.session.scalar(select(Order.id).where(Order.purchase_order_id == document.id))

    return make._run(build)

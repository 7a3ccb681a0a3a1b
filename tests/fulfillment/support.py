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
    give_addresses(make, supplier.company_id, buyer.company_id)
    return Pair(supplier, buyer, api.token(supplier), api.token(buyer))


ADDRESSES = {"TW": ("No. 88, Chenggong 2nd Rd., Qianzhen Dist.", "Kaohsiung", "806",
                    "+886 7 555 0100"),
             "SE": ("Hamngatan 12", "Gothenburg", "411 06", "+46 31 555 01 00"),
             "DE": ("Großer Burstah 31", "Hamburg", "20457", "+49 40 555 0100")}


def give_addresses(make, *company_ids: int) -> None:
    """Full addresses, as the shipping papers print them (their checklist wants them)."""
    from marketplace.infrastructure.models import Company

    def build():
        for company_id in company_ids:
            company = db.session.get(Company, company_id)
            company.address, company.city, company.postal_code, phone = ADDRESSES.get(
                company.country, ADDRESSES["TW"])
            company.phone = company.phone or phone

    make._run(build)


# What a sea shipment's papers need beyond its lines (``**SEA`` in a POST /shipments body).
SEA = {"mode": "sea", "carrier": "Evergreen", "vessel": "Ever Ace", "voyage": "0125W",
       "bill_of_lading": "EGLV140600123456", "on_board_date": "2026-12-10"}


# sku → (HS code, net kg per unit, units per carton, carton cm, carton gross kg)
PACKAGING = {"BOLT-M8": ("7318.15", "0.012", 500, ("40", "30", "20"), "6.5"),
             "NUT-M8": ("7318.16", "0.005", 1000, ("30", "20", "15"), "5.4")}


def packaged_product(supplier_id: int, sku: str):
    """The supplier's product ``sku`` with its customs and packing data (made once)."""
    from marketplace.content.models import Product

    found = db.session.scalar(select(Product).where(Product.company_id == supplier_id,
                                                    Product.sku == sku))
    if found is not None:
        return found
    hs_code, net, per_carton, (length, width, height), gross = PACKAGING.get(
        sku, ("8466.93", "0.1", 100, ("40", "40", "40"), "11"))
    product = Product(company_id=supplier_id, sku=sku, name=f"Item {sku}", unit="pcs",
                      hs_code=hs_code, origin_country="TW", net_weight_kg=Decimal(net),
                      units_per_carton=per_carton, carton_length_cm=Decimal(length),
                      carton_width_cm=Decimal(width), carton_height_cm=Decimal(height),
                      carton_gross_weight_kg=Decimal(gross))
    db.session.add(product)
    db.session.flush()
    return product


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
            product = packaged_product(supplier.company_id, sku)
            line = DocumentLine(position=position, sku=sku, description=f"Item {sku}",
                                product_id=product.id,
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

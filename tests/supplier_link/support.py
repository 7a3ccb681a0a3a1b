"""Supplier link test data: a buyer trading with two suppliers, their products, orders
(built with the models, as an accepted purchase order would leave them), shipments,
invoices and payments through fulfillment's own operations.

    trade = Trade(make, api)   # buyer + supplier_a + supplier_b, admins, tokens
    order = trade.order(trade.supplier_a, [("BOLT-8", "100", "2.50", date)]) -> OrderRef
    trade.ship(trade.supplier_a, order, {line_id: qty}) -> shipment id
    trade.invoice(shipment_id) -> invoice id ; trade.pay(trade.supplier_a, invoice, "100")
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from marketplace.content.models import Product, ProductStatus
from marketplace.core.boundary import commit
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import Invoice, Order, OrderLine, Shipment
from marketplace.fulfillment.operations import receivables, shipments
from marketplace.infrastructure.auth import bind_actor, ensure_may_act
from marketplace.infrastructure.models import User

_numbers = itertools.count(1)


@dataclass
class OrderRef:
    id: int
    number: str
    line_ids: list[int]


@dataclass
class Party:
    member: object
    token: str
    company_id: int
    products: dict[str, int] = field(default_factory=dict)


class Trade:
    def __init__(self, make, api, *, supplier_names=("Supplier A", "Supplier B")):
        self.make, self.api, self.app = make, api, make.app
        self.buyer = self._party("Big Buyer", ("buyer",))
        self.supplier_a = self._party(supplier_names[0], ("supplier",))
        self.supplier_b = self._party(supplier_names[1], ("supplier",))

    def _party(self, name: str, roles) -> Party:
        member = self.make.company_with_admin(name, roles=roles)
        return Party(member, self.api.token(member), member.company_id)

    def run(self, fn, as_party: Party | None = None):
        """``fn()`` in a request context (acting as ``as_party``), committed."""
        with self.app.test_request_context():
            if as_party is not None:
                bind_actor(ensure_may_act(db.session.get(User, as_party.member.user_id)))
            result = fn()
            commit()
            return result

    def actor(self, party: Party):
        return ensure_may_act(db.session.get(User, party.member.user_id))

    def product(self, supplier: Party, sku: str, name: str | None = None) -> int:
        def build():
            product = Product(company_id=supplier.company_id, sku=sku, name=name or sku,
                              status=ProductStatus.PUBLISHED, published_at=utcnow(),
                              currency="USD", unit="pcs", attributes={})
            db.session.add(product)
            db.session.flush()
            return product.id

        supplier.products[sku] = self.run(build)
        return supplier.products[sku]

    def order(self, supplier: Party, lines, *, buyer: Party | None = None) -> OrderRef:
        """``lines``: ``[(sku, quantity, unit_price, requested_delivery_date)]``."""
        buyer = buyer or self.buyer

        def build():
            order = Order(number=f"ORD-T-{next(_numbers):05d}", buyer_company_id=buyer.company_id,
                          supplier_company_id=supplier.company_id, currency="USD",
                          payment_terms="tt", status="open")
            for position, (sku, quantity, price, due) in enumerate(lines):
                product_id = supplier.products.get(sku)
                order.lines.append(OrderLine(
                    position=position, product_id=product_id, sku=sku, description=f"Item {sku}",
                    unit="pcs", quantity=Decimal(quantity), unit_price=Decimal(price),
                    shipped_quantity=Decimal(0), received_quantity=Decimal(0),
                    requested_delivery_date=due))
            db.session.add(order)
            db.session.flush()
            return OrderRef(order.id, order.number, [line.id for line in order.lines])

        for sku, *_ in lines:
            if sku not in supplier.products:
                self.product(supplier, sku)
        return self.run(build)

    def ship(self, supplier: Party, order: OrderRef, quantities: dict[int, str], **header) -> int:
        def build():
            found = db.session.get(Order, order.id)
            shipment = shipments.create_shipment(
                [found], {"lines": [{"order_line_id": line_id, "quantity": Decimal(q)}
                                    for line_id, q in quantities.items()],
                          "carrier": header.pop("carrier", "Evergreen"), **header},
                self.actor(supplier))
            return shipment.id

        return self.run(build, supplier)

    def move(self, supplier: Party, shipment_id: int, status: str) -> None:
        """The supplier records the shipment's next step (shipped, arrived, ...)."""
        def build():
            shipments.record_shipment_event(db.session.get(Shipment, shipment_id),
                                            {"status": status}, self.actor(supplier))

        self.run(build, supplier)

    def invoice(self, shipment_id: int) -> int:
        def build():
            shipment = db.session.get(Shipment, shipment_id)
            return receivables.record_invoice(
                shipment, number=f"INV-T-{next(_numbers):05d}", document_id=None,
                payment_terms="tt").id

        return self.run(build)

    def pay(self, supplier: Party, invoice_id: int, amount: str, received_at=None) -> None:
        def build():
            receivables.record_payment(db.session.get(Invoice, invoice_id), {
                "amount": Decimal(amount), "method": "tt", "reference": "TT-1",
                "received_at": received_at}, self.actor(supplier))

        self.run(build, supplier)

    def map_sku(self, buyer_sku: str, supplier: Party, sku: str) -> dict:
        response = self.api.post("/supplier-link/sku-cross-references", self.buyer.token,
                                 json={"buyer_sku": buyer_sku,
                                       "product_id": supplier.products.get(sku)
                                       or self.product(supplier, sku)})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def view(self, supplier: Party, view: str, buyer: Party | None = None, **query):
        buyer = buyer or self.buyer
        return self.api.get(f"/supplier-link/buyers/{buyer.company_id}/{view}",
                            supplier.token, query_string=query)


def today() -> date:
    return utcnow().date()

"""A small set of orders whose association rules are worked out by hand.

Supplier S sells A, B, C, D (published) and keeps E as a draft; its orders:

    O1 A B      O2 A B C     O3 A C     O4 B C     O5 A B (A on two lines)     O6 D
    O7 A D cancelled: left out

N = 6 orders; n(A) = 4, n(B) = 4, n(C) = 3, n(D) = 1; n(AB) = 3, n(AC) = 2, n(BC) = 2,
n(AD) = 0 (O7 is cancelled).

    A → B  support 3/6 = 0.5     confidence 3/4 = 0.75   lift 0.75 / (4/6) = 1.125
    B → A  support 0.5           confidence 0.75         lift 1.125
    A → C  support 2/6 = 0.3333  confidence 2/4 = 0.5    lift 0.5 / (3/6) = 1.0
    C → A  support 0.3333        confidence 2/3 = 0.6667 lift 0.6667 / (4/6) = 1.0
    B → C  support 0.3333        confidence 0.5          lift 1.0
    C → B  support 0.3333        confidence 0.6667       lift 1.0

Supplier T (its own baskets): O8 X Y, O9 X Y, O10 X → N = 3, n(X) = 3, n(Y) = 2,
n(XY) = 2: X → Y support 0.6667 confidence 0.6667 lift 1.0; Y → X confidence 1.0,
lift 1.0.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from marketplace.content.models import Product, ProductStatus
from marketplace.core.boundary import commit
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import Order, OrderLine, OrderStatus

_numbers = itertools.count(1)


def product(company_id: int, sku: str, *, published: bool = True, name_zh: str | None = None
            ) -> Product:
    item = Product(company_id=company_id, sku=sku, name=f"Product {sku}", name_zh=name_zh,
                   status=ProductStatus.PUBLISHED if published else ProductStatus.DRAFT,
                   published_at=utcnow() if published else None)
    db.session.add(item)
    db.session.flush()
    return item


def order(supplier: int, buyer: int, products: list[Product], *,
          status: str = OrderStatus.OPEN) -> Order:
    placed = Order(number=f"ASSOC-{next(_numbers):05}", currency="USD", status=status,
                   buyer_company_id=buyer, supplier_company_id=supplier)
    db.session.add(placed)
    for position, item in enumerate(products):
        db.session.add(OrderLine(order=placed, position=position, product_id=item.id,
                                 sku=item.sku, description=item.name, quantity=Decimal(1),
                                 unit_price=Decimal(10)))
    db.session.flush()
    return placed


@pytest.fixture
def baskets(app, make):
    s = make.company("Basket Supplier", roles=("supplier",))
    t = make.company("Tea Supplier", roles=("supplier",))
    b = make.company("Basket Buyer", roles=("buyer",))
    with app.test_request_context():
        a, bb, c, d = (product(s, sku) for sku in "ABCD")
        a.name_zh = "產品 A"
        e = product(s, "E", published=False)
        for lines in ([a, bb], [a, bb, c], [a, c], [bb, c], [a, bb, a], [d]):
            order(s, b, lines)
        order(s, b, [a, d], status=OrderStatus.CANCELLED)
        x, y = product(t, "X"), product(t, "Y")
        for lines in ([x, y], [x, y], [x]):
            order(t, b, lines)
        ids = {"s": s, "t": t, "b": b, "A": a.id, "B": bb.id, "C": c.id, "D": d.id, "E": e.id,
               "X": x.id, "Y": y.id}
        commit()
    return ids

"""The demo's supplier link (``flask seed-demo``): Northwind Retail maps its own SKUs to
the products of both demo suppliers and reports eight weeks of sales and stock, so each
supplier sees its own goods' sell-through, cover and a replenishment suggestion."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from marketplace.content.models import Product
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Company
from marketplace.supplier_link.models import SkuCrossReference
from marketplace.supplier_link.operations.stock_reports import import_stock_report

BUYER = "Northwind Retail"
SUPPLIERS = ("Taiwan Precision Fasteners", "Anatolia Home Textiles")
WEEKS = 8


def load_demo_stock_reports() -> int:
    """Cross-references and weekly rows, once; the number of rows saved."""
    buyer = db.session.scalar(select(Company).where(Company.name.contains(BUYER)))
    if buyer is None or db.session.scalar(select(func.count()).select_from(
            SkuCrossReference).where(SkuCrossReference.buyer_company_id == buyer.id)):
        return 0
    products = db.session.scalars(select(Product).join(Company).where(
        Company.name.contains(SUPPLIERS[0]) | Company.name.contains(SUPPLIERS[1]))
        .order_by(Product.company_id, Product.sku)).all()
    for product in products:
        db.session.add(SkuCrossReference(buyer_company_id=buyer.id,
                                         supplier_company_id=product.company_id,
                                         buyer_sku=f"NW-{product.sku}", product=product))
    db.session.flush()
    today = utcnow().date()
    last_sunday = today - timedelta(days=today.weekday() + 1)
    rows, number = [], 0
    for index, product in enumerate(products):
        for week in range(WEEKS):
            end = last_sunday - timedelta(weeks=WEEKS - 1 - week)
            sold = 40 + (index * 17 + week * (5 + index % 3) * 3) % 90
            number += 1
            rows.append((number, {"sku": f"NW-{product.sku}",
                                  "period_start": end - timedelta(days=6), "period_end": end,
                                  "quantity_sold": Decimal(sold),
                                  "quantity_on_hand": Decimal(60 + (index * 31 + week * 7)
                                                              % 240)}))
    return import_stock_report(buyer, None, rows, "json").accepted

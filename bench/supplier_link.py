"""Benchmark: the supplier's sales and inventory statistics at a million stock-report rows.

Generates (bulk inserts, no per-row ORM; ANALYZE after it on PostgreSQL) 10 buyers ×
20 suppliers with weekly stock reports: one big pair (supplier 0 at buyer 0: ~2,000
SKUs × 52 weeks) and the other 199 pairs with 90 SKUs × 50 weeks each, ~1,000,000 rows
in all. Then measures, for the big pair and for a small one:

  query   the statistics of one page of 20 SKUs (sales_inventory(), SQL aggregates)
  api     GET /api/v1/supplier-link/buyers/{id}/sales-inventory through a bearer token
  export  the whole view as CSV (every SKU, its last 12 periods)
and the rate of POST /supplier-link/stock-reports for a JSON report of a new week of
every SKU of the big pair (~2,000 rows).

Run: .venv/bin/python bench/supplier_link.py [--rows 1000000] [--repeat 20]
Set DATABASE_URL to measure on PostgreSQL instead of a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.content.models import Product, ProductStatus  # noqa: E402
from marketplace.core.boundary import commit  # noqa: E402
from marketplace.core.types import utcnow  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.infrastructure import operations as accounts  # noqa: E402
from marketplace.infrastructure.models import (  # noqa: E402
    Company,
    CompanyStatus,
    MemberRole,
    Membership,
)
from marketplace.supplier_link.models import (  # noqa: E402
    SkuCrossReference,
    StockReportRow,
    StockSeries,
)
from marketplace.supplier_link.queries import sales_inventory  # noqa: E402

BUYERS, SUPPLIERS = 10, 20
SMALL_SKUS, SMALL_WEEKS, BIG_WEEKS = 90, 50, 52
FIRST_MONDAY = date(2025, 1, 6)
PASSWORD = "bench-password-123"


def build_app():
    url = os.environ.get("DATABASE_URL") or \
        f"sqlite:///{tempfile.mkdtemp(prefix='bench-sl-')}/bench.db"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "ARGON2_TIME_COST": 1,
                                 "ARGON2_MEMORY_COST": 8192})
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app, url


def companies(kind: str, count: int) -> list[int]:
    ids = []
    for n in range(count):
        company = Company(name=f"{kind} {n}", country="TW", status=CompanyStatus.ACTIVE,
                          approved_at=utcnow())
        company.roles = [kind.lower()]
        db.session.add(company)
        db.session.flush()
        ids.append(company.id)
    return ids


def generate(app, total_rows: int) -> dict:
    """Companies, products, cross-references and ~total_rows stock rows."""
    small_rows = (BUYERS * SUPPLIERS - 1) * SMALL_SKUS * SMALL_WEEKS
    big_skus = max((total_rows - small_rows) // BIG_WEEKS, 20)
    with app.test_request_context():
        buyers, suppliers = companies("Buyer", BUYERS), companies("Supplier", SUPPLIERS)
        user = accounts.create_user("supplier0@example.com", PASSWORD, "Bench Supplier")
        db.session.add(Membership(company_id=suppliers[0], user=user, role=MemberRole.ADMIN))
        products: dict[int, list[int]] = {}
        for supplier in suppliers:
            count = big_skus if supplier == suppliers[0] else SMALL_SKUS
            db.session.execute(insert(Product), [
                {"company_id": supplier, "sku": f"S{supplier}-{n:05d}", "name": f"Item {n}",
                 "unit": "pcs", "currency": "USD", "attributes": {},
                 "status": ProductStatus.PUBLISHED, "version": 1} for n in range(count)])
            products[supplier] = list(db.session.scalars(
                db.select(Product.id).where(Product.company_id == supplier)
                .order_by(Product.id)))
        commit()
        started, written = time.perf_counter(), 0
        for buyer in buyers:
            for supplier in suppliers:
                big = buyer == buyers[0] and supplier == suppliers[0]
                skus = products[supplier][:big_skus if big else SMALL_SKUS]
                weeks = BIG_WEEKS if big else SMALL_WEEKS
                db.session.execute(insert(SkuCrossReference), [
                    {"buyer_company_id": buyer, "supplier_company_id": supplier,
                     "buyer_sku": f"B{buyer}-{product}", "product_id": product}
                    for product in skus])
                written += _stock_rows(buyer, supplier, skus, weeks)
            commit()
        if db.engine.dialect.name == "postgresql":  # as autovacuum would after the load
            db.session.execute(text("ANALYZE"))
            commit()
        seconds = time.perf_counter() - started
    return {"buyers": buyers, "suppliers": suppliers, "big_skus": big_skus, "rows": written,
            "insert_seconds": seconds}


def _stock_rows(buyer: int, supplier: int, skus: list[int], weeks: int) -> int:
    batch = []
    for index, product in enumerate(skus):
        for week in range(weeks):
            start = FIRST_MONDAY + timedelta(weeks=week)
            sold = 20 + (index * 7 + week * 13) % 60
            batch.append({"buyer_company_id": buyer, "supplier_company_id": supplier,
                          "product_id": product, "buyer_sku": f"B{buyer}-{product}",
                          "period_start": start, "period_end": start + timedelta(days=6),
                          "period_days": 7, "quantity_sold": sold,
                          "quantity_on_hand": 50 + (index * 11 + week * 5) % 200,
                          "reported_at": utcnow()})
            if len(batch) >= 20_000:
                db.session.execute(insert(StockReportRow), batch)
                batch.clear()
    if batch:
        db.session.execute(insert(StockReportRow), batch)
    last_end = FIRST_MONDAY + timedelta(weeks=weeks - 1, days=6)
    series = []
    for index, product in enumerate(skus):  # what the import would keep: see refresh_series
        sold = sum(20 + (index * 7 + week * 13) % 60 for week in range(weeks - 4, weeks))
        on_hand = 50 + (index * 11 + (weeks - 1) * 5) % 200
        weekly = round(sold / 4, 4)
        series.append({"buyer_company_id": buyer, "supplier_company_id": supplier,
                       "product_id": product, "periods": weeks, "last_period_end": last_end,
                       "last_quantity_on_hand": on_hand, "weekly_sales": weekly,
                       "weeks_of_cover": round(on_hand / weekly, 4)})
    db.session.execute(insert(StockSeries), series)
    return len(skus) * weeks


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def report(label: str, figures: tuple[float, float]) -> None:
    print(f"{label:<52} p50 {figures[0]:8.1f} ms   p95 {figures[1]:8.1f} ms")


def measure(app, world: dict, repeat: int) -> None:
    buyer0, supplier0 = world["buyers"][0], world["suppliers"][0]
    small_buyer, small_supplier = world["buyers"][3], world["suppliers"][7]
    last_page = (world["big_skus"] + 19) // 20
    with app.test_request_context():
        for label, pair, page in (
                (f"query big pair ({world['big_skus']} SKUs), page 1", (supplier0, buyer0), 1),
                (f"query big pair, last page ({last_page})", (supplier0, buyer0), last_page),
                ("query small pair (90 SKUs), page 1", (small_supplier, small_buyer), 1)):
            report(label, timed(lambda pair=pair, page=page: sales_inventory.sales_inventory(
                *pair, target_cover_weeks=8, in_transit={}, page=page), repeat))
        report("query big pair, by weeks of cover, page 1", timed(
            lambda: sales_inventory.sales_inventory(supplier0, buyer0, target_cover_weeks=8,
                                                    in_transit={}, sort="weeks_of_cover"),
            repeat))
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={
        "email": "supplier0@example.com", "password": PASSWORD}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/supplier-link/buyers/{buyer0}/sales-inventory"

    def get(query: str) -> None:
        response = client.get(path + query, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)

    report("API GET sales-inventory, big pair, page 1", timed(lambda: get(""), repeat))
    report("API GET sales-inventory, big pair, per_page=100",
           timed(lambda: get("?per_page=100"), max(repeat // 2, 3)))
    report(f"API export CSV, big pair ({world['big_skus']} SKUs × 12 periods)",
           timed(lambda: get("?format=csv"), 3))


def upload_rate(app, world: dict) -> None:
    """A JSON report of a new week of every SKU of the big pair, through the API."""
    client = app.test_client()
    with app.app_context():
        db.session.add(Membership(
            company_id=world["buyers"][0], role=MemberRole.ADMIN,
            user=accounts.create_user("buyer0@example.com", PASSWORD, "Bench Buyer")))
        commit()
        skus = list(db.session.scalars(db.select(SkuCrossReference.buyer_sku).where(
            SkuCrossReference.buyer_company_id == world["buyers"][0],
            SkuCrossReference.supplier_company_id == world["suppliers"][0]).limit(5000)))
    token = client.post("/api/v1/auth/token", json={
        "email": "buyer0@example.com", "password": PASSWORD}).get_json()["access_token"]
    start = FIRST_MONDAY + timedelta(weeks=BIG_WEEKS)
    rows = [{"sku": sku, "period_start": start.isoformat(),
             "period_end": (start + timedelta(days=6)).isoformat(), "quantity_sold": "12",
             "quantity_on_hand": "80"} for sku in skus]
    started = time.perf_counter()
    response = client.post("/api/v1/supplier-link/stock-reports",
                           headers={"Authorization": f"Bearer {token}"}, json={"rows": rows})
    seconds = time.perf_counter() - started
    assert response.status_code == 200 and response.get_json()["accepted"] == len(rows)
    print(f"POST stock-reports, {len(rows)} JSON rows: {seconds:.2f} s "
          f"({len(rows) / seconds:,.0f} rows/s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    app, url = build_app()
    print(f"database: {url.split('@')[-1]}")
    world = generate(app, args.rows)
    print(f"generated {world['rows']:,} stock-report rows in {world['insert_seconds']:.0f} s "
          f"({world['rows'] / world['insert_seconds']:,.0f} rows/s, bulk insert)")
    measure(app, world, args.repeat)
    upload_rate(app, world)


if __name__ == "__main__":
    main()

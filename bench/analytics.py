"""Benchmark: customer analytics and trade speed at 100k orders / 1M order lines.

Creates a PostgreSQL database of its own (dropped at the end), generates with bulk SQL
(``INSERT … SELECT`` over ``generate_series``, a fixed seed; no API, no ORM per row) two
years of trade between a few suppliers and ~2,000 buyers (few big, many small): purchase
orders with their acceptance events, inquiries and quotations (a third of the orders
negotiated, some quotations never ordered), orders of ten lines each, one shipment per
order with its commercial invoice paper, invoices and payments (some late); products with
cost prices for two thirds of them. Then measures, each beside a raw baseline in the
same run:

  recompute      every supplier's customer figures, fifths and segments, and the
                 response-time facts (crm.operations) — target under 5 minutes;
                 baseline: one raw SQL GROUP BY of the same orders per customer
  associations   the association rules over all order lines — target under 2 minutes;
                 baseline: the raw SQL count of product pairs per order
  customers API  GET /api/v1/analytics/customers, pages 1, 10 and the last, and sorted
                 by growth — target p95 under 150 ms; baselines: a bare Flask +
                 SQLAlchemy endpoint reading one page of the stored figures, and the raw
                 SQL aggregate of one page straight from the orders
  speed API      GET /api/v1/analytics/response-times (the measured supplier) — target
                 p95 under 150 ms; baseline: raw SQL median and p90 of inquiry →
                 quotation hours over the documents

Run: PYTHONPATH=. .venv/bin/python bench/analytics.py [--orders 100000] [--repeat 30]
     [--only-speed]  (the recomputation, then the response-time API alone)
``BENCH_ADMIN_URL`` names the server's maintenance database (default
postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.core.boundary import commit  # noqa: E402
from marketplace.extensions import db  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SUPPLIERS, BUYERS, PRODUCTS, LINES, DAYS = 3, 2000, 400, 10, 730
PASSWORD = "bench-password-123"


# ----- the database ---------------------------------------------------------------------------


def create_database() -> str:
    name = f"bench_analytics_{os.getpid()}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_app(url: str):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "ARGON2_TIME_COST": 1,
                                 "ARGON2_MEMORY_COST": 8192, "RATELIMIT_ENABLED": False,
                                 "CRM_INCREMENTAL_UPDATES": False})

    @app.route("/bench/bare/customers/<int:supplier_id>/<int:page>")
    def bare(supplier_id: int, page: int):
        from marketplace.crm.models.customers import CustomerFigures

        rows = db.session.scalars(select(CustomerFigures).where(
            CustomerFigures.supplier_company_id == supplier_id)
            .order_by(CustomerFigures.lifetime_value.desc(), CustomerFigures.id)
            .limit(20).offset((page - 1) * 20)).all()
        return {"items": [{"buyer_id": r.buyer_company_id, "value": str(r.lifetime_value)}
                          for r in rows]}

    with app.app_context():
        db.create_all()
    return app


# ----- the data -------------------------------------------------------------------------------

GENERATE = [
    # Companies: suppliers 1..S, then the buyers.
    """INSERT INTO companies (id, name, country, is_buyer, is_supplier, status, created_at,
                              updated_at, version, approved_at)
       SELECT g, CASE WHEN g <= :suppliers THEN 'Supplier ' || g ELSE 'Buyer ' || g END,
              'TW', g > :suppliers, g <= :suppliers, 'active', now(), now(), 1, now()
       FROM generate_series(1, :suppliers + :buyers) g""",
    "SELECT setval(pg_get_serial_sequence('companies', 'id'), :suppliers + :buyers)",
    # Products: P per supplier, ids (s-1)*P+1 .. s*P; two thirds with a cost price.
    """INSERT INTO products (id, company_id, sku, name, unit, currency, attributes, status,
                             created_at, updated_at, version, cost_price)
       SELECT (s - 1) * :products + n, s, 'S' || s || '-' || n, 'Item ' || n, 'pcs', 'USD',
              '{}', 'published', now(), now(), 1,
              CASE WHEN n % 3 <> 0 THEN round((1 + (n % 47))::numeric * 0.6, 4) END
       FROM generate_series(1, :suppliers) s, generate_series(1, :products) n""",
    "SELECT setval(pg_get_serial_sequence('products', 'id'), :suppliers * :products)",
    # The plan of every order: supplier, buyer (skewed: few big, many small), the moment
    # the purchase order was accepted, a basket, whether negotiated, paid late.
    "SELECT setseed(0.42)",
    """CREATE TABLE bench_plan AS
       SELECT g AS id, 1 + (g % :suppliers) AS supplier,
              :suppliers + 1 + floor(:buyers * power(random(), 2.2))::int AS buyer,
              now() - random() * interval '1 day' * :days AS at,
              floor(random() * (:products / 10))::int AS basket,
              random() < 0.33 AS negotiated, random() < 0.12 AS late,
              random() AS speed
       FROM generate_series(1, :orders) g""",
    # Threads and purchase orders (document id = order id), sent a day before acceptance.
    """INSERT INTO document_threads (id, subject, created_at, updated_at)
       SELECT id, 'Order ' || id, at, at FROM bench_plan""",
    """INSERT INTO documents (id, type, number, status, issuer_company_id, recipient_company_id,
                              thread_id, currency, extras, total_amount, search_text,
                              created_at, updated_at, version, sent_at)
       SELECT id, 'purchase_order', 'PO-' || id, 'accepted', buyer, supplier, id, 'USD', '{}',
              0, '', at - interval '30 hours', at, 1,
              at - interval '1 hour' * (4 + 40 * speed)
       FROM bench_plan""",
    """INSERT INTO document_events (document_id, action, from_status, to_status, at,
                                    actor_company_id)
       SELECT id, 'accept', 'sent', 'accepted', at, supplier FROM bench_plan""",
    # A third negotiated: inquiry (id + N) and quotation (id + 2N) in the order's thread.
    """INSERT INTO documents (id, type, number, status, issuer_company_id, recipient_company_id,
                              thread_id, currency, extras, total_amount, search_text,
                              created_at, updated_at, version, sent_at)
       SELECT id + :orders, 'inquiry', 'INQ-' || id, 'sent', buyer, supplier, id, 'USD', '{}',
              0, '', at - interval '9 days', at, 1, at - interval '9 days'
       FROM bench_plan WHERE negotiated""",
    """INSERT INTO documents (id, type, number, status, issuer_company_id, recipient_company_id,
                              thread_id, currency, extras, total_amount, search_text,
                              created_at, updated_at, version, sent_at)
       SELECT id + 2 * :orders, 'quotation', 'QUO-' || id, 'accepted', supplier, buyer, id,
              'USD', '{}', 0, '', at - interval '9 days',
              at, 1, at - interval '9 days' + interval '1 hour' * (2 + 46 * speed)
       FROM bench_plan WHERE negotiated""",
    # Quotations never ordered: a tenth as many threads of inquiry + quotation alone.
    """INSERT INTO document_threads (id, subject, created_at, updated_at)
       SELECT id + :orders, 'Lost ' || id, at, at FROM bench_plan WHERE id % 10 = 0""",
    """INSERT INTO documents (id, type, number, status, issuer_company_id, recipient_company_id,
                              thread_id, currency, extras, total_amount, search_text,
                              created_at, updated_at, version, sent_at)
       SELECT id + 3 * :orders, 'inquiry', 'INQ-L' || id, 'sent', buyer, supplier,
              id + :orders, 'USD', '{}'::json, 0, '', at, at, 1, at
       FROM bench_plan WHERE id % 10 = 0
       UNION ALL
       SELECT id + 4 * :orders, 'quotation', 'QUO-L' || id, 'sent', supplier, buyer,
              id + :orders, 'USD', '{}'::json, 0, '', at, at, 1, at + interval '1 hour' * 20 * speed
       FROM bench_plan WHERE id % 10 = 0""",
    "SELECT setval(pg_get_serial_sequence('documents', 'id'), 5 * :orders)",
    "SELECT setval(pg_get_serial_sequence('document_threads', 'id'), 2 * :orders)",
    # Orders (all received and paid, the last month's still open) and their lines: ten
    # products of the order's basket, so products recur together.
    """INSERT INTO orders (id, number, status, currency, buyer_company_id, supplier_company_id,
                           purchase_order_id, created_at, updated_at, version)
       SELECT id, 'ORD-' || id,
              CASE WHEN at > now() - interval '30 days' THEN 'open' ELSE 'closed' END,
              'USD', buyer, supplier, id, at, at, 1
       FROM bench_plan""",
    """INSERT INTO order_lines (order_id, position, product_id, sku, description, unit,
                                quantity, shipped_quantity, received_quantity, unit_price)
       SELECT p.id, k, pr, 'S' || p.supplier || '-' || (pr - (p.supplier - 1) * :products),
              'Item', 'pcs', q, q, q, round((1 + (pr % 47))::numeric, 4)
       FROM bench_plan p, generate_series(0, :lines - 1) k,
            LATERAL (SELECT (p.supplier - 1) * :products + 1
                            + (p.basket * 10 + k * (1 + p.id % 3)) % :products AS pr,
                            (10 + (p.id * 7 + k * 13) % 490)::numeric AS q) x""",
    # One shipment per order (its first line), the commercial invoice's paper issued
    # 3-15 days after acceptance, arrived 20 days later.
    """INSERT INTO shipments (id, number, status, mode, container_numbers, currency,
                              buyer_company_id, supplier_company_id, created_at, updated_at,
                              version, etd, eta)
       SELECT id, 'SH-' || id, 'delivered', 'sea', '[]', 'USD', buyer, supplier,
              at + interval '1 day' * (3 + 12 * speed), at, 1,
              (at + interval '1 day' * (3 + 12 * speed))::date,
              (at + interval '1 day' * (23 + 12 * speed))::date
       FROM bench_plan""",
    """INSERT INTO shipment_lines (shipment_id, order_line_id, quantity)
       SELECT order_id, id, quantity FROM order_lines WHERE position = 0""",
    """INSERT INTO shipping_documents (shipment_id, kind, revision, snapshot, created_at)
       SELECT id, 'commercial-invoice', 1, '{}', at + interval '1 day' * (3 + 12 * speed)
       FROM bench_plan""",
    # Invoices (T/T, 30 days) and their payments: 12 % late, the last month's unpaid.
    """INSERT INTO invoices (id, number, shipment_id, amount, paid_amount, currency,
                             payment_terms, issued_on, due_date, status, buyer_company_id,
                             supplier_company_id, created_at, updated_at, version)
       SELECT p.id, 'INV-' || p.id, p.id, t.amount,
              CASE WHEN p.at > now() - interval '30 days' THEN 0 ELSE t.amount END, 'USD',
              'tt', (p.at + interval '1 day' * (3 + 12 * p.speed))::date,
              (p.at + interval '1 day' * (33 + 12 * p.speed))::date,
              CASE WHEN p.at > now() - interval '30 days' THEN 'open' ELSE 'paid' END,
              p.buyer, p.supplier, p.at, p.at, 1
       FROM bench_plan p JOIN (SELECT order_id, sum(quantity * unit_price) AS amount
                               FROM order_lines GROUP BY order_id) t ON t.order_id = p.id""",
    """INSERT INTO payments (invoice_id, amount, currency, method, received_at)
       SELECT p.id, i.amount, 'USD', 'tt',
              i.due_date + interval '1 day' * CASE WHEN p.late THEN 5 + 40 * p.speed
                                                    ELSE -10 * p.speed END
       FROM bench_plan p JOIN invoices i ON i.id = p.id WHERE i.status = 'paid'""",
    "SELECT setval(pg_get_serial_sequence('orders', 'id'), :orders)",
    "SELECT setval(pg_get_serial_sequence('shipments', 'id'), :orders)",
    "SELECT setval(pg_get_serial_sequence('invoices', 'id'), :orders)",
    "DROP TABLE bench_plan",
]


def generate(app, url: str, orders: int) -> float:
    params = {"suppliers": SUPPLIERS, "buyers": BUYERS, "products": PRODUCTS,
              "lines": LINES, "days": DAYS, "orders": orders}
    started = time.perf_counter()
    with app.app_context():
        for statement in GENERATE:
            db.session.execute(text(statement), {k: v for k, v in params.items()
                                                 if f":{k}" in statement})
        commit()
        from marketplace.infrastructure import operations as accounts
        from marketplace.infrastructure.models import MemberRole, Membership

        user = accounts.create_user("supplier1@example.com", PASSWORD, "Bench Supplier")
        db.session.add(Membership(company_id=1, user=user, role=MemberRole.ADMIN))
        commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # as autovacuum would after the load
    return time.perf_counter() - started


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))
                for table in ("orders", "order_lines", "documents", "invoices", "payments")}


# ----- measuring ------------------------------------------------------------------------------


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def report(label: str, figures: tuple[float, float], baseline: tuple[float, float] | None = None
           ) -> None:
    line = f"{label:<58} p50 {figures[0]:8.1f} ms   p95 {figures[1]:8.1f} ms"
    if baseline:
        line += f"   ({figures[1] / baseline[1]:.1f}x the baseline's p95)"
    print(line, flush=True)


def once(label: str, fn) -> float:
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    print(f"{label:<58} {seconds:8.1f} s", flush=True)
    return seconds


RAW_CUSTOMERS = """
    SELECT o.buyer_company_id, count(DISTINCT o.id) AS orders,
           sum(l.quantity * l.unit_price) AS revenue,
           sum(l.quantity * (l.unit_price - p.cost_price)) AS margin,
           max(o.created_at) AS last_order
    FROM orders o JOIN order_lines l ON l.order_id = o.id
    LEFT JOIN products p ON p.id = l.product_id
    WHERE o.supplier_company_id = :supplier AND o.created_at > now() - interval '365 days'
    GROUP BY o.buyer_company_id ORDER BY revenue DESC LIMIT 20 OFFSET :offset"""
RAW_ALL_CUSTOMERS = """
    SELECT o.supplier_company_id, o.buyer_company_id, count(DISTINCT o.id),
           sum(l.quantity * l.unit_price), max(o.created_at)
    FROM orders o JOIN order_lines l ON l.order_id = o.id
    GROUP BY o.supplier_company_id, o.buyer_company_id"""
RAW_PAIRS = """
    SELECT a.product_id, b.product_id, count(*)
    FROM order_lines a JOIN order_lines b
      ON b.order_id = a.order_id AND b.product_id <> a.product_id
    GROUP BY a.product_id, b.product_id HAVING count(*) >= 2"""
RAW_SPEED = """
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY h), percentile_cont(0.9)
           WITHIN GROUP (ORDER BY h)
    FROM (SELECT extract(epoch FROM (q.sent_at - i.sent_at)) / 3600 AS h
          FROM documents i JOIN documents q ON q.thread_id = i.thread_id
           AND q.type = 'quotation'
          WHERE i.type = 'inquiry' AND i.recipient_company_id = :supplier
            AND i.sent_at > now() - interval '365 days') t"""


def measure(app, repeat: int, only_speed: bool = False) -> None:
    from marketplace.crm.operations.associations import compute_associations
    from marketplace.crm.operations.customers import recompute_supplier, suppliers_with_orders
    from marketplace.crm.operations.speed import refresh_response_facts

    with app.app_context():
        once("raw SQL: every customer's orders, revenue, last order",
             lambda: db.session.execute(text(RAW_ALL_CUSTOMERS)).all())

        def recompute():
            for supplier in suppliers_with_orders():
                recompute_supplier(supplier)
            refresh_response_facts()
            commit()

        once("full recomputation (figures of 3 suppliers + response facts)", recompute)
        if only_speed:
            return _measure_speed(app, repeat)
        once("raw SQL: product pairs over all order lines",
             lambda: db.session.execute(text(RAW_PAIRS)).all())
        once("association rules (compute_associations, all suppliers)",
             lambda: (compute_associations(), commit()))
        customers = db.session.scalar(text(
            "SELECT count(*) FROM crm_customer_figures WHERE supplier_company_id = 1"))
    last_page = max(1, (customers + 19) // 20)
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={
        "email": "supplier1@example.com", "password": PASSWORD}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def get(path: str) -> None:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]

    with app.app_context():
        raw = timed(lambda: db.session.execute(text(RAW_CUSTOMERS),
                                               {"supplier": 1, "offset": 0}).all(), repeat)
        report("raw SQL: one page of the customer aggregate (12 months)", raw)
    bare = timed(lambda: get("/bench/bare/customers/1/1"), repeat)
    report("bare Flask + SQLAlchemy: one page of stored figures", bare)
    print(f"-- supplier 1: {customers} customers, {last_page} pages of 20")
    for label, query in (("page 1", "?page=1"), ("page 10", "?page=10"),
                         (f"page {last_page} (last)", f"?page={last_page}"),
                         ("sorted by growth, page 1", "?sort=growth_pct"),
                         ("at risk only, page 1", "?at_risk=true")):
        report(f"API GET /analytics/customers {label}",
               timed(lambda q=query: get("/api/v1/analytics/customers" + q), repeat), bare)
    _measure_speed(app, repeat)


def _measure_speed(app, repeat: int) -> None:
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={
        "email": "supplier1@example.com", "password": PASSWORD}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def get(path: str) -> None:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]

    with app.app_context():
        raw_speed = timed(lambda: db.session.execute(text(RAW_SPEED), {"supplier": 1}).all(),
                          repeat)
        report("raw SQL: inquiry → quotation median and p90 (documents)", raw_speed)
    report("API GET /analytics/response-times?period=month",
           timed(lambda: get("/api/v1/analytics/response-times?period=month"), repeat),
           raw_speed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only-speed", action="store_true",
                        help="after the recomputation, measure the response-time API only")
    args = parser.parse_args()
    url = create_database()
    try:
        app = build_app(url)
        seconds = generate(app, url, args.orders)
        sizes = counts(app)
        print("generated " + ", ".join(f"{v:,} {k}" for k, v in sizes.items())
              + f" in {seconds:.0f} s (bulk SQL, then VACUUM ANALYZE)", flush=True)
        measure(app, args.repeat, args.only_speed)
    finally:
        drop_database(url)


if __name__ == "__main__":
    main()

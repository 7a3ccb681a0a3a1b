"""Benchmark: the offline catalog import, in rows per second.

For each size (default 10,000 and 100,000 rows) and format (csv, xlsx) it generates a
realistic catalog file on the fly (English and Chinese names, categories, product
lines, three price tiers, attributes, HS codes), then measures, each in a fresh
database:

  raw       the same rows bulk-inserted straight into products and price_tiers (one
            executemany each per 200 rows, a commit after each; no checks, no audit,
            no index): the floor the import is measured against, in the same run
  read      opening and checking every row, nothing saved (the file's own cost)
  create    a background import job of the file into an empty catalog (every row new)
  index     the search index catching up with the created products (the outbox jobs
            the import queued, one per batch of 200)
  unchanged the same file again (every row compared, nothing written)
  update    the file with every price changed (every row written)
  export    GET /catalog/export of the imported catalog in the same format

The imports run as the import job runs in a worker (``run_catalog_import``: batches
of 200 rows, progress committed after each). The index updates they queue are what
another worker does meanwhile (with Redis): they are held during the import and run
after it, timed on their own (``index``), not inside ``create``/``update``. Memory: what
each import adds to the resident set (its peak, Linux's VmHWM reset before it, minus the
resident set at its start), which stays flat with the file's size when rows are streamed,
and the whole process's peak; each size and format runs in its own process.

Run: .venv/bin/python bench/catalog_import.py [ROWS ...] [--formats csv,xlsx]
     [--skip index,export]   (index: the Whoosh catch-up, a worker's, slow at 100k)
Set DATABASE_URL to measure on PostgreSQL instead of a temporary SQLite file: a database
of its own, as its tables are dropped and made again.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace import create_app  # noqa: E402
from marketplace.content.catalog import importer, tasks  # noqa: E402
from marketplace.content.catalog.reading import open_catalog_file  # noqa: E402
from marketplace.content.catalog.rows import RowParser  # noqa: E402
from marketplace.content.models import PriceTier, Product, ProductStatus  # noqa: E402
from marketplace.content.queries.catalog import COLUMN_NAMES  # noqa: E402
from marketplace.core import outbox  # noqa: E402
from marketplace.core.boundary import commit  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.infrastructure import operations as accounts  # noqa: E402
from marketplace.infrastructure.default_categories import DEFAULT_CATEGORIES  # noqa: E402
from marketplace.infrastructure.models import (  # noqa: E402
    Category,
    Company,
    CompanyStatus,
    MemberRole,
    Membership,
    User,
)

ADJECTIVES = ["Stainless", "Galvanised", "Heavy-duty", "Compact", "Industrial", "Organic",
              "Waterproof", "Precision", "Lightweight", "Premium"]
NOUNS = ["hex bolt", "flange nut", "LED panel", "oolong tea", "cotton fabric", "bicycle chain",
         "ball bearing", "kitchen knife", "garden hose", "power drill", "resin pellet"]
NOUNS_ZH = ["六角螺栓", "法蘭螺帽", "LED 面板燈", "高山烏龍茶", "棉布", "自行車鏈條", "滾珠軸承",
            "廚刀", "園藝水管", "電鑽", "塑膠粒"]
PORTS = ["Kaohsiung", "Keelung", "Taichung", "Shanghai", "Ningbo"]


def category_codes() -> list[str]:
    return [code for _, _, _, children in DEFAULT_CATEGORIES for code, _, _ in children]


def catalog_rows(count: int, seed: int = 7, price_factor: float = 1.0):
    rng = random.Random(seed)
    codes = category_codes()
    for n in range(count):
        noun = rng.randrange(len(NOUNS))
        base = round(rng.uniform(0.05, 500), 2)
        row = {
            "sku": f"SKU-{n:07d}",
            "name": f"{rng.choice(ADJECTIVES)} {NOUNS[noun]} {rng.randint(1, 999)}",
            "name_zh": f"{NOUNS_ZH[noun]} {rng.randint(1, 999)} 型" if n % 3 else "",
            "description": f"{NOUNS[noun].capitalize()} made to order; size {rng.randint(1, 90)}"
                           f" mm, batch tested.",
            "description_zh": "工廠直營，品質保證。" if n % 2 else "",
            "category": rng.choice(codes),
            "product_line": f"Line {n % 50:02d}",
            "unit": rng.choice(["pcs", "set", "kg", "carton"]),
            "moq": rng.choice([1, 10, 100, 500]),
            "currency": rng.choice(["USD", "USD", "TWD", "EUR"]),
            "attributes": f"Material: {rng.choice(['steel', 'cotton', 'PP', 'tea'])}; "
                          f"Grade: {rng.choice('ABC')}",
            "hs_code": f"{rng.randint(1000, 9999)}.{rng.randint(10, 99)}",
            "lead_time_days": rng.randint(3, 60), "packaging": "Carton",
            "port": rng.choice(PORTS), "status": "published" if n % 4 else "draft",
        }
        for tier, (qty, share) in enumerate(((100, 1.0), (1000, 0.9), (10000, 0.8)), 1):
            row[f"tier{tier}_min_qty"] = qty
            row[f"tier{tier}_unit_price"] = f"{base * share * price_factor:.2f}"
        yield row


def write_file(path: Path, fmt: str, rows) -> None:
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMN_NAMES)
            for row in rows:
                writer.writerow([row.get(name, "") for name in COLUMN_NAMES])
        return
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Products")
    sheet.append(COLUMN_NAMES)
    for row in rows:
        sheet.append([row.get(name) for name in COLUMN_NAMES])
    workbook.save(path)


def build_app(folder: str):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "MAIL_BACKEND": "console"},
                     instance_path=folder)
    with app.app_context():
        db.drop_all()
        db.create_all()
    with app.test_request_context():
        for position, (code, name, name_zh, children) in enumerate(DEFAULT_CATEGORIES):
            parent = Category(code=code, name=name, name_zh=name_zh, position=position)
            db.session.add(parent)
            db.session.flush()
            for index, (child, child_name, child_zh) in enumerate(children):
                db.session.add(Category(code=child, name=child_name, name_zh=child_zh,
                                        parent_id=parent.id, position=index))
        company = Company(name="Bench Supplier", country="TW", status=CompanyStatus.ACTIVE)
        company.roles = ["supplier"]
        user = accounts.create_user("bench@example.com", "benchmark-password", "Bench")
        db.session.add_all([company, Membership(company=company, user=user,
                                                role=MemberRole.ADMIN)])
        commit()
        return app, company.id, user.id


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak since the last reset) of this process, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    """Start counting the peak resident memory afresh (Linux: 5 > clear_refs)."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def measured(fn) -> tuple[float, float, float]:
    """(seconds, resident MB before, peak resident MB during) of ``fn()``."""
    before = rss_mb("VmRSS")
    reset_peak()
    seconds = timed(fn)
    return seconds, before, rss_mb("VmHWM")


def import_job(app, company_id: int, user_id: int, path: Path) -> dict:
    """The job as a worker runs it; the index jobs it queues wait (another worker's)."""
    handing_over, outbox.hand_over = outbox.hand_over, lambda job_ids, **_: 0
    try:
        return _run_import(app, company_id, user_id, path)
    finally:
        outbox.hand_over = handing_over


def index_jobs(app) -> int:
    """Run the waiting outbox jobs (the search index's), as the other worker would."""
    with app.app_context():
        total = 0
        while handed := outbox.sweep():  # eager: at most one page of jobs a sweep
            total += handed
        return total


def _run_import(app, company_id: int, user_id: int, path: Path) -> dict:
    with app.test_request_context():
        company, user = db.session.get(Company, company_id), db.session.get(User, user_id)
        with open(path, "rb") as stream:
            job = importer.queue_import(company, user, stream, path.name)
        db.session.info.pop("after_commit_jobs", None)  # the worker below runs it
        db.session.commit()
        job_id = job.id
    with app.app_context():  # as in a Celery worker: no request
        tasks.run_catalog_import(job_id)
        from marketplace.content.models import CatalogImport

        job = db.session.get(CatalogImport, job_id)
        assert job.status == "done", (job.status, job.detail)
        return {"created": job.created, "updated": job.updated, "unchanged": job.unchanged,
                "errors": job.error_count}


def drop_index_jobs(app) -> None:
    """Forget the waiting index jobs (``--skip index``: the Whoosh catch-up of 100k
    products takes longer than the import, and runs in another worker anyway)."""
    with app.app_context():
        db.session.execute(delete(outbox.OutboxJob).where(
            outbox.OutboxJob.task == "search.refresh_index"))
        db.session.commit()


def raw_rows(app, company_id: int, count: int) -> list[tuple[dict, list[dict]]]:
    """The generated rows as products and price_tiers rows (categories by id)."""
    with app.app_context():
        category_ids = dict(db.session.execute(select(Category.code, Category.id)).all())
    rows = []
    for row in catalog_rows(count):
        attributes = dict(part.split(": ", 1) for part in row["attributes"].split("; "))
        product = {"company_id": company_id, "sku": row["sku"], "name": row["name"],
                   "name_zh": row["name_zh"] or None, "description": row["description"],
                   "description_zh": row["description_zh"] or None,
                   "category_id": category_ids[row["category"]], "product_line_id": None,
                   "unit": row["unit"], "moq": Decimal(row["moq"]), "currency": row["currency"],
                   "cost_price": None, "attributes": attributes, "hs_code": row["hs_code"],
                   "lead_time_days": row["lead_time_days"], "packaging": row["packaging"],
                   "port": row["port"], "status": ProductStatus(row["status"]),
                   "published_at": None}
        tiers = [{"min_qty": Decimal(row[f"tier{n}_min_qty"]),
                  "unit_price": Decimal(row[f"tier{n}_unit_price"])} for n in (1, 2, 3)]
        rows.append((product, tiers))
    return rows


def raw_insert(app, rows: list[tuple[dict, list[dict]]]) -> float:
    """Seconds to bulk-insert the rows as the import writes them (200 a batch, a commit
    after each), then the rows are deleted again. On PostgreSQL the table is analyzed
    when the rows have doubled, as the import job does: without statistics the SKU
    lookup read every row inserted before it."""
    with app.app_context():
        postgresql = db.session.get_bind().dialect.name == "postgresql"
        analyzed_at = 200
        start = time.perf_counter()
        for at in range(0, len(rows), 200):
            batch = rows[at:at + 200]
            db.session.execute(insert(Product.__table__), [product for product, _ in batch])
            ids = dict(db.session.execute(select(Product.sku, Product.id).where(
                Product.company_id == batch[0][0]["company_id"],
                Product.sku.in_([product["sku"] for product, _ in batch]))).all())
            db.session.execute(insert(PriceTier.__table__), [
                {"product_id": ids[product["sku"]], **tier}
                for product, tiers in batch for tier in tiers])
            db.session.commit()
            if postgresql and at + 200 >= analyzed_at:  # as the import job does (tasks.py)
                analyzed_at = 2 * (at + 200)
                db.session.execute(text("ANALYZE products, price_tiers"))
                db.session.commit()
        seconds = time.perf_counter() - start
        db.session.execute(delete(PriceTier))
        db.session.execute(delete(Product))
        db.session.commit()
    return seconds


def read_only(path: Path) -> int:
    with open(path, "rb") as stream:
        catalog = open_catalog_file(stream)
        parser = RowParser(catalog.header)
        count = 0
        for number, cells in catalog.rows():
            parsed = parser.parse(number, cells)
            assert not parsed.errors, parsed.errors
            count += 1
        catalog.close()
    return count


def run_one(rows: int, fmt: str, skip: set[str] = frozenset()) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        app, company_id, user_id = build_app(folder)
        path, changed = Path(folder) / f"catalog.{fmt}", Path(folder) / f"changed.{fmt}"
        generate = timed(lambda: write_file(path, fmt, catalog_rows(rows)))
        write_file(changed, fmt, catalog_rows(rows, price_factor=1.1))
        figures = {"rows": rows, "format": fmt, "file_mb": path.stat().st_size / 2**20,
                   "generate_s": generate}
        figures["raw_s"] = raw_insert(app, raw_rows(app, company_id, rows))
        with app.test_request_context():
            figures["read_s"] = timed(lambda: read_only(path))
        for phase, source, expect in (("create", path, "created"),
                                      ("unchanged", path, "unchanged"),
                                      ("update", changed, "updated")):
            result = {}
            figures[f"{phase}_s"], start_mb, peak_mb = measured(
                lambda s=source, r=result: r.update(import_job(app, company_id, user_id, s)))
            figures[f"{phase}_mb"] = peak_mb - start_mb  # what the import itself took
            assert result[expect] == rows and result["errors"] == 0, result
            if "index" in skip:
                drop_index_jobs(app)  # a worker's, not measured here
            elif phase == "create":
                figures["index_s"] = timed(lambda: index_jobs(app))
            else:
                index_jobs(app)  # the changed products' index updates, not timed
        if "export" in skip:
            figures["database"] = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
            figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            return figures
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={
            "email": "bench@example.com", "password": "benchmark-password"}
        ).get_json()["access_token"]

        def export():
            response = client.get(f"/api/v1/catalog/export?format={fmt}",
                                  headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            figures["export_mb"] = len(response.get_data()) / 2**20

        figures["export_s"] = timed(export)
        figures["database"] = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def report(f: dict) -> None:
    def rate(phase):
        return f"{f['rows'] / f[phase + '_s']:8.0f}" if phase + "_s" in f else "       -"

    print(f"{f['rows']:>7} rows {f['format']:<4} ({f['file_mb']:5.1f} MB)  raw {rate('raw')}"
          f"  create {rate('create')} ({f['raw_s'] / f['create_s']:.2f} of raw)"
          f"  update {rate('update')} ({f['raw_s'] / f['update_s']:.2f} of raw)"
          f"  index {rate('index')}  read {rate('read')}  unchanged {rate('unchanged')}"
          f"  export {rate('export')} rows/s;  import memory +{f['create_mb']:.0f} MB create,"
          f" +{f['update_mb']:.0f} MB update;  process peak {f['peak_rss_mb']:.0f} MB",
          flush=True)


def main() -> None:
    args = sys.argv[1:]
    skip: list[str] = []
    if "--skip" in args:
        at = args.index("--skip")
        skip = args[at + 1].split(",")
        del args[at:at + 2]
    if args and args[0] == "--one":
        print(json.dumps(run_one(int(args[1]), args[2], set(skip))))
        return
    formats = ["csv", "xlsx"]
    if "--formats" in args:
        at = args.index("--formats")
        formats = args[at + 1].split(",")
        del args[at:at + 2]
    sizes = [int(a) for a in args] or [10_000, 100_000]
    print(f"database: {os.environ.get('DATABASE_URL', 'sqlite (temporary file)').split('@')[-1]}"
          f"; rows per second of each phase (see the docstring)")
    for rows in sizes:
        for fmt in formats:
            done = subprocess.run([sys.executable, __file__, "--one", str(rows), fmt,
                                   *(["--skip", ",".join(skip)] if skip else [])],
                                  capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-4000:], file=sys.stderr)
                raise SystemExit(f"{rows} rows {fmt} failed")
            report(json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()

"""Benchmark: several app nodes (issue 16.3).

Two gunicorn processes (config/gunicorn.conf.py) on two free ports, each with an
instance folder of its own, one Celery worker and Celery beat (Redis), PostgreSQL (a
database of its own, ``bench_storage``, dropped after) and an S3 stand-in (moto's
server, a local process) for the files (STORAGE_BACKEND=s3, docs/STORAGE.md), all with
the production settings. A bounded load, Python client threads for ``--seconds``
(default 60): suppliers publish products, upload their images and read their inbox;
buyers search, open product pages and thumbnails, create, attach to and send documents,
and read their inbox — every request to one node or the other, in turn.

It prints each action's count, p50 and p95 beside the raw baselines measured in the
same run (``GET /healthz``, the lightest request through the same gunicorn and load,
and a direct GET of a stored image from the S3 stand-in), with the ratio; the errors
(none expected); and the cross-node checks made during the load:

- a product published through one node is found by a search through the other at once
  (the next request, no wait): PostgreSQL search (docs/SEARCH.md);
- an image uploaded through one node is served, the same bytes, by the other; a
  document's attachment uploaded through one is served by the other to its company and
  refused (404) to another company;
- a catalog import queued through one node (its file kept in the store) is run by the
  worker and reported through the other;
- nothing was written under either node's instance folder (only the S3 stand-in holds
  files); the worker ran the outbox's jobs (none left failed or waiting).

Run (one benchmark at a time on the shared machine):
    flock /work/team/bench.lock .venv/bin/python bench/multinode.py [--seconds 60]
      [--buyers 4] [--suppliers 4] [--node-workers 2]
PostgreSQL at BENCH_PG (default postgresql://postgres@127.0.0.1:5432), Redis database
BENCH_REDIS_URL (default redis://127.0.0.1:6379/9, emptied after).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "bench_storage"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
BUCKET = "bench-storage"
VENV = ROOT / ".venv" / "bin"
WORDS = ["bolt", "washer", "bracket", "hinge", "flange", "spring", "rivet", "gasket"]
LINES = [{"description": f"Stainless steel hex bolt M8x{n}", "sku": f"HB-M8-{n}",
          "quantity": "20000", "unit": "pcs", "unit_price": "0.072"} for n in (20, 30, 40)]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jpeg(seed: int) -> bytes:
    from PIL import Image

    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), (rng.randrange(256), rng.randrange(256), 90))
    for _ in range(40):
        x, y = rng.randrange(600), rng.randrange(440)
        image.paste((rng.randrange(256), rng.randrange(256), rng.randrange(256)),
                    (x, y, x + 40, y + 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


# ----- the parts ------------------------------------------------------------------------------


class Parts:
    """The processes started here, stopped (each by its own id) at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("wb")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append((name, process))
        return process

    def log(self, name: str, lines: int = 30) -> str:
        text = (self.folder / f"{name}.log").read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in reversed(self.processes):
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                print(f"({name} did not stop in 60 s: killed)")
                process.kill()
                process.wait()


def wait_until_up(parts: Parts, name: str, process, url: str, seconds: float = 300) -> None:
    import requests

    deadline = time.monotonic() + seconds  # a loaded machine takes a while to boot it
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped with {process.returncode}:\n{parts.log(name)}")
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer in {seconds:.0f} s:\n{parts.log(name)}")
        time.sleep(0.5)


def create_database() -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return f"{PG}/{DATABASE}"


def drop_database() -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


def seed(env: dict, folder: Path, buyers: int, suppliers: int) -> dict:
    """Companies with API keys, through the app (the same settings as the nodes); plan
    limits off (the bench's companies are paying customers; limits: tests/billing)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from sqlalchemy import update

        from marketplace import create_app
        from marketplace.billing.models import LIMIT_COLUMNS, Plan
        from marketplace.core.boundary import commit
        from marketplace.extensions import db
        from marketplace.infrastructure import operations
        from marketplace.infrastructure.models import (
            Company,
            CompanyStatus,
            MemberRole,
            Membership,
            User,
        )

        app = create_app("production", instance_path=str(folder / "seed-instance"))
        made = {"buyers": [], "suppliers": []}
        with app.test_request_context():
            db.session.execute(update(Plan).values(**dict.fromkeys(LIMIT_COLUMNS.values())))
            for role, count in (("buyer", buyers), ("supplier", suppliers)):
                for n in range(count):
                    company = Company(name=f"Bench {role.title()} {n}",
                                      country="DE" if role == "buyer" else "TW",
                                      status=CompanyStatus.ACTIVE, approved_at=datetime.now(UTC))
                    company.roles = [role]
                    user = operations.create_user(f"{role}{n}@bench.example.com",
                                                  "benchmark-password", f"{role} {n}")
                    db.session.add_all([company, Membership(company=company, user=user,
                                                            role=MemberRole.ADMIN)])
                    db.session.flush()
                    _, key = operations.create_api_key(company, "bench", ["read", "write"],
                                                       db.session.get(User, user.id))
                    made[f"{role}s"].append({"id": company.id, "key": key})
            commit()
        with app.app_context():
            db.engine.dispose()
        return made
    finally:
        os.environ.clear()
        os.environ.update(saved)


# ----- the load -------------------------------------------------------------------------------


class Record:
    def __init__(self):
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.checks: dict[str, list[bool]] = defaultdict(list)

    def time(self, action: str, elapsed: float) -> None:
        with self.lock:
            self.timings[action].append(elapsed)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text[:300])

    def check(self, name: str, passed: bool, detail: str) -> None:
        with self.lock:
            self.checks[name].append(passed)
            if not passed:
                self.errors.append(f"{name}: {detail}"[:300])


class Client:
    """One client thread: a session per node, the nodes taken in turn."""

    def __init__(self, nodes: list[str], key: str, record: Record, seed: int):
        import requests

        self.nodes = nodes
        self.sessions = [requests.Session() for _ in nodes]
        for session in self.sessions:
            session.headers["Authorization"] = f"Bearer {key}"
        self.record = record
        self.turn = seed % len(nodes)
        self.rng = random.Random(seed)

    def next_node(self) -> int:
        self.turn = (self.turn + 1) % len(self.nodes)
        return self.turn

    def call(self, action: str, method: str, path: str, expect: int = 200, node: int | None = None,
             **kwargs):
        node = self.next_node() if node is None else node
        start = time.perf_counter()
        try:
            response = self.sessions[node].request(method, self.nodes[node] + path, timeout=60,
                                                   **kwargs)
        except Exception as error:  # noqa: BLE001 - counted and shown
            self.record.error(f"{action} via node {node + 1}: {error!r}")
            return None
        elapsed = time.perf_counter() - start
        if response.status_code != expect:
            self.record.error(f"{action} via node {node + 1}: {response.status_code} "
                              f"{response.text[:200]}")
            return None
        self.record.time(action, elapsed)
        return response


_numbers = iter(range(1, 10**9))
_numbers_lock = threading.Lock()


def next_number() -> int:
    with _numbers_lock:
        return next(_numbers)


def supplier_loop(client: Client, deadline: float) -> None:
    while time.perf_counter() < deadline:
        supplier_step(client)


def supplier_step(client: Client) -> None:
    """Publish a product through one node, find it through the other at once; upload
    its image through one, read it through the other; read the inbox."""
    number = next_number()
    word = f"zq{secrets.token_hex(4)}"
    here = client.next_node()
    there = (here + 1) % len(client.nodes)
    created = client.call("product: create + publish", "POST", "/api/v1/products",
                          expect=201, node=here, json={
                              "sku": f"BN-{number}", "name": f"{random.choice(WORDS)} {word}",
                              "description": f"Bench product {number}, {word}",
                              "price_tiers": [{"min_qty": 100, "unit_price": "0.5"}],
                              "status": "published"})
    if created is None:
        return
    product = created.json()["id"]
    found = client.call("search (the other node, at once)", "GET",
                        "/api/v1/search/products", node=there, params={"q": word})
    if found is not None:
        ids = [item["id"] for item in found.json()["items"]]
        client.record.check("published via one node, found via the other", product in ids,
                            f"product {product} published via node {here + 1} not found "
                            f"via node {there + 1}: {ids}")
    picture = jpeg(number)
    uploaded = client.call("image upload", "POST", f"/api/v1/products/{product}/media",
                           expect=201, node=here,
                           files={"file": (f"{word}.jpg", picture, "image/jpeg")})
    if uploaded is not None:
        url = uploaded.json()["url"]
        served = client.call("media read (the other node)", "GET", url, node=there)
        if served is not None:
            client.record.check("uploaded via one node, served by the other",
                                served.content == picture,
                                f"{url} via node {there + 1}: {len(served.content)} bytes, "
                                f"uploaded {len(picture)}")
    client.call("inbox page", "GET", "/api/v1/documents", params={"box": "inbox"})


def buyer_loop(client: Client, stranger: Client, suppliers: list[dict], deadline: float,
               s3, record: Record) -> None:
    while time.perf_counter() < deadline:
        found = client.call("search", "GET", "/api/v1/search/products",
                            params={"q": client.rng.choice(WORDS)})
        items = found.json()["items"] if found is not None else []
        if items:
            product = client.rng.choice(items)
            page = client.call("product page", "GET", f"/api/v1/products/{product['id']}")
            media = (page.json().get("media") or []) if page is not None else []
            images = [m for m in media if m.get("thumbnail_url")]
            if images:
                client.call("thumbnail", "GET", images[0]["thumbnail_url"])
                if s3 is not None:
                    _s3_baseline(s3, record)
        here = client.next_node()
        there = (here + 1) % len(client.nodes)
        supplier = client.rng.choice(suppliers)
        created = client.call("document: create (3 lines)", "POST", "/api/v1/documents",
                              expect=201, node=here, json={
                                  "type": "purchase_order", "recipient_company_id": supplier["id"],
                                  "subject": "Bench order", "currency": "USD", "incoterm": "FOB",
                                  "payment_terms": "tt", "lines": LINES})
        if created is None:
            continue
        document = created.json()["id"]
        attached = client.call("document: attach a PDF", "POST",
                               f"/api/v1/documents/{document}/attachments", expect=201,
                               node=here, files={"file": ("drawing.pdf", PDF, "application/pdf")})
        if attached is not None:
            path = f"/api/v1/documents/{document}/attachments/{attached.json()['id']}"
            got = client.call("attachment read (the other node)", "GET", path, node=there)
            if got is not None:
                client.record.check("attachment served by the other node to its company",
                                    got.content == PDF, f"{path}: {len(got.content)} bytes")
            refused = stranger.sessions[there].get(stranger.nodes[there] + path, timeout=60)
            client.record.check("attachment refused to another company (the other node)",
                                refused.status_code == 404,
                                f"{path} to another buyer: {refused.status_code}")
        client.call("document: send", "POST", f"/api/v1/documents/{document}/actions/send",
                    node=there)
        client.call("inbox page", "GET", "/api/v1/documents", params={"box": "outbox"})
        client.call("GET /healthz (baseline)", "GET", "/healthz")


_s3_keys: list[str] = []


def _s3_baseline(s3, record: Record) -> None:
    client, bucket = s3
    if not _s3_keys:
        pages = client.list_objects_v2(Bucket=bucket, Prefix="media/", MaxKeys=50)
        _s3_keys.extend(item["Key"] for item in pages.get("Contents", [])
                        if item["Key"].endswith(".thumb.jpg"))
        if not _s3_keys:
            return
    start = time.perf_counter()
    client.get_object(Bucket=bucket, Key=random.choice(_s3_keys))["Body"].read()
    record.time("S3 stand-in GET, direct (baseline)", time.perf_counter() - start)


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=100)[q - 1] * 1000


# ----- the run --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--buyers", type=int, default=4)
    parser.add_argument("--suppliers", type=int, default=4)
    parser.add_argument("--node-workers", type=int, default=2,
                        help="gunicorn workers per node (WEB_CONCURRENCY)")
    args = parser.parse_args()

    import boto3
    import redis

    print(f"uptime before: {uptime()}")
    with tempfile.TemporaryDirectory(prefix="bench-multinode-") as temporary:
        folder = Path(temporary)
        parts = Parts(folder)
        url = create_database()
        try:
            s3_port = free_port()
            s3_url = f"http://127.0.0.1:{s3_port}"
            credentials = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                           "AWS_DEFAULT_REGION": "us-east-1"}
            moto = parts.start("s3", [str(VENV / "moto_server"), "-H", "127.0.0.1",
                                      "-p", str(s3_port)], {**os.environ, **credentials})
            wait_until_up(parts, "s3", moto, s3_url)
            s3 = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1",
                              aws_access_key_id="bench", aws_secret_access_key="bench")
            s3.create_bucket(Bucket=BUCKET)

            ports = [free_port(), free_port()]
            nodes = [f"http://127.0.0.1:{port}" for port in ports]
            env = {**os.environ, **credentials,
                   "MARKETPLACE_CONFIG": "production", "SECRET_KEY": secrets.token_urlsafe(48),
                   "DATABASE_URL": url, "REDIS_URL": REDIS_URL, "BASE_URL": nodes[0],
                   "STORAGE_BACKEND": "s3", "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_url,
                   "S3_REGION": "us-east-1",
                   # One client address sends every request: per-address limits would
                   # answer 429 (production's clients come from many addresses).
                   "MARKETPLACE_RATELIMIT_ENABLED": "false",
                   "MARKETPLACE_MAIL_BACKEND": "console", "PYTHONPATH": str(ROOT)}
            migrated = subprocess.run([str(VENV / "flask"), "--app", "marketplace", "db",
                                       "upgrade"], cwd=ROOT, env=env, capture_output=True,
                                      text=True)
            if migrated.returncode:
                raise RuntimeError(f"migrations failed:\n{migrated.stderr[-3000:]}")
            made = seed(env, folder, args.buyers + 1, args.suppliers)
            buyers, stranger, suppliers = made["buyers"][:-1], made["buyers"][-1], \
                made["suppliers"]

            instances = [folder / f"node{n + 1}" for n in range(2)]
            for n, (port, instance) in enumerate(zip(ports, instances, strict=True)):
                node_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}",
                            "WEB_CONCURRENCY": str(args.node_workers),
                            "GUNICORN_ACCESS_LOG": "", "GUNICORN_LOG_LEVEL": "warning"}
                parts.start(f"node{n + 1}", [
                    str(VENV / "gunicorn"), "-c", "config/gunicorn.conf.py",
                    f"marketplace:create_app(instance_path={str(instance)!r})"], node_env)
            parts.start("worker", [str(VENV / "celery"), "-A", "marketplace.worker:celery",
                                   "worker", "--loglevel=warning", "--concurrency=2"], env)
            parts.start("beat", [str(VENV / "celery"), "-A", "marketplace.worker:celery",
                                 "beat", "--loglevel=warning", "-s",
                                 str(folder / "celerybeat-schedule")], env)
            for n, (name, process) in enumerate(parts.processes[1:3]):
                wait_until_up(parts, name, process, f"{nodes[n]}/healthz")
            print(f"nodes: {', '.join(nodes)} ({args.node_workers} gunicorn workers each); "
                  f"Celery worker + beat on {REDIS_URL}; PostgreSQL {DATABASE}; "
                  f"S3 stand-in (moto) {s3_url}")

            record = Record()
            # Every buyer finds something: one product with an image per supplier first
            # (its figures left out; its errors and checks counted).
            for n, supplier in enumerate(suppliers):
                warm = Record()
                supplier_step(Client(nodes, supplier["key"], warm, n))
                record.errors += warm.errors
                for name, results in warm.checks.items():
                    record.checks[name] += results
            deadline = time.perf_counter() + args.seconds
            threads = [threading.Thread(target=supplier_loop, args=(
                Client(nodes, supplier["key"], record, n), deadline))
                for n, supplier in enumerate(suppliers)]
            threads += [threading.Thread(target=buyer_loop, args=(
                Client(nodes, buyer["key"], record, 100 + n),
                Client(nodes, stranger["key"], record, 200 + n), suppliers, deadline,
                (s3, BUCKET), record))
                for n, buyer in enumerate(buyers)]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - began

            queued_import(nodes, suppliers[0]["key"], record)
            settle(env, record)
            nothing_on_nodes(instances, record)
            for name in ("node1", "node2", "worker", "beat"):
                process = dict(parts.processes)[name]
                if process.poll() is not None:
                    record.error(f"{name} stopped during the run ({process.returncode})")
            report(record, elapsed, len(threads))
            print(f"\nerrors: {len(record.errors)}")
            for text in record.errors[:20]:
                print("  ", text)
        finally:
            parts.stop()
            drop_database()
            try:
                redis.Redis.from_url(REDIS_URL).flushdb()
            except Exception as error:  # noqa: BLE001 - only tidying up
                print(f"(bench Redis database not emptied: {error})")
    print(f"uptime after: {uptime()}")


def report(record: Record, elapsed: float, clients: int) -> None:
    total = sum(len(values) for values in record.timings.values())
    print(f"\n-- {clients} client threads, {elapsed:.0f} s, {total} requests measured "
          f"({total / elapsed:.1f}/s), every request to one node or the other in turn --")
    base = record.timings.get("GET /healthz (baseline)") or [float("nan")]
    base_p50, base_p95 = percentile(base, 50), percentile(base, 95)
    print(f"{'action':<42} {'count':>6} {'p50 ms':>8} {'p95 ms':>8}   vs /healthz p50, p95")
    for action in sorted(record.timings):
        values = record.timings[action]
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"{action:<42} {len(values):6d} {p50:8.1f} {p95:8.1f}   "
              f"{p50 / base_p50:5.1f}x {p95 / base_p95:5.1f}x")
    served = record.timings.get("media read (the other node)")
    direct = record.timings.get("S3 stand-in GET, direct (baseline)")
    if served and direct:
        print(f"media read through a node p50 {percentile(served, 50):.1f} ms vs the S3 "
              f"stand-in's own GET p50 {percentile(direct, 50):.1f} ms "
              f"({percentile(served, 50) / percentile(direct, 50):.1f}x)")
    print("\n-- checks --")
    for name, results in sorted(record.checks.items()):
        print(f"{name:<58} {sum(results)}/{len(results)}")


def queued_import(nodes: list[str], key: str, record: Record, seconds: float = 120) -> None:
    """A catalog import queued through node 1 (its file kept in the store) is run by the
    worker and read through node 2."""
    import requests

    headers = {"Authorization": f"Bearer {key}"}
    rows = "sku,name,description\n" + "".join(
        f"IMP-{n},Imported hinge {n},Queued through one node\n" for n in range(50))
    queued = requests.post(f"{nodes[0]}/api/v1/catalog/imports", headers=headers, timeout=60,
                           files={"file": ("catalog.csv", rows.encode(), "text/csv")})
    if queued.status_code != 202:
        record.error(f"catalog import via node 1: {queued.status_code} {queued.text[:200]}")
        return
    job = queued.json()["id"]
    deadline = time.monotonic() + seconds
    while True:
        state = requests.get(f"{nodes[1]}/api/v1/catalog/imports/{job}", headers=headers,
                             timeout=60).json()
        if state.get("status") in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    record.check("catalog import queued via node 1, run by the worker, read via node 2",
                 state.get("status") == "done" and state.get("created") == 50,
                 f"job {job}: {state}")


def settle(env: dict, record: Record, seconds: float = 120) -> None:
    """The worker takes the outbox's jobs: wait for none to be waiting, then count."""
    from sqlalchemy import create_engine, text

    engine = create_engine(env["DATABASE_URL"].replace("postgresql://",
                                                       "postgresql+psycopg://"))
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while True:
            states = dict(conn.execute(text(
                "SELECT status, count(*) FROM outbox_jobs GROUP BY status")).all())
            waiting = sum(count for status, count in states.items()
                          if str(status).lower() not in ("done", "failed"))
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(1)
            conn.rollback()
    engine.dispose()
    print(f"outbox jobs after the load (the worker's): {states}")
    failed = sum(count for status, count in states.items() if str(status).lower() == "failed")
    record.check("outbox jobs run by the worker, none failed or waiting",
                 not failed and not waiting, f"{states}")


def nothing_on_nodes(instances: list[Path], record: Record) -> None:
    kept = [str(path.relative_to(instance.parent)) for instance in instances
            for path in instance.rglob("*") if path.is_file()]
    record.check("no file kept on a node's own disk", not kept, f"files on a node: {kept[:10]}")


if __name__ == "__main__":
    main()

"""Benchmark: trade documents.

1. Document actions per second: POST /api/v1/documents/{id}/actions/send (the whole
   engine: state check, guard, approval rules, dispatch, party rows, history, signal,
   notifications) next to a bare Flask + SQLAlchemy endpoint that updates one row.
2. Inbox listing (GET /api/v1/documents?box=inbox, 20 a page) p50/p95 at 10k and 1M
   documents in the table, bulk-inserted; the measured supplier receives one document
   in ten, the rest go between 100 other companies. Also a search (``q=``).

3. Create + send (issue 16.8): ``POST /documents`` with three lines then its ``send``,
   as a partner system does it, beside a bare Flask + SQLAlchemy endpoint that inserts
   the document with its lines and updates it in one transaction: flows per second,
   the ratio, and the SQL statements of each request; with ``--clients 8``, the same by
   8 concurrent clients against gunicorn (config/gunicorn.conf.py) on this database.

Run: .venv/bin/python bench/documents.py [actions] [sizes] [--flows N] [--clients 8]
     e.g. bench/documents.py 500 10000,1000000
     DATABASE_URL=postgresql://... bench/documents.py 0 0 --flows 300 --clients 8
SQLite in a temporary folder unless DATABASE_URL is set (its tables are dropped). Side
work is handed to Redis (BENCH_REDIS_URL, default database 13, emptied after) as in
production, where a worker runs it.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import event, func, insert, select, update

from marketplace import create_app
from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.infrastructure import mail, operations
from marketplace.infrastructure.auth import ensure_may_act
from marketplace.infrastructure.models import Company, CompanyStatus, MemberRole, Membership
from marketplace.workflow import engine
from marketplace.workflow.models import Document, DocumentLine, DocumentParty, DocumentThread

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
LINES = [{"description": "Stainless steel hex bolt M8x30", "sku": "HB-M8-30",
          "quantity": "20000", "unit": "pcs", "unit_price": "0.072"}]


def build_app(folder: str):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    # Side work (mail, webhooks) is handed to Redis as in production (a Celery worker
    # would run it; none runs here, and the bench's Redis database is emptied after).
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                                     "WTF_CSRF_ENABLED": False, "REDIS_URL": REDIS_URL},
                     instance_path=folder)
    # Mail is rendered and queued as in production; the delivery itself (a worker's
    # job) is left out, so the console backend's printing does not time the bench.
    mail.send_mail.delay = lambda message: None

    @app.route("/bench/bare/<int:company_id>", methods=["POST"])
    def bare(company_id):
        db.session.execute(update(Company).where(Company.id == company_id)
                           .values(city=f"City {time.perf_counter_ns()}"))
        db.session.commit()
        return {"id": company_id}

    add_bare_flow(app)
    with app.app_context():
        db.drop_all()
        db.create_all()
    with app.test_request_context():
        from marketplace.billing.operations import ensure_default_plans

        # As the migration seeds them, so every API call is counted, but without the
        # free plan's 1,000 calls a day: the run makes more than that.
        for plan in ensure_default_plans():
            plan.max_api_calls = None
        commit()
    return app


def company(name: str, roles: list[str], email: str) -> tuple[int, int]:
    row = Company(name=name, country="DE" if "buyer" in roles else "TW",
                  status=CompanyStatus.ACTIVE, approved_at=datetime.now(UTC))
    row.roles = roles
    user = operations.create_user(email, "benchmark-password", name)
    db.session.add_all([row, Membership(company=row, user=user, role=MemberRole.ADMIN)])
    db.session.flush()
    return row.id, user.id


def key_for(company_id: int, user_id: int) -> str:
    from marketplace.infrastructure.models import User

    _, secret = operations.create_api_key(db.session.get(Company, company_id), "bench",
                                          ["read", "write"], db.session.get(User, user_id))
    return secret


def measure(label: str, calls, expect: int = 200) -> list[float]:
    timings = []
    for call in calls:
        start = time.perf_counter()
        response = call()
        timings.append(time.perf_counter() - start)
        assert response.status_code == expect, response.get_data(as_text=True)[:500]
    p50 = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20)[18] * 1000
    print(f"{label:<46} {len(timings) / sum(timings):8.0f} req/s   p50 {p50:6.1f} ms   "
          f"p95 {p95:6.1f} ms", flush=True)
    return timings


def bench_actions(app, count: int) -> None:
    with app.test_request_context():
        buyer, buyer_user = company("Bench Buyer", ["buyer"], "buyer@bench.example.com")
        supplier, _ = company("Bench Supplier", ["supplier"], "supplier@bench.example.com")
        key = key_for(buyer, buyer_user)
        actor = ensure_may_act(db.session.get(operations.User, buyer_user))
        ids = [engine.create_document("purchase_order", actor=actor,
                                      recipient_company_id=supplier,
                                      header={"subject": f"Order {n}"}, lines=LINES).id
               for n in range(count)]
        commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    print(f"-- document actions, {count} each --")
    measure("bare Flask+SQLAlchemy (update 1 row)",
            [lambda: client.post(f"/bench/bare/{buyer}") for _ in range(count)])
    measure("POST /documents/{id}/actions/send",
            [lambda i=i: client.post(f"/api/v1/documents/{i}/actions/send", headers=headers)
             for i in ids])


FLOW_LINES = [{"description": f"Stainless steel hex bolt M8x{n}", "sku": f"HB-M8-{n}",
               "quantity": "20000", "unit": "pcs", "unit_price": "0.072"}
              for n in (20, 30, 40)]


class StatementCounter:
    """SQL statements run while it is on (an event listener on every engine: the
    request's and the one apart for numbers and API call counts)."""

    def __init__(self, _engine=None):
        from sqlalchemy.engine import Engine

        self.count, self.engine = 0, Engine

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *args):
        self.count += 1


def add_bare_flow(app) -> None:
    """The floor of create + send: a bare Flask + SQLAlchemy endpoint that inserts a
    document with its lines (and its thread) and updates it, in one transaction."""
    counter = iter(range(1, 10**9))

    @app.route("/bench/bare-flow/<int:company_id>/<int:recipient_id>", methods=["POST"])
    def bare_flow(company_id, recipient_id):
        from flask import request

        body = request.get_json()
        document = Document(
            type="purchase_order", status="draft", number=f"BARE-{os.getpid()}-{next(counter)}",
            issuer_company_id=company_id, recipient_company_id=recipient_id,
            thread=DocumentThread(subject=body["subject"]), subject=body["subject"],
            currency="USD", extras={}, search_text=body["subject"].lower(),
            lines=[DocumentLine(position=n, description=line["description"], sku=line["sku"],
                                quantity=Decimal(line["quantity"]), unit=line["unit"],
                                unit_price=Decimal(line["unit_price"]), extras={})
                   for n, line in enumerate(body["lines"])])
        db.session.add(document)
        db.session.flush()
        document.status, document.sent_at = "sent", datetime.now(UTC)
        db.session.commit()
        return {"id": document.id, "number": document.number, "status": document.status}, 201


def bench_flows(app, count: int) -> dict:
    """Create + send through the API (two requests, as a partner system does it) beside
    the bare endpoint, in flows per second; and the SQL statements of each request."""
    with app.test_request_context():
        buyer, buyer_user = company("Flow Buyer", ["buyer"], "flowbuyer@bench.example.com")
        supplier, _ = company("Flow Supplier", ["supplier"], "flowsupplier@bench.example.com")
        key = key_for(buyer, buyer_user)
        commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    body = {"type": "purchase_order", "recipient_company_id": supplier,
            "subject": "Flow order", "currency": "USD", "incoterm": "FOB",
            "payment_terms": "tt", "lines": FLOW_LINES}

    def flow():
        created = client.post("/api/v1/documents", json=body, headers=headers)
        assert created.status_code == 201, created.get_data(as_text=True)[:300]
        sent = client.post(f"/api/v1/documents/{created.get_json()['id']}/actions/send",
                           headers=headers)
        assert sent.status_code == 200, sent.get_data(as_text=True)[:300]
        return sent

    def bare():
        return client.post(f"/bench/bare-flow/{buyer}/{supplier}", headers=headers,
                           json={"subject": "Flow order", "lines": FLOW_LINES})

    for _ in range(10):  # warm up both
        flow(), bare()
    print(f"-- create + send, {count} flows, 3 lines each --")
    bare_t = measure("bare Flask+SQLAlchemy (insert + update)", [bare] * count, expect=201)
    api_t = measure("API: POST /documents + actions/send", [flow] * count)
    ratio = (count / sum(api_t)) / (count / sum(bare_t))
    print(f"   API flows/s are {ratio:.1%} of the bare endpoint's", flush=True)
    with app.app_context():
        engine_ = db.engine
    with StatementCounter(engine_) as created:
        answer = client.post("/api/v1/documents", json=body, headers=headers)
    with StatementCounter(engine_) as sent:
        client.post(f"/api/v1/documents/{answer.get_json()['id']}/actions/send",
                    headers=headers)
    with StatementCounter(engine_) as floor:
        bare()
    print(f"   SQL statements: create {created.count}, send {sent.count}, "
          f"bare {floor.count}", flush=True)
    return {"ratio": ratio, "key": key, "supplier": supplier, "buyer": buyer}


def wsgi_app():
    """The app as gunicorn serves it (``bench.documents:wsgi_app()``), with the bare
    endpoints beside it; the database is the one the bench set up (DATABASE_URL)."""
    app = create_app("development", {"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
                                     "REDIS_URL": REDIS_URL})
    mail.send_mail.delay = lambda message: None
    add_bare_flow(app)
    return app


def _client_loop(base: str, make_call, seconds: float, results: list, errors: list) -> None:
    import requests

    session = requests.Session()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        try:
            results.append(make_call(session, base))
        except Exception as error:  # noqa: BLE001 - counted and shown
            errors.append(repr(error)[:200])


def _api_flow(key: str, supplier: int):
    body = {"type": "purchase_order", "recipient_company_id": supplier,
            "subject": "Flow order", "currency": "USD", "incoterm": "FOB",
            "payment_terms": "tt", "lines": FLOW_LINES}
    headers = {"Authorization": f"Bearer {key}"}

    def call(session, base):
        start = time.perf_counter()
        created = session.post(f"{base}/api/v1/documents", json=body, headers=headers)
        middle = time.perf_counter()
        assert created.status_code == 201, created.text[:300]
        sent = session.post(f"{base}/api/v1/documents/{created.json()['id']}/actions/send",
                            headers=headers)
        end = time.perf_counter()
        assert sent.status_code == 200, sent.text[:300]
        return middle - start, end - middle, end - start
    return call


def _bare_flow(buyer: int, supplier: int):
    def call(session, base):
        start = time.perf_counter()
        answer = session.post(f"{base}/bench/bare-flow/{buyer}/{supplier}",
                              json={"subject": "Flow order", "lines": FLOW_LINES})
        assert answer.status_code == 201, answer.text[:300]
        elapsed = time.perf_counter() - start
        return elapsed, 0.0, elapsed
    return call


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


BARE, API = "bare Flask+SQLAlchemy (insert + update)", "API: POST /documents + actions/send"


def _run_clients(base: str, make_call, clients: int, seconds: float, results: list,
                 elapsed: list, errors: list) -> float:
    """``clients`` threads calling for ``seconds``: their flows per second (the timings
    added to ``results``, the time to ``elapsed[0]``, the errors to ``errors``)."""
    from concurrent.futures import ThreadPoolExecutor

    found: list = []
    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:  # waits for every client at its end
        for _ in range(clients):
            pool.submit(_client_loop, base, make_call, seconds, found, errors)
    took = time.perf_counter() - began
    results += found
    elapsed[0] += took
    return len(found) / took


def bench_concurrent(app, clients: int, seconds: float, port: int = 8765,
                     rounds: int = 3) -> None:
    """Create + send by ``clients`` concurrent clients against gunicorn
    (config/gunicorn.conf.py) on this database, beside the bare endpoint: ``rounds``
    rounds of ``seconds`` each way, in turns."""
    import subprocess

    import requests

    with app.test_request_context():
        buyer, buyer_user = company("Load Buyer", ["buyer"], "loadbuyer@bench.example.com")
        supplier, _ = company("Load Supplier", ["supplier"], "loadsupplier@bench.example.com")
        key = key_for(buyer, buyer_user)
        commit()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "",
           "GUNICORN_LOG_LEVEL": "warning", "PYTHONPATH": root}
    server = subprocess.Popen(
        [os.path.join(root, ".venv/bin/gunicorn"), "-c", "config/gunicorn.conf.py",
         "bench.documents:wsgi_app()"], cwd=root, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # a loaded machine takes a while to boot it
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped with {server.returncode}")
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code < 500:
                    break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        workers = env.get("WEB_CONCURRENCY") or "2 x CPUs + 1"
        print(f"-- create + send, {clients} concurrent clients, {rounds} rounds of {seconds:.0f} s "
              f"each way, gunicorn ({workers} workers) --", flush=True)
        flows = {BARE: (_bare_flow(buyer, supplier), [], [0.0], []),
                 API: (_api_flow(key, supplier), [], [0.0], [])}
        for make_call, *_ in flows.values():
            for _warm in range(clients):  # every worker imported and connected
                make_call(requests.Session(), base)
        ratios = []
        for round_ in range(1, rounds + 1):
            # The two in turns, each round beside the other's: the machines are shared,
            # and a ratio taken from two different minutes measures the neighbours. Who
            # goes first alternates (bare, API; API, bare; ...): the machine's speed
            # drifts over tens of seconds and the tables grow, and always second would
            # put either side on the slower, fuller half of every round.
            rates = {}
            for label in (BARE, API) if round_ % 2 else (API, BARE):
                make_call, results, elapsed, errors = flows[label]
                rates[label] = _run_clients(base, make_call, clients, seconds, results, elapsed,
                                            errors)
            ratios.append(rates[API] / rates[BARE])
            print(f"   round {round_}: bare {rates[BARE]:6.1f}, API {rates[API]:5.1f} flows/s: "
                  f"{ratios[-1]:.1%}", flush=True)
        for label, (_, results, elapsed, errors) in flows.items():
            creates, sends, times = zip(*results, strict=True) if results else ((), (), ())
            detail = "" if label == BARE else (
                f"   create p50 {_p(creates, 50):5.0f} p95 {_p(creates, 95):5.0f} ms"
                f"   send p50 {_p(sends, 50):5.0f} p95 {_p(sends, 95):5.0f} ms")
            print(f"{label:<42} {len(results) / elapsed[0]:6.1f} flows/s   flow p50 "
                  f"{_p(times, 50):5.0f} p95 {_p(times, 95):5.0f} ms{detail}   errors "
                  f"{len(errors)}", flush=True)
            if errors:
                print("   first error:", errors[0])
        total = (len(flows[API][1]) / flows[API][2][0]) / (len(flows[BARE][1]) / flows[BARE][2][0])
        print(f"   API flows/s are {total:.1%} of the bare endpoint's over all rounds "
              f"(rounds: {', '.join(f'{r:.1%}' for r in ratios)}; median "
              f"{statistics.median(ratios):.1%})", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()


def fill(total: int, supplier: int, buyer: int, others: list[int]) -> None:
    """``total`` sent documents (one line, two party rows each), by bulk inserts."""
    start, batch = time.perf_counter(), 20_000
    first_id = (db.session.scalar(select(func.max(Document.id))) or 0) + 1
    thread = DocumentThread(subject="bench")
    db.session.add(thread)
    db.session.flush()
    now = datetime.now(UTC)
    for offset in range(0, total, batch):
        documents, lines, parties = [], [], []
        for n in range(offset, min(offset + batch, total)):
            ident = first_id + n
            issuer, recipient = (buyer, supplier) if n % 10 == 0 else (
                others[n % len(others)], others[(n + 1) % len(others)])
            documents.append({
                "id": ident, "type": "inquiry", "number": f"INQ-B-{ident:08}", "status": "sent",
                "issuer_company_id": issuer, "recipient_company_id": recipient,
                "thread_id": thread.id, "subject": f"Bench inquiry {ident} for fasteners",
                "currency": "USD", "extras": {}, "total_amount": Decimal("1440"),
                "sent_at": now - timedelta(seconds=total - n), "created_at": now,
                "updated_at": now, "version": 1,
                "search_text": f"inq-b-{ident:08}\nbench inquiry {ident} for fasteners\n"
                               f"company {issuer}\ncompany {recipient}\n"
                               f"hex bolt m8 lot {ident} hb-{ident % 5000}"})
            lines.append({"document_id": ident, "position": 0, "description":
                          f"Hex bolt M8 lot {ident}", "sku": f"HB-{ident % 5000}",
                          "quantity": Decimal(20000), "unit": "pcs", "extras": {}})
            parties += [{"document_id": ident, "company_id": issuer, "role": "issuer",
                         "tags": [], "archived": False},
                        {"document_id": ident, "company_id": recipient, "role": "recipient",
                         "tags": [], "archived": False}]
        db.session.execute(insert(Document.__table__), documents)
        db.session.execute(insert(DocumentLine.__table__), lines)
        db.session.execute(insert(DocumentParty.__table__), parties)
        db.session.commit()
    print(f"   inserted {total} documents in {time.perf_counter() - start:.0f} s", flush=True)


def bench_inbox(app, sizes: list[int], count: int = 200) -> None:
    with app.test_request_context():
        supplier, supplier_user = company("Inbox Supplier", ["supplier"],
                                          "inbox@bench.example.com")
        buyer, _ = company("Inbox Buyer", ["buyer"], "inboxbuyer@bench.example.com")
        others = [company(f"Other {n}", ["buyer", "supplier"], f"o{n}@bench.example.com")[0]
                  for n in range(100)]
        key = key_for(supplier, supplier_user)
        commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    filled = 0
    for size in sizes:
        with app.app_context():
            fill(size - filled, supplier, buyer, others)
            filled = size
            inbox = db.session.scalar(select(func.count()).select_from(DocumentParty).where(
                DocumentParty.company_id == supplier, DocumentParty.role == "recipient"))
        print(f"-- inbox listing, {size} documents in the table, {inbox} in this inbox --")
        measure(f"GET /documents?box=inbox ({size})",
                [lambda: client.get("/api/v1/documents?box=inbox", headers=headers)
                 for _ in range(count)])
        measure(f"GET /documents?box=inbox&page=50 ({size})",
                [lambda: client.get("/api/v1/documents?box=inbox&page=50", headers=headers)
                 for _ in range(count)])
        measure(f"GET /documents?box=inbox&q=hb-42 ({size})",
                [lambda: client.get("/api/v1/documents?box=inbox&q=hb-42", headers=headers)
                 for _ in range(max(5, count // 20))])


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("actions", nargs="?", type=int, default=300)
    parser.add_argument("sizes", nargs="?", default="10000",
                        help="inbox sizes (0: skip; bench/lists.py measures lists at scale)")
    parser.add_argument("--flows", type=int, default=200, help="create + send flows")
    parser.add_argument("--clients", type=int, default=0,
                        help="concurrent clients on gunicorn (PostgreSQL), e.g. 8")
    parser.add_argument("--seconds", type=float, default=30,
                        help="concurrent: seconds of each endpoint in each round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="concurrent: rounds, the bare endpoint and the API in turns "
                             "(which goes first alternates)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if int(s)]
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder)
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
        if args.actions:
            bench_actions(app, args.actions)
        if args.flows:
            bench_flows(app, args.flows)
        if args.clients:
            bench_concurrent(app, args.clients, args.seconds, rounds=args.rounds)
        if sizes:
            bench_inbox(app, sizes)
        with app.app_context():
            db.engine.dispose()
        _empty_redis()


def _empty_redis() -> None:
    """The jobs handed over during the run (no worker took them)."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    except Exception as error:  # noqa: BLE001 - only tidying up
        print(f"(bench Redis database not emptied: {error})")


if __name__ == "__main__":
    main()

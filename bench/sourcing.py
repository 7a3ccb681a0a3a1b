"""Benchmark: a reverse auction under load, on PostgreSQL, through the real HTTP API.

50 suppliers bid in one auction at 20 bids a second for a minute (POST
/api/v1/auctions/{id}/bids, each bid the best less the decrement as the bidder last
heard it, so some arrive too late and are refused 422, as in a real auction), while
every supplier polls its standing every 2.5 seconds (GET /auctions/{id}/standing, 20 a
second). The app is served by werkzeug's threaded server in a thread of this process
(real sockets, real connections from SQLAlchemy's pool). Then:

  checks    every 201 is exactly one row of sourcing_auction_bids and no other row
            exists (nothing lost, nothing twice); the rows fall strictly, each at least
            the decrement below the best it beat; one leader; no 5xx
  timings   p50/p95 of the bid and the standing calls, beside a raw baseline in the same
            run: psycopg inserting a bid row and reading a rank (count of lower
            standing bids) straight from the tables, with the ratio; target: the
            standing's p95 under 100 ms

Run: PYTHONPATH=. .venv/bin/python bench/sourcing.py [--seconds 60] [--rate 20]
``BENCH_ADMIN_URL`` names the server's maintenance database (default
postgresql://postgres@127.0.0.1:5432/postgres); a database of its own is created and
dropped.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
import requests  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.core.boundary import commit  # noqa: E402
from marketplace.extensions import db  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SUPPLIERS = 50
PASSWORD = "bench-password-123"
START, STEP = Decimal("100000.00"), Decimal("1.00")


def create_database() -> str:
    name = f"bench_sourcing_{os.getpid()}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_world(url: str, seconds: int):
    """The buyer's rfq sent to 50 suppliers, an auction on it open for the run, and an
    API key (read, write) per supplier."""
    from marketplace.billing.operations import ensure_default_plans
    from marketplace.infrastructure import operations as accounts
    from marketplace.infrastructure.auth import ensure_may_act
    from marketplace.infrastructure.models import (
        Company,
        CompanyStatus,
        MemberRole,
        Membership,
    )
    from marketplace.sourcing import operations
    from marketplace.workflow import engine

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                                 "MAIL_BACKEND": "console",  # the invitations' mails
                                 "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 40,
                                                               "max_overflow": 20}})
    with app.app_context():
        db.create_all()
    with app.test_request_context():
        def company(name: str, role: str, email: str):
            found = Company(name=name, country="TW", status=CompanyStatus.ACTIVE,
                            approved_at=datetime.now(UTC))
            found.roles = [role]
            user = accounts.create_user(email, PASSWORD, name, "en")
            user.email_verified_at = datetime.now(UTC)
            db.session.add_all([found, Membership(company=found, user=user,
                                                  role=MemberRole.ADMIN)])
            db.session.flush()
            return found, user

        buyer, buyer_user = company("Bench Buyer", "buyer", "buyer@bench.example.com")
        suppliers = [company(f"Supplier {n:02d}", "supplier", f"s{n}@bench.example.com")
                     for n in range(SUPPLIERS)]
        keys = []
        for supplier, user in suppliers:
            _row, key = accounts.create_api_key(supplier, "bench", ["read", "write"], user)
            keys.append(key)
        ensure_default_plans()  # as the migration seeds them: every API call is counted
        actor = ensure_may_act(buyer_user)
        rfq = engine.create_document(
            "rfq", actor=actor, recipient_company_id=None,
            recipient_company_ids=[s.id for s, _u in suppliers],
            header={"subject": "Bench lot", "currency": "USD"},
            lines=[{"description": "Bolt M10", "quantity": "100000", "unit": "pcs"}])
        engine.perform(rfq, "send", actor)
        now = datetime.now(UTC)
        auction = operations.create_auction(rfq.id, actor, {
            "starts_at": now, "ends_at": now + timedelta(seconds=seconds + 120),
            "starting_price": START, "decrement_amount": STEP, "soft_close_minutes": 0,
            "visibility": "best"})
        auction_id = auction.id
        commit()
    return app, keys, auction_id


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """The app served by gunicorn in processes of its own (``--gunicorn``): the load
    generator's threads then share no interpreter with the server's."""

    def __init__(self, url: str, port: int, workers: int):
        config = {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                  "MAIL_BACKEND": "console"}
        target = f"marketplace:create_app('testing', {config!r})"
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-b", f"127.0.0.1:{port}",
             "-w", str(workers), "--threads", "8", "--log-level", "warning", target],
            cwd=str(Path(__file__).resolve().parent.parent))
        for _ in range(120):
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                return
            except requests.RequestException:
                time.sleep(0.5)
        self.shutdown()
        raise RuntimeError("gunicorn did not start")

    def shutdown(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def serve(app, url: str, workers: int) -> tuple[str, object]:
    port = _port()
    if workers:
        return f"http://127.0.0.1:{port}/api/v1", Gunicorn(url, port, workers)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}/api/v1", server


def statements(app, key: str, auction_id: int, amount: Decimal | None = None) -> int:
    """The SQL statements one standing call (or one bid of ``amount``) runs, counted on
    every engine (the request's and the one apart for the API call counter) through the
    app in this process: BEGIN and COMMIT are not statements and are not counted."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    seen: list[str] = []

    def count(_conn, _cursor, statement, *_rest) -> None:
        seen.append(statement)

    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    event.listen(Engine, "before_cursor_execute", count)
    try:
        if amount is None:
            response = client.get(f"/api/v1/auctions/{auction_id}/standing", headers=headers)
        else:
            response = client.post(f"/api/v1/auctions/{auction_id}/bids", headers=headers,
                                   json={"amount": f"{amount:.2f}"})
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return len(seen)


def quantiles(timings: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(timings, n=20)
    return cuts[9] * 1000, cuts[18] * 1000


def raw_baseline(url: str, auction_id: int, company_ids: list[int], count: int):
    """The floor: a bid row inserted and a rank read straight with psycopg."""
    inserts, ranks = [], []
    with psycopg.connect(url, autocommit=True) as conn:
        for n in range(count):
            start = time.perf_counter()
            conn.execute("INSERT INTO sourcing_auction_bids (auction_id, company_id, via, "
                         "amount, placed_at) VALUES (%s, %s, 'raw', %s, now())",
                         (auction_id, company_ids[n % len(company_ids)], 1 + n / 1000))
            inserts.append(time.perf_counter() - start)
            start = time.perf_counter()
            conn.execute("SELECT 1 + count(*) FROM sourcing_auction_bidders WHERE "
                         "auction_id = %s AND amount < %s", (auction_id, 50000)).fetchone()
            ranks.append(time.perf_counter() - start)
        conn.execute("DELETE FROM sourcing_auction_bids WHERE via = 'raw'")
    return inserts, ranks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rate", type=int, default=20)
    parser.add_argument("--gunicorn", type=int, default=0, metavar="WORKERS",
                        help="serve with gunicorn, this many worker processes (8 threads "
                             "each), instead of werkzeug's threaded server in this process")
    args = parser.parse_args()
    url = create_database()
    try:
        run(url, args.seconds, args.rate, args.gunicorn)
    finally:
        drop_database(url)


def run(url: str, seconds: int, rate: int, workers: int) -> None:
    app, keys, auction_id = build_world(url, seconds)
    statements(app, keys[0], auction_id)  # the key's first use of the minute is stamped
    counts = {"standing (no bid yet)": statements(app, keys[0], auction_id)}
    base, server = serve(app, url, workers)
    try:
        measure(url, base, keys, auction_id, seconds, rate, workers)
        with psycopg.connect(url) as conn:
            best, leader = conn.execute("SELECT best_amount, best_company_id FROM "
                                        "sourcing_auctions WHERE id = %s",
                                        (auction_id,)).fetchone()
            companies = [row[0] for row in conn.execute(
                "SELECT company_id FROM sourcing_auction_bidders WHERE auction_id = %s "
                "ORDER BY company_id", (auction_id,))]  # in the keys' order
        others = [n for n, company in enumerate(companies) if company != leader]
        statements(app, keys[others[0]], auction_id)
        counts["standing (a bidder with a rank)"] = statements(app, keys[others[0]],
                                                               auction_id)
        counts["bid (outbidding the leader)"] = statements(app, keys[others[1]], auction_id,
                                                           best - 2 * STEP)
        print("SQL statements a request: " + ", ".join(f"{label} {n}"
                                                       for label, n in counts.items()))
    finally:
        server.shutdown()


def measure(url: str, base: str, keys: list[str], auction_id: int, seconds: int, rate: int,
            workers: int) -> None:
    sessions = [requests.Session() for _ in keys]
    for session, key in zip(sessions, keys, strict=True):
        session.headers["Authorization"] = f"Bearer {key}"
    heard = {"best": START + STEP}
    lock = threading.Lock()
    bids: list[tuple[int, str, int, float]] = []  # (supplier, amount, status, seconds)
    standings: list[float] = []
    errors: list[str] = []

    def bid(n: int) -> None:
        supplier = n % len(keys)
        with lock:
            amount = heard["best"] - STEP
        start = time.perf_counter()
        response = sessions[supplier].post(f"{base}/auctions/{auction_id}/bids",
                                           json={"amount": f"{amount:.2f}"})
        took = time.perf_counter() - start
        if response.status_code == 201:
            with lock:
                heard["best"] = min(heard["best"], amount)
        elif response.status_code == 422:
            best = sessions[supplier].get(f"{base}/auctions/{auction_id}/standing").json()
            with lock:
                heard["best"] = min(heard["best"], Decimal(best["best_amount"]))
        else:
            errors.append(f"bid {response.status_code} {response.text[:200]}")
        bids.append((supplier, f"{amount:.2f}", response.status_code, took))

    def poll(supplier: int) -> None:
        start = time.perf_counter()
        response = sessions[supplier].get(f"{base}/auctions/{auction_id}/standing")
        standings.append(time.perf_counter() - start)
        if response.status_code != 200:
            errors.append(f"standing {response.status_code}")

    def guarded(work, *args) -> None:
        try:
            work(*args)
        except Exception as error:  # a transport error is an outcome, and must show
            errors.append(f"{work.__name__}: {error!r}"[:200])

    print(f"50 suppliers, {rate} bids/s and {rate} standing polls/s for {seconds} s, "
          "PostgreSQL, " + (f"gunicorn {workers} workers × 8 threads" if workers
                            else "werkzeug threaded server in this process"))
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        for n in range(seconds * rate):
            due = began + n / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            pool.submit(guarded, bid, n)
            pool.submit(guarded, poll, (n * 7) % len(keys))
    elapsed = time.perf_counter() - began

    accepted = [b for b in bids if b[2] == 201]
    refused = [b for b in bids if b[2] == 422]
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT company_id, amount, previous_best FROM "
                            "sourcing_auction_bids WHERE auction_id = %s ORDER BY id",
                            (auction_id,)).fetchall()
        best, count = conn.execute("SELECT best_amount, bid_count FROM sourcing_auctions "
                                   "WHERE id = %s", (auction_id,)).fetchone()
        leaders = conn.execute("SELECT count(*) FROM sourcing_auction_bidders WHERE "
                               "auction_id = %s AND amount = %s", (auction_id, best)
                               ).fetchone()[0]
        company_ids = [r[0] for r in conn.execute(
            "SELECT company_id FROM sourcing_auction_bidders WHERE auction_id = %s",
            (auction_id,)).fetchall()]
    amounts = [Decimal(r[1]) for r in rows]
    falling = all(b <= a - STEP for a, b in zip(amounts, amounts[1:], strict=False))
    sent = sorted(Decimal(b[1]) for b in accepted)
    checks = {
        "no lost or double bid (rows == 201 answers)": sorted(amounts) == sent,
        "bid_count == rows": count == len(rows),
        "each bid ≤ the best it beat − decrement": falling,
        "one leader at the best": leaders == 1 and best == amounts[-1],
        "no 5xx / transport error": not errors,
    }
    inserts, ranks = raw_baseline(url, auction_id, company_ids, 500)

    print(f"ran {elapsed:.1f} s: {len(bids)} bids ({len(accepted)} accepted, {len(refused)} "
          f"refused as too high by then), {len(standings)} standing polls")
    for label, ok in checks.items():
        print(f"  {'OK  ' if ok else 'FAIL'} {label}")
    if errors:
        print("  errors:", errors[:5])
    bid_p50, bid_p95 = quantiles([b[3] for b in bids])
    st_p50, st_p95 = quantiles(standings)
    in_p50, in_p95 = quantiles(inserts)
    rk_p50, rk_p95 = quantiles(ranks)
    print(f"{'':38}{'p50 ms':>9}{'p95 ms':>9}{'p95 ratio':>11}")
    print(f"{'POST /auctions/{id}/bids (HTTP)':38}{bid_p50:9.1f}{bid_p95:9.1f}"
          f"{bid_p95 / in_p95:10.0f}x")
    print(f"{'raw INSERT of a bid row':38}{in_p50:9.2f}{in_p95:9.2f}")
    print(f"{'GET /auctions/{id}/standing (HTTP)':38}{st_p50:9.1f}{st_p95:9.1f}"
          f"{st_p95 / rk_p95:10.0f}x")
    print(f"{'raw rank query':38}{rk_p50:9.2f}{rk_p95:9.2f}")
    print(f"standing p95 {st_p95:.1f} ms: "
          f"{'under' if st_p95 < 100 else 'OVER'} the 100 ms target")
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()

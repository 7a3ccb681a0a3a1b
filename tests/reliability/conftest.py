"""Concurrency tests: the app served by werkzeug in a thread (threaded, each request
its own app context, session and database connection), called by real threads.

They need PostgreSQL (row locks, READ COMMITTED): on SQLite every write waits for the
one database lock, so a race cannot be provoked; they are skipped there with a reason.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from werkzeug.serving import make_server

from marketplace.extensions import db
from tests.conftest import crm_in_step


@pytest.fixture
def postgresql_only(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only: SQLite takes one writer at a time, so no race "
                        "can be provoked (set TEST_DATABASE_URL)")


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def parallel(self, count: int, method: str, path: str, token: str, **kwargs):
        """``count`` identical calls released at once; their answers."""
        barrier = threading.Barrier(count)
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}

        def call(_):
            with requests.Session() as http:  # a connection of its own
                barrier.wait(timeout=20)
                return http.request(method, self.url + path, headers=headers, timeout=30,
                                    **kwargs)

        with ThreadPoolExecutor(count) as pool:
            return list(pool.map(call, range(count)))

    def call(self, method: str, path: str, token: str, **kwargs):
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.url + path, headers=headers, timeout=30,
                                **kwargs)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def live(app, postgresql_only):
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture
def served(app):
    """The served app on either database, for tests that provoke no race."""
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture(scope="package", autouse=True)
def _crm_in_step(app):
    """Every document action here refreshes crm's figures, as in production."""
    with crm_in_step(app):
        yield

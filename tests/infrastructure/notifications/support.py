"""What the notification tests share: a local HTTP receiver for webhooks, and helpers
that call ``notify`` the way a module does (inside a unit of work, then commit)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from flask import g

from marketplace.core.boundary import commit
from marketplace.infrastructure.notifications import notify

SECRET = "a-receivers-shared-secret-0123456789"


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    def signature_is_valid(self, secret: str = SECRET) -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers.get("X-Marketplace-Signature", ""), expected)


@dataclass
class Receiver:
    """A partner system's endpoint: records each POST, answers from ``statuses`` in turn
    (the last one repeats), optionally after ``delay`` seconds."""

    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0
    location: str | None = None  # sent with 3xx answers
    received: list[Received] = field(default_factory=list)

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(Received(self.path, dict(self.headers), body))
                status = receiver.statuses[min(len(receiver.received),
                                               len(receiver.statuses)) - 1]
                if receiver.delay:
                    time.sleep(receiver.delay)
                try:
                    self.send_response(status)
                    if receiver.location:
                        self.send_header("Location", receiver.location)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(f"answer {status}".encode())
                except OSError:  # the sender gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/hooks/marketplace?source=test"

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received


def notify_now(app, *, acting_user_id: int | None = None, **kwargs) -> list[int]:
    """``notify`` inside a unit of work that commits, as a module's operation would."""
    with app.test_request_context():
        g.actor_user_id = acting_user_id
        ids = [row.id for row in notify(**kwargs)]
        commit()
    return ids


def wait_until(check, timeout: float = 15.0, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(step)

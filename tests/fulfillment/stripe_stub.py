"""A local HTTP server that answers like Stripe's API for Checkout sessions, so the
real ``stripe`` library is exercised end to end; and webhook signing done the way the
library verifies it (``t=<timestamp>,v1=<HMAC-SHA256 of "t.payload">``)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import stripe


class StripeStub:
    def __init__(self):
        self.requests: list[dict] = []
        self.sessions: dict[str, dict] = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                stub.requests.append({"path": self.path, "form": form,
                                      "auth": self.headers.get("Authorization")})
                if self.path != "/v1/checkout/sessions":
                    return self._answer(404, {"error": {"message": "Unknown path",
                                                        "type": "invalid_request_error"}})
                if stub.fail_next:
                    stub.fail_next = False
                    return self._answer(402, {"error": {"message": "Your card was declined.",
                                                        "type": "card_error"}})
                number = len(stub.sessions) + 1
                session = {
                    "id": f"cs_test_{number:04d}", "object": "checkout.session",
                    "url": f"http://127.0.0.1:{stub.port}/pay/cs_test_{number:04d}",
                    "mode": "payment", "payment_status": "unpaid", "status": "open",
                    "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
                    "currency": form["line_items[0][price_data][currency]"],
                    "client_reference_id": form.get("client_reference_id"),
                    "metadata": {"invoice_id": form.get("metadata[invoice_id]")},
                    "payment_intent": f"pi_test_{number:04d}"}
                stub.sessions[session["id"]] = session
                return self._answer(200, session)

            def do_GET(self):  # noqa: N802 - the checkout page a browser is sent to
                if not self.path.startswith("/pay/"):
                    return self._answer(404, {"error": {"message": "Unknown path"}})
                raw = b"<!doctype html><title>Checkout</title><h1>Stripe Checkout</h1>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _answer(self, status, body):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.send_header("Request-Id", "req_test")
                self.end_headers()
                self.wfile.write(raw)

        self.fail_next = False
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def completed_event(self, session_id: str, event_id: str = "evt_test_1") -> str:
        session = {**self.sessions[session_id], "payment_status": "paid", "status": "complete"}
        return json.dumps({"id": event_id, "object": "event", "type": "checkout.session.completed",
                           "created": int(time.time()), "data": {"object": session}})


def signature(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send for ``payload``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    return f"t={timestamp},v1={signed}"

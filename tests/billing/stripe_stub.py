"""A local HTTP server that answers like Stripe's API for what billing asks (customers,
Checkout sessions in subscription mode, billing-portal sessions, subscription updates
and cancellations), so the real ``stripe`` library is exercised end to end; and the
subscription events Stripe would send, signed as the library verifies them
(``tests.fulfillment.stripe_stub.signature``).

Its checkout page has a "Subscribe" button: pressed, the stand-in sends the app the
signed ``checkout.session.completed`` and ``invoice.paid`` events (as Stripe's webhook
would) and sends the browser back to the session's success URL."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tests.fulfillment.stripe_stub import signature

MONTH = 30 * 24 * 3600


class BillingStripeStub:
    def __init__(self):
        self.requests: list[dict] = []
        self.customers: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.webhook_url: str | None = None  # where "Subscribe" delivers the events
        self.webhook_secret: str | None = None
        self.fail_next = False
        self._events = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _form(self) -> dict:
                length = int(self.headers.get("Content-Length") or 0)
                return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

            def do_POST(self):  # noqa: N802 - http.server's name
                form = self._form()
                stub.requests.append({"method": "POST", "path": self.path, "form": form})
                if self.path.startswith("/pay/") and self.path.endswith("/confirm"):
                    return self._confirm(self.path.split("/")[2])
                if stub.fail_next:
                    stub.fail_next = False
                    return self._answer(402, {"error": {"message": "Your card was declined.",
                                                        "type": "card_error"}})
                if self.path == "/v1/customers":
                    customer = {"id": f"cus_test_{len(stub.customers) + 1:04d}",
                                "object": "customer", "name": form.get("name"),
                                "email": form.get("email"),
                                "metadata": {"company_id": form.get("metadata[company_id]")}}
                    stub.customers[customer["id"]] = customer
                    return self._answer(200, customer)
                if self.path == "/v1/checkout/sessions":
                    return self._answer(200, stub._new_session(form))
                if self.path == "/v1/billing_portal/sessions":
                    number = len(stub.requests)
                    return self._answer(200, {
                        "id": f"bps_test_{number:04d}", "object": "billing_portal.session",
                        "customer": form.get("customer"), "return_url": form.get("return_url"),
                        "url": f"{stub.base}/portal/bps_test_{number:04d}"})
                if self.path.startswith("/v1/subscriptions/"):
                    sub = stub.subscriptions.get(self.path.rsplit("/", 1)[1])
                    if sub is None:
                        return self._answer(404, {"error": {"message": "No such subscription",
                                                            "type": "invalid_request_error"}})
                    if "cancel_at_period_end" in form:
                        sub["cancel_at_period_end"] = form["cancel_at_period_end"] == "true"
                    return self._answer(200, sub)
                return self._answer(404, {"error": {"message": "Unknown path",
                                                    "type": "invalid_request_error"}})

            def do_DELETE(self):  # noqa: N802
                stub.requests.append({"method": "DELETE", "path": self.path, "form": {}})
                sub = stub.subscriptions.get(self.path.rsplit("/", 1)[1])
                if sub is None:
                    return self._answer(404, {"error": {"message": "No such subscription",
                                                        "type": "invalid_request_error"}})
                sub["status"] = "canceled"
                return self._answer(200, sub)

            def do_GET(self):  # noqa: N802 - the pages a browser is sent to
                if self.path.startswith("/pay/"):
                    session_id = self.path.split("/")[2]
                    html = ("<!doctype html><title>Checkout</title><h1>Stripe Checkout</h1>"
                            f"<form method=post action='/pay/{session_id}/confirm'>"
                            "<button id=subscribe>Subscribe</button></form>")
                elif self.path.startswith("/portal/"):
                    html = "<!doctype html><title>Portal</title><h1>Stripe customer portal</h1>"
                else:  # the browser's favicon.ico: nothing, and no error in its console
                    self.send_response(204)
                    self.end_headers()
                    return
                raw = html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _confirm(self, session_id: str):
                session = stub.sessions[session_id]
                for payload in stub.paid_events(session_id):
                    stub.deliver(payload)
                self.send_response(303)
                self.send_header("Location", session["success_url"])
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _answer(self, status, body):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.send_header("Request-Id", "req_test")
                self.end_headers()
                self.wfile.write(raw)

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

    # ----- what Stripe keeps --------------------------------------------------------------

    def _new_session(self, form: dict) -> dict:
        number = len(self.sessions) + 1
        session_id = f"cs_test_sub_{number:04d}"
        metadata = {key[len("metadata["):-1]: value for key, value in form.items()
                    if key.startswith("metadata[")}
        session = {
            "id": session_id, "object": "checkout.session", "mode": form.get("mode"),
            "url": f"{self.base}/pay/{session_id}", "status": "open",
            "payment_status": "unpaid", "customer": form.get("customer"),
            "client_reference_id": form.get("client_reference_id"),
            "success_url": form.get("success_url"), "cancel_url": form.get("cancel_url"),
            "metadata": metadata, "subscription": None,
            "amount_total": int(form.get("line_items[0][price_data][unit_amount]") or 0),
            "currency": form.get("line_items[0][price_data][currency]") or "usd",
            "price": form.get("line_items[0][price]")}
        self.sessions[session_id] = session
        return session

    def _event(self, kind: str, obj: dict, created: int | None = None,
               event_id: str | None = None) -> str:
        self._events += 1
        return json.dumps({"id": event_id or f"evt_test_{self._events:05d}", "object": "event",
                           "type": kind, "created": created or int(time.time()),
                           "data": {"object": obj}})

    def subscription_of(self, session_id: str) -> dict:
        """The subscription a paid session made (made at the first ask)."""
        session = self.sessions[session_id]
        if session["subscription"] is None:
            sub_id = f"sub_test_{len(self.subscriptions) + 1:04d}"
            now = int(time.time())
            self.subscriptions[sub_id] = {
                "id": sub_id, "object": "subscription", "customer": session["customer"],
                "status": "active", "cancel_at_period_end": False,
                "current_period_start": now, "current_period_end": now + MONTH,
                "metadata": dict(session["metadata"]),
                "items": {"object": "list", "data": [{"id": f"si_{sub_id}", "price": {
                    "id": session["price"] or f"price_{session['metadata'].get('plan')}"}}]}}
            session["subscription"] = sub_id
        return self.subscriptions[session["subscription"]]

    # ----- the events Stripe sends --------------------------------------------------------

    def checkout_completed(self, session_id: str, **event) -> str:
        sub = self.subscription_of(session_id)
        session = {**self.sessions[session_id], "status": "complete", "payment_status": "paid",
                   "subscription": sub["id"]}
        return self._event("checkout.session.completed", session, **event)

    def invoice_paid(self, session_id: str, *, amount: int | None = None,
                     invoice_id: str | None = None, **event) -> str:
        sub = self.subscription_of(session_id)
        session = self.sessions[session_id]
        start, end = sub["current_period_start"], sub["current_period_end"]
        invoice = {"id": invoice_id or f"in_test_{self._events + 1:05d}", "object": "invoice",
                   "customer": sub["customer"], "subscription": sub["id"], "status": "paid",
                   "amount_paid": session["amount_total"] if amount is None else amount,
                   "currency": session["currency"], "billing_reason": "subscription_create",
                   "subscription_details": {"metadata": dict(sub["metadata"])},
                   "lines": {"object": "list", "data": [{"period": {"start": start,
                                                                    "end": end}}]}}
        return self._event("invoice.paid", invoice, **event)

    def paid_events(self, session_id: str) -> list[str]:
        return [self.checkout_completed(session_id), self.invoice_paid(session_id)]

    def payment_failed(self, session_id: str, **event) -> str:
        sub = self.subscription_of(session_id)
        sub["status"] = "past_due"
        invoice = {"id": f"in_test_failed_{self._events + 1:05d}", "object": "invoice",
                   "customer": sub["customer"], "subscription": sub["id"], "status": "open",
                   "amount_paid": 0, "currency": self.sessions[session_id]["currency"],
                   "attempt_count": 1}
        return self._event("invoice.payment_failed", invoice, **event)

    def subscription_deleted(self, session_id: str, **event) -> str:
        sub = self.subscription_of(session_id)
        sub["status"] = "canceled"
        return self._event("customer.subscription.deleted", dict(sub), **event)

    def subscription_updated(self, session_id: str, **changes) -> str:
        event = {key: changes.pop(key) for key in ("created", "event_id") if key in changes}
        sub = self.subscription_of(session_id)
        sub.update(changes)
        return self._event("customer.subscription.updated", dict(sub), **event)

    def deliver(self, payload: str) -> int:
        """POST ``payload`` signed to the app's webhook, as Stripe would."""
        request = urllib.request.Request(self.webhook_url, data=payload.encode(), headers={
            "Content-Type": "application/json",
            "Stripe-Signature": signature(payload, self.webhook_secret)})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status

"""Browser tests: the session ``app`` served over HTTP in a thread, driven by Debian's
headless Chromium through Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SKIP_REASON = (f"Browser tests: SKIPPED — {CHROMIUM} is not installed "
               "(apt-get install chromium, or run .ci/run)")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app):
    """The base URL of the session app, served by werkzeug in a background thread."""
    server = make_server("127.0.0.1", _free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


# Browser tests of other folders import these fixtures (tests/crm), so pytest may set up
# ``browser`` once per folder in one session; Playwright's sync API runs one at a time,
# so a second set-up borrows the running Chromium instead of starting another.
_running: dict = {}


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(SKIP_REASON)
    if "chromium" in _running:
        yield _running["chromium"]
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        _running["chromium"] = chromium
        try:
            yield chromium
        finally:
            _running.pop("chromium", None)
            chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page()`` opens a page in a fresh browser context (its own cookies), so one
    test can play several people; every context is closed after the test."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server, locale="en-US",
                                      viewport={"width": 1280, "height": 800})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def artifacts() -> Path:
    """Where browser tests leave screenshots (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

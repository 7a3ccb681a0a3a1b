"""Printed documents: PDF from a template, in Chinese too, on A4 or Letter, with the
images handed over and nothing fetched from anywhere else."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from jinja2 import ChoiceLoader, DictLoader
from pypdf import PdfReader

from marketplace.core.printing import render_pdf
from tests.content.conftest import png_bytes

SHEET = """{% extends "print/base.html" %}
{% block footer_note %}QUO-2026-00007{% endblock %}
{% block content %}<h1>Quotation 報價單</h1><p>{{ words }}</p>
<img src="resource:cover" id="cover"> <img src="{{ outside }}">{% endblock %}"""


@pytest.fixture
def sheet(app, monkeypatch):
    monkeypatch.setattr(app.jinja_env, "loader",
                        ChoiceLoader([DictLoader({"test/sheet.html": SHEET}),
                                      app.jinja_env.loader]))
    return "test/sheet.html"


@pytest.fixture
def outside_server():
    """A server the rendering must never call."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(png_bytes())

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/tracker.png", hits
    server.shutdown()


def _pdf(content: bytes) -> PdfReader:
    assert content.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(content))


def test_a_template_prints_in_english_and_chinese_with_page_numbers(app, sheet, outside_server):
    url, hits = outside_server
    with app.test_request_context():
        content = render_pdf(sheet, words="不鏽鋼六角螺栓 M8 stainless hex bolts",
                             outside=url, resources={"cover": png_bytes((200, 100))})
    page = _pdf(content).pages[0]
    text = page.extract_text()
    assert "Quotation" in text and "報價單" in text and "不鏽鋼六角螺栓" in text
    assert "QUO-2026-00007" in text and "1 / 1" in text
    assert round(float(page.mediabox.width)) == 595  # A4: 210 mm
    images = list(page.images)
    assert len(images) == 1  # the resource; the outside picture was refused
    assert hits == []


def test_letter_paper_on_request(app, sheet):
    with app.test_request_context():
        content = render_pdf(sheet, paper="letter", words="", outside="", resources={
            "cover": png_bytes()})
    assert round(float(_pdf(content).pages[0].mediabox.width)) == 612  # 8.5 in

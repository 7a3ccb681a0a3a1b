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


def _embedded_fonts(content: bytes) -> dict[str, int]:
    """Each embedded font's name and the size of its font file."""
    fonts = {}
    for ref in (_pdf(content).pages[0]["/Resources"].get("/Font") or {}).values():
        font = ref.get_object()
        descriptor = font.get("/FontDescriptor") or \
            font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        descriptor = descriptor.get_object()
        data = next(descriptor[key].get_object().get_data() for key in (
            "/FontFile", "/FontFile2", "/FontFile3") if key in descriptor)
        fonts[str(font["/BaseFont"]).split("+")[-1]] = len(data)
    return fonts


def test_the_chinese_font_is_cut_to_the_characters_used(app, sheet):
    """Issue 17 (speed): Noto Sans CJK embedded whole was ~750 KB a weight in every PDF;
    cut to the page's characters it is a few KB, and the Chinese still reads."""
    with app.test_request_context():
        content = render_pdf(sheet, words="不鏽鋼六角螺栓 M8 stainless hex bolts",
                             outside="", resources={"cover": png_bytes()})
    fonts = _embedded_fonts(content)
    chinese = {name: size for name, size in fonts.items() if "CJK" in name}
    assert chinese and all(name.startswith("Marketplace-CJK") for name in chinese)
    assert sum(chinese.values()) < 40_000, fonts
    assert any(name.startswith("DejaVu") for name in fonts)  # Latin from the small font
    assert "不鏽鋼六角螺栓" in _pdf(content).pages[0].extract_text()

"""Adding a document type is one declaration and its print template: a type declared
here, in the test, and nowhere else, is made, sent, read and answered through the API,
shown by the portal, listed by GET /document-types, told to its recipient, and exported
as PDF (on its own template), Word and Excel. Sourcing will add types the same way."""

from __future__ import annotations

import html
import io

import pytest
from docx import Document as WordDocument
from jinja2 import ChoiceLoader, FileSystemLoader
from openpyxl import load_workbook
from pypdf import PdfReader

from marketplace.trading.doctypes import NEGOTIATED, STATUSES
from marketplace.workflow import doctypes
from marketplace.workflow.doctypes import BUYER, DocType
from tests.factories import portal_login
from tests.trading.support import Trade

CODE = "sample_request"
TEMPLATE = """{% extends "print/base.html" %}
{% block title %}{{ sheet.title }} {{ doc.number }}{% endblock %}
{% block heading %}<h1>{{ sheet.title }}</h1><p>SAMPLE FORM {{ doc.number }}</p>{% endblock %}
{% block content %}{% for item in sheet.lines %}<p>{{ item.line.description }}</p>
{% endfor %}{% endblock %}
"""


@pytest.fixture
def sample_request(app, tmp_path):
    """The throw-away type: one declaration, one template (in a folder of the test's
    own); both forgotten afterwards, so no other test sees them."""
    (tmp_path / "print").mkdir()
    (tmp_path / "print" / "sample_request.html").write_text(TEMPLATE, encoding="utf-8")
    loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([loader, FileSystemLoader(str(tmp_path))])
    declared = doctypes.register(DocType(
        code=CODE, title="Sample request", issued_by=BUYER, numbering="SR-{year}-{seq:05}",
        actions=NEGOTIATED, states=STATUSES, order=15,
        print_template="print/sample_request.html"))
    try:
        yield declared
    finally:
        doctypes.unregister(CODE)
        app.jinja_env.loader = loader
        app.jinja_env.cache.clear()


def _text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_type_declared_once_works_through_api_portal_and_exports(app, make, api,
                                                                  sample_request):
    trade = Trade.start(make, api)
    # The API: made (numbered by its own pattern), sent, read by the other side, accepted.
    draft = trade.create("buyer", CODE)
    assert draft["type"] == CODE and draft["number"].startswith("SR-")
    sent = trade.act("buyer", draft, "send")
    assert sent["status"] == "sent"
    received = trade.get("supplier", draft)
    assert received["type"] == CODE and "accept" in received["allowed_actions"]
    listed = api.get(f"/documents?box=inbox&type={CODE}", trade.supplier_token)
    assert [d["id"] for d in listed.get_json()["items"]] == [draft["id"]]
    types = api.get("/document-types", trade.buyer_token).get_json()
    assert {"code": CODE, "label": "Sample request"}.items() <= next(
        t for t in types if t["code"] == CODE).items()
    assert trade.act("supplier", draft, "accept")["status"] == "accepted"

    # The recipient was told, naming the type by its declared name.
    bell = api.get("/notifications", trade.supplier_token).get_json()
    received_note = next(item for item in bell["items"] if item["event"] == "document.received")
    assert received_note["params"]["type"] == {"msgid": "Sample request"}
    assert "Sample request" in received_note["message"]

    # The portal: the document page and the box filter name it.
    client = app.test_client()
    assert portal_login(client, trade.supplier.email).status_code == 302
    page = client.get(f"/trading/documents/{draft['id']}")
    assert page.status_code == 200
    assert "Sample request" in _text_of(page) and draft["number"] in _text_of(page)
    box = client.get("/trading/documents?box=inbox")
    assert box.status_code == 200 and f'value="{CODE}"' in _text_of(box)

    # The exports: the PDF on the type's own template, Word and Excel with its name.
    pdf = api.get(f"/documents/{draft['id']}/export?format=pdf", trade.buyer_token)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert f"SAMPLE FORM {draft['number']}" in text and "Sample request" in text
    assert "Stainless steel hex bolt M8" in text
    word = api.get(f"/documents/{draft['id']}/export?format=docx", trade.buyer_token)
    assert word.status_code == 200
    paragraphs = [cell.text for table in WordDocument(io.BytesIO(word.data)).tables
                  for row in table.rows for cell in row.cells]
    assert any("Sample request" in text for text in paragraphs)
    sheet = api.get(f"/documents/{draft['id']}/export?format=xlsx", trade.buyer_token)
    assert sheet.status_code == 200
    assert load_workbook(io.BytesIO(sheet.data)).active["A1"].value == "Sample request"


def test_the_throw_away_type_is_gone_afterwards(app, make, api):
    assert not doctypes.is_known(CODE)
    trade = Trade.start(make, api)
    response = api.post("/documents", trade.buyer_token, json={
        "type": CODE, "recipient_company_id": trade.supplier.company_id, "lines": []})
    assert response.status_code == 422

"""A trade document as Word, PDF and Excel: the files open in their own readers and say
what the document says, with the products' pictures really embedded."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.content.conftest import (  # noqa: F401 - fixtures
    jpeg_bytes,
    make_product,
    make_product_media,
    mp4_bytes,
    png_bytes,
)
from tests.trading.portal_support import trade_document

LINES = [
    {"description": "Stainless hex bolt M8 不鏽鋼六角螺栓", "sku": "HB-M8", "quantity": 5000,
     "unit": "pcs", "unit_price": "0.1250"},
    {"description": "Flat washer M8", "sku": "FW-M8", "quantity": "1200.5", "unit": "kg",
     "unit_price": "3.40"},
]


@pytest.fixture
def parties(make):
    supplier = make.company_with_admin("Formosa Fasteners 福爾摩沙扣件", roles=("supplier",))
    buyer = make.company_with_admin("Rotterdam Tools BV", roles=("buyer",), country="NL")
    stranger = make.company_with_admin("Elsewhere Ltd", roles=("buyer",))
    return supplier, buyer, stranger


@pytest.fixture
def quotation(app, parties, make_product, make_product_media):
    supplier, buyer, _ = parties
    bolt = make_product(supplier.company_id, sku="HB-M8", name="Hex bolt M8")
    make_product_media(bolt, jpeg_bytes((400, 300), "red"), "bolt.jpg")
    make_product_media(bolt, mp4_bytes(), "bolt.mp4")
    washer = make_product(supplier.company_id, sku="FW-M8", name="Washer M8")
    make_product_media(washer, png_bytes((120, 80), "blue"), "washer.png")
    lines = [{**LINES[0], "product_id": bolt}, {**LINES[1], "product_id": washer}]
    return trade_document(
        app, supplier.company_id, buyer.company_id, type="quotation",
        number="QUO-2026-00042", subject="Bolts for Rotterdam", lines=lines, incoterm="FOB",
        incoterm_place="Kaohsiung", payment_terms="lc_sight", port_of_loading="Kaohsiung",
        port_of_discharge="Rotterdam", notes="Packed in cartons of 500.\n交貨期三十天")


def _export(api, member, document_id, fmt, **params):
    query = "&".join(f"{k}={v}" for k, v in {"format": fmt, **params}.items())
    return api.get(f"/documents/{document_id}/export?{query}", api.token(member))


TOTAL = Decimal("5000") * Decimal("0.125") + Decimal("1200.5") * Decimal("3.40")  # 4706.70


def test_docx_embeds_the_pictures_and_links_the_videos(api, parties, quotation):
    supplier, buyer, _ = parties
    response = _export(api, buyer, quotation, "docx")
    assert response.status_code == 200
    assert response.mimetype == ("application/vnd.openxmlformats-officedocument."
                                 "wordprocessingml.document")
    assert response.headers["Content-Disposition"] == 'attachment; filename=QUO-2026-00042.docx'
    word = WordDocument(io.BytesIO(response.data))
    assert len(word.inline_shapes) == 2  # one picture per line with a product image
    # The images related from the body (the template's own docProps thumbnail is not one).
    images = [rel.target_part for rel in word.part.rels.values() if "image" in rel.reltype]
    assert len(images) == 2 and all(len(part.blob) > 100 for part in images)
    text = "\n".join(_all_text(word))
    for expected in ("Quotation", "QUO-2026-00042", "Formosa Fasteners 福爾摩沙扣件",
                     "Rotterdam Tools BV", "FOB Kaohsiung", "L/C at sight", "Rotterdam",
                     "Stainless hex bolt M8 不鏽鋼六角螺栓", "5000", "0.125", "1200.5",
                     "4,706.70 USD", "Packed in cartons of 500.", "交貨期三十天"):
        assert expected in text, expected
    links = [link.address for paragraph in _all_paragraphs(word)
             for link in paragraph.hyperlinks]
    assert any(link.endswith(f"/products/{_product_of(api, buyer, quotation, 0)}")
               for link in links)
    assert sum("/media/" in link for link in links) == 1  # the bolt's video
    assert round(word.sections[0].page_width.mm) == 210  # A4 unless told
    letter = WordDocument(io.BytesIO(_export(api, buyer, quotation, "docx", paper="letter").data))
    assert round(letter.sections[0].page_width.mm) == 216


def _product_of(api, member, document_id, index):
    from marketplace.extensions import db
    from marketplace.workflow.models import Document

    app = api.client.application
    with app.app_context():
        return db.session.get(Document, document_id).lines[index].product_id


def _all_paragraphs(word):
    yield from word.paragraphs
    for table in word.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _all_text(word):
    for paragraph in _all_paragraphs(word):
        yield paragraph.text
    yield from (paragraph.text for paragraph in word.sections[0].footer.paragraphs)


def test_pdf_says_numbers_totals_and_chinese_on_a4_and_letter(api, parties, quotation):
    supplier, _, _ = parties
    response = _export(api, supplier, quotation, "pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename=QUO-2026-00042.pdf'
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("QUO-2026-00042", "Quotation", "4,706.70", "USD", "FOB Kaohsiung",
                     "不鏽鋼六角螺栓", "福爾摩沙扣件", "HB-M8", "交貨期三十天"):
        assert expected in text, expected
    page = reader.pages[0].mediabox
    assert (round(float(page.width)), round(float(page.height))) == (595, 842)  # A4 in points
    images = sum(len(page.images) for page in reader.pages)
    assert images == 2

    letter = PdfReader(io.BytesIO(_export(api, supplier, quotation, "pdf", paper="letter").data))
    box = letter.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_pdf_and_docx_in_chinese_have_chinese_labels(api, parties, quotation):
    _, buyer, _ = parties
    response = _export(api, buyer, quotation, "pdf", lang="zh_Hant")
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "QUO-2026-00042" in text and "不鏽鋼六角螺栓" in text and "4,706.70" in text
    assert "數量" in text and "單價" in text  # "Quantity", "Unit price"
    word = WordDocument(io.BytesIO(_export(api, buyer, quotation, "docx", lang="zh_Hant").data))
    assert "單價" in "\n".join(_all_text(word))


def test_xlsx_keeps_numbers_as_numbers_with_a_money_format(api, parties, quotation):
    _, buyer, _ = parties
    response = _export(api, buyer, quotation, "xlsx")
    assert response.status_code == 200
    assert response.mimetype == ("application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet")
    assert response.headers["Content-Disposition"] == 'attachment; filename=QUO-2026-00042.xlsx'
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["Quotation", "QUO-2026-00042"]
    header = {row[0]: row[1] for row in rows if row and row[0] and len(row) > 1}
    assert header["From"] == "Formosa Fasteners 福爾摩沙扣件"
    assert header["To"] == "Rotterdam Tools BV"
    assert header["Incoterm"] == "FOB Kaohsiung"
    heading = next(i for i, row in enumerate(rows) if row[:3] == ["#", "SKU", "Description"])
    bolt = sheet.cell(heading + 2, 1).row
    assert sheet.cell(bolt, 2).value == "HB-M8"
    quantity, price, amount = (sheet.cell(bolt, c) for c in (4, 6, 7))
    assert isinstance(quantity.value, int | float) and quantity.value == 5000
    assert isinstance(price.value, int | float) and Decimal(str(price.value)) == Decimal("0.125")
    assert Decimal(str(amount.value)) == Decimal("625")
    assert "#,##0.00" in amount.number_format and "USD" in amount.number_format
    total_row = next(row for row in sheet.iter_rows() if row[5].value == "Total")
    assert Decimal(str(total_row[6].value)) == TOTAL
    assert "USD" in total_row[6].number_format


def test_unknown_format_paper_or_language_is_refused_with_422(api, parties, quotation):
    _, buyer, _ = parties
    token = api.token(buyer)
    for query, field in (("format=odt", "format"), ("format=pdf&paper=a3", "paper"),
                         ("format=pdf&lang=fr", "lang")):
        response = api.get(f"/documents/{quotation}/export?{query}", token)
        assert response.status_code == 422, query
        assert response.mimetype == "application/problem+json"
        assert list(response.get_json()["errors"]) == [field]
    missing = api.get(f"/documents/{quotation}/export", api.token(buyer))
    assert missing.status_code == 422 and "format" in missing.get_json()["errors"]


def test_a_stranger_or_unknown_document_is_not_found(api, parties, quotation):
    _, _, stranger = parties
    for document_id in (quotation, quotation + 1000):
        response = _export(api, stranger, document_id, "pdf")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_a_draft_is_not_shown_to_its_recipient_yet(app, api, parties):
    supplier, buyer, _ = parties
    draft = trade_document(app, supplier.company_id, buyer.company_id, status="draft",
                           lines=[LINES[1]])
    assert _export(api, buyer, draft, "xlsx").status_code == 404
    assert _export(api, supplier, draft, "xlsx").status_code == 200


def test_a_third_companys_unpublished_product_lends_no_picture(
        app, api, parties, make, make_product, make_product_media):
    supplier, buyer, _ = parties
    other = make.company_with_admin("Hidden Supplier", roles=("supplier",))
    secret = make_product(other.company_id, sku="SECRET", status="draft")
    make_product_media(secret, png_bytes(), "secret.png")
    document = trade_document(app, buyer.company_id, supplier.company_id, type="inquiry",
                              number="INQ-2026-00001",
                              lines=[{**LINES[1], "product_id": secret, "unit_price": None}])
    word = WordDocument(io.BytesIO(_export(api, buyer, document, "docx").data))
    assert len(word.inline_shapes) == 0
    assert not [link for p in _all_paragraphs(word) for link in p.hyperlinks]
    text = "\n".join(_all_text(word))
    assert "Inquiry" in text and "Flat washer M8" in text

"""Benchmark: a trade document to PDF, Word and Excel, each beside a bare render of the
same content measured in the same run (issue 17's speed targets: within 1.3x).

A quotation of 20 lines (and 200), each line naming a product with a picture and a
Chinese description. For each format it prints p50 of:
  - the export (``trading.exports.export_document``: the sheet, the template, the file),
  - the bare render of the same content: the same texts and pictures straight into
    WeasyPrint (a plain HTML table, the same fonts), python-docx or openpyxl, no app,
  - their ratio, and the size of each file;
and the cached download of a revision (``trading.renders.cached_export``, a file read).

Run: .venv/bin/python bench/exports.py [repeats] [lines,...]   (default 7, 20,200)
A temporary SQLite database and media folder; nothing else is touched.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.content.models import Product  # noqa: E402
from marketplace.content.operations.products import save_product, upload_product_media  # noqa: E402
from marketplace.core.boundary import commit  # noqa: E402
from marketplace.core.types import utcnow  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.infrastructure.models import Company, CompanyStatus  # noqa: E402
from marketplace.trading.exports import build_sheet, export_document, money, quantity  # noqa: E402
from marketplace.trading.renders import cached_export  # noqa: E402
from marketplace.workflow.models import Document, DocumentLine, DocumentThread  # noqa: E402

FONTS = '"DejaVu Sans", "Noto Sans CJK TC", sans-serif'


def _jpeg(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "JPEG")
    return out.getvalue()


def build(folder: str, sizes: list[int]):
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.db",
                                     "MEDIA_FOLDER": f"{folder}/media"}, instance_path=folder)
    with app.app_context():
        db.drop_all()
        db.create_all()
    with app.test_request_context():
        supplier = Company(name="Formosa Fasteners 福爾摩沙扣件", country="TW",
                           status=CompanyStatus.ACTIVE, address="No. 1, Harbour Road",
                           city="Kaohsiung")
        supplier.roles = ["supplier"]
        buyer = Company(name="Hamburg Hardware GmbH", country="DE", status=CompanyStatus.ACTIVE)
        buyer.roles = ["buyer"]
        db.session.add_all([supplier, buyer])
        db.session.flush()
        products = []
        for n in range(max(sizes)):
            product = save_product(supplier, {"sku": f"HB-{n:03d}", "name": f"Hex bolt {n}",
                                              "status": "published"})
            upload_product_media(product, io.BytesIO(_jpeg(("red", "teal", "navy")[n % 3])),
                                 f"p{n}.jpg", None)
            products.append(product.id)
        ids = {size: _document(supplier, buyer, products[:size]) for size in sizes}
        commit()
    return app, ids


def _document(supplier: Company, buyer: Company, products: list[int]) -> int:
    document = Document(type="quotation", number=f"QUO-2026-{len(products):05d}", status="sent",
                        issuer_company_id=supplier.id, recipient_company_id=buyer.id,
                        thread=DocumentThread(), sent_at=utcnow(), currency="USD",
                        incoterm="FOB", incoterm_place="Kaohsiung", payment_terms="tt",
                        subject="Quotation for inquiry INQ-2026-00042")
    for position, product_id in enumerate(products):
        product = db.session.get(Product, product_id)
        line = DocumentLine(position=position, product_id=product_id, sku=product.sku,
                            description=f"{product.name} 不鏽鋼六角螺栓", quantity=Decimal(5000),
                            unit="pcs", unit_price=Decimal("0.085"))
        line.compute_amount()
        document.lines.append(line)
    document.compute_total()
    db.session.add(document)
    db.session.flush()
    return document.id


# ----- the bare renders: the same content, no app ------------------------------------------------


def _content(sheet) -> dict:
    """What the bare renders print, read once from the export's own sheet (untimed)."""
    doc = sheet.document
    def address(company) -> list[str]:
        return [text for text in (company.address, company.city, company.country,
                                  company.phone) if text]

    return {"issuer": doc.issuer.name, "recipient": doc.recipient.name, "number": doc.number,
            "issuer_address": address(doc.issuer), "recipient_address": address(doc.recipient),
            "dates": sheet.dates(),
            "subject": doc.subject, "title": sheet.title, "currency": doc.currency,
            "terms": sheet.terms(), "total": money(sheet.total),
            "lines": [(item.line.description, item.line.sku, quantity(item.line.quantity),
                       item.line.unit, money(item.line.unit_price), money(item.line.amount),
                       item.picture, [(str(link.label), link.url) for link in item.links])
                      for item in sheet.lines]}


def bare_pdf(content: dict) -> bytes:
    from weasyprint import HTML

    def image(picture) -> str:
        return f'<img src="{picture.as_uri()}" style="width:18mm">' if picture else ""

    def links(pairs) -> str:
        return " · ".join(f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in pairs)

    rows = "".join(
        f"<tr><td>{n}</td><td>{image(picture)}</td><td>{escape(text)}<br>"
        f"SKU {escape(sku or '')}<br>{links(pairs)}</td><td>{qty}</td><td>{unit}</td>"
        f"<td>{price}</td><td>{amount}</td></tr>"
        for n, (text, sku, qty, unit, price, amount, picture, pairs)
        in enumerate(content["lines"], 1))
    terms = "".join(f"<tr><td>{escape(str(k))}</td><td>{escape(v)}</td></tr>"
                    for k, v in content["terms"])
    dates = "".join(f"<br>{escape(str(k))}: {v}" for k, v in content["dates"])
    html = (f"<html><style>html{{font-family:{FONTS};font-size:9.5pt}}"
            f"table{{width:100%;border-collapse:collapse}}</style><body>"
            f"<p>{escape(content['issuer'])}<br>{escape(' · '.join(content['issuer_address']))}"
            f"</p><h1>{escape(str(content['title']))}</h1><p>No. {content['number']}{dates}</p>"
            f"<table><tr><td>From<br>{escape(content['issuer'])}<br>"
            f"{'<br>'.join(map(escape, content['issuer_address']))}</td><td>To<br>"
            f"{escape(content['recipient'])}<br>"
            f"{'<br>'.join(map(escape, content['recipient_address']))}</td></tr></table>"
            f"<h2>{escape(content['subject'])}</h2><table>{terms}</table>"
            f"<table>{rows}</table><p>{content['total']} {content['currency']}</p></body></html>")
    return HTML(string=html, base_url="/").write_pdf()


def bare_docx(content: dict) -> bytes:
    from docx import Document as WordDocument
    from docx.shared import Cm

    word = WordDocument()
    word.add_heading(f"{content['issuer']} — {content['title']} {content['number']}", 1)
    for text in (*content["issuer_address"], *(f"{k}: {v}" for k, v in content["dates"])):
        word.add_paragraph(text)
    parties = word.add_table(rows=1, cols=2)
    for cell, name, lines in zip(parties.rows[0].cells, (content["issuer"], content["recipient"]),
                                 (content["issuer_address"], content["recipient_address"]),
                                 strict=True):
        cell.text = "\n".join([name, *lines])
    word.add_paragraph(content["subject"])
    for label, value in content["terms"]:
        word.add_paragraph(f"{label}: {value}")
    table = word.add_table(rows=0, cols=7)
    for n, (text, sku, qty, unit, price, amount, picture, links) in enumerate(
            content["lines"], 1):
        cells = table.add_row().cells
        cells[0].text = str(n)
        if picture:
            cells[1].paragraphs[0].add_run().add_picture(str(picture), width=Cm(2.2))
        cells[2].text = f"{text}\nSKU {sku or ''}\n" + " · ".join(url for _, url in links)
        cells[3].text, cells[4].text, cells[5].text, cells[6].text = qty, unit, price, amount
    word.add_paragraph(f"{content['total']} {content['currency']}")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def bare_xlsx(content: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append([str(content["title"]), content["number"]])
    for label, value in content["terms"]:
        ws.append([str(label), value])
    for n, (text, sku, qty, unit, price, amount, _picture, _links) in enumerate(
            content["lines"], 1):
        ws.append([n, sku, text, qty, unit, price, amount])
    ws.append(["", "", "", "", "", content["total"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BARE = {"pdf": bare_pdf, "docx": bare_docx, "xlsx": bare_xlsx}


def timed(fn, repeats: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def beside(ours, bare, repeats: int) -> tuple[float, float, int, int]:
    """p50 of ours and of the bare render, interleaved (bare, ours, bare, ours...) so a
    loaded machine slows both alike; and each file's size."""
    our_times, bare_times, sizes = [], [], [0, 0]
    for _ in range(repeats):
        for times, fn, slot in ((bare_times, bare, 1), (our_times, ours, 0)):
            start = time.perf_counter()
            sizes[slot] = len(fn())
            times.append(time.perf_counter() - start)
    return statistics.median(our_times), statistics.median(bare_times), sizes[0], sizes[1]


def measure(app, lines: int, document_id: int, repeats: int) -> None:
    with app.test_request_context():
        document = db.session.get(Document, document_id)
        content = _content(build_sheet(document))
        export_document(document, "pdf")  # fonts and templates loaded once, untimed
        bare_pdf(content)
        n = repeats if lines <= 50 else max(3, repeats // 3)
        for fmt in ("pdf", "docx", "xlsx"):
            ours, bare, our_size, bare_size = beside(
                lambda f=fmt: export_document(document, f).content,
                lambda f=fmt: BARE[f](content), n)
            print(f"{lines:>3}-line quotation {fmt:<4} {ours * 1000:8.0f} ms "
                  f"{bare * 1000:7.0f} ms {ours / bare:5.2f}x {our_size / 1024:9.0f} "
                  f"{bare_size / 1024:8.0f}")
        cached_export(document, "pdf")
        hit, _ = timed(lambda: cached_export(document, "pdf").content, n)
        print(f"{lines:>3}-line quotation pdf, cached revision: {hit * 1000:.1f} ms")


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    sizes = [int(n) for n in (sys.argv[2] if len(sys.argv) > 2 else "20,200").split(",")]
    with tempfile.TemporaryDirectory() as folder:
        app, ids = build(folder, sizes)
        print(f"{'document':<22} {'export p50':>11} {'bare p50':>10} {'ratio':>6} "
              f"{'export KB':>10} {'bare KB':>8}")
        for lines, document_id in ids.items():
            measure(app, lines, document_id, repeats)


if __name__ == "__main__":
    main()

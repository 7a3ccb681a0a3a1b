"""Benchmark: rendering a trade document to Word, PDF and Excel.

Prints the time per file (p50/p95) for a quotation of 10 and 200 lines, each line
naming a product with a picture, in every format, and the inbox page of the portal
beside it for scale. Run: .venv/bin/python bench/exports.py [repeats]
A temporary SQLite database and media folder; nothing else is touched.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from decimal import Decimal

from PIL import Image

from marketplace import create_app
from marketplace.content.models import Product
from marketplace.content.operations.products import save_product, upload_product_media
from marketplace.core.boundary import commit
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, CompanyStatus
from marketplace.trading.exports import export_document
from marketplace.workflow.models import Document, DocumentLine, DocumentThread


def _jpeg(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "JPEG")
    return out.getvalue()


def build(folder: str):
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.db",
                                     "MEDIA_FOLDER": f"{folder}/media"}, instance_path=folder)
    with app.app_context():
        db.drop_all()
        db.create_all()
    with app.test_request_context():
        supplier = Company(name="Formosa Fasteners 福爾摩沙扣件", country="TW",
                           status=CompanyStatus.ACTIVE)
        supplier.roles = ["supplier"]
        buyer = Company(name="Hamburg Hardware GmbH", country="DE", status=CompanyStatus.ACTIVE)
        buyer.roles = ["buyer"]
        db.session.add_all([supplier, buyer])
        db.session.flush()
        products = []
        for n in range(200):
            product = save_product(supplier, {"sku": f"HB-{n:03d}", "name": f"Hex bolt {n}",
                                              "status": "published"})
            upload_product_media(product, io.BytesIO(_jpeg(("red", "teal", "navy")[n % 3])),
                                 f"p{n}.jpg", None)
            products.append(product.id)
        ids = {size: _document(supplier, buyer, products[:size]) for size in (10, 200)}
        commit()
    return app, ids


def _document(supplier: Company, buyer: Company, products: list[int]) -> int:
    document = Document(type="quotation", number=f"QUO-2026-{len(products):05d}", status="sent",
                        issuer_company_id=supplier.id, recipient_company_id=buyer.id,
                        thread=DocumentThread(), sent_at=utcnow(), currency="USD",
                        incoterm="FOB", incoterm_place="Kaohsiung", payment_terms="tt")
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


def measure(app, document_id: int, fmt: str, repeats: int) -> tuple[float, float, int]:
    timings, size = [], 0
    for _ in range(repeats):
        with app.test_request_context():
            document = db.session.get(Document, document_id)
            start = time.perf_counter()
            size = len(export_document(document, fmt).content)
            timings.append(time.perf_counter() - start)
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))], size


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as folder:
        app, ids = build(folder)
        for lines, document_id in ids.items():
            for fmt in ("docx", "pdf", "xlsx"):
                p50, p95, size = measure(app, document_id, fmt, repeats)
                print(f"{lines:>3} lines  {fmt:<4}  p50 {p50 * 1000:7.1f} ms  "
                      f"p95 {p95 * 1000:7.1f} ms  {size / 1024:7.0f} KB")


if __name__ == "__main__":
    main()

"""Benchmark: shipping documents, each beside a bare render of the same content.

Issue 17's speed target: every printed document within 1.3x of its bare render — the
same texts straight into WeasyPrint (a plain HTML table, the same fonts), measured in
the same run, interleaved (bare, ours, bare, ours...) so a loaded machine slows both
alike. Prints p50 of the 5-line and 200-line commercial invoice, the 200-line packing
list, and "invoice + packing list" (the issue's 3.5 s against 2.9 s), each with its
bare render and the ratio, then the full document set of a 200-line order shipped at
once (records, three PDFs and the Excel invoice) and the cached download of a
revision (fulfillment keeps each revision's print).
Run: .venv/bin/python bench/shipping_documents.py [renders]
Set DATABASE_URL to measure on PostgreSQL instead of a temporary SQLite file.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace import create_app  # noqa: E402
from marketplace.core.boundary import commit  # noqa: E402
from marketplace.core.signals import document_transitioned  # noqa: E402
from marketplace.core.types import utcnow  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.fulfillment import exports  # noqa: E402
from marketplace.fulfillment.models import Order, ShippingDocumentKind  # noqa: E402
from marketplace.fulfillment.operations import shipments as shipment_ops  # noqa: E402
from marketplace.fulfillment.operations import shipping_documents as document_ops  # noqa: E402
from marketplace.infrastructure import operations  # noqa: E402
from marketplace.infrastructure.auth import bind_actor, ensure_may_act  # noqa: E402
from marketplace.infrastructure.models import Company, CompanyStatus, MemberRole, Membership  # noqa: E402
from marketplace.workflow.models import Document, DocumentLine, DocumentThread  # noqa: E402


def build_app(folder: str):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    # Mail goes to the console backend's folder, not the terminal: the figures stay readable.
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "MAIL_BACKEND": "smtp",
                                     "MAIL_PORT": 9}, instance_path=folder)
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def company(name: str, roles: list[str], email: str):
    firm = Company(name=name, country="TW", status=CompanyStatus.ACTIVE, approved_at=utcnow(),
                   address="No. 1, Harbour Road", city="Kaohsiung")
    firm.roles = roles
    db.session.add(firm)
    user = operations.create_user(email, "benchmark-password", name)
    db.session.add(Membership(company=firm, user=user, role=MemberRole.ADMIN))
    db.session.flush()
    return ensure_may_act(user)


def order_of(lines: int, buyer, supplier, tag: str = "") -> Order:
    """An accepted purchase order of ``lines`` lines, and the order it opened."""
    document = Document(type="purchase_order", number=f"PO-BENCH-{lines}{tag}", status="sent",
                        issuer_company_id=buyer.company.id,
                        recipient_company_id=supplier.company.id,
                        thread=DocumentThread(subject="bench"), currency="USD",
                        incoterm="FOB", incoterm_place="Kaohsiung", payment_terms="tt",
                        port_of_loading="Kaohsiung", port_of_discharge="Hamburg",
                        sent_at=utcnow())
    for position in range(1, lines + 1):
        line = DocumentLine(position=position, sku=f"SKU-{position:04d}",
                            description=f"Stainless hex bolt M{position % 20 + 3} × 30, A2",
                            quantity=Decimal(100 + position), unit="pcs",
                            unit_price=Decimal("0.0725"))
        line.compute_amount()
        document.lines.append(line)
    db.session.add(document)
    db.session.flush()
    document.status = "accepted"
    document_transitioned.send(document, action="accept", from_status="sent",
                               to_status="accepted", actor=supplier)
    return db.session.query(Order).filter_by(purchase_order_id=document.id).one()


def shipment_of(order: Order, supplier):
    return shipment_ops.create_shipment([order], {
        "carrier": "Evergreen", "vessel": "Ever Ace", "voyage": "031E",
        # What the papers' checklist wants before anything is issued.
        "bill_of_lading": "EGLV031E000123", "on_board_date": utcnow().date(),
        "container_numbers": ["EGHU1234567", "EGHU7654321"], "lines": [
            {"order_line_id": line.id, "quantity": line.quantity, "packages": 2,
             "gross_weight": Decimal("10.5"), "net_weight": Decimal("10"),
             "volume": Decimal("0.02"), "hs_code": "7318.15", "origin_country": "TW"}
            for line in order.lines]}, supplier)


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float]) -> None:
    median = statistics.median(times)
    print(f"{label:<44} {1 / median:7.1f} /s   p50 {median * 1000:7.1f} ms   "
          f"max {max(times) * 1000:7.1f} ms   (n={len(times)})")


FONTS = '"DejaVu Sans", "Noto Sans CJK TC", sans-serif'


def _address(party: dict) -> str:
    place = " ".join(part for part in (party.get("postal_code"), party.get("city")) if part)
    return "<br>".join(escape(str(text)) for text in (
        party.get("name"), party.get("address"), place, party.get("country"),
        party.get("phone")) if text)


def bare_texts(snapshot: dict) -> dict:
    """What a paper prints besides its lines, read once from the snapshot (untimed): the
    words of the total, as the paper says them, come from the app here, not from the
    bare render's clock."""
    from marketplace.fulfillment.paper_language import PaperWords

    words = PaperWords("en")
    return {"total_words": words.amount_in_words(snapshot["totals"]["amount"],
                                                 snapshot["currency"])}


def bare_pdf(snapshot: dict, texts: dict | None = None) -> bytes:
    """The same content as the printed paper (letterhead, the four parties, the terms,
    marks, every line's columns, totals, total in words, signature) with no template,
    no CSS beyond the fonts, no app: plain HTML tables straight into WeasyPrint, the same
    fonts."""
    from weasyprint import HTML

    texts = texts or {"total_words": []}
    ship, kind = snapshot["shipment"], snapshot["kind"]
    if kind == "packing-list":
        head = ("C/No.", "Description of goods", "HS code", "Quantity", "Cartons",
                "N.W. (kg)", "G.W. (kg)", "Volume (m³)")
        cells = [(f"{line['carton_from'] or ''}–{line['carton_to'] or ''}",
                  f"{escape(line['description'] or '')} ({escape(line['sku'] or '')})",
                  line["hs_code"] or "", f"{line['quantity']} {line['unit']}",
                  line["packages"], line["net_weight"], line["gross_weight"], line["volume"])
                 for line in snapshot["lines"]]
    else:
        head = ("#", "Description of goods", "HS code", "Origin", "Quantity", "Unit price",
                "Amount")
        cells = [(line["position"],
                  f"{escape(line['description'] or '')} ({escape(line['sku'] or '')})<br>"
                  f"C/No. {line['carton_from'] or ''}–{line['carton_to'] or ''} · Cartons "
                  f"{line['packages']} · N.W. {line['net_weight']} kg · G.W. "
                  f"{line['gross_weight']} kg",
                  line["hs_code"] or "", line["origin"] or "",
                  f"{line['quantity']} {line['unit']}", line["unit_price"], line["amount"])
                 for line in snapshot["lines"]]
    rows = "".join("<tr>" + "".join(f"<td>{cell if cell is not None else ''}</td>"
                                    for cell in row) + "</tr>" for row in cells)
    orders = ", ".join(order["number"] for order in snapshot["orders"])
    terms = [("Invoice No. and date", f"{snapshot['number']} · {snapshot['date']}"),
             ("Order / contract No.", orders), ("Shipment", ship["number"]),
             ("Transport", f"{ship['mode']} · {ship['carrier'] or ''}"),
             ("Vessel / voyage", f"{ship['vessel'] or ''} {ship['voyage'] or ''}"),
             ("B/L No.", f"{ship['bill_of_lading'] or ''} · on board {ship['on_board_date']}"),
             ("Port of loading", ship["port_of_loading"]),
             ("Port of discharge", ship["port_of_discharge"]),
             ("ETD", ship["etd"] or "to follow"), ("ETA", ship["eta"] or "to follow"),
             ("Containers", ", ".join(ship["container_numbers"] or [])),
             ("Country of origin", ", ".join(snapshot["origins"])),
             ("Incoterm", f"{snapshot['incoterm']} {snapshot.get('incoterm_place') or ''}"),
             ("Payment terms", snapshot["payment_terms"]), ("Currency", snapshot["currency"])]
    term_rows = "".join(f"<tr><td>{a}</td><td>{escape(str(b or ''))}</td><td>{c}</td>"
                        f"<td>{escape(str(d or ''))}</td></tr>"
                        for (a, b), (c, d) in zip(terms[::2], terms[1::2] + [("", "")],
                                                  strict=True))
    buyer = _address(snapshot["buyer"])
    parties = (f"<table><tr><td>Seller / Shipper<br>{_address(snapshot['supplier'])}</td>"
               f"<td>Buyer<br>{buyer}</td></tr><tr><td>Consignee<br>"
               f"{escape(snapshot.get('consignee') or '') or buyer}</td><td>Notify party<br>"
               f"{escape(snapshot.get('notify_party') or '') or 'Same as consignee'}</td></tr>"
               "</table>")
    totals = "".join(f"<tr><td>{escape(key)}</td><td>{value}</td></tr>"
                     for key, value in snapshot["totals"].items())
    words = "".join(f"<p>{escape(text)}</p>" for text in texts["total_words"])
    supplier = snapshot["supplier"]
    html = (f"<html><style>html{{font-family:{FONTS};font-size:9.5pt}}"
            "table{width:100%}</style><body>"
            f"<p>{escape(supplier['name'])}<br>{escape(supplier.get('address') or '')}</p>"
            f"<h1>{escape(str(snapshot['title']))}</h1><p>No. {snapshot['number']}<br>Date "
            f"{snapshot['date']} · Revision {snapshot['revision']}</p>{parties}"
            f"<table>{term_rows}</table><p>Marks and numbers<br>"
            f"{escape(snapshot.get('marks') or '')}</p>"
            f"<table><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead>"
            f"<tbody>{rows}</tbody></table><table>{totals}</table>{words}"
            f"<p>For and on behalf of {escape(supplier['name'])}</p></body></html>")
    return HTML(string=html, base_url="/").write_pdf()


def beside(label: str, ours, bare, repeat: int) -> tuple[float, float]:
    """p50 of ours and of the bare render, interleaved, and the ratio printed."""
    our_times, bare_times = [], []
    for _ in range(repeat):
        bare_times += timed(bare, 1)
        our_times += timed(ours, 1)
    mine, theirs = statistics.median(our_times), statistics.median(bare_times)
    print(f"{label:<40} {mine * 1000:8.0f} ms   bare {theirs * 1000:7.0f} ms   "
          f"{mine / theirs:5.2f}x")
    return mine, theirs


def main() -> None:
    renders = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder)
        with app.test_request_context():
            buyer = company("Nordic Tools AB", ["buyer"], "buyer@bench.example")
            supplier = company("Formosa Fasteners Co. 福爾摩沙扣件", ["supplier"],
                               "seller@bench.example")
            bind_actor(supplier)
            small = shipment_of(order_of(5, buyer, supplier), supplier)
            large_order = order_of(200, buyer, supplier)
            large = shipment_of(large_order, supplier)
            commit()

            _, small_doc = document_ops.issue_commercial_invoice(small, supplier)
            commit()
            exports.shipping_document_pdf(small_doc.snapshot)  # fonts loaded once, untimed
            small_texts = bare_texts(small_doc.snapshot)
            bare_pdf(small_doc.snapshot, small_texts)
            beside("5-line commercial invoice", lambda: exports.shipping_document_pdf(
                small_doc.snapshot), lambda: bare_pdf(small_doc.snapshot, small_texts), renders)

            start = time.perf_counter()
            files = []
            _, printed = document_ops.issue_commercial_invoice(large, supplier)
            packing = document_ops.generate_document(large, ShippingDocumentKind.PACKING_LIST,
                                                     supplier)
            advice = document_ops.generate_document(
                large, ShippingDocumentKind.SHIPPING_ADVICE, supplier)
            commit()
            records = time.perf_counter() - start
            files.append(exports.shipping_document_pdf(printed.snapshot))
            files.append(exports.shipping_document_xlsx(printed.snapshot))
            files.append(exports.shipping_document_pdf(packing.snapshot))
            files.append(exports.shipping_document_pdf(advice.snapshot))
            elapsed = time.perf_counter() - start
            print(f"{'full document set, 200-line order':<40} {elapsed * 1000:8.0f} ms   "
                  f"(records {records * 1000:.0f} ms; 3 PDF + 1 xlsx, "
                  f"{sum(map(len, files)) // 1024} KiB)")
            few = max(3, renders // 2)
            invoice_texts, packing_texts = bare_texts(printed.snapshot), bare_texts(
                packing.snapshot)
            invoice = beside("200-line commercial invoice", lambda: exports.shipping_document_pdf(
                printed.snapshot), lambda: bare_pdf(printed.snapshot, invoice_texts), few)
            packed = beside("200-line packing list", lambda: exports.shipping_document_pdf(
                packing.snapshot), lambda: bare_pdf(packing.snapshot, packing_texts), few)
            both, both_bare = invoice[0] + packed[0], invoice[1] + packed[1]
            print(f"{'invoice + packing list (200 lines)':<40} {both * 1000:8.0f} ms   "
                  f"bare {both_bare * 1000:7.0f} ms   {both / both_bare:5.2f}x")
            print(f"{'sizes: invoice / its bare render':<40} {len(files[0]) // 1024:8d} KiB"
                  f"   bare {len(bare_pdf(printed.snapshot, invoice_texts)) // 1024:5d} KiB")
            exports.cached_pdf(printed, "a4")
            report("cached revision download (invoice PDF)",
                   timed(lambda: exports.cached_pdf(printed, "a4"), renders))
            report("Excel, 200-line commercial invoice",
                   timed(lambda: exports.shipping_document_xlsx(printed.snapshot), renders))


if __name__ == "__main__":
    main()

"""Shipping documents as files: PDF (WeasyPrint through core.printing, A4 or Letter)
and Excel (openpyxl), both drawn from a revision's snapshot, so a revision prints the
same whenever it is asked for."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from io import BytesIO
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.core import storage
from marketplace.core.printing import render_pdf
from marketplace.core.spreadsheets import xlsx_row
from marketplace.fulfillment.paper_language import ENGLISH, LANGUAGES, PaperWords
from marketplace.fulfillment.schemas import money_text, quantity_text

# One template per kind of paper, used for the shipment's document and for the engine
# document of the same type alike (trading's export prints through ``paper_pdf``).
# Another kind registers its own here (a certificate of origin, ...).
TEMPLATES = {
    "commercial-invoice": "fulfillment/print/commercial_invoice.html",
    "packing-list": "fulfillment/print/packing_list.html",
    "shipping-advice": "fulfillment/print/shipping_advice.html",
}
# Shared by every paper: the frame, the parties, the shipment's terms.
SHARED_TEMPLATES = ("fulfillment/print/_paper.html", "print/base.html")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _money(value: str | None) -> str:
    return "" if value in (None, "") else money_text(Decimal(value))


def _quantity(value: str | None) -> str:
    return "" if value in (None, "") else quantity_text(Decimal(value))


def filename(snapshot: dict[str, Any], extension: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in snapshot["number"])
    return f"{snapshot['kind']}-{safe}-r{snapshot['revision']}.{extension}"


def template_for(kind: str) -> str:
    return TEMPLATES.get(kind) or f"fulfillment/print/{kind.replace('-', '_')}.html"


def language_of(snapshot: dict[str, Any], language: str | None = None) -> str:
    """The language asked for, else the document's own, else English: never the
    language of whoever downloads it."""
    for choice in (language, snapshot.get("language")):
        if choice in LANGUAGES:
            return choice
    return ENGLISH


def shipping_document_pdf(snapshot: dict[str, Any], paper: str = "a4",
                          language: str | None = None) -> bytes:
    words = PaperWords(language_of(snapshot, language))
    # The page's own gettext answers in the paper's (leading) language too.
    with force_locale(words.lead_locale):
        return render_pdf(template_for(snapshot["kind"]), paper=paper, doc=snapshot,
                          money=_money, quantity=_quantity, words=words, _=words)


def _template_digest(kind: str) -> str:
    """The print templates' sources, hashed: a changed template prints anew rather
    than serving the cached print of the old one."""
    from flask import current_app

    env = current_app.jinja_env
    sources = [env.loader.get_source(env, name)[0]
               for name in (template_for(kind), *SHARED_TEMPLATES)]
    return hashlib.sha256("".join(sources).encode()).hexdigest()[:12]


def cached_pdf(printed, paper: str, language: str | None = None) -> bytes:
    """The revision's PDF in its document language (or the one asked for), rendered
    once and kept in the ``shipping-documents`` store (core.storage: the instance
    folder, or the object store every node shares): a revision's snapshot never changes,
    so neither does its print (a 200-line document takes seconds to lay out)."""
    language = language_of(printed.snapshot, language)
    files = storage.store("shipping-documents")
    # The snapshot's digest in the name: a database restored or rebuilt (ids used again)
    # never gets another document's print.
    digest = hashlib.sha256((json.dumps(printed.snapshot, sort_keys=True)
                             + _template_digest(printed.snapshot["kind"])).encode()).hexdigest()
    key = f"{printed.id}-{digest[:20]}-{paper}-{language}.pdf"
    try:
        return files.read(key)
    except FileNotFoundError:
        pass
    # A download while the background lays out the same print waits for it rather than
    # laying it out a second time (within this process).
    with _print_lock(key):
        try:
            return files.read(key)
        except FileNotFoundError:
            pass
        body = shipping_document_pdf(printed.snapshot, paper, language)
        files.save(key, body)  # whole or not at all: a reader never sees half a file
    return body


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@contextmanager
def _print_lock(key: str) -> Iterator[None]:
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    try:
        with lock:
            yield
    finally:
        with _locks_guard:
            if not lock.locked():
                _locks.pop(key, None)


def shipping_document_xlsx(snapshot: dict[str, Any], language: str | None = None) -> bytes:
    """One sheet: the header, the lines with numbers as numbers, the totals, the L/C; in
    the document's (leading) language."""
    words = PaperWords(language_of(snapshot, language))
    with force_locale(words.lead_locale):
        return _xlsx(snapshot, words)


def _xlsx(snapshot: dict[str, Any], words: PaperWords) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = snapshot["kind"][:31]
    bold = Font(bold=True)
    sheet.append(xlsx_row(sheet, [words(snapshot["title"]), snapshot["number"], _("Revision"),
                                  snapshot["revision"]]))
    sheet["A1"].font = Font(bold=True, size=14)
    ship = snapshot["shipment"]
    for label, value in ((_("Date"), snapshot["date"]),
                         (_("Seller"), snapshot["supplier"]["name"]),
                         (_("Buyer"), snapshot["buyer"]["name"]),
                         (_("Shipment"), ship["number"]),
                         (_("Carrier"), ship["carrier"]), (_("Mode"), words.mode(ship["mode"])),
                         (_("Tracking number"), ship["tracking_number"]),
                         (_("Port of loading"), ship["port_of_loading"]),
                         (_("Port of discharge"), ship["port_of_discharge"]),
                         (_("ETD"), ship["etd"]), (_("ETA"), ship["eta"]),
                         (_("Incoterm"), words.incoterm(snapshot["incoterm"],
                                                        snapshot.get("incoterm_place"))),
                         (_("Payment terms"), words.terms(snapshot["payment_terms"])),
                         (_("Currency"), snapshot["currency"])):
        sheet.append(xlsx_row(sheet, [label, value]))
    sheet.append([])
    headers = ["#", _("SKU"), _("Description"), _("Order"), _("Quantity"), _("Unit"),
               _("Unit price"), _("Amount"), _("Packages"), _("Net kg"), _("Gross kg"), _("m³")]
    sheet.append(xlsx_row(sheet, headers))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for line in snapshot["lines"]:
        sheet.append(xlsx_row(sheet, [
            line["position"], line["sku"], line["description"], line["order_number"],
            _number(line["quantity"]), words.unit(line["unit"]), _number(line["unit_price"]),
            _number(line["amount"]), line["packages"], _number(line["net_weight"]),
            _number(line["gross_weight"]), _number(line["volume"])]))
    totals = snapshot["totals"]
    sheet.append(xlsx_row(sheet, [
        _("Total"), None, None, None, _number(totals["quantity"]), None, None,
        _number(totals["amount"]), int(totals["packages"]), _number(totals["net_weight"]),
        _number(totals["gross_weight"]), _number(totals["volume"])]))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    if snapshot.get("lc"):
        lc = snapshot["lc"]
        sheet.append([])
        # A letter of credit of its own ("number", ...); a revision printed before
        # credits were records keeps the former clauses' shape ("lc_number", ...).
        sheet.append(xlsx_row(sheet, [_("L/C No."), lc.get("number") or lc.get("lc_number"),
                                      _("Issuing bank"), lc.get("issuing_bank")]))
        if lc.get("number"):
            sheet.append(xlsx_row(sheet, [
                _("L/C amount"), _number(lc["amount"]), lc["currency"],
                _("Latest shipment date"), lc["latest_shipment_date"], _("Expiry date"),
                lc["expiry_date"]]))
        elif lc.get("marks_and_numbers"):
            sheet.append(xlsx_row(sheet, [_("Marks and numbers"), lc["marks_and_numbers"]]))
        for statement in lc.get("clauses") or lc.get("statements") or []:
            sheet.append(xlsx_row(sheet, [statement]))
    sheet.column_dimensions["C"].width = 40
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number(value: str | None) -> Decimal | None:
    """Decimals stay exact in the cell (openpyxl writes them as numbers)."""
    return None if value in (None, "") else Decimal(value)


# ----- the engine's document, printed on the same template -----------------------------------

TRADING_LANGUAGES = {"en": "en", "zh_Hant": "zh-Hant"}


def paper_pdf(document, paper: str, language: str | None) -> bytes:
    """Trading's export of a commercial invoice, packing list or shipping advice: the
    shipment's printed revision when the document was made from a shipment (the same
    file), else the document itself on the same template."""
    from marketplace.fulfillment import queries

    language = TRADING_LANGUAGES.get(language) if language else None
    printed = queries.printed_revision_of(document.id)
    if printed is not None:
        return cached_pdf(printed, paper, language)
    return shipping_document_pdf(document_snapshot(document), paper, language)


def document_snapshot(document) -> dict[str, Any]:
    """A snapshot (as a shipment's revision holds one) of an engine document made
    without a shipment: its parties, terms and lines, completed from the products'
    customs and packing data."""
    from marketplace.fulfillment import queries
    from marketplace.fulfillment.models import ShippingDocumentKind
    from marketplace.fulfillment.operations.papers import LinePacking, packing_for
    from marketplace.fulfillment.operations.shipping_documents import _party, kind_label

    products = queries.products_by_ids({line.product_id for line in document.lines
                                        if line.product_id})
    lines, totals, next_carton = [], {"quantity": Decimal(0), "amount": Decimal(0),
                                      "packages": 0, "net_weight": Decimal(0),
                                      "gross_weight": Decimal(0), "volume": Decimal(0)}, 1
    for position, line in enumerate(document.lines, start=1):
        packing = packing_for(products.get(line.product_id), line.quantity, LinePacking(
            None, None, None, None, None, None))
        first = last = None
        if packing.packages:
            first, last = next_carton, next_carton + packing.packages - 1
            next_carton = last + 1
        amount = line.amount or Decimal(0)
        lines.append({"position": position, "sku": line.sku, "description": line.description,
                      "unit": line.unit, "quantity": str(line.quantity),
                      "unit_price": str(line.unit_price or 0), "amount": str(amount),
                      "packages": packing.packages, "hs_code": packing.hs_code,
                      "origin": packing.origin_country, "carton_from": first, "carton_to": last,
                      **{m: None if getattr(packing, m) is None else str(getattr(packing, m))
                         for m in ("net_weight", "gross_weight", "volume")},
                      "order_number": None, "purchase_order": None})
        totals["quantity"] += line.quantity
        totals["amount"] += amount
        totals["packages"] += packing.packages or 0
        for measure in ("net_weight", "gross_weight", "volume"):
            totals[measure] += getattr(packing, measure) or 0
    parent = document.parent
    when = document.sent_at or document.created_at
    kind = document.type.replace("_", "-")
    return {
        "kind": kind, "title": kind_label(ShippingDocumentKind(kind)), "number": document.number,
        "revision": 1, "date": when.date().isoformat() if when else "",
        "language": None, "supplier": _party(document.issuer),
        "buyer": _party(document.recipient), "consignee": None, "notify_party": None,
        "marks": "", "origins": sorted({line["origin"] for line in lines if line["origin"]}),
        "shipment": {"number": "", "carrier": None, "mode": None, "vessel": None,
                     "voyage": None, "flight_number": None, "tracking_number": None,
                     "bill_of_lading": None, "on_board_date": None, "container_numbers": [],
                     "port_of_loading": document.port_of_loading,
                     "port_of_discharge": document.port_of_discharge, "etd": None,
                     "eta": None},
        "orders": [{"number": parent.number, "purchase_order": None}] if parent else [],
        "currency": document.currency, "incoterm": document.incoterm,
        "incoterm_place": document.incoterm_place, "payment_terms": document.payment_terms,
        "lines": lines, "totals": {key: str(value) for key, value in totals.items()},
        "lc": None, **_kept_pay_to(document),
    }


def _kept_pay_to(document) -> dict[str, Any]:
    """A sent commercial invoice prints the bank details kept when it was sent; a draft
    (no key) prints the supplier's current ones."""
    from marketplace.trading.pay_to import pay_to_of

    kept, details = pay_to_of(document)
    return {"pay_to": details} if kept else {}

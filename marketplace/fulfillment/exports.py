"""Shipping documents as files: PDF (WeasyPrint through core.printing, A4 or Letter)
and Excel (openpyxl), both drawn from a revision's snapshot, so a revision prints the
same whenever it is asked for."""

from __future__ import annotations

import hashlib
import json
import os
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from marketplace.core.printing import render_pdf
from marketplace.core.spreadsheets import xlsx_row
from marketplace.fulfillment.schemas import money_text, quantity_text
from marketplace.trading.exports import payment_terms_label

PDF_TEMPLATE = "fulfillment/print/shipping_document.html"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _money(value: str | None) -> str:
    return "" if value in (None, "") else money_text(Decimal(value))


def _quantity(value: str | None) -> str:
    return "" if value in (None, "") else quantity_text(Decimal(value))


def filename(snapshot: dict[str, Any], extension: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in snapshot["number"])
    return f"{snapshot['kind']}-{safe}-r{snapshot['revision']}.{extension}"


def shipping_document_pdf(snapshot: dict[str, Any], paper: str = "a4") -> bytes:
    return render_pdf(PDF_TEMPLATE, paper=paper, doc=snapshot, money=_money,
                      quantity=_quantity, terms=payment_terms_label)


def _template_digest() -> str:
    """The print template's source, hashed: a changed template prints anew rather
    than serving the cached print of the old one."""
    from flask import current_app

    source, _name, _uptodate = current_app.jinja_env.loader.get_source(
        current_app.jinja_env, PDF_TEMPLATE)
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def cached_pdf(printed, paper: str) -> bytes:
    """The revision's PDF in the reader's language, rendered once and kept under the
    instance folder: a revision's snapshot never changes, so neither does its print
    (a 200-line document takes seconds to lay out)."""
    from flask import current_app
    from flask_babel import get_locale

    folder = Path(current_app.instance_path) / "shipping-documents"
    # The snapshot's digest in the name: a database restored or rebuilt (ids used again)
    # never gets another document's print.
    digest = hashlib.sha256((json.dumps(printed.snapshot, sort_keys=True)
                             + _template_digest()).encode()).hexdigest()
    path = folder / f"{printed.id}-{digest[:20]}-{paper}-{get_locale() or 'en'}.pdf"
    if path.is_file():
        return path.read_bytes()
    body = shipping_document_pdf(printed.snapshot, paper)
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(body)
    partial.replace(path)  # atomic: a reader never sees half a file
    return body


def shipping_document_xlsx(snapshot: dict[str, Any]) -> bytes:
    """One sheet: the header, the lines with numbers as numbers, the totals, the L/C."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = snapshot["kind"][:31]
    bold = Font(bold=True)
    sheet.append(xlsx_row(sheet, [_(snapshot["title"]), snapshot["number"], _("Revision"),
                                  snapshot["revision"]]))
    sheet["A1"].font = Font(bold=True, size=14)
    ship = snapshot["shipment"]
    for label, value in ((_("Date"), snapshot["date"]),
                         (_("Seller"), snapshot["supplier"]["name"]),
                         (_("Buyer"), snapshot["buyer"]["name"]),
                         (_("Shipment"), ship["number"]),
                         (_("Carrier"), ship["carrier"]), (_("Mode"), ship["mode"]),
                         (_("Tracking number"), ship["tracking_number"]),
                         (_("Port of loading"), ship["port_of_loading"]),
                         (_("Port of discharge"), ship["port_of_discharge"]),
                         (_("ETD"), ship["etd"]), (_("ETA"), ship["eta"]),
                         (_("Incoterm"), snapshot["incoterm"]),
                         (_("Payment terms"), payment_terms_label(snapshot["payment_terms"])),
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
            _number(line["quantity"]), line["unit"], _number(line["unit_price"]),
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
        sheet.append(xlsx_row(sheet, [_("L/C No."), lc["lc_number"], _("Issuing bank"),
                                      lc["issuing_bank"]]))
        sheet.append(xlsx_row(sheet, [_("Marks and numbers"), lc["marks_and_numbers"]]))
        for statement in lc["statements"]:
            sheet.append(xlsx_row(sheet, [statement]))
    sheet.column_dimensions["C"].width = 40
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number(value: str | None) -> Decimal | None:
    """Decimals stay exact in the cell (openpyxl writes them as numbers)."""
    return None if value in (None, "") else Decimal(value)

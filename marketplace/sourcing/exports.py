"""Sourcing's Excel files: the comparison (a row per line and bid, best values marked)
and the difference between two versions (a row per changed field or line), labelled in
the reader's language, cells made safe by ``core.spreadsheets``."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from marketplace.core.spreadsheets import xlsx_row
from marketplace.sourcing.queries import Comparison, Difference

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BEST = PatternFill("solid", fgColor="C6EFCE")
ADDED, REMOVED, CHANGED = (PatternFill("solid", fgColor=c) for c in ("C6EFCE", "FFC7CE",
                                                                     "FFEB9C"))
FIELD_LABELS = {
    "subject": _l("Subject"), "currency": _l("Currency"), "incoterm": _l("Incoterm"),
    "incoterm_place": _l("Named place"), "payment_terms": _l("Payment terms"),
    "valid_until": _l("Valid until"), "delivery_date": _l("Delivery date"),
    "port_of_loading": _l("Port of loading"), "port_of_discharge": _l("Port of discharge"),
    "notes": _l("Notes"), "lead_time_days": _l("Lead time (days)"), "freight": _l("Freight"),
    "buyer_reference": _l("Buyer reference"), "due_date": _l("Due date"),
    "reason": _l("Reason"), "total": _l("Total"), "description": _l("Description"),
    "sku": _l("SKU"), "quantity": _l("Quantity"), "unit": _l("Unit"),
    "unit_price": _l("Unit price"), "amount": _l("Amount")}
CHANGE_LABELS = {"added": _l("Added"), "removed": _l("Removed"), "changed": _l("Changed"),
                 "same": _l("Unchanged")}


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(sheet, values) -> None:
    sheet.append(xlsx_row(sheet, values))


def _response(workbook: Workbook, filename: str) -> Response:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = Response(buffer.getvalue(), mimetype=XLSX)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def comparison_xlsx(comparison: Comparison) -> Response:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Comparison")[:31]
    _row(sheet, [_("Comparison of the bids on %(number)s", number=comparison.rfq.number)])
    sheet["A1"].font = Font(bold=True, size=13)
    headings = [_("Line"), _("Description"), _("Quantity"), _("Unit"), _("Supplier"),
                _("Quotation"), _("Unit price"), _("Total"), _("Freight"),
                _("Landed unit cost"), _("Lead time (days)"), _("Incoterm"),
                _("Payment terms"), _("Valid until"), _("On-time delivery rate"),
                _("Best"), _("Awarded")]
    _row(sheet, headings)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in comparison.lines:
        for bid in line.bids:
            best = ", ".join(str(label) for flag, label in (
                (bid.best_price, _l("price")), (bid.best_landed, _l("landed cost")),
                (bid.best_lead_time, _l("lead time"))) if flag)
            _row(sheet, [_value(v) for v in (
                line.position + 1, line.description, line.quantity, line.unit,
                bid.supplier_name, bid.quotation_number, bid.unit_price, bid.total,
                bid.freight, bid.landed_unit_cost, bid.lead_time_days,
                f"{bid.incoterm or ''} {bid.incoterm_place or ''}".strip(),
                bid.payment_terms, bid.valid_until, bid.scorecard.get("on_time_rate"),
                best, _("yes") if bid.awarded else "")])
            if bid.best_price:
                sheet.cell(row=sheet.max_row, column=7).fill = BEST
            if bid.best_landed:
                sheet.cell(row=sheet.max_row, column=10).fill = BEST
            if bid.best_lead_time:
                sheet.cell(row=sheet.max_row, column=11).fill = BEST
    return _response(workbook, f"comparison-{comparison.rfq.number}.xlsx")


def difference_xlsx(diff: Difference) -> Response:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Changes")[:31]
    _row(sheet, [_("What changed from %(before)s to %(after)s",
                       before=diff.against.number, after=diff.document.number)])
    sheet["A1"].font = Font(bold=True, size=13)
    _row(sheet, [_("Line"), _("Change"), _("Field"), _("Before"), _("After")])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for name, (before, after) in diff.header.items():
        _row(sheet, ["", str(CHANGE_LABELS["changed"]), field_label(name), _value(before),
                         _value(after)])
        sheet.cell(row=sheet.max_row, column=2).fill = CHANGED
    for line in diff.lines:
        if line.change == "same":
            continue
        shown = line.line or line.against_line
        label = f"{shown.position + 1}. {shown.description}"
        fill = {"added": ADDED, "removed": REMOVED}.get(line.change, CHANGED)
        if line.change == "changed":
            for name, (before, after) in line.fields.items():
                _row(sheet, [label, str(CHANGE_LABELS["changed"]), field_label(name),
                                 _value(before), _value(after)])
                sheet.cell(row=sheet.max_row, column=2).fill = fill
            continue
        before = line.against_line
        _row(sheet, [label, str(CHANGE_LABELS[line.change]), _("Quantity") + " × " +
                         _("Unit price"),
                         f"{before.quantity} × {before.unit_price}" if before else "",
                         f"{line.line.quantity} × {line.line.unit_price}" if line.line else ""])
        sheet.cell(row=sheet.max_row, column=2).fill = fill
    return _response(workbook, f"changes-{diff.document.number}-{diff.against.number}.xlsx")

"""The statement of account a supplier sends a customer: for one currency and a period,
every invoice, payment and credit or debit note between them, a running balance from
the balance brought forward, and the aging of what is open at the period's end.

It reconciles by construction: the closing balance is the sum of the invoices' balances
at the period's end, less credit held on account (a note no invoice has taken yet), plus
any debit note on account; each figure is computed as of that date (payments received,
notes allocated by then), so a statement for last quarter says today what it said then.
Files: PDF (core.printing, A4) and Excel (openpyxl), drawn from the same figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.core.errors import NotFound
from marketplace.core.printing import render_pdf
from marketplace.core.spreadsheets import xlsx_row
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import (
    ZERO,
    Invoice,
    NoteAllocation,
    NoteEffect,
    NoteSettlement,
    Order,
    Payment,
)
from marketplace.fulfillment.schemas import money_text
from marketplace.infrastructure.models import Company

AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
# Within a day: what was owed first, then what took it off.
KIND_ORDER = {"invoice": 0, "debit_note": 1, "credit_note": 2, "payment": 3}
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Line:
    date: date
    kind: str  # invoice, payment, credit_note, debit_note
    number: str
    reference: str | None
    invoice_number: str | None
    debit: Decimal
    credit: Decimal
    balance: Decimal = ZERO
    sort_id: int = 0


@dataclass
class Statement:
    supplier: Company
    buyer: Company
    currency: str
    currencies: list[str]
    period_from: date
    period_to: date
    opening_balance: Decimal
    lines: list[Line]
    aging: list[dict]
    on_account: Decimal
    generated_at: datetime = field(default_factory=utcnow)

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def closing_balance(self) -> Decimal:
        return self.opening_balance + self.total_debit - self.total_credit


def _end_of(day: date) -> datetime:
    from datetime import UTC

    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def customer_of(supplier_id: int, buyer_id: int) -> Company:
    """The buyer, if it trades with the supplier (else 404: no leak of who exists)."""
    trades = db.session.scalar(select(Order.id).where(
        Order.supplier_company_id == supplier_id, Order.buyer_company_id == buyer_id).limit(1))
    buyer = db.session.get(Company, buyer_id) if trades else None
    if buyer is None:
        raise NotFound(str(_l("No customer of yours has this id.")))
    return buyer


def customers(supplier_id: int) -> list[Company]:
    ids = select(Order.buyer_company_id).where(Order.supplier_company_id == supplier_id)
    return list(db.session.scalars(select(Company).where(Company.id.in_(ids))
                                   .order_by(Company.name)))


def currencies_of(supplier_id: int, buyer_id: int) -> list[str]:
    """Most invoiced first."""
    counted = Counter(db.session.scalars(select(Invoice.currency).where(
        Invoice.supplier_company_id == supplier_id, Invoice.buyer_company_id == buyer_id)))
    return [currency for currency, _count in counted.most_common()]


def _events(supplier_id: int, buyer_id: int, currency: str, until: date):
    """Every line up to the end of ``until``, and the invoices with their parts."""
    end = _end_of(until)
    invoices = list(db.session.scalars(
        select(Invoice).where(Invoice.supplier_company_id == supplier_id,
                              Invoice.buyer_company_id == buyer_id,
                              Invoice.currency == currency, Invoice.issued_on <= until)
        .options(selectinload(Invoice.payments),
                 selectinload(Invoice.note_allocations).selectinload(
                     NoteAllocation.settlement))))
    lines = [Line(invoice.issued_on, "invoice", invoice.number,
                  _("due %(date)s", date=invoice.due_date.isoformat()), invoice.number,
                  debit=invoice.amount, credit=ZERO, sort_id=invoice.id)
             for invoice in invoices]
    payments = db.session.scalars(
        select(Payment).join(Invoice).where(
            Invoice.supplier_company_id == supplier_id, Invoice.buyer_company_id == buyer_id,
            Invoice.currency == currency, Payment.received_at < end)
        .options(selectinload(Payment.invoice)))
    lines += [Line(payment.received_at.date(), "payment", payment.invoice.number,
                   payment.reference, payment.invoice.number, debit=ZERO,
                   credit=payment.amount, sort_id=payment.id) for payment in payments]
    settlements = db.session.scalars(
        select(NoteSettlement).where(NoteSettlement.supplier_company_id == supplier_id,
                                     NoteSettlement.buyer_company_id == buyer_id,
                                     NoteSettlement.currency == currency,
                                     NoteSettlement.settled_at < end)
        .options(selectinload(NoteSettlement.allocations).selectinload(
            NoteAllocation.invoice)))
    for note in settlements:
        adds = note.effect == NoteEffect.DEBIT
        on = ", ".join(a.invoice.number for a in note.allocations) or _("on account")
        lines.append(Line(note.settled_at.date(), note.note_type, note.number, None, on,
                          debit=note.amount if adds else ZERO,
                          credit=ZERO if adds else note.amount, sort_id=note.id))
    lines.sort(key=lambda line: (line.date, KIND_ORDER[line.kind], line.sort_id))
    return lines, invoices, end


def _open_at(invoice: Invoice, end: datetime) -> Decimal:
    """The invoice's balance as it stood at ``end``."""
    paid = sum((p.amount for p in invoice.payments if p.received_at < end), ZERO)
    credited = debited = ZERO
    for part in invoice.note_allocations:
        if part.allocated_at < end:
            if part.settlement.effect == NoteEffect.DEBIT:
                debited += part.amount
            else:
                credited += part.amount
    return invoice.amount + debited - paid - credited


def _bucket(invoice: Invoice, balance: Decimal, on: date) -> str:
    overdue = (on - invoice.due_date).days
    if balance <= 0 or overdue <= 0:
        return "current"
    for limit, name in ((30, "1-30"), (60, "31-60"), (90, "61-90")):
        if overdue <= limit:
            return name
    return "90+"


def statement(supplier: Company, buyer_id: int, *, period_from: date | None = None,
              period_to: date | None = None, currency: str | None = None) -> Statement:
    """The statement of ``buyer_id``'s account with ``supplier``."""
    buyer = customer_of(supplier.id, buyer_id)
    period_to = period_to or utcnow().date()
    period_from = period_from or period_to - timedelta(days=365)
    currencies = currencies_of(supplier.id, buyer.id)
    currency = currency or (currencies[0] if currencies else "USD")
    lines, invoices, end = _events(supplier.id, buyer.id, currency, period_to)
    opening = sum((line.debit - line.credit for line in lines if line.date < period_from),
                  ZERO)
    shown = [line for line in lines if line.date >= period_from]
    running = opening
    for line in shown:
        running += line.debit - line.credit
        line.balance = running
    aging = dict.fromkeys(AGING_BUCKETS, ZERO)
    invoiced = ZERO
    for invoice in invoices:
        balance = _open_at(invoice, end)
        invoiced += balance
        aging[_bucket(invoice, balance, period_to)] += balance
    closing = opening + sum((line.debit - line.credit for line in shown), ZERO)
    # What no invoice holds: credit (or debit) notes on account at the period's end.
    on_account = invoiced - closing
    return Statement(supplier=supplier, buyer=buyer, currency=currency,
                     currencies=currencies or [currency], period_from=period_from,
                     period_to=period_to, opening_balance=opening, lines=shown,
                     aging=[{"bucket": b, "amount": a} for b, a in aging.items()],
                     on_account=on_account)


# ----- files ----------------------------------------------------------------------------------


KIND_LABELS = {"invoice": _l("Invoice"), "payment": _l("Payment"),
               "credit_note": _l("Credit note"), "debit_note": _l("Debit note")}


def filename(result: Statement, extension: str) -> str:
    name = "".join(c if c.isalnum() else "-" for c in result.buyer.name)[:40].strip("-")
    return (f"statement-{name}-{result.currency}-{result.period_from.isoformat()}-"
            f"{result.period_to.isoformat()}.{extension}")


def statement_pdf(result: Statement) -> bytes:
    return render_pdf("fulfillment/print/statement.html", statement=result,
                      kind_labels=KIND_LABELS, money_text=money_text,
                      issuer_company_id=result.supplier.id)


def statement_xlsx(result: Statement) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Statement")[:31]
    bold = Font(bold=True)
    sheet.append(xlsx_row(sheet, [_("Statement of account")]))
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in ((_("From"), result.supplier.name), (_("To"), result.buyer.name),
                         (_("Period"), f"{result.period_from.isoformat()} – "
                                       f"{result.period_to.isoformat()}"),
                         (_("Currency"), result.currency)):
        sheet.append(xlsx_row(sheet, [label, value]))
    sheet.append([])
    header = [_("Date"), _("Type"), _("Number"), _("Reference"), _("Invoice"), _("Debit"),
              _("Credit"), _("Balance")]
    sheet.append(xlsx_row(sheet, header))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    money_format = "#,##0.00"
    sheet.append(xlsx_row(sheet, [result.period_from, _("Balance brought forward"), None,
                                  None, None, None, None, result.opening_balance]))
    for line in result.lines:
        sheet.append(xlsx_row(sheet, [line.date, str(KIND_LABELS[line.kind]), line.number,
                                      line.reference, line.invoice_number,
                                      line.debit or None, line.credit or None,
                                      line.balance]))
    sheet.append(xlsx_row(sheet, [result.period_to, _("Closing balance"), None, None, None,
                                  result.total_debit, result.total_credit,
                                  result.closing_balance]))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    first = 8
    for row in sheet.iter_rows(min_row=first, max_row=sheet.max_row):
        row[0].number_format = "yyyy-mm-dd"
        for cell in row[5:8]:
            cell.number_format = money_format
    sheet.append([])
    sheet.append(xlsx_row(sheet, [_("Aging of what is open")]))
    sheet[sheet.max_row][0].font = bold
    for entry in result.aging:
        label = _("current") if entry["bucket"] == "current" else entry["bucket"]
        sheet.append(xlsx_row(sheet, [label, entry["amount"]]))
        sheet[sheet.max_row][1].number_format = money_format
    if result.on_account:
        sheet.append(xlsx_row(sheet, [_("On account"), -result.on_account]))
        sheet[sheet.max_row][1].number_format = money_format
    for column, width in zip("ABCDEFGH", (12, 14, 20, 26, 22, 14, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()

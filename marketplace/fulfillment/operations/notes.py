"""Credit and debit notes as money: what an accepted note does to what the buyer owes.

A note is an engine document (trading/doctypes.py); the engine's ``document_transitioned``
reaches ``fulfillment.receivers``, which calls here in the same transaction:

- when the note is **sent** (issued), ``check_note`` refuses a credit larger than what
  is open on the invoice it names, so the issuer learns it at once and nothing is sent;
- when it is **accepted**, ``settle_note`` checks again under the invoices' row locks
  (a payment may have come in between) and allocates; a refusal refuses the acceptance
  itself, so nothing is half-done.

What a note does:
- a credit note (supplier → buyer), and a debit note the buyer sends the supplier (the
  buyer's claim for a deduction), take off what the buyer owes: ``credit``;
- a debit note the supplier sends the buyer adds to it: ``debit``.

Which invoices:
- a note that names an invoice (derived from its commercial invoice, directly or up its
  chain of parents) goes to that invoice; a credit never takes it below zero: more
  than is open is refused with the amount that fits;
- a note that names none goes to the oldest open invoices between the two companies in
  its currency (a claim's note to the invoices of the claimed goods first); what no
  invoice can take (all paid, or nothing invoiced yet) is held on account and the next
  invoice takes it (``apply_on_account``). A debit note naming no invoice stands on
  account (the statement shows it).
A replayed
acceptance settles nothing twice: one ``NoteSettlement`` per note (unique document)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from marketplace.core.audit import record_audit
from marketplace.core.errors import ValidationFailed
from marketplace.core.locking import lock_for_update
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.models import (
    ZERO,
    Invoice,
    InvoiceStatus,
    NoteAllocation,
    NoteEffect,
    NoteSettlement,
    Order,
    ShipmentLine,
)
from marketplace.fulfillment.operations.orders import record_event, refresh_orders
from marketplace.infrastructure.notifications import N_, notify
from marketplace.workflow.models import Document

NOTE_TYPES = ("credit_note", "debit_note")
CHAIN_DEPTH = 8  # note → claim → commercial invoice → ...: a few steps, never a loop


@dataclass
class Plan:
    buyer_id: int
    supplier_id: int
    effect: str
    amount: Decimal
    currency: str
    named: bool
    invoices: list[Invoice] = field(default_factory=list)


def money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def note_amount(note: Document) -> Decimal:
    from marketplace.fulfillment.operations.receivables import invoice_amount

    return invoice_amount(note.total_amount or ZERO, note.currency)


# ----- which invoices a note is about ---------------------------------------------------------


def _chain(note: Document):
    seen, document = set(), note
    while document is not None and document.id not in seen and len(seen) < CHAIN_DEPTH:
        seen.add(document.id)
        yield document
        document = document.parent


def _named_invoice_ids(note: Document) -> tuple[list[int], bool]:
    """The invoices a note is about, oldest first, and whether it names one outright (a
    commercial invoice up its chain) or only points at some (the invoices of the goods
    its claim is about)."""
    for document in _chain(note):
        named = db.session.scalar(select(Invoice.id).where(Invoice.document_id == document.id))
        if named is not None:
            return [named], True
        order_line_id = (document.extras or {}).get("order_line_id")
        if document.type == "claim" and isinstance(order_line_id, int):
            carrying = select(ShipmentLine.shipment_id).where(
                ShipmentLine.order_line_id == order_line_id)
            ids = list(db.session.scalars(
                select(Invoice.id).where(Invoice.shipment_id.in_(carrying))
                .order_by(Invoice.issued_on, Invoice.id)))
            if ids:
                return ids, False
    return [], False


def _trades(supplier_id: int, buyer_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Order.supplier_company_id == supplier_id, Order.buyer_company_id == buyer_id))))


def _sides(note: Document, named: list[Invoice]) -> tuple[int, int, str] | None:
    """(buyer, supplier, effect), or None when the two companies do not trade."""
    issuer, recipient = note.issuer_company_id, note.recipient_company_id
    if named:
        buyer, supplier = named[0].buyer_company_id, named[0].supplier_company_id
    elif recipient is None:
        return None
    elif note.type == "credit_note" or _trades(issuer, recipient):
        supplier, buyer = issuer, recipient
    elif _trades(recipient, issuer):
        supplier, buyer = recipient, issuer
    else:
        return None
    if note.type == "credit_note" and issuer != supplier:
        return None  # (the engine lets only suppliers issue them; a buyer's is not money)
    if note.type == "credit_note":
        return buyer, supplier, NoteEffect.CREDIT
    return buyer, supplier, NoteEffect.DEBIT if issuer == supplier else NoteEffect.CREDIT


def _load(ids: list[int], lock: bool) -> list[Invoice]:
    """The invoices, in the given order; locked (SELECT ... FOR UPDATE on PostgreSQL,
    in id order so two writers never wait on each other crosswise) when settling."""
    if not ids:
        return []
    stmt = select(Invoice).where(Invoice.id.in_(ids)).order_by(Invoice.id)
    if lock:
        stmt = lock_for_update(stmt).execution_options(populate_existing=True)
    found = {invoice.id: invoice for invoice in db.session.scalars(stmt)}
    return [found[i] for i in ids if i in found]


def _open_invoice_ids(buyer_id: int, supplier_id: int, currency: str) -> list[int]:
    return list(db.session.scalars(
        select(Invoice.id).where(Invoice.buyer_company_id == buyer_id,
                                 Invoice.supplier_company_id == supplier_id,
                                 Invoice.currency == currency,
                                 Invoice.status != InvoiceStatus.PAID)
        .order_by(Invoice.issued_on, Invoice.id)))


def plan_note(note: Document, *, lock: bool) -> Plan | None:
    """What the note will do, checked: a credit above what is open on the invoice it
    names → 422 naming the amount that fits."""
    pointed_ids, named = _named_invoice_ids(note)
    pointed = _load(pointed_ids, lock)
    sides = _sides(note, pointed)
    if sides is None:
        return None
    buyer, supplier, effect = sides
    currency = note.currency
    pointed = [invoice for invoice in pointed if invoice.currency == currency]
    named = named and bool(pointed)
    plan = Plan(buyer_id=buyer, supplier_id=supplier, effect=effect,
                amount=note_amount(note), currency=currency, named=named, invoices=pointed)
    if effect == NoteEffect.DEBIT:
        if not named:
            plan.invoices = []  # a debit naming no invoice stands on account
        return plan
    if named:
        _refuse_above_open(note, plan)
        return plan
    # Naming none (or only the claimed goods' invoices, taken first): the oldest open
    # ones take it; what none can take is held on account for the next invoice.
    seen = {invoice.id for invoice in pointed}
    others = [i for i in _open_invoice_ids(buyer, supplier, currency) if i not in seen]
    plan.invoices = pointed + _load(others, lock)
    return plan


def _refuse_above_open(note: Document, plan: Plan) -> None:
    """The named invoice's balance is what fits."""
    fits = sum((max(invoice.balance, ZERO) for invoice in plan.invoices), ZERO)
    if plan.amount <= fits:
        return
    where = str(_l("invoice %(number)s", number=plan.invoices[0].number))
    text = str(_l("%(type)s %(number)s takes off %(amount)s %(currency)s, more than the "
                  "%(fits)s %(currency)s still open on %(where)s: at most %(fits)s fits.",
                  type=_type_label(note), number=note.number, amount=money(plan.amount),
                  currency=plan.currency, fits=money(fits), where=where))
    raise ValidationFailed(text, errors={"amount": [str(_l("At most %(fits)s.",
                                                           fits=money(fits)))]},
                           fits=money(fits), currency=plan.currency)


def _type_label(note: Document) -> str:
    return str(_l("Credit note")) if note.type == "credit_note" else str(_l("Debit note"))


# ----- the engine's two moments ---------------------------------------------------------------


def check_note(note: Document) -> None:
    """On sending: a credit above what is open is refused before anyone sees it."""
    plan_note(note, lock=False)


def settle_note(note: Document, actor=None) -> NoteSettlement | None:
    """On acceptance: allocate the note, once."""
    existing = db.session.scalar(select(NoteSettlement).where(
        NoteSettlement.document_id == note.id))
    if existing is not None:
        return existing
    plan = plan_note(note, lock=True)
    if plan is None:
        return None
    # Locked now: a replay that passed the first look at the same moment waits here and
    # finds the settlement made (or loses the unique document below).
    existing = db.session.scalar(select(NoteSettlement).where(
        NoteSettlement.document_id == note.id).execution_options(populate_existing=True))
    if existing is not None:
        return existing
    settlement = NoteSettlement(document_id=note.id, note_type=note.type, number=note.number,
                                effect=plan.effect, amount=plan.amount,
                                unallocated=plan.amount, currency=plan.currency,
                                buyer_company_id=plan.buyer_id,
                                supplier_company_id=plan.supplier_id, settled_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(settlement)
            db.session.flush()
    except IntegrityError:
        return db.session.scalar(select(NoteSettlement).where(
            NoteSettlement.document_id == note.id))
    if plan.effect == NoteEffect.DEBIT:
        if plan.invoices:
            _allocate(settlement, plan.invoices[0], plan.amount, actor)
    else:
        for invoice in plan.invoices:
            if settlement.unallocated <= 0:
                break
            part = min(settlement.unallocated, max(invoice.balance, ZERO))
            if part > 0:
                _allocate(settlement, invoice, part, actor)
    db.session.flush()
    record_audit("note.settled", settlement, company_id=plan.supplier_id,
                 changes={"number": note.number, "effect": plan.effect,
                          "amount": plan.amount, "on_account": settlement.unallocated,
                          "invoices": [a.invoice_id for a in settlement.allocations]})
    _tell(settlement)
    return settlement


def _allocate(settlement: NoteSettlement, invoice: Invoice, amount: Decimal, actor) -> None:
    db.session.add(NoteAllocation(settlement=settlement, invoice=invoice, amount=amount,
                                  allocated_at=utcnow()))
    if settlement.effect == NoteEffect.DEBIT:
        invoice.debited_amount = (invoice.debited_amount or ZERO) + amount
    else:
        invoice.credited_amount = (invoice.credited_amount or ZERO) + amount
    settlement.unallocated -= amount
    restatus(invoice)
    db.session.flush()
    orders = {line.order_line.order for line in invoice.shipment.lines}
    for order in orders:
        record_event(order, settlement.effect == NoteEffect.DEBIT and "debited" or "credited",
                     actor, invoice=invoice.number, note=settlement.number,
                     amount=money(amount))
    refresh_orders(orders)


def restatus(invoice: Invoice) -> None:
    """Paid when nothing is left to pay; partly paid once anything was paid or taken off."""
    if invoice.balance <= 0:
        invoice.status = InvoiceStatus.PAID
    elif invoice.paid_amount > 0 or (invoice.credited_amount or ZERO) > 0:
        invoice.status = InvoiceStatus.PARTIALLY_PAID
    else:
        invoice.status = InvoiceStatus.OPEN


def apply_on_account(invoice: Invoice) -> None:
    """A new invoice takes the credits held on account between its parties (oldest
    first), up to its amount."""
    held = db.session.scalars(lock_for_update(
        select(NoteSettlement).where(
            NoteSettlement.buyer_company_id == invoice.buyer_company_id,
            NoteSettlement.supplier_company_id == invoice.supplier_company_id,
            NoteSettlement.currency == invoice.currency,
            NoteSettlement.effect == NoteEffect.CREDIT, NoteSettlement.unallocated > 0)
        .order_by(NoteSettlement.settled_at, NoteSettlement.id))).all()
    for settlement in held:
        part = min(settlement.unallocated, max(invoice.balance, ZERO))
        if part <= 0:
            break
        _allocate(settlement, invoice, part, None)


def _tell(settlement: NoteSettlement) -> None:
    on = ", ".join(f"{a.invoice.number} ({money(a.amount)})" for a in settlement.allocations)
    if not on:
        message = N_("%(number)s: %(amount)s %(currency)s held on account.")
    elif settlement.effect == NoteEffect.DEBIT:
        message = N_("%(number)s adds %(amount)s %(currency)s to what is owed (%(on)s).")
    else:
        message = N_("%(number)s takes %(amount)s %(currency)s off what is owed (%(on)s).")
    for company_id, link in ((settlement.supplier_company_id, "/fulfillment/receivables"),
                             (settlement.buyer_company_id, "/fulfillment/payables")):
        notify("invoice.noted", company_id=company_id, message=message,
               params={"number": settlement.number, "amount": money(settlement.amount),
                       "currency": settlement.currency, "on": on}, link=link,
               payload={"document_id": settlement.document_id, "number": settlement.number,
                        "effect": settlement.effect, "amount": str(settlement.amount),
                        "currency": settlement.currency,
                        "on_account": str(settlement.unallocated),
                        "invoices": [{"invoice_id": a.invoice_id, "amount": str(a.amount)}
                                     for a in settlement.allocations]},
               email=False)

"""Where an invoice says to pay: the issuer's bank details kept when a proforma or
commercial invoice is sent (issue 17), not read again at every print. A later change of
the bank details prints on the next document (or revision), never on one already issued.

The details are kept by a receiver of the engine's ``document_transitioned`` (the first
time the document is sent); a print reads them with ``pay_to_of``. A draft prints the
issuer's current details; a document sent before they were kept prints them too.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.core.signals import document_transitioned
from marketplace.extensions import db
from marketplace.infrastructure.banking.queries import pay_to_snapshot
from marketplace.trading.models import IssuedPayTo
from marketplace.workflow.models import Document

# The types that print the issuer's bank details (T/T).
INVOICES = ("proforma_invoice", "commercial_invoice")


@document_transitioned.connect
def keep_pay_to(document: Document, *, action: str, from_status, to_status, actor,
                **extra) -> None:
    if document.type not in INVOICES or to_status != "sent" or from_status == "sent":
        return
    if db.session.get(IssuedPayTo, document.id) is not None:
        return  # kept when it was first sent
    db.session.add(IssuedPayTo(document_id=document.id,
                               details=pay_to_snapshot(document.issuer_company_id)))


def pay_to_of(document: Document) -> tuple[bool, dict | None]:
    """(True, the kept details or None) for a document sent since they are kept; (False,
    None) for a draft or a document sent before: those print the current details."""
    if document.id is None or document.type not in INVOICES:
        return False, None
    kept = db.session.scalar(select(IssuedPayTo).where(IssuedPayTo.document_id == document.id))
    return (True, kept.details) if kept is not None else (False, None)


def pay_to_stamp(document: Document) -> str:
    """What the print cache's key needs of the bank details: the kept ones never change;
    otherwise the current ones' version."""
    kept, _details = pay_to_of(document)
    if kept or document.type not in INVOICES:
        return "kept"
    current = pay_to_snapshot(document.issuer_company_id)
    return f"v{current['version']}" if current else "none"

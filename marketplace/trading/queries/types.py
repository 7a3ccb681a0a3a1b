"""Which declared document types a company may write: those its side issues (a new
document), and those it may make from a document it has (a reply as its recipient, a
revision as its issuer), the usual next step first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from marketplace.workflow import doctypes, engine
from marketplace.workflow.models import Document

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

def issues(declared, company) -> bool:
    """True when the company's side (buyer, supplier) issues documents of the type."""
    side = declared.issued_by
    return side == doctypes.EITHER or (side == doctypes.BUYER and company.is_buyer) or \
        (side == doctypes.SUPPLIER and company.is_supplier)


def issuable_types(company) -> list:
    """The declared types the company may start a document of."""
    return [declared for declared in doctypes.all_types() if issues(declared, company)]


def derivable_types(document: Document, actor: Actor) -> list:
    """The types the acting company may make from this document: a reply when it is the
    recipient, a revision when it is the issuer, of a type its side issues."""
    if document.status in (engine.DRAFT, engine.PENDING_APPROVAL, "cancelled") or \
            not actor.can("documents.edit"):
        return []
    reply = document.recipient_company_id == actor.company.id
    found = []
    for declared in doctypes.all_types():
        carry = declared.carry_from(document.type, reply=reply)
        if carry is not None and carry.allows(document.status) and \
                issues(declared, actor.company):
            found.append(declared)
    return doctypes.in_trade_order(found)

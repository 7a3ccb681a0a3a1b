"""Guest links (reads): the issuer's list of a document's links, one of them by id (a
link of another document is not found), and what a document page shows of them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.infrastructure.models import AddressBookEntry, Contact
from marketplace.trading.models import GuestLink
from marketplace.workflow.models import Document


def links_of(document: Document) -> list[GuestLink]:
    """The document's guest links, newest first (the issuer's company only asks)."""
    return list(db.session.scalars(select(GuestLink).where(
        GuestLink.document_id == document.id).order_by(GuestLink.id.desc())))


def link_of(document: Document, link_id: int) -> GuestLink:
    link = db.session.get(GuestLink, link_id)
    if link is None or link.document_id != document.id:
        raise NotFound(str(_l("Guest link %(id)s was not found.", id=link_id)))
    return link


def link_summary(link: GuestLink) -> dict:
    return {"id": link.id, "name": link.name, "email": link.email, "state": link.state,
            "expires_at": link.expires_at, "first_viewed_at": link.first_viewed_at,
            "accepted_at": link.accepted_at, "revoked_at": link.revoked_at,
            "created_at": link.created_at}


def contacts_for(document: Document) -> list[tuple[Contact, AddressBookEntry]]:
    """The issuer's address-book contacts with an e-mail address a quotation may go to:
    any, or those of the company it is addressed to when it is addressed to one."""
    stmt = (select(Contact, AddressBookEntry)
            .join(AddressBookEntry, Contact.entry_id == AddressBookEntry.id)
            .where(AddressBookEntry.company_id == document.issuer_company_id,
                   Contact.email.is_not(None), Contact.email != "")
            .order_by(AddressBookEntry.name, Contact.full_name))
    if document.recipient_company_id is not None:
        stmt = stmt.where(AddressBookEntry.partner_company_id == document.recipient_company_id)
    return [(contact, entry) for contact, entry in db.session.execute(stmt)]

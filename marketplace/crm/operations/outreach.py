"""Win-back from the at-risk list: one click starts a quotation to the customer, or
sends them a note. Only to a buyer the supplier has figures about (its customer).

There is no conversations feature yet, so "a message" is a notification to the buyer
company's purchasing members and administrators (the bell, and e-mail for those who
keep it on), with the supplier's name and the member's text, linking to the supplier's
profile. A quotation is a draft addressed to the buyer, with the buyer's segment terms
(payment terms, lead time) filled in, opened in the editor. Flush, never commit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import Forbidden, NotFound, ValidationFailed
from marketplace.crm.charts.customers import row_get
from marketplace.extensions import db
from marketplace.infrastructure.notifications import N_, notify, register_event
from marketplace.workflow.models import Document

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

SUPPLIER_MESSAGE = register_event("crm.supplier_message",
                                  label=_l("A supplier wrote to your company"),
                                  roles=("admin", "purchasing"), webhook=False)
MESSAGE_LENGTH = 2000


def customer_of(actor: Actor, buyer_id: int):
    """The supplier's figures about ``buyer_id`` (with its ``buyer`` company); NotFound
    when it is not its customer."""
    from marketplace.crm.queries.customers import customer_figures

    if actor.company is None or not actor.company.is_supplier:
        raise Forbidden(str(_l("Customer analytics are for suppliers about their own "
                               "customers.")))
    figures = customer_figures(actor.company.id, buyer_id)
    if figures is None:
        raise NotFound(str(_l("Buyer %(id)s is not among your customers.", id=buyer_id)))
    return figures


def start_quotation(actor: Actor, buyer_id: int) -> Document:
    """A draft quotation to the customer, in the currency of its figures, with its
    segment's payment terms and lead time (the member adds the lines)."""
    from marketplace.crm.operations.treatments import apply_to_quotation
    from marketplace.infrastructure.models import Company
    from marketplace.trading.operations import documents as trading_operations

    figures = customer_of(actor, buyer_id)
    name = db.session.get(Company, buyer_id).name
    document = trading_operations.create_document(actor, {
        "type": "quotation", "recipient_company_id": buyer_id,
        "currency": row_get(figures, "currency") or "USD",
        "subject": _("Our offer for %(buyer)s", buyer=name), "lines": []})
    apply_to_quotation(document)
    return document


def send_message(actor: Actor, buyer_id: int, text: str | None) -> int:
    """Tell the customer's purchasing members; the number of members told."""
    customer_of(actor, buyer_id)
    text = (text or "").strip()
    if not text or len(text) > MESSAGE_LENGTH:
        raise ValidationFailed(errors={"message": [_(
            "Message: write 1 to %(n)d characters.", n=MESSAGE_LENGTH)]})
    rows = notify(SUPPLIER_MESSAGE.name, company_id=buyer_id,
                  message=N_("%(supplier)s writes: %(text)s"),
                  params={"supplier": actor.company.name, "text": text},
                  link=f"/companies/{actor.company.id}",
                  payload={"supplier_company_id": actor.company.id})
    return len(rows)

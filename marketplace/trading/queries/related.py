"""Where a document led (issue 17.9): an inquiry shows the quotations that answered it,
a quotation the purchase orders that ordered it — as far as the asking company sees
them (the other side's drafts are not there). A purchase order's order is fulfillment's:
it fills the document page's slot and the API's ``document.api`` fields itself."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from marketplace.extensions import db
from marketplace.workflow.models import Document

# the document's type -> (the name of the list, the type of the documents it led to)
LED_TO = {"inquiry": ("answered_by", "quotation"), "rfq": ("answered_by", "quotation"),
          "quotation": ("ordered_by", "purchase_order")}
NAMES = ("answered_by", "ordered_by")


def related(document: Document, company_id: int) -> dict[str, list[Document]]:
    """``answered_by`` and ``ordered_by``: the documents derived from this one that
    answered or ordered it, oldest first (empty lists where the type leads to none)."""
    found: dict[str, list[Document]] = {name: [] for name in NAMES}
    name, child_type = LED_TO.get(document.type, (None, None))
    if name is None:
        return found
    parents = [document.id]
    if document.type == "rfq":  # each supplier answers its own invitation of the rfq
        parents += list(db.session.scalars(select(Document.id).where(
            Document.parent_id == document.id, Document.type == "rfq")))
    found[name] = list(db.session.scalars(
        select(Document).where(Document.parent_id.in_(parents), Document.type == child_type,
                               Document.visible_to(company_id))
        .options(joinedload(Document.issuer), joinedload(Document.recipient))
        .order_by(Document.id)))
    return found

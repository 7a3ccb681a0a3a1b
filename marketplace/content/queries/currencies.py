"""A company's usual currencies: those of its catalog and of its trade documents, the
most used first. Currency lists show them before the others (``core.currencies``)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, or_, select

from marketplace.content.models import Product
from marketplace.core import currencies
from marketplace.core.scoping import acting_company_id
from marketplace.extensions import db
from marketplace.workflow.models import Document

USUAL = 5  # at most this many currencies come first
RECENT_DOCUMENTS = 500  # how far back the documents count (a big company has many)


def usual_currencies(company_id: int | None) -> list[str]:
    """Up to five codes, the most used first: the company's latest documents (issued or
    received) and its products."""
    if company_id is None:
        return []
    documents = db.session.scalars(select(Document.currency).where(or_(
        Document.issuer_company_id == company_id,
        Document.recipient_company_id == company_id))
        .order_by(Document.id.desc()).limit(RECENT_DOCUMENTS))
    products = db.session.execute(select(Product.currency, func.count())
                                  .where(Product.company_id == company_id)
                                  .group_by(Product.currency))
    used = Counter(documents)
    for code, count in products:
        used[code] += count
    active = currencies.active_codes()
    ranked = sorted(used.items(), key=lambda pair: (-pair[1], pair[0]))
    return [code for code, _ in ranked if code in active][:USUAL]


currencies.register_usual(usual_currencies)


def currency_choices(keep: str | None = None) -> list[tuple[str, str]]:
    """The acting company's currency list: its usual ones, the common ones, the rest."""
    return currencies.choices(usual_currencies(acting_company_id()), keep=keep)

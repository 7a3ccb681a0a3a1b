"""Buying requests' reads: who may see a request (its buyer; approved suppliers of its
category or a category above it), the lists and their search, the answers as each side
may see them, and the subscriptions.

A request a company may not see is not there (404), never merely forbidden: a buyer
learns nothing of another buyer's requests, a supplier nothing of requests outside its
categories."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, and_, false, or_, select

from marketplace.buying_requests.models import (
    AWARDED,
    CLOSED,
    DRAFT,
    OPEN,
    BuyingRequest,
    CategorySubscription,
)
from marketplace.core.errors import NotFound
from marketplace.core.locking import lock_for_update
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus, company_categories
from marketplace.workflow.models import Document

RFQ, QUOTATION = "rfq", "quotation"
# A quotation counts as an answer once its supplier sent it (a withdrawn one does not).
ANSWER_STATUSES = ("sent", "accepted", "declined", "closed")
STATUSES = (DRAFT, OPEN, CLOSED, AWARDED)
SEARCH_LIMIT = 200


# ----- the category tree ---------------------------------------------------------------------


def _children() -> dict[int | None, list[int]]:
    tree: dict[int | None, list[int]] = {}
    for ident, parent_id in db.session.execute(select(Category.id, Category.parent_id)):
        tree.setdefault(parent_id, []).append(ident)
    return tree


def with_descendants(category_ids: set[int] | list[int]) -> set[int]:
    """The categories and every category below them."""
    tree, found = _children(), set()
    frontier = list(category_ids)
    while frontier:
        ident = frontier.pop()
        if ident not in found:
            found.add(ident)
            frontier.extend(tree.get(ident, []))
    return found


def with_ancestors(category_id: int) -> set[int]:
    """The category and every category above it."""
    parents = dict(db.session.execute(select(Category.id, Category.parent_id)).all())
    found: set[int] = set()
    current: int | None = category_id
    while current is not None and current not in found:
        found.add(current)
        current = parents.get(current)
    return found


def supplier_categories(company: Company | None) -> set[int]:
    """The categories whose requests an approved supplier sees: its own and below."""
    if company is None or not company.is_supplier or company.status != CompanyStatus.ACTIVE:
        return set()
    return with_descendants({category.id for category in company.categories})


# ----- who sees a request ----------------------------------------------------------------------


def _not_found(request_id: int) -> NotFound:
    return NotFound(_("Buying request %(id)s was not found. A request is shown to its buyer "
                      "and to approved suppliers of its category.", id=request_id))


def _visible_clause(company: Company):
    categories = supplier_categories(company)
    published = and_(BuyingRequest.status != DRAFT,
                     BuyingRequest.category_id.in_(categories)) if categories else false()
    return or_(BuyingRequest.company_id == company.id, published)


def visible_request(request_id: int, company: Company | None, *,
                    for_update: bool = False) -> BuyingRequest:
    """A request the company may see: its own, or a published one in its categories."""
    if company is None:
        raise _not_found(request_id)
    stmt = select(BuyingRequest).where(BuyingRequest.id == request_id,
                                       _visible_clause(company))
    if for_update:
        stmt = lock_for_update(stmt)
    found = db.session.scalar(stmt)
    if found is None:
        raise _not_found(request_id)
    return found


def own_request(request_id: int, company: Company | None, *,
                for_update: bool = False) -> BuyingRequest:
    """The acting buyer's own request (anyone else: 404)."""
    found = visible_request(request_id, company, for_update=for_update)
    if found.company_id != company.id:
        raise _not_found(request_id)
    return found


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def requests(company: Company, *, scope: str = "all", q: str | None = None,
             category_id: int | None = None, status: str | None = None) -> Select:
    """The requests the company may see, newest first: ``scope`` ``own`` (its own, as a
    buyer), ``matching`` (others' published requests in its categories) or ``all``.
    ``q`` searches the title and description (every word), ``category_id`` keeps that
    category and those below it, ``status`` one status (a supplier's list defaults to
    open requests)."""
    stmt = select(BuyingRequest).where(_visible_clause(company))
    if scope == "own":
        stmt = stmt.where(BuyingRequest.company_id == company.id)
    elif scope == "matching":
        stmt = stmt.where(BuyingRequest.company_id != company.id)
    for word in (q or "").split()[:10]:
        like = "%" + _escape_like(word.lower()) + "%"
        stmt = stmt.where(or_(BuyingRequest.title.ilike(like, escape="\\"),
                              BuyingRequest.description.ilike(like, escape="\\")))
    if category_id is not None:
        stmt = stmt.where(BuyingRequest.category_id.in_(with_descendants({category_id})))
    if status:
        stmt = stmt.where(BuyingRequest.status == status)
    return stmt.order_by(BuyingRequest.created_at.desc(), BuyingRequest.id.desc())


# ----- the answers ------------------------------------------------------------------------------


def invitation_for(request: BuyingRequest, company_id: int) -> Document | None:
    """The supplier's own invitation of the request's rfq (made when it first answered)."""
    if request.rfq_id is None:
        return None
    return db.session.scalar(select(Document).where(
        Document.parent_id == request.rfq_id, Document.type == RFQ,
        Document.recipient_company_id == company_id))


def _invitation_threads(request: BuyingRequest) -> Select:
    return select(Document.thread_id).where(Document.parent_id == request.rfq_id,
                                            Document.type == RFQ,
                                            Document.issuer_company_id == request.company_id)


def answers(request: BuyingRequest, company: Company) -> list[Document]:
    """The quotations answering the request as this company sees them: the buyer every
    one delivered to it; a supplier only its own (drafts too), never another's."""
    if request.rfq_id is None:
        return []
    stmt = select(Document).where(Document.type == QUOTATION,
                                  Document.thread_id.in_(_invitation_threads(request)))
    if company.id == request.company_id:
        stmt = stmt.where(Document.recipient_company_id == company.id,
                          Document.sent_at.is_not(None), Document.status.in_(ANSWER_STATUSES))
    else:
        stmt = stmt.where(Document.issuer_company_id == company.id)
    return list(db.session.scalars(stmt.order_by(Document.id)))


def current_answers(request: BuyingRequest, company: Company) -> list[Document]:
    """Each supplier's latest answer (its latest revision)."""
    latest: dict[int, Document] = {}
    for answer in answers(request, company):
        latest[answer.issuer_company_id] = answer
    return sorted(latest.values(), key=lambda document: document.id)


def answer_count(request: BuyingRequest) -> int:
    """How many suppliers answered (the buyer may know it)."""
    if request.rfq_id is None:
        return 0
    return len(set(db.session.scalars(select(Document.issuer_company_id).where(
        Document.type == QUOTATION, Document.thread_id.in_(_invitation_threads(request)),
        Document.status.in_(ANSWER_STATUSES), Document.sent_at.is_not(None)))))


def request_of_rfq(rfq_id: int) -> BuyingRequest | None:
    return db.session.scalar(select(BuyingRequest).where(BuyingRequest.rfq_id == rfq_id))


def request_of_quotation(document: Document) -> BuyingRequest | None:
    """The buying request a quotation (or an invitation it answers) belongs to."""
    current, steps = document, 0
    with db.session.no_autoflush:
        while current is not None and steps < 200:
            if current.type == RFQ:
                return request_of_rfq(current.parent_id) if current.parent_id else None
            if current.type != QUOTATION:
                return None
            current, steps = current.parent, steps + 1
    return None


# ----- subscriptions and who hears of a new request --------------------------------------------


def subscriptions(company_id: int) -> list[CategorySubscription]:
    return list(db.session.scalars(select(CategorySubscription).where(
        CategorySubscription.company_id == company_id).order_by(CategorySubscription.id)))


def eligible_suppliers(request: BuyingRequest) -> list[Company]:
    """Approved suppliers that see the request (its category or one above), not its buyer."""
    above = with_ancestors(request.category_id)
    return list(db.session.scalars(select(Company).where(
        Company.id.in_(select(company_categories.c.company_id).where(
            company_categories.c.category_id.in_(above))),
        Company.is_supplier.is_(True), Company.status == CompanyStatus.ACTIVE,
        Company.id != request.company_id).order_by(Company.id)))


def subscribed_company_ids(request: BuyingRequest) -> set[int]:
    """Companies subscribed to the request's category or a category above it."""
    above = with_ancestors(request.category_id)
    return set(db.session.scalars(select(CategorySubscription.company_id).where(
        CategorySubscription.category_id.in_(above))))


def due_requests(now, limit: int = 100) -> list[int]:
    return list(db.session.scalars(select(BuyingRequest.id).where(
        BuyingRequest.status == OPEN, BuyingRequest.closes_at <= now)
        .order_by(BuyingRequest.closes_at).limit(limit)))


def category_choices(language: str) -> list[tuple[int, str]]:
    """The tree in reading order, children indented, for a select."""
    from marketplace.infrastructure.queries import categories

    rows = categories()
    depth: dict[int, int] = {}
    choices = []
    for row in rows:
        depth[row.id] = depth.get(row.parent_id, -1) + 1 if row.parent_id else 0
        choices.append((row.id, "\u2003" * depth[row.id] + row.display_name(language)))
    return choices

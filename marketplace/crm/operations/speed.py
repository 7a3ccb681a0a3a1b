"""Write the trade speed facts (``crm_response_facts``) from the documents' own timestamps.

Each measure is one set-based ``INSERT … SELECT``, so a full recomputation is a handful
of statements whatever the number of orders; a new document refreshes only the facts of
its thread (``refresh_threads``). How each interval is measured:

- inquiry → first quotation: the inquiry's ``sent_at`` to the first quotation the
  supplier sent in the same thread (null while unanswered; a cancelled inquiry is left
  out: the buyer withdrew it);
- inquiry → purchase order: the same inquiry to the first purchase order the buyer sent
  in the thread;
- purchase order → accepted: the order's ``sent_at`` to its ``accept`` event;
- accepted → shipping documents: that ``accept`` event to the first shipping document
  (commercial invoice, packing list or shipping advice) of a shipment carrying the
  order's goods;
- quotation won: 1 when the buyer sent a purchase order in the quotation's thread after
  it (a revised quotation that was ordered wins for the earlier ones too), else 0.

Operations flush, never commit (the caller's boundary commits).
"""

from __future__ import annotations

from sqlalchemy import (
    Date,
    and_,
    case,
    cast,
    delete,
    exists,
    extract,
    func,
    insert,
    literal,
    select,
    true,
)
from sqlalchemy.orm import aliased

from marketplace.crm.models.speed import (
    ACCEPTED_TO_DOCUMENTS,
    INQUIRY_TO_ORDER,
    INQUIRY_TO_QUOTATION,
    PO_TO_ACCEPTED,
    QUOTATION_WON,
    ResponseFact,
    ResponseMonth,
)
from marketplace.crm.queries import speed as speed_queries
from marketplace.crm.queries.speed import Scope, forget_platform_figures
from marketplace.extensions import db
from marketplace.workflow.models import Document, DocumentEvent

COLUMNS = ("measure", "document_id", "thread_id", "supplier_company_id", "buyer_company_id",
           "supplier_member_id", "buyer_member_id", "started_at", "month", "value")


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def hours_between(later, earlier):
    """``later - earlier`` in hours, in SQL (null when either is null)."""
    if _dialect() == "postgresql":
        return extract("epoch", later - earlier) / 3600.0
    return (func.julianday(later) - func.julianday(earlier)) * 24.0


def month_of(moment):
    """The first day of ``moment``'s month (UTC), in SQL."""
    if _dialect() == "postgresql":
        return cast(func.date_trunc("month", func.timezone("UTC", moment)), Date)
    return func.date(moment, "start of month")


def _inquiry_facts(scope: Scope):
    """inquiry → first quotation, and inquiry → first purchase order (two selects)."""
    inquiry, answer = aliased(Document), aliased(Document)

    def first_sent(doctype: str, issuer_side):
        return (select(answer.thread_id, issuer_side(answer).label("party"),
                       func.min(answer.sent_at).label("first_at"))
                .where(answer.type == doctype, answer.sent_at.is_not(None),
                       scope.where(*_parties(answer, doctype), answer.thread_id))
                .group_by(answer.thread_id, issuer_side(answer)).subquery())

    quotations = first_sent("quotation", lambda d: d.issuer_company_id)
    orders = first_sent("purchase_order", lambda d: d.issuer_company_id)
    asked = and_(inquiry.type == "inquiry", inquiry.sent_at.is_not(None),
                 inquiry.recipient_company_id.is_not(None), inquiry.status != "cancelled",
                 scope.where(inquiry.recipient_company_id, inquiry.issuer_company_id,
                             inquiry.thread_id))

    def facts(measure, answers, answered_by):
        return (select(literal(measure), inquiry.id, inquiry.thread_id,
                       inquiry.recipient_company_id, inquiry.issuer_company_id,
                       inquiry.assigned_to_id, inquiry.created_by_id, inquiry.sent_at,
                       month_of(inquiry.sent_at),
                       hours_between(answers.c.first_at, inquiry.sent_at))
                .select_from(inquiry).outerjoin(answers, and_(
                    answers.c.thread_id == inquiry.thread_id,
                    answers.c.party == answered_by))
                .where(asked))

    return (facts(INQUIRY_TO_QUOTATION, quotations, inquiry.recipient_company_id),
            facts(INQUIRY_TO_ORDER, orders, inquiry.issuer_company_id))


def _parties(document, doctype: str):
    """(supplier column, buyer column) of a document of ``doctype``."""
    if doctype in ("quotation",):
        return document.issuer_company_id, document.recipient_company_id
    return document.recipient_company_id, document.issuer_company_id


def _order_facts(scope: Scope):
    """purchase order → accepted, and accepted → first shipping document."""
    order = aliased(Document)
    accepted = (select(DocumentEvent.document_id, func.min(DocumentEvent.at).label("at"))
                .join(Document, Document.id == DocumentEvent.document_id)
                .where(DocumentEvent.action == "accept", DocumentEvent.to_status == "accepted",
                       Document.type == "purchase_order",
                       scope.where(Document.recipient_company_id, Document.issuer_company_id,
                                   Document.thread_id))
                .group_by(DocumentEvent.document_id).subquery())
    papers = speed_queries.first_shipping_documents(scope).subquery()
    sent = and_(order.type == "purchase_order", order.sent_at.is_not(None),
                order.recipient_company_id.is_not(None),
                scope.where(order.recipient_company_id, order.issuer_company_id,
                            order.thread_id))
    parties = (order.id, order.thread_id, order.recipient_company_id, order.issuer_company_id,
               order.assigned_to_id, order.created_by_id)
    to_accepted = (select(literal(PO_TO_ACCEPTED), *parties, order.sent_at,
                          month_of(order.sent_at), hours_between(accepted.c.at, order.sent_at))
                   .select_from(order).outerjoin(accepted, accepted.c.document_id == order.id)
                   .where(sent))
    to_papers = (select(literal(ACCEPTED_TO_DOCUMENTS), *parties, accepted.c.at,
                        month_of(accepted.c.at), hours_between(papers.c.at, accepted.c.at))
                 .select_from(order).join(accepted, accepted.c.document_id == order.id)
                 .outerjoin(papers, papers.c.po_id == order.id)
                 .where(sent))
    return to_accepted, to_papers


def _quotation_facts(scope: Scope):
    """Each sent quotation, 1 when a purchase order followed it in its thread."""
    quotation, order = aliased(Document), aliased(Document)
    ordered = exists().where(order.thread_id == quotation.thread_id,
                             order.type == "purchase_order", order.sent_at.is_not(None),
                             order.sent_at >= quotation.sent_at,
                             order.issuer_company_id == quotation.recipient_company_id)
    return (select(literal(QUOTATION_WON), quotation.id, quotation.thread_id,
                   quotation.issuer_company_id, quotation.recipient_company_id,
                   quotation.created_by_id, quotation.assigned_to_id, quotation.sent_at,
                   month_of(quotation.sent_at), case((ordered, 1.0), else_=0.0))
            .where(quotation.type == "quotation", quotation.sent_at.is_not(None),
                   quotation.recipient_company_id.is_not(None),
                   scope.where(quotation.issuer_company_id, quotation.recipient_company_id,
                               quotation.thread_id)))


def refresh_response_facts(supplier_id: int | None = None, buyer_id: int | None = None) -> int:
    """Recompute the facts (all of them, or one supplier's, one buyer's or one pair's):
    delete, then one ``INSERT … SELECT`` per measure. Returns the number of facts written."""
    return _refresh(Scope(supplier_id, buyer_id))


def refresh_pair(supplier_id: int, buyer_id: int) -> int:
    """A document between these two companies moved: their facts, and nobody else's."""
    return _refresh(Scope(supplier_id, buyer_id))


def refresh_threads(thread_ids: list[int]) -> int:
    """Documents of these threads moved: their facts only (an inquiry, its quotations,
    orders and shipping documents share a thread), a few rows whatever the history."""
    if not thread_ids:
        return 0
    return _refresh(Scope(thread_ids=tuple(sorted(set(thread_ids)))))


def _refresh(scope: Scope) -> int:
    db.session.flush()
    own_facts = scope.where(ResponseFact.supplier_company_id, ResponseFact.buyer_company_id,
                            ResponseFact.thread_id)
    everything = scope == Scope()
    touched = set() if everything else _months_of(own_facts)
    db.session.execute(delete(ResponseFact).where(own_facts))
    for facts in (*_inquiry_facts(scope), *_order_facts(scope), _quotation_facts(scope)):
        db.session.execute(insert(ResponseFact).from_select(COLUMNS, facts))
    if not everything:
        touched |= _months_of(own_facts)
    for side in ("supplier", "buyer"):
        _write_months(side, None if everything else touched)
    forget_platform_figures()
    return db.session.scalar(select(func.count()).select_from(ResponseFact).where(own_facts))


# ----- the snapshot the view reads ---------------------------------------------------------


def _months_of(own_facts) -> set[tuple]:
    """(supplier, buyer, month) of the facts a refresh removes or writes: the snapshot
    rows to write again, on both sides, and no others."""
    return set(db.session.execute(select(
        ResponseFact.supplier_company_id, ResponseFact.buyer_company_id, ResponseFact.month)
        .where(own_facts).distinct()).all())


def _write_months(side: str, touched: set[tuple] | None) -> None:
    """Write again the snapshot rows (``ResponseMonth``) of one side for the touched
    companies' months (all of them when ``touched`` is None), from the facts."""
    company = ResponseFact.supplier_company_id if side == "supplier" else \
        ResponseFact.buyer_company_id
    member = ResponseFact.supplier_member_id if side == "supplier" else \
        ResponseFact.buyer_member_id
    stale, facts = ResponseMonth.side == side, true()
    if touched is not None:
        companies = {row[0 if side == "supplier" else 1] for row in touched}
        months = {row[2] for row in touched}
        if not companies:
            return
        # Companies × months is a superset of the pairs touched; writing a row again
        # from its facts is harmless.
        stale = and_(stale, ResponseMonth.company_id.in_(companies),
                     ResponseMonth.month.in_(months))
        facts = and_(company.in_(companies), ResponseFact.month.in_(months))
    db.session.execute(delete(ResponseMonth).where(stale))
    groups: dict[tuple, list] = {}
    for company_id, month, member_id, measure, value in db.session.execute(
            select(company, ResponseFact.month, member, ResponseFact.measure, ResponseFact.value)
            .where(facts)):
        group = groups.setdefault((company_id, month, member_id, measure), [0, []])
        group[0] += 1
        if value is not None:
            group[1].append(value)
    rows = [{"company_id": key[0], "side": side, "month": key[1], "member_id": key[2],
             "measure": key[3], "count": count, "values": sorted(values)}
            for key, (count, values) in groups.items()]
    if rows:
        db.session.execute(insert(ResponseMonth), rows)

"""Reads of service cases: one case (404 for anyone but its two sides), the actor's side
of it and the actions allowed now, a company's cases (opened, handled, a department's
box), its messages and files, the company's figures, and the overdue work."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from marketplace.content.models import MediaFile
from marketplace.core.errors import NotFound
from marketplace.core.pagination import Page, paginate
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.service.models import (
    ACTIVE,
    CLOSED,
    OPEN,
    RESOLVED,
    TYPES,
    ServiceCase,
    ServiceCaseMessage,
)

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

OPENER, HANDLER = "opener", "handler"


def _not_found(case_id: int) -> NotFound:
    return NotFound(str(_l("Service case %(id)s was not found.", id=case_id)))


def _visible(actor: Actor):
    """Cases the actor's side sees: its company's either way; the operator, those to
    the operator."""
    if actor.company is not None:
        return ServiceCase.visible_to(actor.company.id)
    if actor.is_operator:
        return ServiceCase.counterparty_company_id.is_(None)
    return ServiceCase.id.is_(None)


def visible_case(case_id: int, actor: Actor) -> ServiceCase:
    case = db.session.scalar(select(ServiceCase).where(ServiceCase.id == case_id,
                                                       _visible(actor))
                             .options(joinedload(ServiceCase.company),
                                      joinedload(ServiceCase.counterparty)))
    if case is None:
        raise _not_found(case_id)
    return case


def side_of(case: ServiceCase, actor: Actor) -> str | None:
    if actor.company is not None:
        if actor.company.id == case.company_id:
            return OPENER
        if actor.company.id == case.counterparty_company_id:
            return HANDLER
        return None
    if actor.is_operator and case.counterparty_company_id is None:
        return HANDLER
    return None


def allowed_actions(case: ServiceCase, actor: Actor) -> list[str]:
    side = side_of(case, actor)
    if side is None or (actor.company is not None and not actor.can("documents.edit")):
        return []
    allowed = []
    if case.status in ACTIVE:
        allowed += ["resolve", "close"]
    elif case.status == RESOLVED:
        allowed += ["close"]
    if side == OPENER and case.status in (RESOLVED, CLOSED):
        allowed.append("reopen")
    return allowed


def can_rate(case: ServiceCase, actor: Actor) -> bool:
    return case.status == CLOSED and side_of(case, actor) == OPENER \
        and actor.can("documents.edit")


def cases_page(actor: Actor, *, role: str | None = None, status: str | None = None,
               type: str | None = None, department_id: int | None = None,  # noqa: A002
               overdue: bool = False, page: int = 1, per_page: int = 20) -> Page:
    stmt = select(ServiceCase).where(_visible(actor)).options(
        joinedload(ServiceCase.company), joinedload(ServiceCase.counterparty))
    if actor.company is not None and role == OPENER:
        stmt = stmt.where(ServiceCase.company_id == actor.company.id)
    elif actor.company is not None and role == HANDLER:
        stmt = stmt.where(ServiceCase.counterparty_company_id == actor.company.id)
    if status:
        stmt = stmt.where(ServiceCase.status == status)
    if type:
        stmt = stmt.where(ServiceCase.type == type)
    if department_id is not None:
        stmt = stmt.where(ServiceCase.department_id == department_id)
    if overdue:
        stmt = stmt.where(_overdue_clause(utcnow()))
    return paginate(stmt.order_by(ServiceCase.last_message_at.desc(), ServiceCase.id.desc()),
                    page, per_page)


def _overdue_clause(now: datetime):
    return and_(ServiceCase.status.in_(ACTIVE), or_(
        and_(ServiceCase.first_response_at.is_(None), ServiceCase.response_due_at < now),
        ServiceCase.resolution_due_at < now))


def due_at(case: ServiceCase) -> datetime | None:
    """The target the case runs against now: its first answer, then its resolution."""
    if case.status not in ACTIVE:
        return None
    return case.response_due_at if case.first_response_at is None else case.resolution_due_at


def is_overdue(case: ServiceCase, now: datetime | None = None) -> bool:
    due = due_at(case)
    return due is not None and due < (now or utcnow())


def messages(case: ServiceCase) -> list[ServiceCaseMessage]:
    return list(db.session.scalars(select(ServiceCaseMessage).where(
        ServiceCaseMessage.case_id == case.id).options(joinedload(ServiceCaseMessage.author))
        .order_by(ServiceCaseMessage.id)))


def message_attachment(case: ServiceCase, message_id: int, media_id: int) -> MediaFile:
    """A file one of the case's messages lists; NotFound for any other."""
    message = db.session.get(ServiceCaseMessage, message_id)
    listed = message is not None and message.case_id == case.id and any(
        item.get("id") == media_id for item in message.attachments or [])
    media = db.session.get(MediaFile, media_id) if listed else None
    if media is None or media.company_id not in (message.company_id, case.company_id):
        raise NotFound(str(_l("Attachment %(id)s was not found.", id=media_id)))
    return media


def cases_about_document(document_id: int, company_id: int) -> list[ServiceCase]:
    return list(db.session.scalars(select(ServiceCase).where(
        ServiceCase.document_id == document_id, ServiceCase.visible_to(company_id))
        .order_by(ServiceCase.id.desc()).limit(20)))


def cases_about_order(order_id: int, company_id: int) -> list[ServiceCase]:
    return list(db.session.scalars(select(ServiceCase).where(
        ServiceCase.order_id == order_id, ServiceCase.visible_to(company_id))
        .order_by(ServiceCase.id.desc()).limit(20)))


def waiting_for(actor: Actor, limit: int = 200) -> list[ServiceCase]:
    """Cases the actor's side must act on: handled by its company (or, for the
    operator, to the operator) and open (the opener waits for an answer); a case in a
    department's box only for that department's people and the administrators."""
    if actor.company is not None:
        stmt = select(ServiceCase).where(
            ServiceCase.counterparty_company_id == actor.company.id)
    elif actor.is_operator:
        stmt = select(ServiceCase).where(ServiceCase.counterparty_company_id.is_(None))
    else:
        return []
    cases = list(db.session.scalars(stmt.where(ServiceCase.status == OPEN)
                                    .options(joinedload(ServiceCase.company))
                                    .order_by(ServiceCase.created_at).limit(limit)))
    if actor.company is None or actor.user is None or actor.can("company.edit"):
        return cases
    from marketplace.infrastructure.departments.queries import department_ids_of

    mine = set(department_ids_of(actor.user.id))
    return [case for case in cases if case.department_id is None or case.department_id in mine]


# ----- figures -------------------------------------------------------------------------------


@dataclass
class Figures:
    """A company's service as the handling side, over a period (cases opened in it)."""

    cases: int = 0
    open: int = 0
    overdue: int = 0
    first_response_hours_median: float | None = None
    resolution_hours_median: float | None = None
    response_on_time_rate: float | None = None
    solved_at_first_answer_rate: float | None = None
    satisfaction: float | None = None  # the mean rating, 1-5
    ratings: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))
    by_type: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 0))


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def figures(company_id: int | None, *, since: datetime | None = None,
            until: datetime | None = None) -> Figures:
    """First-response and resolution hours (medians), share answered within the target,
    share solved at the first answer (of the resolved ones), mean satisfaction and each
    rating's count; ``company_id`` None: the operator's cases."""
    now = utcnow()
    stmt = select(ServiceCase).where(
        ServiceCase.counterparty_company_id == company_id if company_id is not None
        else ServiceCase.counterparty_company_id.is_(None))
    since = since or now - timedelta(days=365)
    stmt = stmt.where(ServiceCase.created_at >= since)
    if until is not None:
        stmt = stmt.where(ServiceCase.created_at < until)
    cases = list(db.session.scalars(stmt))
    result = Figures(cases=len(cases))
    responses, resolutions, on_time, first, ratings = [], [], [], [], []
    for case in cases:
        result.by_type[case.type] = result.by_type.get(case.type, 0) + 1
        if case.status in ACTIVE:
            result.open += 1
            result.overdue += is_overdue(case, now)
        if case.first_response_at is not None:
            responses.append(_hours(case.created_at, case.first_response_at))
            on_time.append(case.first_response_at <= case.response_due_at)
        elif case.response_due_at < now:
            on_time.append(False)
        if case.resolved_at is not None:
            resolutions.append(_hours(case.created_at, case.resolved_at))
        if case.solved_at_first_answer is not None and case.status in (RESOLVED, CLOSED):
            first.append(case.solved_at_first_answer)
        if case.rating:
            ratings.append(case.rating)
            result.ratings[case.rating] += 1
    result.first_response_hours_median = _median(responses)
    result.resolution_hours_median = _median(resolutions)
    result.response_on_time_rate = round(sum(on_time) / len(on_time), 3) if on_time else None
    result.solved_at_first_answer_rate = round(sum(first) / len(first), 3) if first else None
    result.satisfaction = round(sum(ratings) / len(ratings), 2) if ratings else None
    return result


# ----- as the caller sees them -------------------------------------------------------------


OPERATOR = _l("Marketplace operator")


def described(case: ServiceCase, actor: Actor) -> dict:
    from marketplace.service.notifications import case_number

    side = side_of(case, actor)
    counterparty = None if case.counterparty_company_id is None else {
        "id": case.counterparty_company_id, "name": case.counterparty.name}
    return {"id": case.id, "number": case_number(case), "type": case.type,
            "priority": case.priority, "status": case.status, "subject": case.subject,
            "body": case.body, "opener": {"id": case.company_id, "name": case.company.name},
            "counterparty": counterparty, "side": side,
            "counterparty_name": counterparty["name"] if counterparty else str(OPERATOR),
            "other_name": (counterparty["name"] if counterparty else str(OPERATOR))
            if side == OPENER else case.company.name,
            "document_id": case.document_id, "order_id": case.order_id,
            "department_id": case.department_id if side == HANDLER else None,
            "created_at": case.created_at, "response_due_at": case.response_due_at,
            "resolution_due_at": case.resolution_due_at,
            "first_response_at": case.first_response_at, "resolved_at": case.resolved_at,
            "closed_at": case.closed_at, "overdue": is_overdue(case),
            "due_at": due_at(case), "solved_at_first_answer": case.solved_at_first_answer,
            "rating": case.rating, "allowed_actions": allowed_actions(case, actor),
            "can_rate": can_rate(case, actor), "version": case.version,
            "last_message_at": case.last_message_at}


def described_messages(case: ServiceCase, items: list[ServiceCaseMessage],
                       actor: Actor) -> list[dict]:
    mine = actor.company.id if actor.company is not None else None
    return [{"id": m.id, "body": m.body, "company_id": m.company_id,
             "ours": m.company_id == mine,
             "author": m.author.full_name if m.author else None,
             "attachments": [dict(item) for item in m.attachments or []],
             "created_at": m.created_at} for m in items]


def documents_in_box(actor: Actor, department_id: int, limit: int = 100) -> list:
    """Incoming documents of the actor's company a dispatch rule routed to the
    department, the latest first (the box's check of who may open it is the caller's)."""
    from marketplace.workflow.models import Document

    if actor.company is None:
        return []
    return list(db.session.scalars(select(Document).where(
        Document.recipient_company_id == actor.company.id, Document.sent_at.is_not(None),
        Document.department_id == department_id)
        .options(joinedload(Document.issuer), joinedload(Document.assigned_to))
        .order_by(Document.sent_at.desc(), Document.id.desc()).limit(limit)))

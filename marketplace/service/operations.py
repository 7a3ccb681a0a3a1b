"""Service case writes: open one (with its first message and files), write in it, and
its actions (resolve, close, reopen) and rating. Each checks the actor's side and the
case's state (409 with the allowed actions), records the clock the figures read
(first response, resolution, solved at the first answer), audits, and tells the other
side. Flush, never commit (the request's boundary commits)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from marketplace.content.operations.media import store_upload
from marketplace.conversations.operations import ATTACHABLE, MAX_FILES, Upload
from marketplace.core.audit import record_audit
from marketplace.core.errors import Conflict, NotFound, ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment.queries import order_of_party
from marketplace.infrastructure.models import Company, CompanyStatus
from marketplace.service import notifications, timing
from marketplace.service import queries as case_queries
from marketplace.service.models import (
    ACTIVE,
    CLOSED,
    OPEN,
    PRIORITIES,
    RESOLVED,
    TYPES,
    WAITING,
    ServiceCase,
    ServiceCaseMessage,
)
from marketplace.trading.queries.documents import visible_document
from marketplace.workflow import dispatch

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

__all__ = ["Upload", "open_case", "post_message", "perform", "rate"]

SUBJECT_LENGTH = 300
BODY_LENGTH = 5000
ACTIONS = ("resolve", "close", "reopen")


def _refuse(errors: dict, what=None) -> None:
    if errors:
        raise ValidationFailed(str(what or _l("The service case was not opened: check the "
                                              "fields named.")), errors=errors)


def _body_errors(body: str | None, files: list[Upload], errors: dict, *,
                 required: bool) -> str:
    text = (body or "").strip()
    if not text and (required or not files):
        errors["body"] = [str(_l("Describe the case.") if required
                              else _l("Write a message (or attach a file)."))]
    elif len(text) > BODY_LENGTH:
        errors["body"] = [str(_l("At most %(n)d characters.", n=BODY_LENGTH))]
    if len(files) > MAX_FILES:
        errors["files"] = [str(_l("A message takes at most %(n)d files.", n=MAX_FILES))]
    return text


def open_case(actor: Actor, values: dict, files: Iterable[Upload] = ()) -> ServiceCase:
    """A new case of the actor's company with another company, or with the operator
    (``counterparty_company_id`` None). Refused (422, each field named): an empty or
    too long subject or description, an unknown type or priority, the company itself or
    an unknown one, a document or order that is not the actor's or not between the two."""
    files = list(files)
    company = actor.company
    errors: dict = {}
    subject = " ".join((values.get("subject") or "").split())
    if not subject:
        errors["subject"] = [str(_l("Give the case a subject."))]
    elif len(subject) > SUBJECT_LENGTH:
        errors["subject"] = [str(_l("At most %(n)d characters.", n=SUBJECT_LENGTH))]
    text = _body_errors(values.get("body"), files, errors, required=True)
    kind = values.get("type") or "question"
    if kind not in TYPES:
        errors["type"] = [str(_l("Choose complaint, question, return or quality."))]
    priority = values.get("priority") or "normal"
    if priority not in PRIORITIES:
        errors["priority"] = [str(_l("Choose low, normal, high or urgent."))]
    other_id = values.get("counterparty_company_id")
    other = None
    if other_id is not None:
        if other_id == company.id:
            errors["counterparty_company_id"] = [str(_l(
                "That is your own company: open the case with another one."))]
        else:
            other = db.session.get(Company, other_id)
            if other is None or other.status != CompanyStatus.ACTIVE:
                other = None
                errors["counterparty_company_id"] = [str(_l(
                    "No active company has the id %(id)s.", id=other_id))]
    document = _document(values.get("document_id"), actor, other_id, errors)
    order = _order(values.get("order_id"), actor, other_id, errors)
    _refuse(errors)
    now = utcnow()
    response_due, resolution_due = timing.due_dates(kind, now)
    case = ServiceCase(
        company_id=company.id, opened_by_id=actor.user.id if actor.user else None,
        counterparty_company_id=other.id if other else None, type=kind, priority=priority,
        subject=subject, body=text, document_id=document.id if document else None,
        order_id=order.id if order else None, status=OPEN, response_due_at=response_due,
        resolution_due_at=resolution_due, last_message_at=now, answers=0, reopened=0)
    if other is not None:
        case.department_id = dispatch.department_for(
            other.id, text=f"{subject}\n{text}", sender_country=company.country)
    db.session.add(case)
    db.session.flush()
    _add_message(case, actor, text, files)
    record_audit("service_case.opened", case, company_id=company.id, changes={
        "counterparty_company_id": case.counterparty_company_id, "type": kind,
        "priority": priority, "document_id": case.document_id, "order_id": case.order_id,
        "department_id": case.department_id})
    notifications.tell(notifications.OPENED, case, by_company_id=company.id,
                       by_name=company.name)
    return case


def _document(document_id: int | None, actor: Actor, other_id: int | None, errors: dict):
    if document_id is None:
        return None
    try:
        document = visible_document(document_id, actor)
    except NotFound:
        errors["document_id"] = [str(_l("No document of yours has the id %(id)s.",
                                        id=document_id))]
        return None
    if other_id is not None and other_id not in (document.issuer_company_id,
                                                 document.recipient_company_id):
        errors["document_id"] = [str(_l("The company you open the case with is not a party "
                                        "to this document."))]
        return None
    return document


def _order(order_id: int | None, actor: Actor, other_id: int | None, errors: dict):
    if order_id is None:
        return None
    order = order_of_party(order_id, actor.company.id)
    if order is None:
        errors["order_id"] = [str(_l("No order of yours has the id %(id)s.", id=order_id))]
        return None
    if other_id is not None and other_id not in (order.buyer_company_id,
                                                 order.supplier_company_id):
        errors["order_id"] = [str(_l("The company you open the case with is not a party to "
                                     "this order."))]
        return None
    return order


def _acting_company(actor: Actor) -> tuple[int | None, str]:
    if actor.company is None:
        return None, notifications.OPERATOR_NAME
    return actor.company.id, actor.company.name


def _add_message(case: ServiceCase, actor: Actor, text: str,
                 files: list[Upload]) -> ServiceCaseMessage:
    # The operator has no company of its own: its files are kept with the opener's.
    owner = actor.company or case.company
    stored = [store_upload(owner, upload.stream, upload.filename, allowed=ATTACHABLE)
              for upload in files]
    message = ServiceCaseMessage(
        case_id=case.id, company_id=actor.company.id if actor.company else None,
        author_id=actor.user.id if actor.user else None, body=text, created_at=utcnow(),
        attachments=[{"id": media.id, "name": media.original_name,
                      "content_type": media.content_type, "size": media.size}
                     for media in stored])
    db.session.add(message)
    case.last_message_at = message.created_at
    db.session.flush()
    return message


def post_message(case: ServiceCase, actor: Actor, body: str | None,
                 files: Iterable[Upload] = ()) -> ServiceCaseMessage:
    """A message of either side. The handling side's first one is the first response;
    its message sets the case ``waiting`` (for the opener), the opener's sets it
    ``open`` again. A closed case takes no message (reopen it first: 409)."""
    files = list(files)
    if case.status == CLOSED:
        raise Conflict(str(_l("This case is closed: reopen it to write again.")),
                       allowed_actions=case_queries.allowed_actions(case, actor))
    errors: dict = {}
    text = _body_errors(body, files, errors, required=False)
    _refuse(errors, _l("The message was not sent: check the fields named."))
    message = _add_message(case, actor, text, files)
    company_id, name = _acting_company(actor)
    if case_queries.side_of(case, actor) == case_queries.HANDLER:
        if case.first_response_at is None:
            case.first_response_at = message.created_at
        if case.status in ACTIVE:
            case.answers += 1
            case.status = WAITING
    elif case.status == WAITING:
        case.status = OPEN
    db.session.flush()
    notifications.tell(notifications.MESSAGE, case, by_company_id=company_id, by_name=name,
                       excerpt=text or ", ".join(a["name"] for a in message.attachments))
    return message


def _note(case: ServiceCase, actor: Actor, text: str) -> None:
    """An action's comment, written in the case: the handler's closing words are an
    answer when none came before, never a second one (solved at the first answer stays)."""
    errors: dict = {}
    text = _body_errors(text, [], errors, required=False)
    _refuse(errors, _l("The comment was not saved: check the fields named."))
    message = _add_message(case, actor, text, [])
    if case_queries.side_of(case, actor) == case_queries.HANDLER:
        case.first_response_at = case.first_response_at or message.created_at
        case.answers = max(case.answers, 1)


def perform(case: ServiceCase, actor: Actor, action: str,
            comment: str | None = None) -> ServiceCase:
    """``resolve`` (either side, while open or waiting), ``close`` (either side; the
    opener then rates it), ``reopen`` (the opener, once resolved or closed). Anything
    else now: 409 with the actions allowed."""
    allowed = case_queries.allowed_actions(case, actor)
    if action not in allowed:
        raise Conflict(str(_l("The action %(action)s is not possible on this case now.",
                              action=action)), allowed_actions=allowed)
    now = utcnow()
    before = case.status
    if comment and comment.strip():
        _note(case, actor, comment.strip())
    if action == "resolve":
        case.status, case.resolved_at = RESOLVED, now
        if case.solved_at_first_answer is None:
            case.solved_at_first_answer = case.answers == 1 and case.reopened == 0
        event = notifications.RESOLVED
    elif action == "close":
        case.status, case.closed_at = CLOSED, now
        case.resolved_at = case.resolved_at or now
        if case.solved_at_first_answer is None:
            case.solved_at_first_answer = case.answers == 1 and case.reopened == 0
        event = notifications.CLOSED
    else:
        case.status, case.resolved_at, case.closed_at, case.rating = OPEN, None, None, None
        case.reopened += 1
        case.solved_at_first_answer = False  # it came back: not solved at the first answer
        event = notifications.REOPENED
    db.session.flush()
    record_audit(f"service_case.{action}", case, company_id=case.company_id,
                 changes={"from_status": before, "to_status": case.status})
    company_id, name = _acting_company(actor)
    notifications.tell(event, case, by_company_id=company_id, by_name=name)
    return case


def rate(case: ServiceCase, actor: Actor, score: int) -> ServiceCase:
    """The opener's satisfaction, 1 to 5, once the case is closed (rated again: the
    latest counts)."""
    if case_queries.side_of(case, actor) != case_queries.OPENER:
        raise Conflict(str(_l("Only the company that opened the case rates it.")),
                       allowed_actions=case_queries.allowed_actions(case, actor))
    if case.status != CLOSED:
        raise Conflict(str(_l("A case is rated once it is closed.")),
                       allowed_actions=case_queries.allowed_actions(case, actor))
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationFailed(str(_l("The rating was not saved.")),
                               errors={"score": [str(_l("Choose 1 to 5 stars."))]})
    case.rating = score
    db.session.flush()
    record_audit("service_case.rated", case, company_id=case.company_id,
                 changes={"rating": score})
    return case

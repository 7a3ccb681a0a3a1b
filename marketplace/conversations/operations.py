"""Conversation writes: start one (with its first message), write a message with
attachments, mark it read for the acting company, and turn it into an inquiry draft.
Flush, never commit (the request's boundary commits)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from marketplace.content.operations.media import store_upload
from marketplace.content.queries.currencies import usual_currencies
from marketplace.content.queries.products import visible_product
from marketplace.content.schemas.products import quantity_text
from marketplace.conversations import notifications
from marketplace.conversations import queries as conversation_queries
from marketplace.conversations.models import Conversation, ConversationMessage, ConversationRead
from marketplace.core.audit import record_audit
from marketplace.core.errors import Forbidden, NotFound, ValidationFailed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.trading.operations.documents import create_document
from marketplace.trading.queries.documents import visible_document
from marketplace.workflow import doctypes
from marketplace.workflow.models import Document

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

BODY_LENGTH = 5000
SUBJECT_LENGTH = 300
NOTES_LENGTH = 5000
MAX_FILES = 10  # a message takes at most this many attachments
# What a message takes, as a document does (content's media kinds): photos, artwork, PDFs.
ATTACHABLE = ("image", "pdf")


@dataclass(frozen=True)
class Upload:
    """A file given with a message: its stream and the name it had."""

    stream: IO[bytes]
    filename: str


def _body_errors(body: str | None, files: list[Upload]) -> tuple[str, dict]:
    text = (body or "").strip()
    errors: dict = {}
    if not text and not files:
        errors["body"] = [str(_l("Write a message (or attach a file)."))]
    elif len(text) > BODY_LENGTH:
        errors["body"] = [str(_l("At most %(n)d characters.", n=BODY_LENGTH))]
    if len(files) > MAX_FILES:
        errors["files"] = [str(_l("A message takes at most %(n)d files.", n=MAX_FILES))]
    return text, errors


def _refuse(errors: dict) -> None:
    if errors:
        raise ValidationFailed(str(_l("The message was not sent: check the fields named.")),
                               errors=errors)


def start_conversation(actor: Actor, company_id: int, body: str | None, *,
                       product_id: int | None = None, document_id: int | None = None,
                       files: Iterable[Upload] = (), tell: bool = True) -> Conversation:
    """A new conversation of the actor's company with another, its first message
    written. Refused (422, each field named): the company itself, an unknown or
    inactive company, a product of neither company or not visible, a document the two
    are not the parties of, an empty or too long message."""
    files = list(files)
    company = actor.company
    text, errors = _body_errors(body, files)
    other = None
    if company_id == company.id:
        errors["company_id"] = [str(_l("That is your own company: write to another one."))]
    else:
        other = conversation_queries.active_company(company_id)
        if other is None:
            errors["company_id"] = [str(_l("No active company has the id %(id)s.", id=company_id))]
    product = _product(product_id, company.id, company_id, errors)
    document = _document(document_id, actor, company_id, errors)
    _refuse(errors)
    conversation = Conversation(
        starter_company_id=company.id, counterparty_company_id=other.id,
        started_by_id=actor.user.id if actor.user else None,
        product_id=product.id if product else None,
        document_id=document.id if document else None,
        subject=_subject(product, document, text))
    conversation.search_text = "\n".join((conversation.subject, company.name, other.name)).lower()
    db.session.add(conversation)
    db.session.flush()
    record_audit("conversation.started", conversation, company_id=company.id,
                 changes={"with_company_id": other.id, "product_id": conversation.product_id,
                          "document_id": conversation.document_id})
    _add_message(conversation, actor, text, files, tell=tell)
    return conversation


def _product(product_id: int | None, company_id: int, other_id: int, errors: dict):
    if product_id is None:
        return None
    try:
        product = visible_product(product_id)
    except NotFound:
        errors["product_id"] = [str(_l("No product has the id %(id)s.", id=product_id))]
        return None
    if product.company_id not in (company_id, other_id):
        errors["product_id"] = [str(_l("This product is not one of the company you write "
                                       "to, nor yours."))]
        return None
    return product


def _document(document_id: int | None, actor: Actor, other_id: int, errors: dict):
    if document_id is None:
        return None
    try:
        document = visible_document(document_id, actor)
    except NotFound:
        errors["document_id"] = [str(_l("No document has the id %(id)s.", id=document_id))]
        return None
    if other_id not in (document.issuer_company_id, document.recipient_company_id):
        errors["document_id"] = [str(_l("The company you write to is not a party to this "
                                        "document."))]
        return None
    return document


def _subject(product, document, text: str) -> str:
    if product is not None:
        return product.name[:SUBJECT_LENGTH]
    if document is not None:
        title = doctypes.label(document.type) if doctypes.is_known(document.type) else ""
        return f"{title} {document.number}".strip()[:SUBJECT_LENGTH]
    first = " ".join(text.split())
    return first if len(first) <= 80 else first[:79] + "…"


def post_message(conversation: Conversation, actor: Actor, body: str | None,
                 files: Iterable[Upload] = ()) -> ConversationMessage:
    """A message of the actor's company in one of its conversations."""
    files = list(files)
    text, errors = _body_errors(body, files)
    _refuse(errors)
    return _add_message(conversation, actor, text, files)


def _add_message(conversation: Conversation, actor: Actor, text: str,
                 files: list[Upload], *, tell: bool = True) -> ConversationMessage:
    company = actor.company
    stored = [store_upload(company, upload.stream, upload.filename, allowed=ATTACHABLE)
              for upload in files]
    message = ConversationMessage(
        conversation_id=conversation.id, company_id=company.id,
        author_id=actor.user.id if actor.user else None, body=text,
        attachments=[{"id": media.id, "name": media.original_name,
                      "content_type": media.content_type, "size": media.size}
                     for media in stored])
    db.session.add(message)
    conversation.last_message_at = utcnow()
    conversation.search_text = "\n".join(filter(None, (
        conversation.search_text, text.lower(),
        *(item["name"].lower() for item in message.attachments))))
    db.session.flush()
    _mark_read_up_to(conversation.id, company.id, message.id)  # one's own message is read
    if tell:
        notifications.tell_message_received(conversation, message, company.name)
    return message


def mark_read(conversation: Conversation, actor: Actor) -> None:
    """The actor's company has read every message so far (the other side's "seen")."""
    _mark_read_up_to(conversation.id, actor.company.id,
                     conversation_queries.last_message_id(conversation))


def _mark_read_up_to(conversation_id: int, company_id: int, message_id: int) -> None:
    row = conversation_queries.read_state(conversation_id, company_id)
    if row is not None:
        if row.last_read_message_id < message_id:
            row.last_read_message_id, row.read_at = message_id, utcnow()
            db.session.flush()
        return
    try:  # two members opening it at once: the second finds the first's row
        with db.session.begin_nested():
            db.session.add(ConversationRead(conversation_id=conversation_id,
                                            company_id=company_id,
                                            last_read_message_id=message_id, read_at=utcnow()))
    except IntegrityError:
        _mark_read_up_to(conversation_id, company_id, message_id)


class NotABuyer(Forbidden):
    """Only a buyer sends inquiries."""


@dataclass(frozen=True)
class InquiryFromConversation:
    document: Document
    created: bool  # False: the conversation's inquiry, still a draft, answered again


def turn_into_inquiry(conversation: Conversation, actor: Actor) -> InquiryFromConversation:
    """An inquiry draft from the actor's company to the other: the conversation's product
    as its line (when it was started on one of the other company's products), the
    conversation's text in its notes, linked both ways. The conversation's inquiry
    still a draft is answered instead of a second one."""
    company = actor.company
    existing = _open_inquiry(conversation, actor)
    if existing is not None:
        return InquiryFromConversation(existing, created=False)
    if not company.is_buyer:
        raise NotABuyer(str(_l("Inquiries are sent by buyers: add the buyer role to your "
                               "company in the company settings first.")))
    other_id = conversation.other_company_id(company.id)
    product = _their_product(conversation, other_id)
    messages = conversation_queries.messages_text(conversation)
    document = create_document(actor, {
        "type": "inquiry", "recipient_company_id": other_id,
        "subject": (str(_l("Inquiry: %(name)s", name=conversation.subject))
                    if conversation.subject else str(_l("Inquiry")))[:SUBJECT_LENGTH],
        "currency": product.currency if product else _usual_currency(company.id),
        "notes": _notes(conversation, messages) or None,
        "port_of_loading": (product.port or None) if product else None,
        "lines": [_line(product, conversation, messages)]})
    document.extras = {**(document.extras or {}), "conversation_id": conversation.id}
    conversation.inquiry_id = document.id
    db.session.flush()
    record_audit("conversation.inquiry", conversation, company_id=company.id,
                 changes={"inquiry_id": document.id})
    return InquiryFromConversation(document, created=True)


def _open_inquiry(conversation: Conversation, actor: Actor) -> Document | None:
    if conversation.inquiry_id is None:
        return None
    document = db.session.get(Document, conversation.inquiry_id)
    if document is None or document.status != "draft" \
            or document.issuer_company_id != actor.company.id:
        return None
    return document


def _their_product(conversation: Conversation, other_id: int):
    if conversation.product_id is None:
        return None
    try:
        product = visible_product(conversation.product_id)
    except NotFound:
        return None
    return product if product.company_id == other_id else None


def _usual_currency(company_id: int) -> str:
    usual = usual_currencies(company_id)
    return usual[0] if usual else "USD"


def _line(product, conversation: Conversation, messages: list[ConversationMessage]) -> dict:
    if product is not None:
        return {"product_id": product.id, "quantity": quantity_text(product.moq) or "1",
                "unit": product.unit[:20],
                "description": " / ".join(n for n in (product.name, product.name_zh) if n)}
    first = next((m.body for m in messages if m.body.strip()), "") or conversation.subject
    return {"quantity": "1", "unit": "pcs",
            "description": (conversation.subject or first or str(_l("Inquiry")))[:5000]}


def _notes(conversation: Conversation, messages: list[ConversationMessage]) -> str:
    """The conversation as text, the latest messages kept when it is too long."""
    lines = [str(_l("From conversation %(id)s:", id=conversation.id))]
    for message in messages:
        files = ", ".join(item["name"] for item in message.attachments or [])
        text = message.body + (f" [{files}]" if files else "")
        lines.append(f"{message.created_at:%Y-%m-%d %H:%M} {message.company.name}: {text}")
    notes = "\n".join(lines)
    if len(notes) > NOTES_LENGTH:
        notes = lines[0] + "\n…" + notes[-(NOTES_LENGTH - len(lines[0]) - 2):]
    return notes

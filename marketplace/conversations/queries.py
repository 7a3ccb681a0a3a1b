"""Conversation reads, always for the acting company: its conversations (search, unread),
one conversation's messages with "seen", a message's attachment, and what the contact
boxes offer (a supplier's products). Another company's conversation is not there (404),
for the operator too: talk between two companies is theirs."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import joinedload

from marketplace.content.models import MediaFile, Product
from marketplace.conversations.models import Conversation, ConversationMessage, ConversationRead
from marketplace.core.errors import NotFound
from marketplace.core.pagination import Page, capped_count
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, CompanyStatus

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

EXCERPT = 160
MAX_SEARCH_WORDS = 8
PORTAL_MESSAGES = 200  # the conversation page shows the latest this many
BOX_PRODUCTS = 200  # the profile's contact box offers this many of the supplier's products


def _not_found(conversation_id: int) -> NotFound:
    return NotFound(str(_l("Conversation %(id)s was not found.", id=conversation_id)))


def visible_conversation(conversation_id: int, actor: Actor) -> Conversation:
    """The conversation if the actor's company is one of its two; NotFound otherwise."""
    if actor.company is None:
        raise _not_found(conversation_id)
    conversation = db.session.scalar(select(Conversation).where(
        Conversation.id == conversation_id, Conversation.visible_to(actor.company.id))
        .options(joinedload(Conversation.starter), joinedload(Conversation.counterparty)))
    if conversation is None:
        raise _not_found(conversation_id)
    return conversation


def search_words(q: str | None) -> list[str]:
    return [word for word in (q or "").lower().split() if word][:MAX_SEARCH_WORDS]


def conversations_page(actor: Actor, *, q: str | None = None, unread: bool = False,
                       page: int = 1, per_page: int = 20) -> Page:
    """The company's conversations, the latest message first, as summaries; ``q``: every
    word in a message, the subject or a company's name; ``unread``: only those with
    messages its members have not read."""
    company_id = actor.company.id
    stmt = select(Conversation).where(Conversation.visible_to(company_id))
    for word in search_words(q):
        stmt = stmt.where(Conversation.search_text.contains(word, autoescape=True))
    if unread:
        stmt = stmt.where(Conversation.id.in_(_unread_ids(company_id)))
    total, capped = capped_count(stmt)
    rows = list(db.session.scalars(
        stmt.options(joinedload(Conversation.starter), joinedload(Conversation.counterparty))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(per_page).offset((page - 1) * per_page)))
    return Page(items=summaries(rows, company_id), total=total, page=page, per_page=per_page,
                total_capped=capped)


def _unread_messages(company_id: int, *columns):
    """The messages of the other company the given company has not read yet (their
    conversation and id, or the ``columns`` given)."""
    read = ConversationRead
    return (select(*(columns or (ConversationMessage.conversation_id, ConversationMessage.id)))
            .select_from(ConversationMessage)
            .join(Conversation, Conversation.id == ConversationMessage.conversation_id)
            .outerjoin(read, and_(read.conversation_id == Conversation.id,
                                  read.company_id == company_id))
            .where(Conversation.visible_to(company_id),
                   ConversationMessage.company_id != company_id,
                   ConversationMessage.id > func.coalesce(read.last_read_message_id, 0)))


def _unread_ids(company_id: int):
    return select(_unread_messages(company_id).subquery().c.conversation_id)


def unread_count(actor: Actor) -> int:
    """Conversations with a message the actor's company has not read (the navbar's)."""
    if actor is None or actor.company is None:
        return 0
    return db.session.scalar(_unread_count_statement(), {"company_id": actor.company.id}) or 0


@functools.cache
def _unread_count_statement():
    """Counted in the same statement, not over a subquery of it, and built once with the
    company bound at each run: every portal page asks, and building the statement cost
    more CPU than running it."""
    return _unread_messages(bindparam("company_id"),
                            func.count(func.distinct(ConversationMessage.conversation_id)))


def summaries(conversations: list[Conversation], company_id: int) -> list[dict]:
    ids = [conversation.id for conversation in conversations]
    if not ids:
        return []
    unread = _unread_messages(company_id).where(
        ConversationMessage.conversation_id.in_(ids)).subquery()
    counts = dict(db.session.execute(select(unread.c.conversation_id, func.count())
                                     .group_by(unread.c.conversation_id)).all())
    last_ids = select(func.max(ConversationMessage.id)).where(
        ConversationMessage.conversation_id.in_(ids)).group_by(
        ConversationMessage.conversation_id)
    last = {message.conversation_id: message for message in db.session.scalars(
        select(ConversationMessage).where(ConversationMessage.id.in_(last_ids)))}
    return [summary(conversation, company_id, last.get(conversation.id),
                    counts.get(conversation.id, 0)) for conversation in conversations]


def summary(conversation: Conversation, company_id: int,
            last: ConversationMessage | None = None, unread: int = 0) -> dict:
    other = conversation.counterparty if company_id == conversation.starter_company_id \
        else conversation.starter
    return {"id": conversation.id, "subject": conversation.subject,
            "counterparty": {"id": other.id, "name": other.name},
            "started_by_us": company_id == conversation.starter_company_id,
            "product_id": conversation.product_id, "document_id": conversation.document_id,
            "inquiry_id": conversation.inquiry_id, "unread": unread,
            "last_message": _last_message(last, company_id),
            "last_message_at": conversation.last_message_at,
            "created_at": conversation.created_at}


def _last_message(message: ConversationMessage | None, company_id: int) -> dict | None:
    if message is None:
        return None
    text = " ".join(message.body.split())
    if not text and message.attachments:
        text = ", ".join(item["name"] for item in message.attachments)
    return {"id": message.id, "excerpt": text if len(text) <= EXCERPT
            else text[:EXCERPT - 1] + "…", "ours": message.company_id == company_id,
            "created_at": message.created_at}


def details(conversation: Conversation, actor: Actor) -> dict:
    company_id = actor.company.id
    last = db.session.scalar(select(ConversationMessage).where(
        ConversationMessage.conversation_id == conversation.id)
        .order_by(ConversationMessage.id.desc()).limit(1))
    unread = db.session.scalar(select(func.count()).select_from(
        _unread_messages(company_id).where(
            ConversationMessage.conversation_id == conversation.id).subquery())) or 0
    return summary(conversation, company_id, last, unread)


def _read_row(conversation_id: int, company_id: int) -> ConversationRead | None:
    return db.session.get(ConversationRead, (conversation_id, company_id))


def messages_page(conversation: Conversation, actor: Actor, *, page: int = 1,
                  per_page: int = 20) -> Page:
    """The messages, oldest first, each with whether the other company has seen it."""
    stmt = select(ConversationMessage).where(
        ConversationMessage.conversation_id == conversation.id)
    total, capped = capped_count(stmt)
    rows = list(db.session.scalars(stmt.options(joinedload(ConversationMessage.author))
                                   .order_by(ConversationMessage.id)
                                   .limit(per_page).offset((page - 1) * per_page)))
    return Page(items=described(conversation, rows, actor), total=total, page=page,
                per_page=per_page, total_capped=capped)


def latest_messages(conversation: Conversation, actor: Actor) -> list[dict]:
    """The latest messages for the conversation page, oldest of them first."""
    rows = list(db.session.scalars(select(ConversationMessage).where(
        ConversationMessage.conversation_id == conversation.id)
        .options(joinedload(ConversationMessage.author))
        .order_by(ConversationMessage.id.desc()).limit(PORTAL_MESSAGES)))
    return described(conversation, rows[::-1], actor)


def described(conversation: Conversation, messages: list[ConversationMessage],
              actor: Actor) -> list[dict]:
    company_id = actor.company.id
    theirs = _read_row(conversation.id, conversation.other_company_id(company_id))
    mine = _read_row(conversation.id, company_id)
    seen_up_to = theirs.last_read_message_id if theirs else 0
    read_up_to = mine.last_read_message_id if mine else 0
    return [{"id": message.id, "body": message.body, "company_id": message.company_id,
             "ours": message.company_id == company_id,
             "author": {"id": message.author.id, "name": message.author.full_name or ""}
             if message.author else None,
             "attachments": [dict(item) for item in message.attachments or []],
             "created_at": message.created_at,
             # Read receipts: the other company has read this one of ours (when it last read).
             "seen": message.company_id == company_id and message.id <= seen_up_to,
             "seen_at": theirs.read_at if theirs and message.company_id == company_id
             and message.id <= seen_up_to else None,
             "new": message.company_id != company_id and message.id > read_up_to}
            for message in messages]


def last_message_id(conversation: Conversation) -> int:
    return db.session.scalar(select(func.max(ConversationMessage.id)).where(
        ConversationMessage.conversation_id == conversation.id)) or 0


def read_state(conversation_id: int, company_id: int) -> ConversationRead | None:
    return _read_row(conversation_id, company_id)


def message_attachment(conversation: Conversation, message_id: int, media_id: int) -> MediaFile:
    """A file one of the conversation's messages lists; NotFound for any other."""
    message = db.session.get(ConversationMessage, message_id)
    listed = message is not None and message.conversation_id == conversation.id and any(
        item.get("id") == media_id for item in message.attachments or [])
    media = db.session.get(MediaFile, media_id) if listed else None
    if media is None or media.company_id != message.company_id:
        raise NotFound(str(_l("Attachment %(id)s was not found.", id=media_id)))
    return media


def messages_text(conversation: Conversation) -> list[ConversationMessage]:
    """Every message, oldest first (what an inquiry made from it carries)."""
    return list(db.session.scalars(select(ConversationMessage).where(
        ConversationMessage.conversation_id == conversation.id)
        .options(joinedload(ConversationMessage.company))
        .order_by(ConversationMessage.id)))


def active_company(company_id: int) -> Company | None:
    """A company one may write to: known and active (pending and suspended ones are not
    there for others)."""
    company = db.session.get(Company, company_id)
    return company if company is not None and company.status == CompanyStatus.ACTIVE else None


def supplier_products(company_id: int) -> list[Product]:
    """The supplier's published products a contact box offers, by SKU."""
    return list(db.session.scalars(select(Product).where(
        Product.company_id == company_id, Product.publicly_visible())
        .order_by(Product.sku).limit(BOX_PRODUCTS)))


def conversations_about_document(document_id: int, company_id: int) -> list[Conversation]:
    """The company's conversations a document came from (its inquiry) or was started on."""
    return list(db.session.scalars(select(Conversation).where(
        Conversation.visible_to(company_id),
        (Conversation.inquiry_id == document_id) | (Conversation.document_id == document_id))
        .order_by(Conversation.id)))


def conversations_about_product(product_id: int, company_id: int) -> list[Conversation]:
    return list(db.session.scalars(select(Conversation).where(
        Conversation.visible_to(company_id), Conversation.product_id == product_id)
        .order_by(Conversation.last_message_at.desc()).limit(5)))

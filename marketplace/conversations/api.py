"""Conversations api (API.md, "Conversations"): start one, list the company's, read and
write its messages (attachments as multipart), download an attachment, and turn it into
an inquiry draft. Only the two companies' members and keys see a conversation (404 for
anyone else)."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from marketplace.conversations import api_bp
from marketplace.conversations import operations as conversation_operations
from marketplace.conversations import queries as conversations
from marketplace.conversations.schemas import (
    ConversationArgsSchema,
    ConversationListArgsSchema,
    ConversationSchema,
    MessageArgsSchema,
    MessageSchema,
)
from marketplace.core.api import ETAG_HEADER, idempotent, problem_responses, with_etag
from marketplace.core.errors import ValidationFailed
from marketplace.core.guards import company_actor
from marketplace.core.pagination import PaginationArgsSchema, page_schema
from marketplace.infrastructure.auth import Actor, api_auth
from marketplace.trading.downloads import attachment_response
from marketplace.trading.queries.documents import document_details
from marketplace.trading.schemas import DocumentSchema

FILE_PARTS = ("file", "files")  # a message's files: repeated parts of either name


def conversation_actor() -> Actor:
    return company_actor(_l("Only a member of a company (or its API key) has conversations."))


def _with_urls(conversation_id: int, messages: list[dict]) -> list[dict]:
    for message in messages:
        for item in message["attachments"]:
            item["url"] = url_for("conversations_api.get_attachment",
                                  conversation_id=conversation_id, message_id=message["id"],
                                  media_id=item["id"])
    return messages


def _message_input() -> tuple[str, list]:
    """The body and files of a message: JSON ``{body}``, or multipart with a ``body``
    field and ``file``/``files`` parts."""
    if request.mimetype == "multipart/form-data":
        data, uploads = request.form.to_dict(), [
            conversation_operations.Upload(upload.stream, upload.filename or "")
            for name in FILE_PARTS for upload in request.files.getlist(name)]
        unknown = set(data) - {"body"} | set(request.files) - set(FILE_PARTS)
    else:
        data, uploads, unknown = request.get_json(silent=True), [], set()
        if not isinstance(data, dict):
            raise ValidationFailed(errors={"_schema": [str(_l("Send a JSON object "
                                                              "{\"body\": ...}."))]})
    if unknown:
        raise ValidationFailed(errors={name: [str(_l("Unknown field."))]
                                       for name in sorted(unknown)})
    try:
        values = MessageArgsSchema().load(data)
    except ValidationError as error:
        raise ValidationFailed(errors=error.messages) from error
    return values["body"], uploads


MESSAGE_BODY = {"content": {
    "application/json": {"schema": MessageArgsSchema},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "body": {"type": "string", "maxLength": 5000},
        "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                 "description": "Images (JPEG, PNG, GIF, WebP) or PDFs, recognised by "
                                "their content; too large: 413; another type: 415"}}}}}}


@api_bp.route("/conversations", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(ConversationArgsSchema)
@api_bp.response(201, ConversationSchema)
@api_bp.doc(responses=problem_responses(422))
def start_conversation(values):
    """Start a conversation with another company, with its first message; about one of
    the two companies' products (``product_id``) or a document between them
    (``document_id``) when given. Your own company, an unknown or inactive company, a
    product or document that is not theirs or yours, an empty message: 422."""
    actor = conversation_actor()
    conversation = conversation_operations.start_conversation(
        actor, values["company_id"], values["body"], product_id=values.get("product_id"),
        document_id=values.get("document_id"))
    location = url_for("conversations_api.get_conversation", conversation_id=conversation.id)
    return conversations.details(conversation, actor), 201, {"Location": location}


@api_bp.route("/conversations")
@api_auth(permission="documents.view")
@api_bp.arguments(ConversationListArgsSchema, location="query")
@api_bp.response(200, page_schema(ConversationSchema))
def list_conversations(args):
    """Your company's conversations, the latest message first, each with the other
    company, the last message and how many of its messages you have not read; ``q``
    finds those whose messages hold every word."""
    return conversations.conversations_page(conversation_actor(), **args)


@api_bp.route("/conversations/<int:conversation_id>")
@api_auth(permission="documents.view")
@api_bp.response(200, ConversationSchema)
@api_bp.doc(responses=problem_responses(404))
def get_conversation(conversation_id):
    """One of your company's conversations (its unread count; reading the messages
    marks them read)."""
    actor = conversation_actor()
    return conversations.details(conversations.visible_conversation(conversation_id, actor),
                                 actor)


@api_bp.route("/conversations/<int:conversation_id>/messages")
@api_auth(permission="documents.view")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(MessageSchema))
@api_bp.doc(responses=problem_responses(404))
def list_messages(args, conversation_id):
    """The messages, oldest first, each of yours with ``seen`` (the other company read
    it). Reading them marks the conversation read for your company."""
    actor = conversation_actor()
    conversation = conversations.visible_conversation(conversation_id, actor)
    conversation_operations.mark_read(conversation, actor)
    page = conversations.messages_page(conversation, actor, **args)
    page.items = _with_urls(conversation.id, page.items)
    return page


@api_bp.route("/conversations/<int:conversation_id>/messages", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.response(201, MessageSchema)
@api_bp.doc(requestBody=MESSAGE_BODY, responses=problem_responses(404, 413, 415, 422))
def post_message(conversation_id):
    """Write in the conversation: JSON ``{body}``, or multipart with ``body`` and files
    (``file`` parts, at most 10: images or PDFs). The other company's members are told
    (the bell, mail, webhooks: event ``message.received``)."""
    actor = conversation_actor()
    conversation = conversations.visible_conversation(conversation_id, actor)
    body, uploads = _message_input()
    message = conversation_operations.post_message(conversation, actor, body, uploads)
    [described] = _with_urls(conversation.id,
                             conversations.described(conversation, [message], actor))
    return described, 201


@api_bp.route("/conversations/<int:conversation_id>/messages/<int:message_id>"
              "/attachments/<int:media_id>")
@api_auth(permission="documents.view")
@api_bp.doc(responses=problem_responses(404))
def get_attachment(conversation_id, message_id, media_id):
    """Download a file of one of the conversation's messages."""
    conversation = conversations.visible_conversation(conversation_id, conversation_actor())
    return attachment_response(conversations.message_attachment(conversation, message_id,
                                                                 media_id))


@api_bp.route("/conversations/<int:conversation_id>/inquiry", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.response(201, DocumentSchema, headers=ETAG_HEADER)
@api_bp.alt_response(200, schema=DocumentSchema, headers=ETAG_HEADER, success=True,
                     description="The conversation's inquiry, still a draft, unchanged")
@api_bp.doc(responses=problem_responses(403, 404, 422))
def turn_into_inquiry(conversation_id):
    """An inquiry draft from your company to the other, carrying the conversation's
    product as its line and its messages in the notes, linked back
    (``extras.conversation_id``). Only a buyer inquires (403). While that inquiry is a
    draft, asking again answers it (200)."""
    actor = conversation_actor()
    conversation = conversations.visible_conversation(conversation_id, actor)
    made = conversation_operations.turn_into_inquiry(conversation, actor)
    body = DocumentSchema().dump(document_details(made.document, actor))
    response = with_etag(body, made.document)
    if made.created:
        response.status_code = 201
        response.headers["Location"] = url_for("trading_api.get_document",
                                               document_id=made.document.id)
    return response

"""Conversation schemas: ``...ArgsSchema`` for input (unknown fields refused), and the
conversation, its summary and its messages as the caller's company sees them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.core.pagination import PaginationArgsSchema
from marketplace.core.schemas import Id

BODY_LENGTH = 5000


class ConversationArgsSchema(Schema):
    company_id = Id(required=True, metadata={"description": "The company you write to"})
    product_id = Id(allow_none=True, metadata={
        "description": "The product it is about (one of either company's, visible to you)"})
    document_id = Id(allow_none=True, metadata={
        "description": "The document it is about (one between the two companies)"})
    body = fields.String(required=True, validate=validate.Length(max=BODY_LENGTH),
                         metadata={"description": "The first message"})


class MessageArgsSchema(Schema):
    body = fields.String(load_default="", validate=validate.Length(max=BODY_LENGTH),
                         metadata={"description": "The message (may be empty when files "
                                                  "are attached)"})


class ConversationListArgsSchema(PaginationArgsSchema):
    q = fields.String(validate=validate.Length(max=200), metadata={
        "description": "Words in the messages, the subject or a company's name (all of them)"})
    unread = fields.Boolean(load_default=False, metadata={
        "description": "Only conversations with messages your company has not read"})


class CounterpartySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class LastMessageSchema(Schema):
    id = fields.Integer(required=True)
    excerpt = fields.String(required=True)
    ours = fields.Boolean(required=True, metadata={"description": "Written by your company"})
    created_at = fields.DateTime(required=True)


class ConversationSchema(Schema):
    id = fields.Integer(required=True)
    subject = fields.String(required=True)
    counterparty = fields.Nested(CounterpartySchema, required=True)
    started_by_us = fields.Boolean(required=True)
    product_id = fields.Integer(allow_none=True, required=True)
    document_id = fields.Integer(allow_none=True, required=True)
    inquiry_id = fields.Integer(allow_none=True, required=True, metadata={
        "description": "The inquiry the conversation was turned into"})
    unread = fields.Integer(required=True, metadata={
        "description": "Messages of the other company your company has not read"})
    last_message = fields.Nested(LastMessageSchema, allow_none=True, required=True)
    last_message_at = fields.DateTime(required=True)
    created_at = fields.DateTime(required=True)


class AuthorSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class MessageAttachmentSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    url = fields.String(required=True)


class MessageSchema(Schema):
    id = fields.Integer(required=True)
    body = fields.String(required=True)
    company_id = fields.Integer(required=True, metadata={"description": "The writing company"})
    ours = fields.Boolean(required=True)
    author = fields.Nested(AuthorSchema, allow_none=True, required=True)
    attachments = fields.List(fields.Nested(MessageAttachmentSchema), required=True)
    created_at = fields.DateTime(required=True)
    seen = fields.Boolean(required=True, metadata={
        "description": "One of yours the other company has read (a read receipt)"})
    seen_at = fields.DateTime(allow_none=True, required=True, metadata={
        "description": "When the other company last read the conversation"})

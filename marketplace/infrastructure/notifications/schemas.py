"""API schemas of notifications and webhooks: ``...ArgsSchema`` for input (unknown
fields rejected), the others for output."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.core.schemas import OptionalText
from marketplace.infrastructure.notifications.models import AttemptOutcome, DeliveryStatus
from marketplace.infrastructure.schemas import MemberUserSchema

EVENT_NAME = {"description": "An event name from GET /webhooks/events",
              "example": "webhook.ping"}

# ----- notifications ---------------------------------------------------------------------


class NotificationQueryArgsSchema(Schema):
    unread = fields.Boolean(load_default=False,
                            metadata={"description": "Only the notifications not read yet"})


class NotificationSchema(Schema):
    id = fields.Integer(required=True)
    event = fields.String(required=True, metadata=EVENT_NAME)
    message = fields.String(attribute="text", required=True, metadata={
        "description": "In the caller's language (the language of their profile)"})
    msgid = fields.String(attribute="message", required=True, metadata={
        "description": "The message in English with its %(name)s placeholders"})
    params = fields.Dict(required=True, metadata={
        "description": "The values of the placeholders; a value {\"msgid\": ...} is a word "
                       "that is translated with the message"})
    link = fields.String(allow_none=True, required=True,
                         metadata={"description": "The path in the portal it is about"})
    read = fields.Boolean(attribute="is_read", required=True)
    read_at = fields.AwareDateTime(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema), required=True)
    total = fields.Integer(required=True, metadata={
        "description": "How many there are, counted up to 10,000: see `total_capped`."})
    total_capped = fields.Boolean(dump_default=False, metadata={
        "description": "True when there are more than `total` (shown as \"10,000+\")."})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    unread = fields.Integer(required=True, metadata={
        "description": "How many of the caller's notifications are not read (all pages), "
                       "counted up to 10,000"})


class ReadAllSchema(Schema):
    marked = fields.Integer(required=True, metadata={"description": "How many were unread"})


class EmailPreferenceSchema(Schema):
    event = fields.String(required=True, metadata=EVENT_NAME)
    label = fields.String(required=True)
    email = fields.Boolean(required=True)


class EmailPreferencesArgsSchema(Schema):
    email = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=80)),
                        values=fields.Boolean(), required=True,
                        validate=validate.Length(max=200), metadata={
                            "description": "{event: whether it also comes by e-mail}; "
                                           "events left out keep their setting",
                            "example": {"webhook.failed": False}})


# ----- webhooks --------------------------------------------------------------------------


def _events(**kwargs) -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1, max=80),
                                     metadata=EVENT_NAME),
                       validate=validate.Length(min=1, max=100), **kwargs)


def _url(**kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=2000), metadata={
        "description": "http:// or https://; a public address (private and loopback ones "
                       "only where the settings allow them)",
        "example": "https://erp.example.com/marketplace/events"}, **kwargs)


def _secret(**kwargs) -> fields.String:
    return fields.String(load_only=True, validate=validate.Length(min=16, max=200), metadata={
        "description": "Signs every delivery (X-Marketplace-Signature); at least 16 "
                       "characters. Left out: one is made and answered once"}, **kwargs)


class WebhookArgsSchema(Schema):
    url = _url(required=True)
    events = _events(required=True)
    secret = _secret()
    description = OptionalText(200)
    active = fields.Boolean(load_default=True)


class WebhookPatchArgsSchema(Schema):
    url = _url()
    events = _events()
    secret = _secret()
    description = OptionalText(200)
    active = fields.Boolean(metadata={"description": "false: no deliveries until true again "
                                                     "(those due meanwhile wait)"})


class WebhookSchema(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    description = fields.String(allow_none=True, required=True)
    active = fields.Boolean(required=True)
    created_by = fields.Nested(MemberUserSchema, allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    version = fields.Integer(required=True)


class WebhookCreatedSchema(WebhookSchema):
    secret = fields.String(required=True, metadata={
        "description": "Shown in this answer only: store it now to check signatures"})


class EventSchema(Schema):
    name = fields.String(required=True, metadata=EVENT_NAME)
    label = fields.String(attribute="title", required=True)


class AttemptSchema(Schema):
    number = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)
    url = fields.String(required=True)
    outcome = fields.Enum(AttemptOutcome, by_value=True, required=True)
    status_code = fields.Integer(allow_none=True, required=True)
    error = fields.String(allow_none=True, required=True)
    response_excerpt = fields.String(allow_none=True, required=True)
    duration_ms = fields.Integer(required=True)


class DeliverySchema(Schema):
    id = fields.Integer(required=True)
    delivery_id = fields.String(attribute="uid", required=True, metadata={
        "description": "The X-Marketplace-Delivery header, the same at every attempt"})
    event = fields.String(required=True, metadata=EVENT_NAME)
    status = fields.Enum(DeliveryStatus, by_value=True, required=True)
    attempt_count = fields.Integer(required=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True, required=True)
    last_status_code = fields.Integer(allow_none=True, required=True)
    last_error = fields.String(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)
    delivered_at = fields.AwareDateTime(allow_none=True, required=True)
    body = fields.String(required=True, metadata={"description": "The JSON body sent"})
    attempts = fields.List(fields.Nested(AttemptSchema), required=True)


class DeliveryQueryArgsSchema(Schema):
    status = fields.Enum(DeliveryStatus, by_value=True)

"""Service case schemas: ``...ArgsSchema`` for input (unknown fields refused), the case,
its messages and the figures as the caller sees them. The subject and the description
are checked by the operation, so an empty one is refused in the caller's language with
the same words as the portal's form."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.core.pagination import PaginationArgsSchema
from marketplace.core.schemas import Id
from marketplace.service.models import PRIORITIES, STATUSES, TYPES


class ServiceCaseArgsSchema(Schema):
    counterparty_company_id = Id(allow_none=True, load_default=None, metadata={
        "description": "The company the case is with; null: the marketplace's operator"})
    type = fields.String(load_default="question", validate=validate.OneOf(TYPES))
    priority = fields.String(load_default="normal", validate=validate.OneOf(PRIORITIES))
    subject = fields.String(load_default="", validate=validate.Length(max=1000))
    body = fields.String(load_default="", validate=validate.Length(max=20000), metadata={
        "description": "What happened (the case's first message)"})
    document_id = Id(allow_none=True, load_default=None, metadata={
        "description": "A document of yours the case is about (between the two companies)"})
    order_id = Id(allow_none=True, load_default=None, metadata={
        "description": "An order of yours the case is about (between the two companies)"})


class ServiceCaseListArgsSchema(PaginationArgsSchema):
    role = fields.String(validate=validate.OneOf(("opener", "handler")), metadata={
        "description": "opener: cases your company opened; handler: cases it handles"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    type = fields.String(validate=validate.OneOf(TYPES))
    department_id = Id(metadata={"description": "Cases in one of your departments' box"})
    overdue = fields.Boolean(load_default=False, metadata={
        "description": "Only cases past their response or resolution target"})


class ServiceMessageArgsSchema(Schema):
    body = fields.String(load_default="", validate=validate.Length(max=20000))


class ServiceActionArgsSchema(Schema):
    comment = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=5000), metadata={
                                "description": "Written in the case as a message first"})


class RatingArgsSchema(Schema):
    score = fields.Integer(required=True, validate=validate.Range(min=1, max=5))


class ServiceCasePartySchema(Schema):
    id = fields.Integer(allow_none=True, required=True)
    name = fields.String(required=True)


class ServiceCaseSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    type = fields.String(required=True)
    priority = fields.String(required=True)
    status = fields.String(required=True)
    subject = fields.String(required=True)
    body = fields.String(required=True)
    opener = fields.Nested(ServiceCasePartySchema, required=True)
    counterparty = fields.Nested(ServiceCasePartySchema, allow_none=True, required=True, metadata={
        "description": "null: the marketplace's operator handles it"})
    side = fields.String(required=True, metadata={"description": "opener or handler: yours"})
    document_id = fields.Integer(allow_none=True, required=True)
    order_id = fields.Integer(allow_none=True, required=True)
    department_id = fields.Integer(allow_none=True, required=True, metadata={
        "description": "The handling company's department whose box holds it (its "
                       "members see it; null for the opener)"})
    created_at = fields.DateTime(required=True)
    response_due_at = fields.DateTime(required=True)
    resolution_due_at = fields.DateTime(required=True)
    first_response_at = fields.DateTime(allow_none=True, required=True)
    resolved_at = fields.DateTime(allow_none=True, required=True)
    closed_at = fields.DateTime(allow_none=True, required=True)
    overdue = fields.Boolean(required=True)
    solved_at_first_answer = fields.Boolean(allow_none=True, required=True)
    rating = fields.Integer(allow_none=True, required=True)
    allowed_actions = fields.List(fields.String(), required=True)
    version = fields.Integer(required=True)


class ServiceAttachmentSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    url = fields.String(required=True)


class ServiceMessageSchema(Schema):
    id = fields.Integer(required=True)
    body = fields.String(required=True)
    company_id = fields.Integer(allow_none=True, required=True, metadata={
        "description": "The writing company; null: the operator"})
    ours = fields.Boolean(required=True)
    author = fields.String(allow_none=True, required=True)
    attachments = fields.List(fields.Nested(ServiceAttachmentSchema), required=True)
    created_at = fields.DateTime(required=True)


class FiguresSchema(Schema):
    cases = fields.Integer(required=True)
    open = fields.Integer(required=True)
    overdue = fields.Integer(required=True)
    first_response_hours_median = fields.Float(allow_none=True, required=True)
    resolution_hours_median = fields.Float(allow_none=True, required=True)
    response_on_time_rate = fields.Float(allow_none=True, required=True)
    solved_at_first_answer_rate = fields.Float(allow_none=True, required=True)
    satisfaction = fields.Float(allow_none=True, required=True)
    ratings = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_type = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)

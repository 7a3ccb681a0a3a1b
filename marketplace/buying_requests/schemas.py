"""Buying requests' schemas: arguments in (unknown fields refused), requests, answers
and subscriptions out. Money and quantities are decimal strings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.buying_requests.queries import STATUSES
from marketplace.core.schemas import Id
from marketplace.core.scoping import acting_company_id

_DECIMAL = {"as_string": True, "allow_nan": False}


class BuyingRequestArgsSchema(Schema):
    title = fields.String(required=True, metadata={"example": "Stainless steel M8 bolts"})
    description = fields.String(allow_none=True, metadata={
        "description": "What else the suppliers should know (grade, packing, standards)"})
    category_id = Id(required=True, strict=True, metadata={
        "description": "A category of GET /categories: approved suppliers of it (or of a "
                       "category above it) see the request"})
    quantity = fields.Decimal(required=True, **_DECIMAL, metadata={"example": "20000"})
    unit = fields.String(required=True, metadata={"example": "pcs"})
    target_price = fields.Decimal(allow_none=True, **_DECIMAL, metadata={
        "description": "Unit price aimed at, in currency (shown to the suppliers)"})
    currency = fields.String(required=True, metadata={"example": "USD"})
    destination_country = fields.String(required=True, metadata={"example": "DE"})
    closes_at = fields.AwareDateTime(required=True, format="iso", default_timezone=None,
                                     metadata={"description": "No answer is taken from "
                                               "then on (ISO 8601 with its offset)"})
    publish = fields.Boolean(load_default=True, metadata={
        "description": "false: keep it as a draft (only you see it)"})


class BuyingRequestPatchArgsSchema(BuyingRequestArgsSchema):
    class Meta:
        exclude = ("publish",)


class BuyingRequestQueryArgsSchema(Schema):
    q = fields.String(validate=validate.Length(max=200), metadata={
        "description": "Words of the title or description (all of them)"})
    category_id = Id(metadata={"description": "This category and those below it"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    scope = fields.String(load_default="all", validate=validate.OneOf(("all", "own",
                                                                       "matching")), metadata={
        "description": "own: your company's requests; matching: other buyers' requests in "
                       "your categories; all: both"})


class RequestCategorySchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)


class BuyingRequestSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    category_id = fields.Integer(required=True)
    category = fields.Nested(RequestCategorySchema, required=True)
    quantity = fields.Decimal(required=True, **_DECIMAL)
    unit = fields.String(required=True)
    target_price = fields.Decimal(allow_none=True, **_DECIMAL)
    currency = fields.String(required=True)
    destination_country = fields.String(required=True)
    closes_at = fields.DateTime(required=True)
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    published_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    buyer = fields.Function(lambda r: {"id": r.company.id, "name": r.company.name,
                                       "country": r.company.country},
                            metadata={"type": "object"})
    rfq_id = fields.Function(lambda r: r.rfq_id if r.company_id == acting_company_id()
                             else None, allow_none=True, metadata={"type": "integer",
        "description": "Buyer only: the rfq whose bids the answers are "
                       "(GET /rfqs/{id}/comparison)"})
    version = fields.Integer(required=True)
    link = fields.Function(lambda r: f"/buying-requests/{r.id}", metadata={"type": "string"})


class AnswerArgsSchema(Schema):
    unit_price = fields.Decimal(required=True, **_DECIMAL)
    quantity = fields.Decimal(**_DECIMAL, metadata={
        "description": "The quantity offered (default: the quantity asked)"})
    lead_time_days = fields.Integer(strict=True, allow_none=True,
                                    validate=validate.Range(min=0, max=3650))
    valid_until = fields.Date(allow_none=True)
    incoterm = fields.String(allow_none=True, metadata={"example": "FOB"})
    incoterm_place = fields.String(allow_none=True)
    payment_terms = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)


class AnswerSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True)
    supplier = fields.Function(lambda d: {"id": d.issuer.id, "name": d.issuer.name},
                               metadata={"type": "object"})
    currency = fields.String(required=True)
    unit_price = fields.Function(lambda d: str(d.lines[0].unit_price) if d.lines
                                 and d.lines[0].unit_price is not None else None,
                                 metadata={"type": "string"})
    quantity = fields.Function(lambda d: str(d.lines[0].quantity) if d.lines else None,
                               metadata={"type": "string"})
    total = fields.Decimal(attribute="total_amount", **_DECIMAL)
    lead_time_days = fields.Function(lambda d: (d.extras or {}).get("lead_time_days"),
                                     metadata={"type": "integer"})
    incoterm = fields.String(allow_none=True)
    payment_terms = fields.String(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    link = fields.Function(lambda d: f"/trading/documents/{d.id}", metadata={"type": "string"})


class AwardRequestArgsSchema(Schema):
    quotation_id = Id(required=True, strict=True)
    reason = fields.String(allow_none=True, validate=validate.Length(max=2000))
    disclose = fields.Boolean(load_default=False)


class SubscriptionsArgsSchema(Schema):
    category_ids = fields.List(Id(strict=True), required=True,
                               validate=validate.Length(max=200))


class SubscriptionsSchema(Schema):
    category_ids = fields.List(fields.Integer(), required=True)
    categories = fields.List(fields.Nested(RequestCategorySchema), required=True)
    available = fields.List(fields.Nested(RequestCategorySchema), required=True, metadata={
        "description": "The categories you may subscribe to (yours and those below)"})

"""Content schemas: bulletins. ``...ArgsSchema`` for input (unknown fields rejected)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from marketplace.content.models import BulletinKind
from marketplace.content.queries import bulletins as queries
from marketplace.core.schemas import Country, Id, Text


class CategoryRef(fields.Field):
    """A category named by its id (an integer) or its code (a string)."""

    def __init__(self, **kwargs):
        metadata = {"description": "A category id or code from GET /categories",
                    "oneOf": [{"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                              {"type": "string", "minLength": 1, "maxLength": 60}],
                    "example": "hardware.fasteners", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError(str(_l("Give a category id or code.")))
        if isinstance(value, int) and not 0 < value < 2**31:
            raise ValidationError(str(_l("Unknown category.")))
        if isinstance(value, str) and not 0 < len(value.strip()) <= 60:
            raise ValidationError(str(_l("Give a category id or code.")))
        return value


KIND_DESCRIPTION = ("product_news: a product announcement; buy_offer: a trade lead, "
                    "wanted; sell_offer: a trade lead, offered")


class BulletinCategorySchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    name_zh = fields.String(allow_none=True)


class BulletinCompanySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    country = fields.String(required=True)


class BulletinProductSchema(Schema):
    id = fields.Integer(required=True)
    sku = fields.String(required=True)
    name = fields.String(required=True)


class BulletinSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.Enum(BulletinKind, by_value=True, required=True,
                       metadata={"description": KIND_DESCRIPTION})
    title = fields.String(required=True)
    body = fields.String(required=True)
    category = fields.Nested(BulletinCategorySchema, allow_none=True, required=True)
    product = fields.Function(
        lambda bulletin: _product(bulletin), allow_none=True, required=True,
        metadata={"description": "The product named, when the caller may see it",
                  "type": "object", "properties": {
                      "id": {"type": "integer"}, "sku": {"type": "string"},
                      "name": {"type": "string"}}})
    company = fields.Nested(BulletinCompanySchema, required=True)
    expires_at = fields.AwareDateTime(allow_none=True, required=True)
    expired = fields.Function(lambda bulletin: queries.is_expired(bulletin), required=True,
                              metadata={"type": "boolean"})
    hidden = fields.Function(lambda bulletin: bulletin.hidden_at is not None, required=True,
                             metadata={"type": "boolean",
                                       "description": "Hidden by the operator (seen only by "
                                                      "the owner and the operator)"})
    hidden_at = fields.AwareDateTime(allow_none=True, required=True)
    hidden_reason = fields.String(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    version = fields.Integer(required=True)


def _product(bulletin):
    product = queries.product_of(bulletin)
    return BulletinProductSchema().dump(product) if product is not None else None


class BulletinArgsSchema(Schema):
    kind = fields.Enum(BulletinKind, by_value=True, required=True,
                       metadata={"description": KIND_DESCRIPTION})
    title = Text(200, required=True)
    body = Text(10_000, required=True)
    category = CategoryRef(required=True)
    product_id = Id(allow_none=True, metadata={
        "description": "Your own product, or any published one"})
    expires_at = fields.AwareDateTime(metadata={
        "description": "In the future, at most 366 days ahead; 30 days from now when left out"})


class BulletinPatchArgsSchema(Schema):
    kind = fields.Enum(BulletinKind, by_value=True, metadata={"description": KIND_DESCRIPTION})
    title = Text(200)
    body = Text(10_000)
    category = CategoryRef()
    product_id = Id(allow_none=True)
    expires_at = fields.AwareDateTime(metadata={"description": "In the future, at most 366 "
                                                               "days ahead"})


class BulletinQueryArgsSchema(Schema):
    kind = fields.Enum(BulletinKind, by_value=True)
    category = fields.String(validate=validate.Length(min=1, max=60), metadata={
        "description": "A category id or code; its sub-categories are included"})
    country = Country()
    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "Words in the title or the text"})
    mine = fields.Boolean(load_default=False, metadata={
        "description": "Only the caller's company's own bulletins, expired and hidden ones "
                       "included"})


class HideArgsSchema(Schema):
    reason = Text(300, required=True)

"""Content schemas: products, their price tiers and media, product lines.
``...ArgsSchema`` for input (unknown fields rejected), the others for output.
Money and quantities are decimal strings ("12.50", "100")."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from marketplace.content.models import ProductStatus
from marketplace.content.operations.products import (
    MAX_ATTRIBUTE_VALUE,
    MAX_ATTRIBUTES,
    MAX_LEAD_TIME_DAYS,
    MAX_PRICE_TIERS,
    plain_number,
)
from marketplace.content.queries.media import media_url
from marketplace.content.schemas.media import FileField, MultipartArgsSchema
from marketplace.core.schemas import MAX_ID, Currency, Id, OptionalText, Text, money_text

STATUSES = [status.value for status in ProductStatus]


def quantity_text(value: Decimal | None) -> str | None:
    """A quantity as a decimal string without trailing zeros: 100.0000 → "100"."""
    return plain_number(value)


# ----- input ------------------------------------------------------------------------------


class CategoryReference(fields.Field):
    """A category by its id (integer) or its code (string), as GET /categories lists them."""

    def __init__(self, **kwargs):
        super().__init__(metadata={
            "oneOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID},
                      {"type": "string", "maxLength": 60}],
            "description": "A category id or code from GET /categories; unknown: 422",
            "example": "hardware.fasteners"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError(str(_l("A category id or code from GET /categories.")))
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise ValidationError(str(_l("Unknown category.")))
        if isinstance(value, str) and len(value) > 60:
            raise ValidationError(str(_l("At most %(n)d characters.", n=60)))
        return value


class AttributeValue(fields.Field):
    """A specification's value: text, or a number kept as written."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"anyOf": [
            {"type": "string", "maxLength": MAX_ATTRIBUTE_VALUE}, {"type": "number"}]},
            **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(str(_l("Must be text or a number.")))
        # Here, not only in the operation: a stale If-Match (412) must not hide it.
        if isinstance(value, str) and len(value) > MAX_ATTRIBUTE_VALUE:
            raise ValidationError(str(_l("At most %(n)d characters.", n=MAX_ATTRIBUTE_VALUE)))
        return value


def DecimalText(**kwargs) -> fields.Decimal:  # noqa: N802 - a field factory
    """A decimal given as a string ("12.50") or a JSON number; checked by the operation
    (not negative, at most 4 places) so every entry point says the same."""
    return fields.Decimal(allow_nan=False, metadata={
        "type": "string", "pattern": r"^[0-9]{1,14}(\.[0-9]{1,4})?$", "example": "12.50",
        **kwargs.pop("metadata", {})}, **kwargs)


class PriceTierArgsSchema(Schema):
    min_qty = DecimalText(required=True, metadata={
        "description": "From this quantity on (more than 0); tiers go up", "example": "100"})
    unit_price = DecimalText(required=True, metadata={"description": "Not negative"})


class ProductArgsSchema(Schema):
    sku = Text(64, required=True, metadata={"description": "Unique within your company"})
    name = Text(300, required=True, metadata={"example": "Hex bolt M8, stainless steel"})
    name_zh = OptionalText(300, metadata={"example": "不鏽鋼六角螺栓 M8"})
    description = OptionalText(20000)
    description_zh = OptionalText(20000)
    category = CategoryReference(allow_none=True)
    product_line = OptionalText(200, metadata={
        "description": "Your own product line, by name; created when new"})
    unit = Text(20, metadata={"example": "pcs"})
    moq = DecimalText(allow_none=True, metadata={"description": "Minimum order quantity"})
    currency = Currency()
    cost_price = DecimalText(allow_none=True, metadata={
        "description": "What one unit costs you, in the product's currency (optional; "
                       "seen by your company only, for gross margin in customer analytics)"})
    price_tiers = fields.List(fields.Nested(PriceTierArgsSchema),
                              validate=validate.Length(max=MAX_PRICE_TIERS),
                              metadata={"description": "Replaces the list; quantities go up"})
    attributes = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=100)),
                             values=AttributeValue(),
                             validate=validate.Length(max=MAX_ATTRIBUTES),
                             metadata={"example": {"material": "A2 stainless steel",
                                                   "thread": "M8"}})
    hs_code = OptionalText(12, metadata={"example": "7318.15"})
    lead_time_days = fields.Integer(allow_none=True, validate=validate.Range(
        min=0, max=MAX_LEAD_TIME_DAYS))
    packaging = OptionalText(300)
    port = OptionalText(120, metadata={"description": "Port of loading", "example": "Keelung"})
    # For the shipping papers: customs origin and the packing list's cartons and weights.
    origin_country = OptionalText(2, metadata={"description": "Country of origin (ISO 3166 "
                                                              "code)", "example": "TW"})
    net_weight_kg = DecimalText(allow_none=True, metadata={"description": "One unit, kg"})
    units_per_carton = fields.Integer(allow_none=True, validate=validate.Range(
        min=1, max=1_000_000))
    carton_length_cm = DecimalText(allow_none=True)
    carton_width_cm = DecimalText(allow_none=True)
    carton_height_cm = DecimalText(allow_none=True)
    carton_gross_weight_kg = DecimalText(allow_none=True, metadata={
        "description": "A full carton, kg"})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "Publishing needs an approved company (403 otherwise)"})


class ProductPatchArgsSchema(ProductArgsSchema):
    sku = Text(64)
    name = Text(300)


class ProductQueryArgsSchema(Schema):
    company_id = Id(metadata={"description": "One supplier's products; your own company's "
                                             "include drafts and archived ones"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    category = fields.String(validate=validate.Length(min=1, max=60), metadata={
        "description": "A category id or code; its subcategories are included"})
    q = fields.String(validate=validate.Length(max=100), metadata={
        "description": "Part of the name or SKU"})


class MediaOrderArgsSchema(Schema):
    ids = fields.List(Id(), required=True, validate=validate.Length(max=1000), metadata={
        "description": "Every media id of the product once, in the new order"})


class ProductMediaUploadArgsSchema(MultipartArgsSchema):
    file = FileField(required=True, metadata={
        "description": "An image (JPEG, PNG, GIF, WebP), a video (MP4, MOV, WebM), audio "
                       "(MP3, M4A, WAV, OGG) or a PDF, recognised by its content; larger "
                       "than the kind's size limit: 413; another type: 415"})
    caption = OptionalText(300)


class ProductLineArgsSchema(Schema):
    name = Text(200, required=True)
    name_zh = OptionalText(200)
    parent_id = Id(allow_none=True, metadata={"description": "Another of your lines"})


# ----- output -----------------------------------------------------------------------------


def _string(**metadata) -> dict:
    return {"type": "string", **metadata}


def _own_cost_price(product) -> str | None:
    """A supplier's cost is its own business: shown to its company only."""
    from marketplace.core.scoping import acting_company_id

    if product.cost_price is None or acting_company_id() != product.company_id:
        return None
    return money_text(product.cost_price)


class PriceTierSchema(Schema):
    min_qty = fields.Function(lambda tier: quantity_text(tier.min_qty), required=True,
                              metadata=_string(example="100"))
    unit_price = fields.Function(lambda tier: money_text(tier.unit_price), required=True,
                                 metadata=_string(example="0.12"))


class ProductMediaSchema(Schema):
    """A file shown with a product; ``id`` names it in the product's media routes."""

    id = fields.Integer(required=True)
    media_id = fields.Integer(required=True)
    kind = fields.Function(lambda item: item.file.kind.value, required=True, metadata=_string(
        enum=["image", "video", "audio", "pdf"]))
    content_type = fields.Function(lambda item: item.file.content_type, required=True,
                                   metadata=_string(example="image/jpeg"))
    url = fields.Function(lambda item: media_url(item.file), required=True,
                          metadata=_string(example="/media/12"))
    thumbnail_url = fields.Function(lambda item: media_url(item.file, thumbnail=True),
                                    required=True, allow_none=True,
                                    metadata=_string(example="/media/12/thumbnail"))
    caption = fields.String(allow_none=True, required=True)
    position = fields.Integer(required=True, metadata={"description": "0 is the cover"})
    original_name = fields.Function(lambda item: item.file.original_name, required=True,
                                    metadata=_string())
    size = fields.Function(lambda item: item.file.size, required=True,
                           metadata={"type": "integer", "description": "bytes"})
    width = fields.Function(lambda item: item.file.width, allow_none=True,
                            metadata={"type": "integer"})
    height = fields.Function(lambda item: item.file.height, allow_none=True,
                             metadata={"type": "integer"})


class ProductCompanySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    country = fields.String(required=True)


class ProductSchema(Schema):
    id = fields.Integer(required=True)
    sku = fields.String(required=True)
    name = fields.String(required=True)
    name_zh = fields.String(allow_none=True, required=True)
    description = fields.String(allow_none=True, required=True)
    description_zh = fields.String(allow_none=True, required=True)
    category = fields.Function(lambda p: p.category.code if p.category else None,
                               required=True, allow_none=True,
                               metadata=_string(description="The category's code"))
    category_id = fields.Integer(allow_none=True, required=True)
    category_name = fields.Function(lambda p: p.category.name if p.category else None,
                                    allow_none=True, metadata=_string())
    product_line = fields.Function(lambda p: p.product_line.name if p.product_line else None,
                                   required=True, allow_none=True, metadata=_string())
    product_line_id = fields.Integer(allow_none=True, required=True)
    unit = fields.String(required=True)
    moq = fields.Function(lambda p: quantity_text(p.moq), required=True, allow_none=True,
                          metadata=_string(example="500"))
    currency = fields.String(required=True)
    cost_price = fields.Function(_own_cost_price, allow_none=True, metadata=_string(
        example="0.08", description="Your cost of one unit; null unless the product is "
                                    "your company's own"))
    price_tiers = fields.List(fields.Nested(PriceTierSchema), required=True)
    attributes = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    hs_code = fields.String(allow_none=True, required=True)
    lead_time_days = fields.Integer(allow_none=True, required=True)
    packaging = fields.String(allow_none=True, required=True)
    port = fields.String(allow_none=True, required=True)
    origin_country = fields.String(allow_none=True)
    net_weight_kg = fields.Function(lambda p: quantity_text(p.net_weight_kg), allow_none=True,
                                    metadata=_string())
    units_per_carton = fields.Integer(allow_none=True)
    carton_length_cm = fields.Function(lambda p: quantity_text(p.carton_length_cm),
                                       allow_none=True, metadata=_string())
    carton_width_cm = fields.Function(lambda p: quantity_text(p.carton_width_cm),
                                      allow_none=True, metadata=_string())
    carton_height_cm = fields.Function(lambda p: quantity_text(p.carton_height_cm),
                                       allow_none=True, metadata=_string())
    carton_gross_weight_kg = fields.Function(lambda p: quantity_text(p.carton_gross_weight_kg),
                                             allow_none=True, metadata=_string())
    status = fields.Function(lambda p: p.status.value, required=True,
                             metadata=_string(enum=STATUSES))
    version = fields.Integer(required=True)
    company = fields.Nested(ProductCompanySchema, required=True)
    media = fields.List(fields.Nested(ProductMediaSchema), required=True)
    page_url = fields.Function(lambda p: f"/products/{p.id}", required=True,
                               metadata=_string(description="The product's portal page"))
    published_at = fields.AwareDateTime(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class ProductLineSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    name_zh = fields.String(allow_none=True, required=True)
    parent_id = fields.Integer(allow_none=True, required=True)
    position = fields.Integer(required=True)

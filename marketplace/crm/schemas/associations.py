"""Schemas of "often ordered together" (``GET /analytics/recommendations``, API.md)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from marketplace.core.pagination import PaginationArgsSchema
from marketplace.crm.exports import FormatArgsSchema

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database


class RecommendationArgsSchema(PaginationArgsSchema, FormatArgsSchema):
    product_id = fields.Integer(required=True, strict=False, validate=validate.Range(
        min=1, max=MAX_ID, error=_l("Give a product's id (a whole number from 1).")), metadata={
        "description": "The published product to find companions of"},
        error_messages={"required": _l("Give the product's id: ?product_id=123."),
                        "invalid": _l("Give a product's id (a whole number from 1).")})


def _ratio(description: str, places: int = 4) -> fields.Decimal:
    return fields.Decimal(as_string=True, places=places, metadata={"description": description})


class RecommendationSchema(Schema):
    product_id = fields.Integer(required=True)
    name = fields.String(required=True)
    name_zh = fields.String(allow_none=True)
    sku = fields.String(allow_none=True)
    support = _ratio("Share of the supplier's orders holding both products")
    confidence = _ratio("Share of the orders holding the asked product that also hold "
                        "this one")
    lift = _ratio("Confidence over this product's own share of orders (above 1: ordered "
                  "together more often than by chance)")
    orders_together = fields.Integer()


EXPORT_COLUMNS = ("product_id", "name", "sku", "support", "confidence", "lift",
                  "orders_together")

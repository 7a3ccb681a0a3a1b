"""Schemas of favourites and saved searches: arguments in (unknown fields refused), the
rows out."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from marketplace.content.search.schemas import ProductSearchArgsSchema
from marketplace.core.schemas import Id


class FavouriteArgsSchema(Schema):
    product_id = Id(metadata={"description": "A published product to star"})
    supplier_id = Id(metadata={"description": "An active supplier (company id) to star"})

    @validates_schema
    def _one_of_two(self, data, **kwargs):
        if ("product_id" in data) == ("supplier_id" in data):
            raise ValidationError(str(_l("Name a product or a supplier (one of the two).")),
                                  "product_id")


class FavouriteQueryArgsSchema(Schema):
    kind = fields.String(validate=validate.OneOf(["product", "supplier"]),
                         metadata={"description": "product or supplier (default: both)"})


class FavouriteSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": ["product", "supplier"]})
    product_id = fields.Integer(required=True, allow_none=True)
    supplier_id = fields.Integer(required=True, allow_none=True)
    name = fields.Function(lambda f: f.product.name if f.product_id else f.supplier.name,
                           required=True, metadata={"type": "string"})
    supplier_name = fields.Function(
        lambda f: f.product.company.name if f.product_id else f.supplier.name,
        required=True, metadata={"type": "string"})
    link = fields.Function(lambda f: f"/products/{f.product_id}" if f.product_id
                           else f"/companies/{f.supplier_id}", required=True,
                           metadata={"type": "string", "description": "Its portal page"})
    created_at = fields.DateTime(required=True)


class _SearchFields(ProductSearchArgsSchema):
    """The product search's arguments (q and the filters), as GET /search/products
    takes them; paging and sorting are not part of a saved search."""

    class Meta:
        exclude = ("page", "per_page", "sort")


class SavedSearchArgsSchema(_SearchFields):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120),
                         metadata={"example": "Stainless bolts from Taiwan"})
    alerts = fields.Boolean(load_default=True, metadata={
        "description": "New products matching it reach you in the bell and the daily "
                       "digest mail (default true)"})


class SavedSearchPatchArgsSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    alerts = fields.Boolean()


class SavedSearchSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    q = fields.String(attribute="query", required=True)
    filters = fields.Dict(required=True, metadata={
        "description": "category, country, supplier, min_price, max_price, currency (those "
                       "set)"})
    alerts = fields.Boolean(required=True)
    search_url = fields.Function(lambda s: _search_url(s), required=True, metadata={
        "type": "string", "description": "The search page with these words and filters"})
    created_at = fields.DateTime(required=True)
    last_run_at = fields.DateTime(allow_none=True)


class MatchSchema(Schema):
    product_id = fields.Integer(required=True)
    name = fields.String(attribute="product.name", required=True)
    found_at = fields.DateTime(required=True)


class SavedSearchDetailSchema(SavedSearchSchema):
    recent_matches = fields.List(fields.Nested(MatchSchema), metadata={
        "description": "The latest new products reported to it, still published"})


def _search_url(search) -> str:
    from urllib.parse import urlencode

    params = {"q": search.query, **(search.filters or {})}
    return "/search?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})

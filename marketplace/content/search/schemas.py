"""Schemas of the search API: query arguments in (unknown ones refused), results out."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from marketplace.content.queries.media import media_url
from marketplace.content.schemas.products import DecimalText
from marketplace.core.pagination import PaginationArgsSchema
from marketplace.core.schemas import Country, Currency, Id

MAX_QUERY_LENGTH = 200
PRICE = {"places": 4, "as_string": True}


def _not_negative(value) -> None:
    # A field validator (not in ``_range``): marshmallow skips schema validators once a
    # field failed, so each bad bound is told at once, next to the other's error.
    if value < 0:
        raise ValidationError(str(_l("Must not be negative.")))


class _PriceBound(fields.Decimal):
    """Says "Not a valid number." in the reader's language (marshmallow's own text is
    English only)."""

    def make_error(self, key: str, **kwargs) -> ValidationError:
        if key in ("invalid", "special"):
            return ValidationError(str(_l("Not a valid number.")))
        return super().make_error(key, **kwargs)


def _price_field(**kwargs) -> fields.Decimal:
    """A price bound, not negative (a plain validator: a Range validator would be
    documented as a string ``minimum``, which OpenAPI refuses)."""
    metadata = {**DecimalText().metadata, **kwargs.pop("metadata", {})}  # documented alike
    return _PriceBound(places=4, allow_nan=False, validate=_not_negative, metadata=metadata,
                       **kwargs)


class _SearchArgsSchema(PaginationArgsSchema):
    q = fields.String(load_default="", validate=validate.Length(max=MAX_QUERY_LENGTH),
                      metadata={"description": "Words in English and/or Chinese; results "
                                               "with all the words first, then most words. "
                                               "A product's SKU matches a word of 3 or more "
                                               "characters it starts with (BX-0123 finds "
                                               "BX-01234). Empty: everything (filters still "
                                               "apply)",
                                "example": "stainless steel bolt"})
    category = fields.String(validate=validate.Length(min=1, max=60), metadata={
        "description": "A category id or code from GET /categories; its subcategories are "
                       "included", "example": "hardware.fasteners"})
    country = Country()


class ProductSearchArgsSchema(_SearchArgsSchema):
    supplier = Id(metadata={"description": "A supplier's company id"})
    min_price = _price_field(metadata={
        "description": "Lowest tier unit price at least this (in the product's currency; "
                       "add currency= to compare one currency only)", "example": "0.10"})
    max_price = _price_field(metadata={"description": "Lowest tier unit price at most this",
                                       "example": "2.50"})
    currency = Currency()
    sort = fields.String(load_default="relevance", validate=validate.OneOf(
        ["relevance", "price", "-price", "newest"]), metadata={
        "description": "relevance (default), price (lowest first), -price, newest"})

    @validates_schema
    def _range(self, data, **kwargs):
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise ValidationError(str(_l("Must not be below min_price.")), "max_price")


class CompanySearchArgsSchema(_SearchArgsSchema):
    role = fields.String(validate=validate.OneOf(["supplier", "buyer"]),
                         metadata={"description": "Only suppliers, or only buyers"})


class FacetValueSchema(Schema):
    value = fields.String(required=True, metadata={
        "description": "What to send back as the filter (category code, country code, "
                       "supplier id)"})
    label = fields.String(required=True)
    count = fields.Integer(required=True)


class HighlightSchema(Schema):
    name = fields.String(required=True, metadata={
        "description": "The name as HTML: escaped, the matched words in <mark>"})
    name_zh = fields.String(metadata={"description": "The Chinese name, likewise"})
    sku = fields.String(metadata={
        "description": "Products: the SKU as HTML, the part a query word starts it with in "
                       "<mark>"})
    snippet = fields.String(required=True, metadata={
        "description": "The best matching passage of the description or specifications, "
                       "as HTML: escaped, the matched words in <mark>"})


class SupplierRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    country = fields.String(required=True)


class CategoryRefSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    name_zh = fields.String(allow_none=True)


# Dumped once per hit: built once (building a schema copies its fields, which cost more
# than the dump of a page's small objects).
_CATEGORY_REF = CategoryRefSchema()
_SUPPLIER_REF = SupplierRefSchema()
_CATEGORY_REFS = CategoryRefSchema(many=True)
_FACET_VALUES = FacetValueSchema(many=True)


class ProductHitSchema(Schema):
    id = fields.Function(lambda hit: hit.product.id, required=True,
                         metadata={"type": "integer"})
    sku = fields.Function(lambda hit: hit.product.sku, required=True,
                          metadata={"type": "string"})
    name = fields.Function(lambda hit: hit.product.name, required=True,
                           metadata={"type": "string"})
    name_zh = fields.Function(lambda hit: hit.product.name_zh,
                              metadata={"type": "string", "nullable": True})
    category = fields.Function(
        lambda hit: _CATEGORY_REF.dump(hit.product.category) if hit.product.category
        else None, metadata={"type": "object", "nullable": True,
                             "description": "{id, code, name, name_zh}"})
    supplier = fields.Function(lambda hit: _SUPPLIER_REF.dump(hit.product.company),
                               required=True, metadata={"type": "object",
                                                        "description": "{id, name, country}"})
    price_min = fields.Decimal(**PRICE, allow_none=True, metadata={
        "description": "The lowest unit price over the price tiers"})
    price_max = fields.Decimal(**PRICE, allow_none=True, metadata={
        "description": "The highest unit price over the price tiers"})
    currency = fields.Function(lambda hit: hit.product.currency, required=True,
                               metadata={"type": "string", "example": "USD"})
    unit = fields.Function(lambda hit: hit.product.unit, metadata={"type": "string"})
    moq = fields.Function(lambda hit: None if hit.product.moq is None
                          else f"{hit.product.moq.normalize():f}",
                          metadata={"type": "string", "nullable": True})
    cover_image_url = fields.Function(
        lambda hit: (media_url(hit.cover.file, thumbnail=True) or media_url(hit.cover.file))
        if hit.cover else None,
        metadata={"type": "string", "nullable": True,
                  "description": "The first image's thumbnail"})
    url = fields.Function(lambda hit: f"/products/{hit.product.id}",
                          metadata={"type": "string", "description": "The product page"})
    highlight = fields.Nested(HighlightSchema, required=True)
    score = fields.Float()


class CompanyHitSchema(Schema):
    id = fields.Function(lambda hit: hit.company.id, required=True,
                         metadata={"type": "integer"})
    name = fields.Function(lambda hit: hit.company.name, required=True,
                           metadata={"type": "string"})
    country = fields.Function(lambda hit: hit.company.country, required=True,
                              metadata={"type": "string"})
    roles = fields.Function(lambda hit: hit.company.roles, metadata={
        "type": "array", "items": {"type": "string"}})
    categories = fields.Function(
        lambda hit: _CATEGORY_REFS.dump(hit.company.categories),
        metadata={"type": "array", "items": {"type": "object"}})
    verified = fields.Boolean(required=True)
    url = fields.Function(lambda hit: f"/companies/{hit.company.id}",
                          metadata={"type": "string", "description": "The company page"})
    highlight = fields.Nested(HighlightSchema, required=True)
    score = fields.Float()


def _facet_counts(values) -> dict[str, int]:
    return {facet.label: facet.count for facet in values}


class _ResultsSchema(Schema):
    total = fields.Integer(required=True, metadata={
        "description": "How many match; on PostgreSQL counted up to 10,000: see "
                       "`total_capped`."})
    total_capped = fields.Boolean(required=True, metadata={
        "description": "True when more than `total` match (shown as \"10,000+\"); the "
                       "facets then count the first 10,000 hits found."})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    suggestion = fields.String(allow_none=True, required=True, metadata={
        "description": "A corrected query when the one sent finds little; else null"})
    facet_values = fields.Function(
        lambda results: {name: _FACET_VALUES.dump(values)
                         for name, values in results.facets.items()},
        metadata={"type": "object", "description": "Per facet: [{value, label, count}], "
                                                   "value being what to filter with"})


class ProductResultsSchema(_ResultsSchema):
    items = fields.List(fields.Nested(ProductHitSchema), required=True)
    facets = fields.Function(
        lambda results: {name: _facet_counts(values) for name, values in results.facets.items()},
        required=True, metadata={
            "type": "object", "description": "{category: {name: count}, country: {code: "
                                             "count}, supplier: {name: count}}"})

    def dump(self, obj, *, many: bool | None = None):
        """What marshmallow's dump answers (tests/content/test_search_api.py compares
        them), written out: its per-field calls were about 1-2 ms of a search's 7-8 ms
        outside the index, twenty hits of 15 fields and their nested objects."""
        if many or self.many or self.only or self.exclude:
            return super().dump(obj, many=many)
        return {"total": int(obj.total), "total_capped": bool(obj.total_capped),
                "page": int(obj.page), "per_page": int(obj.per_page),
                "suggestion": _text(obj.suggestion),
                "items": [_product_hit(hit) for hit in obj.items],
                "facets": {name: _facet_counts(values) for name, values in obj.facets.items()},
                "facet_values": {name: [{"value": str(f.value), "label": str(f.label),
                                         "count": int(f.count)} for f in values]
                                 for name, values in obj.facets.items()}}


_PRICE_FIELD = fields.Decimal(**PRICE, allow_none=True)
_HIGHLIGHT_KEYS = tuple(HighlightSchema._declared_fields)


def _text(value) -> str | None:
    return None if value is None else str(value)


def _product_hit(hit) -> dict:
    """One hit as ``ProductHitSchema`` dumps it."""
    product, category, company = hit.product, hit.product.category, hit.product.company
    return {
        "id": product.id, "sku": product.sku, "name": product.name, "name_zh": product.name_zh,
        "category": None if category is None else {
            "id": int(category.id), "code": _text(category.code), "name": _text(category.name),
            "name_zh": _text(category.name_zh)},
        "supplier": {"id": int(company.id), "name": _text(company.name),
                     "country": _text(company.country)},
        "price_min": _PRICE_FIELD.serialize("price_min", hit),
        "price_max": _PRICE_FIELD.serialize("price_max", hit),
        "currency": product.currency, "unit": product.unit,
        "moq": None if product.moq is None else f"{product.moq.normalize():f}",
        "cover_image_url": (media_url(hit.cover.file, thumbnail=True)
                            or media_url(hit.cover.file)) if hit.cover else None,
        "url": f"/products/{product.id}",
        "highlight": {key: _text(hit.highlight[key]) for key in _HIGHLIGHT_KEYS
                      if key in hit.highlight},
        "score": None if hit.score is None else float(hit.score),
    }


class CompanyResultsSchema(_ResultsSchema):
    items = fields.List(fields.Nested(CompanyHitSchema), required=True)
    facets = fields.Function(
        lambda results: {name: _facet_counts(values) for name, values in results.facets.items()},
        required=True, metadata={"type": "object",
                                 "description": "{category: {name: count}, country: {code: "
                                                "count}}"})

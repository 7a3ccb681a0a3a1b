"""Content api: products, their media, product lines (API.md, "Catalog and search")."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from marketplace.content import api_bp
from marketplace.content.operations import products as operations
from marketplace.content.queries import products as queries
from marketplace.content.schemas.products import (
    MediaOrderArgsSchema,
    ProductArgsSchema,
    ProductLineArgsSchema,
    ProductLineSchema,
    ProductMediaSchema,
    ProductMediaUploadArgsSchema,
    ProductPatchArgsSchema,
    ProductQueryArgsSchema,
    ProductSchema,
)
from marketplace.core.api import (
    ETAG_HEADER,
    check_if_match,
    honours_if_match,
    idempotent,
    problem_responses,
    with_etag,
)
from marketplace.core.errors import Forbidden
from marketplace.core.guards import company_actor
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.infrastructure.auth import api_auth
from marketplace.infrastructure.models import Company

UPLOAD_REFUSALS = problem_responses(404, 413, 415, 422)


def _supplier() -> Company:
    """The acting company, when it keeps a catalog (a supplier)."""
    company = company_actor(_l("Only a company keeps a catalog.")).company
    if not company.is_supplier:
        raise Forbidden(str(_l("Only suppliers keep a catalog: add the supplier role to your "
                               "company first.")))
    return company


def _answer(product, status: int = 200, headers: dict | None = None):
    response = with_etag(ProductSchema().dump(product), product)
    response.status_code = status
    response.headers.update(headers or {})
    return response


# ----- products -----------------------------------------------------------------------------


@api_bp.route("/products")
@api_auth(optional=True)
@api_bp.arguments(ProductQueryArgsSchema, location="query")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(ProductSchema))
@api_bp.doc(responses=problem_responses(422))
def list_products(query, pagination):
    """Published products of active companies, newest first; with your own company's
    ``company_id``, all of your products (drafts and archived ones too). ``category``
    (id or code) includes its subcategories."""
    category = queries.category_by_reference(query["category"]) if "category" in query \
        else None
    return paginate(queries.products(company_id=query.get("company_id"),
                                     status=query.get("status"), category=category,
                                     search=query.get("q")), **pagination)


@api_bp.route("/products", methods=["POST"])
@api_auth(permission="catalog.edit")
@idempotent
@api_bp.arguments(ProductArgsSchema)
@api_bp.response(201, ProductSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(422))
def create_product(values):
    """Add a product to your catalog (a draft unless ``status`` says "published"; a
    pending company may keep drafts but publish only once approved: 403)."""
    product = operations.save_product(_supplier(), values)
    return _answer(product, 201, {"Location": url_for("content_api.get_product",
                                                      product_id=product.id)})


@api_bp.route("/products/<int:product_id>")
@api_auth(optional=True)
@api_bp.response(200, ProductSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404))
def get_product(product_id):
    """A product: published ones for everyone; drafts and archived ones for their own
    company only (404 for anyone else)."""
    return _answer(queries.visible_product(product_id))


@api_bp.route("/products/<int:product_id>", methods=["PATCH"])
@api_auth(permission="catalog.edit")
@api_bp.arguments(ProductPatchArgsSchema)
@api_bp.response(200, ProductSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404, 422))
@honours_if_match
def patch_product(values, product_id):
    """Change your product (fields given only; ``price_tiers`` replaces the list;
    ``status`` publishes, archives or takes it back to draft)."""
    product = queries.own_product(product_id)
    check_if_match(product)
    operations.save_product(_supplier(), values, product)
    return _answer(product)


@api_bp.route("/products/<int:product_id>", methods=["DELETE"])
@api_auth(permission="catalog.edit")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
@honours_if_match
def delete_product(product_id):
    """Delete your product with its price tiers and media files."""
    product = queries.own_product(product_id)
    check_if_match(product)
    operations.delete_product(product)


# ----- a product's media ----------------------------------------------------------------------


@api_bp.route("/products/<int:product_id>/media", methods=["POST"])
@api_auth(permission="catalog.edit")
@idempotent
@api_bp.arguments(ProductMediaUploadArgsSchema, location="files")
@api_bp.response(201, ProductMediaSchema)
@api_bp.doc(responses=UPLOAD_REFUSALS)
def upload_product_media(args, product_id):
    """Add an image, video, audio file or PDF spec sheet (multipart ``file``, optional
    ``caption``) after the product's other media. The type is decided by the file's
    content, never its name; ``url`` and ``thumbnail_url`` serve it (images get a
    thumbnail)."""
    product = queries.own_product(product_id)
    upload = args["file"]
    item = operations.upload_product_media(product, upload.stream, upload.filename or "",
                                           args.get("caption"))
    return item, 201, {
        "Location": url_for("content.media_file", media_id=item.media_id)}


@api_bp.route("/products/<int:product_id>/media/order", methods=["PATCH"])
@api_auth(permission="catalog.edit")
@api_bp.arguments(MediaOrderArgsSchema)
@api_bp.response(200, ProductMediaSchema(many=True))
@api_bp.doc(responses=problem_responses(404, 422))
def order_product_media(args, product_id):
    """Put the product's media in a new order (the first is the cover): ``ids`` names
    every one of them once (else 422)."""
    product = queries.own_product(product_id)
    operations.reorder_media(product, args["ids"])
    return product.media


@api_bp.route("/products/<int:product_id>/media/<int:product_media_id>", methods=["DELETE"])
@api_auth(permission="catalog.edit")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
def delete_product_media(product_id, product_media_id):
    """Take a file off the product; the file is deleted."""
    product = queries.own_product(product_id)
    operations.detach_media(product, queries.product_media_item(product, product_media_id))


# ----- product lines --------------------------------------------------------------------------


@api_bp.route("/product-lines")
@api_auth()
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(ProductLineSchema))
def list_product_lines(pagination):
    """Your company's own product lines (its catalog tree beside the platform's
    categories), in your order."""
    return paginate(queries.product_lines_page(_supplier()), **pagination)


@api_bp.route("/product-lines", methods=["POST"])
@api_auth(permission="catalog.edit")
@idempotent
@api_bp.arguments(ProductLineArgsSchema)
@api_bp.response(201, ProductLineSchema)
@api_bp.doc(responses=problem_responses(422))
def create_product_line(values):
    """Add a product line (a name unique in your company; ``parent_id`` nests it)."""
    return operations.save_product_line(_supplier(), values)

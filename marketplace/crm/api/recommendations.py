"""``GET /analytics/recommendations?product_id=``: the published products often ordered
with a published product (association rules, docs/ANALYTICS.md), for any member."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE

from marketplace.core.api import problem_responses
from marketplace.core.errors import NotFound
from marketplace.core.pagination import Page, page_schema
from marketplace.crm import api_bp, exports
from marketplace.crm.queries import associations as association_queries
from marketplace.crm.schemas.associations import (
    EXPORT_COLUMNS,
    RecommendationArgsSchema,
    RecommendationSchema,
)
from marketplace.crm.tasks import associations as _jobs  # noqa: F401 - the job and command
from marketplace.infrastructure.auth import api_auth

MOST = 100  # rules shown for one product, at most


@api_bp.route("/analytics/recommendations")
@api_auth()
@api_bp.arguments(RecommendationArgsSchema, location="query", unknown=RAISE)
@api_bp.response(200, page_schema(RecommendationSchema))
@api_bp.doc(responses={**problem_responses(401, 404, 422),
                       **exports.export_responses(page_schema(RecommendationSchema))})
def recommendations(args):
    """Any member: products often ordered with a published product, strongest lift first
    (``{product_id, name, support, confidence, lift}``). An unknown or unpublished
    product is not found."""
    product_id = args["product_id"]
    if association_queries.published_product(product_id) is None:
        raise NotFound(str(_l("Product %(id)s was not found.", id=product_id)))
    rows = association_queries.often_ordered_with(product_id, limit=MOST)
    if args["format"] != "json":
        data = RecommendationSchema(only=EXPORT_COLUMNS).dump(rows, many=True)
        return exports.export_response(data, EXPORT_COLUMNS, args["format"],
                                       f"often-ordered-with-{product_id}")
    start = (args["page"] - 1) * args["per_page"]
    return Page(items=rows[start:start + args["per_page"]], total=len(rows),
                page=args["page"], per_page=args["per_page"])

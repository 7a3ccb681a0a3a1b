"""Content api: search over the public catalog (products and companies).

Anonymous callers may search: only what the public may see is indexed (published
products of active companies, active companies).
"""

from __future__ import annotations

from marketplace.content import api_bp, search
from marketplace.content.search.schemas import (
    CompanyResultsSchema,
    CompanySearchArgsSchema,
    ProductResultsSchema,
    ProductSearchArgsSchema,
)
from marketplace.core.api import problem_responses
from marketplace.infrastructure.auth import api_auth


@api_bp.route("/search/products")
@api_auth(optional=True)
@api_bp.arguments(ProductSearchArgsSchema, location="query")
@api_bp.response(200, ProductResultsSchema)
@api_bp.doc(responses=problem_responses(422))
def search_products(args):
    """Search published products in English and Chinese ("stainless steel bolt", "bolts",
    "不鏽鋼螺栓"): name counts most, then specifications, then description. Answers
    facets with counts for category, country and supplier, HTML highlights, and a
    spelling suggestion when the query finds little."""
    filters = search.ProductFilters(
        category=args.get("category"), country=args.get("country"),
        supplier=args.get("supplier"), min_price=args.get("min_price"),
        max_price=args.get("max_price"), currency=args.get("currency"))
    return search.search_products(args["q"], filters, page=args["page"],
                                  per_page=args["per_page"], sort=args["sort"])


@api_bp.route("/search/companies")
@api_auth(optional=True)
@api_bp.arguments(CompanySearchArgsSchema, location="query")
@api_bp.response(200, CompanyResultsSchema)
@api_bp.doc(responses=problem_responses(422))
def search_companies(args):
    """Search active companies by name, description, certifications and business
    categories, with facets for category and country."""
    filters = search.CompanyFilters(category=args.get("category"),
                                    country=args.get("country"), role=args.get("role"))
    return search.search_companies(args["q"], filters, page=args["page"],
                                   per_page=args["per_page"])

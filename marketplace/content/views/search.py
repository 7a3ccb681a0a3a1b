"""Content views: the search page (/search), products and companies.

The navbar's search box sends ``q`` here. Facets are links that add (or remove) a
filter; the price range is a small GET form; every link keeps the other filters.
"""

from __future__ import annotations

from decimal import Decimal

from flask import render_template, request, url_for
from flask_babel import get_locale
from marshmallow import EXCLUDE, ValidationError

from marketplace.content import bp, search
from marketplace.content.queries.media import media_url
from marketplace.content.search.schemas import CompanySearchArgsSchema, ProductSearchArgsSchema
from marketplace.core.errors import ValidationFailed
from marketplace.infrastructure.forms import country_choices

# The arguments a search page keeps from one link to the next.
KEPT = ("q", "kind", "category", "country", "supplier", "min_price", "max_price", "currency",
        "sort", "role")


@bp.route("/search")
def search_page():
    kind = "companies" if request.args.get("kind") == "companies" else "products"
    schema = CompanySearchArgsSchema if kind == "companies" else ProductSearchArgsSchema
    raw = {k: v for k, v in request.args.items()
           if k in (*KEPT, "page", "per_page") and k != "kind" and v != ""}
    errors: dict[str, list[str]] = {}
    # Each refused filter is told and left out, the others kept; a second pass can
    # refuse what the first could not check (the range once both bounds are numbers).
    while True:
        try:
            args = schema(unknown=EXCLUDE).load(raw)
            break
        except ValidationError as error:
            refused = error.normalized_messages()
            for field, messages in refused.items():
                errors.setdefault(field, []).extend(messages)
            kept = {k: v for k, v in raw.items() if k not in refused}
            if kept == raw:  # a refusal of no argument we could leave out
                raise
            raw = kept
    language = str(get_locale() or "en")
    try:
        results = _search(kind, args, language)
    except ValidationFailed as refusal:  # an unknown category: no results, and why
        errors.update(refusal.errors)
        raw.pop("category", None)
        args.pop("category", None)
        results = _search(kind, args, language)
    current = {k: v for k, v in raw.items() if k in KEPT}

    def search_url(**changes) -> str:
        """This search with some arguments changed (None removes one); back to page 1
        unless a page is given."""
        merged = {**current, "kind": kind if kind != "products" else None, **changes}
        return url_for("content.search_page",
                       **{k: v for k, v in merged.items() if v not in (None, "")})

    return render_template(
        "content/search/results.html", kind=kind, q=args.get("q", ""), args=current,
        results=results, errors=errors, search_url=search_url,
        typed={k: v for k, v in request.args.items() if k in errors},  # refused, to correct
        countries=dict(country_choices()), language=language, media_url=media_url, amount=amount,
        selected_category=_selected_category(args.get("category"), language))


def amount(value: Decimal, places: int = 2) -> str:
    """A price or quantity as people write it: 3.50, 0.045, 1000 (no exponent, no float)."""
    normalized = value.normalize()
    if -normalized.as_tuple().exponent <= places:
        return f"{value.quantize(Decimal(1).scaleb(-places)):f}"
    return f"{normalized:f}"


def _search(kind: str, args: dict, language: str):
    if kind == "companies":
        filters = search.CompanyFilters(category=args.get("category"),
                                        country=args.get("country"), role=args.get("role"))
        return search.search_companies(args.get("q", ""), filters, page=args["page"],
                                       per_page=args["per_page"], language=language)
    filters = search.ProductFilters(
        category=args.get("category"), country=args.get("country"),
        supplier=args.get("supplier"), min_price=args.get("min_price"),
        max_price=args.get("max_price"), currency=args.get("currency"))
    return search.search_products(args.get("q", ""), filters, page=args["page"],
                                  per_page=args["per_page"], sort=args.get("sort", "relevance"),
                                  language=language)


def _selected_category(reference: str | None, language: str) -> str | None:
    """The chosen category's name, to show it as a removable filter."""
    if not reference:
        return None
    from marketplace.content.operations.products import find_category

    category = find_category(reference)
    return category.display_name(language) if category else None

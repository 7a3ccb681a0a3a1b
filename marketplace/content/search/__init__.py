"""Search behind a small interface (Whoosh on local disk by default).

The rest of the application uses only these names, so another backend (PostgreSQL
full text, when many app servers share one database) can replace Whoosh here:

    index_product(id) / index_products(ids) / remove_product(id)
    index_company(id) / remove_company(id)
    search_products(text, ProductFilters, page=, per_page=, sort=, language=) -> Results
    search_companies(text, CompanyFilters, page=, per_page=, language=) -> Results
    rebuild(kind, progress) / rebuild_size(kind) / clear()

``Results`` holds ``items`` (``ProductHit`` / ``CompanyHit``: the row, its
``highlight`` HTML with matches in <mark>, its score), ``total``, ``page``,
``per_page``, ``facets`` ({"category"|"country"|"supplier": [FacetValue]}) and
``suggestion`` (a corrected query, or None).

A query's words need not all match: hits with all of them come first, then those with
most of them (``whoosh_backend._words``); a word jieba or a hyphen splits (不鏽鋼螺栓,
BX-0123) still needs all its pieces. A product's SKU also matches by prefix, as an
ERP's item search does.

The index follows the database by itself: ``receivers`` listen to the content and
company signals and, after commit, hand the ids to a background job (``tasks``).
"""

from __future__ import annotations

import importlib

# Loaded on first use (PEP 562), so importing the receivers at start-up does not
# load Whoosh: the name -> the module that defines it.
_EXPORTS = {
    **dict.fromkeys(("clear", "index_company", "index_product", "index_products", "rebuild",
                     "rebuild_size", "remove_company", "remove_product"), "indexing"),
    **dict.fromkeys(("CompanyFilters", "CompanyHit", "FacetValue", "ProductFilters",
                     "ProductHit", "Results", "search_companies", "search_products"),
                    "searching"),
    "IndexBusy": "whoosh_backend",
}
KINDS = ("products", "companies")
__all__ = ["KINDS", *sorted(_EXPORTS)]


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f"{__name__}.{_EXPORTS[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The portal's /search page: results with snippets and pictures, facet links with
counts, the price range, pages, and "Did you mean …?"."""

from __future__ import annotations

import re
from html import unescape

from tests.content.conftest import png_bytes
from tests.content.search_support import catalog, fresh_index  # noqa: F401


def _page(client, **query):
    response = client.get("/search", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _hits(html: str) -> list[str]:
    return re.findall(r'<li class="card mb-2 search-hit" id="(product-\d+|company-\d+)"', html)


def _facet_links(html: str, facet: str) -> dict[str, str]:
    """label -> (count, href) of a facet's links."""
    block = html.split(f'id="facet-{facet}"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'href="([^"]+)">\s*<span[^>]*>([^<]+)</span>\s*'
                       r'<span class="badge[^"]*">(\d+)</span>', block)
    return {label.strip(): (int(count), unescape(href)) for href, label, count in links}


def test_the_navbar_search_box_leads_here(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<form[^>]+role="search"[^>]+action="/search"[^>]+method="get"', html)


def test_results_show_marked_names_snippets_suppliers_and_prices(client, catalog):
    html = _page(client, q="bolts")
    assert _hits(html)[:2] in ([f"product-{catalog.ids['HB-M8']}",
                                f"product-{catalog.ids['CB-M10']}"],
                               [f"product-{catalog.ids['CB-M10']}",
                                f"product-{catalog.ids['HB-M8']}"])
    assert "3 results for “bolts”" in html
    assert "Stainless steel hex <mark>bolt</mark> M8" in html
    assert "Fits our stainless steel <mark>bolts</mark>" in html
    assert "Taiwan Precision Fasteners Co." in html
    assert "USD 0.095 – 0.12" in html
    assert "MOQ 1000 pcs" in html


def test_facet_links_carry_counts_and_narrow_the_search(client, catalog):
    html = _page(client, q="steel")
    categories = _facet_links(html, "category")
    assert categories["Fasteners"][0] == 3 and categories["Hand Tools"][0] == 1
    narrowed = client.get(categories["Hand Tools"][1]).get_data(as_text=True)
    assert _hits(narrowed) == [f"product-{catalog.ids['RW-12']}"]
    assert "q=steel" in categories["Hand Tools"][1]
    # The chosen filter shows, with a link that removes it.
    assert re.search(r'facet-remove"\s+href="/search\?q=steel"', narrowed)
    countries = _facet_links(_page(client), "country")  # by name, not by code
    assert countries["Taiwan"][0] == 4
    assert sorted(count for count, _ in countries.values()) == [1, 4]


def test_the_price_range_filters_by_the_lowest_tier(client, catalog):
    html = _page(client, q="bolt", min_price="0.09", max_price="0.1")
    assert _hits(html) == [f"product-{catalog.ids['HB-M8']}"]
    assert 'name="min_price" value="0.09"' in html
    assert re.search(r'<input type="hidden" name="q" value="bolt">', html)


def test_a_bad_filter_is_explained_and_left_out(client, catalog):
    html = _page(client, q="bolt", min_price="cheap", category="no.such")
    assert "This filter was left out." in html
    assert len(_hits(html)) == 3


def test_a_misspelling_offers_did_you_mean(client, catalog):
    html = _page(client, q="stainles stell")
    assert 'id="no-results"' in html
    suggestion = re.search(r'Did you mean\s*<a class="fw-semibold" href="([^"]+)">([^<]+)</a>',
                           html)
    assert suggestion and suggestion.group(2) == "stainless steel"
    followed = client.get(unescape(suggestion.group(1))).get_data(as_text=True)
    assert f"product-{catalog.ids['HB-M8']}" in _hits(followed)


def test_covers_are_shown_as_thumbnails(client, catalog, make_product_media):
    make_product_media(catalog.ids["TW-500"], png_bytes((800, 600)), "towel.png")
    html = _page(client, q="towel")
    image = re.search(r'<img src="(/media/\d+/thumbnail)"', html)
    assert image
    response = client.get(image.group(1))
    assert response.status_code == 200 and response.mimetype.startswith("image/")
    assert "No picture" not in html.split('id="results"', 1)[1].split("towel", 1)[0]


def test_pages_link_to_each_other(client, make, make_product):
    supplier = make.company(roles=("supplier",))
    for number in range(45):
        make_product(supplier, sku=f"S-{number:02d}", name=f"Spring clip {number}")
    html = _page(client, q="clip")
    assert len(_hits(html)) == 20
    assert 'href="/search?q=clip&amp;page=3"' in html
    third = _page(client, q="clip", page=3)
    assert len(_hits(third)) == 5


def test_text_from_suppliers_is_escaped(client, make, make_product):
    supplier = make.company(roles=("supplier",))
    make_product(supplier, sku="XSS-1", name='<img src=x onerror=alert(1)> bolt',
                 description="<script>alert(1)</script> bolts")
    html = _page(client, q="bolt")
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>bolt</mark>" in html


def test_companies_tab(app, client, catalog):
    from marketplace.content import search

    with app.app_context():
        search.index_company(catalog.textiles_id)
        search.index_company(catalog.fasteners_id)
    html = _page(client, q="textiles", kind="companies")
    assert _hits(html) == [f"company-{catalog.textiles_id}"]
    assert "Anatolia Home <mark>Textiles</mark>" in html
    assert "Verified" in html

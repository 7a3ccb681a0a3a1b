"""Search that finds (issue 13): products with all the words first, then most words, the
matched words marked; an item code finds the products whose SKU starts with it."""

from __future__ import annotations

import re

import pytest

from marketplace.content import search
from tests.content.search_support import catalog, fresh_index, search_in  # noqa: F401

ALL_THREE = {"SCR-A2", "SCR-SPEC"}
TWO = {"SCR-CS", "ROD-SS"}


@pytest.fixture
def screws(app, make, make_product):
    """Screws and their neighbours: which of "stainless steel screw" each one has."""
    supplier = make.company(roles=("supplier",), country="TW")
    other = make.company(roles=("supplier",), country="DE")
    make_product(supplier, sku="SCR-A2", name="Stainless steel screw M4")
    make_product(supplier, sku="SCR-SPEC", name="Pan head screw M5",
                 attributes={"Material": "Stainless steel A4"})  # the words across fields
    make_product(other, sku="SCR-CS", name="Carbon steel screw M4")  # two words
    # Two words, said so often that their score alone would put it above the screws.
    make_product(supplier, sku="ROD-SS", name="Stainless steel rod, stainless steel",
                 description="Stainless steel rod of stainless steel; stainless steel only.")
    make_product(supplier, sku="SCR-BR", name="Brass screw")  # one word
    make_product(supplier, sku="OAK-1", name="Oak board")  # none
    return supplier, other


def test_all_the_words_first_then_two_then_one(app, screws):
    skus, results = search_in(app, "stainless steel screw")
    assert set(skus[:2]) == ALL_THREE
    assert set(skus[2:4]) == TWO
    assert skus[4:] == ["SCR-BR"]
    assert results.total == 5  # the oak board has none of the words


def test_the_order_holds_across_pages(app, screws):
    whole, _ = search_in(app, "stainless steel screw")
    paged = []
    for page in (1, 2, 3):
        skus, results = search_in(app, "stainless steel screw", page=page, per_page=2)
        assert results.total == 5 and results.pages == 3
        paged += skus
    assert paged == whole


def test_filters_keep_working_on_the_ranked_words(app, screws):
    _, other = screws
    skus, results = search_in(app, "stainless steel screw",
                              filters=search.ProductFilters(country="TW"))
    assert set(skus[:2]) == ALL_THREE and skus[2:] == ["ROD-SS", "SCR-BR"]
    assert results.facets["country"][0].value == "TW"
    skus, _ = search_in(app, "stainless steel screw",
                        filters=search.ProductFilters(supplier=other))
    assert skus == ["SCR-CS"]


def test_sorting_by_price_keeps_the_tiers(app, make, make_product):
    supplier = make.company(roles=("supplier",))
    make_product(supplier, sku="DEAR", name="Stainless steel screw",
                 price_tiers=[{"min_qty": "1", "unit_price": "9.0000"}])
    make_product(supplier, sku="CHEAP", name="Stainless steel screw",
                 price_tiers=[{"min_qty": "1", "unit_price": "1.0000"}])
    make_product(supplier, sku="CHEAPEST", name="Steel screw",
                 price_tiers=[{"min_qty": "1", "unit_price": "0.1000"}])
    assert search_in(app, "stainless steel screw", sort="price")[0] == [
        "CHEAP", "DEAR", "CHEAPEST"]
    assert search_in(app, "stainless steel screw", sort="-price")[0] == [
        "DEAR", "CHEAP", "CHEAPEST"]
    assert search_in(app, "screw", sort="-price")[0] == ["DEAR", "CHEAP", "CHEAPEST"]


def test_every_matched_word_is_marked(app, screws):
    _, results = search_in(app, "stainless steel screw")
    names = {hit.product.sku: hit.highlight["name"] for hit in results.items}
    assert names["SCR-A2"] == "<mark>Stainless</mark> <mark>steel</mark> <mark>screw</mark> M4"
    assert names["SCR-CS"] == "Carbon <mark>steel</mark> <mark>screw</mark> M4"
    assert names["SCR-BR"] == "Brass <mark>screw</mark>"


def test_a_stop_word_does_not_keep_products_out_of_the_first_tier(app, screws):
    skus, _ = search_in(app, "screw of stainless steel")
    assert set(skus[:2]) == ALL_THREE


def test_not_still_excludes(app, screws):
    skus, _ = search_in(app, "steel screw NOT carbon")
    assert "SCR-CS" not in skus and set(skus[:2]) == ALL_THREE


# ----- item codes -----------------------------------------------------------------------------


@pytest.fixture
def codes(make, make_product):
    supplier = make.company(roles=("supplier",))
    for sku, name in (("BX-0123", "Junction box"), ("BX-01234", "Junction box, large"),
                      ("BX-0123-A", "Junction box, grey"), ("BX-0124", "Junction box lid"),
                      ("ZZ-BX-0123", "Adapter")):
        make_product(supplier, sku=sku, name=name)


@pytest.mark.parametrize("typed", ["BX-0123", "bx-0123", "Bx-0123"])
def test_an_item_code_finds_the_products_whose_sku_starts_with_it(app, codes, typed):
    skus, _ = search_in(app, typed)
    assert skus[0] == "BX-0123"  # the code itself first
    assert set(skus) == {"BX-0123", "BX-01234", "BX-0123-A"}  # not BX-0124, not ZZ-BX-0123


def test_a_code_prefix_of_the_catalog(app, catalog):
    assert search_in(app, "HB-M")[0] == ["HB-M8"]
    assert sorted(search_in(app, "hn-m8")[0]) == ["HN-M8"]


def test_a_code_and_words_together(app, codes):
    skus, _ = search_in(app, "BX-0123 grey")
    assert skus[0] == "BX-0123-A"  # the code's prefix and the word


def test_the_matched_part_of_the_code_is_marked(app, codes):
    _, results = search_in(app, "bx-0123")
    marked = {hit.product.sku: hit.highlight["sku"] for hit in results.items}
    assert marked["BX-01234"] == "<mark>BX-0123</mark>4"
    assert marked["BX-0123-A"] == "<mark>BX-0123</mark>-A"
    _, results = search_in(app, "junction")
    assert results.items[0].highlight["sku"].startswith("BX-")  # nothing marked


# ----- the API and the page ---------------------------------------------------------------------


def test_the_api_ranks_and_marks_alike(api, screws, codes):
    body = api.get("/search/products", query_string={"q": "stainless steel screw"}).get_json()
    skus = [item["sku"] for item in body["items"]]
    assert set(skus[:2]) == ALL_THREE and set(skus[2:4]) == TWO and body["total"] == 5
    first = body["items"][0]["highlight"]["name"]
    assert "<mark>Stainless</mark> <mark>steel</mark>" in first
    body = api.get("/search/products", query_string={"q": "BX-0123"}).get_json()
    assert [item["sku"] for item in body["items"]][0] == "BX-0123"
    assert {item["highlight"]["sku"] for item in body["items"]} == {
        "<mark>BX-0123</mark>", "<mark>BX-0123</mark>4", "<mark>BX-0123</mark>-A"}


def _hit_skus(html: str) -> list[str]:
    return re.findall(r'<span class="sku">(?:<mark>)?([^<]+)(?:</mark>)?([^<]*)</span>', html)


def test_the_page_shows_the_order_and_the_marks(client, screws, make, make_product):
    html = client.get("/search", query_string={"q": "stainless steel screw"}).get_data(
        as_text=True)
    assert "5 results" in html
    order = ["".join(parts) for parts in _hit_skus(html)]
    assert set(order[:2]) == ALL_THREE and set(order[2:4]) == TWO and order[4] == "SCR-BR"
    assert "<mark>Stainless</mark> <mark>steel</mark> <mark>screw</mark> M4" in html
    supplier, _ = screws
    make_product(supplier, sku="HB-<M8>", name="Odd <code>")
    html = client.get("/search", query_string={"q": "hb-<m"}).get_data(as_text=True)
    assert '<span class="sku"><mark>HB-&lt;M</mark>8&gt;</span>' in html  # escaped
    assert "Odd &lt;code&gt;" in html

"""Product search: English and Chinese, ranking, what is never found, facets, price
range, pagination, highlights and spelling suggestions."""

from __future__ import annotations

from decimal import Decimal

from marketplace.content import search
from marketplace.content.models import Product, ProductStatus
from marketplace.content.search.analysis import trade_analyzer
from marketplace.core.signals import product_changed
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, CompanyStatus
from tests.content.search_support import catalog, fresh_index, run, search_in  # noqa: F401

# ----- English and Chinese ------------------------------------------------------------------


def test_stainless_steel_bolt_ranks_the_stainless_bolts_above_the_carbon_steel_one(app, catalog):
    skus, _ = search_in(app, "stainless steel bolt")
    assert skus[0] == "HB-M8"  # all three words in its name
    assert skus[1] == "HN-M8"  # the nut "fits our stainless steel bolts": all three, lower
    assert skus[2] == "CB-M10"  # "carbon steel bolt": two of the three words
    assert skus[3:] == ["RW-12"]  # "chrome vanadium steel": one word


def test_bolts_finds_products_named_bolt(app, catalog):
    skus, _ = search_in(app, "bolts")
    assert set(skus[:2]) == {"HB-M8", "CB-M10"}  # "bolt" in the name counts most
    assert "HN-M8" in skus  # "bolts" in its description
    assert "RW-12" not in skus and "TW-500" not in skus


def test_traditional_chinese_stainless_steel_bolt(app, catalog):
    skus, _ = search_in(app, "不鏽鋼螺栓")
    assert skus == ["HB-M8"]  # 不鏽鋼六角螺栓: 不鏽鋼 and 螺栓, not the carbon steel bolt


def test_chinese_bolt_finds_both_bolts_but_not_the_nut(app, catalog):
    skus, _ = search_in(app, "螺栓")
    assert sorted(skus) == ["CB-M10", "HB-M8"]


def test_simplified_chinese_finds_the_traditional_name(app, catalog):
    assert search_in(app, "不锈钢螺栓")[0] == ["HB-M8"]
    assert search_in(app, "镀锌碳钢")[0] == ["CB-M10"]


def test_chinese_and_english_in_one_query(app, catalog):
    assert search_in(app, "螺帽 M8")[0] == ["HN-M8", "HB-M8"]  # both words, then M8 alone
    assert search_in(app, "純棉 towel")[0] == ["TW-500"]


def test_category_names_are_searchable_in_both_languages(app, catalog):
    assert sorted(search_in(app, "fasteners")[0]) == ["CB-M10", "HB-M8", "HN-M8"]
    assert sorted(search_in(app, "扣件")[0]) == ["CB-M10", "HB-M8", "HN-M8"]


def test_sku_finds_its_product(app, catalog):
    assert search_in(app, "rw-12")[0] == ["RW-12"]


def test_traditional_trade_terms_segment_into_words():
    analyzer = trade_analyzer()

    def words(text, mode="index"):
        return [t.text for t in analyzer(text, mode=mode)]

    assert {"不鏽鋼", "六角螺栓", "六角", "螺栓"} <= set(words("不鏽鋼六角螺栓"))
    assert words("鍍鋅碳鋼螺絲") == ["鍍鋅", "碳鋼", "螺絲"]
    assert "自行車" in words("自行車零件") and "零件" in words("自行車零件")
    # A query asks for the words a compound is made of, so 六角螺栓 finds 六角頭螺栓 too.
    assert words("六角螺栓", mode="query") == ["六角", "螺栓"]
    # English is stemmed and lower-cased; the Chinese of a mixed name is kept.
    assert words("Stainless Steel BOLTS 不鏽鋼") == ["stainless", "steel", "bolt", "不鏽鋼"]


def test_a_name_match_ranks_above_specifications_above_description(app, make, make_product):
    supplier = make.company(roles=("supplier",))
    make_product(supplier, sku="DESC", name="Washer",
                 description="Also sold as a titanium part.")
    make_product(supplier, sku="ATTR", name="Flat washer", attributes={"Material": "titanium"})
    make_product(supplier, sku="NAME", name="Titanium washer")
    assert search_in(app, "titanium")[0] == ["NAME", "ATTR", "DESC"]


def test_a_typed_words_pieces_are_found_only_together_in_one_field(app, make, make_product):
    supplier = make.company(roles=("supplier",))
    make_product(supplier, sku="SPLIT", name="Wombat clamp", attributes={"Size": "12 inch"})
    make_product(supplier, sku="SPECS", name="Clamp", attributes={"Model": "Wombat-12"})
    make_product(supplier, sku="WHOLE", name="Wombat-12 clamp")
    make_product(supplier, sku="ZH-SPLIT", name="Washer", name_zh="不鏽鋼墊圈",
                 description_zh="適用於螺栓")
    make_product(supplier, sku="ZH-DESC", name="Bolt", description_zh="不鏽鋼螺栓")
    assert search_in(app, "wombat-12")[0] == ["WHOLE", "SPECS"]
    assert search_in(app, "不鏽鋼螺栓")[0] == ["ZH-DESC"]
    assert search_in(app, "wombat-12 不鏽鋼螺栓")[0] == ["WHOLE", "SPECS", "ZH-DESC"]


# ----- only published products of active companies ----------------------------------------


def test_drafts_and_archived_products_are_never_found(app, catalog, make_product):
    make_product(catalog.fasteners_id, sku="DRAFT-1", name="Secret titanium bolt",
                 status="draft")
    archived = make_product(catalog.fasteners_id, sku="OLD-1", name="Old titanium bolt")
    assert search_in(app, "titanium")[0] == ["OLD-1"]

    def archive():
        from marketplace.content.operations.products import archive_product

        archive_product(db.session.get(Product, archived))

    run(app, archive)
    assert search_in(app, "titanium")[0] == []
    assert "DRAFT-1" not in search_in(app, "")[0]


def test_products_of_pending_companies_are_never_found(app, make):
    pending = make.company("Waiting Ltd.", roles=("supplier",), status=CompanyStatus.PENDING)

    def publish_behind_the_rules():  # a published row of a pending company, however it came
        product = Product(company_id=pending, sku="P-1", name="Pending titanium bolt",
                          status=ProductStatus.PUBLISHED, attributes={})
        db.session.add(product)
        db.session.flush()
        product_changed.send(product, product_id=product.id, company_id=pending)

    run(app, publish_behind_the_rules)
    assert search_in(app, "titanium")[0] == []


def test_a_suspended_company_disappears_from_results_and_returns_when_reinstated(
        app, catalog, api, make):
    operator = api.token(make.operator())
    assert "HB-M8" in search_in(app, "bolt")[0]

    response = api.post(f"/admin/companies/{catalog.fasteners_id}/suspend", operator,
                        json={"reason": "Documents expired"})
    assert response.status_code == 200
    assert search_in(app, "bolt")[0] == []
    assert search_in(app, "螺栓")[0] == []
    listed = api.get("/search/products", query_string={"q": "steel"}).get_json()
    assert listed["items"] == [] and listed["total"] == 0
    assert listed["facets"]["supplier"] == {}

    assert api.post(f"/admin/companies/{catalog.fasteners_id}/approve",
                    operator).status_code == 200
    assert sorted(search_in(app, "bolt")[0]) == ["CB-M10", "HB-M8", "HN-M8"]


def test_a_row_that_left_the_catalog_is_not_shown_even_before_the_index_follows(app, catalog):
    def archive_without_signal():  # as if the index update had not run yet
        db.session.get(Product, catalog.ids["HB-M8"]).status = ProductStatus.ARCHIVED

    run(app, archive_without_signal)
    skus, results = search_in(app, "bolt")
    assert "HB-M8" not in skus and results.total == 2  # CB-M10, and the nut (description)


# ----- facets, filters, price, pagination ----------------------------------------------------


def _facet(results, name):
    return {f.value: (f.label, f.count) for f in results.facets[name]}


def test_facets_count_category_country_and_supplier(app, catalog):
    _, results = search_in(app, "")
    assert results.total == 5
    assert _facet(results, "category") == {"hardware.fasteners": ("Fasteners", 3),
                                           "hardware.hand_tools": ("Hand Tools", 1),
                                           "apparel.fabrics": ("Fabrics", 1)}
    assert _facet(results, "country") == {"TW": ("TW", 4), "TR": ("TR", 1)}
    assert _facet(results, "supplier") == {
        str(catalog.fasteners_id): ("Taiwan Precision Fasteners Co.", 4),
        str(catalog.textiles_id): ("Anatolia Home Textiles", 1)}
    # Facets count what the query finds.
    _, bolts = search_in(app, "steel")
    assert _facet(bolts, "country") == {"TW": ("TW", 4)}


def test_filters_by_category_with_its_subcategories_country_and_supplier(app, catalog):
    ProductFilters = search.ProductFilters
    assert sorted(search_in(app, filters=ProductFilters(category="hardware"))[0]) == [
        "CB-M10", "HB-M8", "HN-M8", "RW-12"]
    assert sorted(search_in(app, filters=ProductFilters(category="hardware.fasteners"))[0]) \
        == ["CB-M10", "HB-M8", "HN-M8"]
    assert search_in(app, filters=ProductFilters(country="TR"))[0] == ["TW-500"]
    assert search_in(app, "steel", filters=ProductFilters(supplier=catalog.textiles_id))[0] \
        == []
    # Several words within a country: every word first, then the others; no supplier in
    # a country, nothing found.
    both, *either = search_in(app, "hex bolt", filters=ProductFilters(country="TW"))[0]
    assert both == "HB-M8" and sorted(either) == ["CB-M10", "HN-M8"]
    assert search_in(app, "cotton towel", filters=ProductFilters(country="TW"))[0] == []
    assert search_in(app, "bolt", filters=ProductFilters(country="US"))[0] == []


def test_price_range_compares_the_lowest_tier_exactly(app, catalog):
    def skus(low, high, **more):
        filters = search.ProductFilters(min_price=Decimal(low) if low else None,
                                        max_price=Decimal(high) if high else None, **more)
        return sorted(search_in(app, filters=filters)[0])

    # HB-M8's lowest tier is 0.0950; CB-M10 0.0800; HN-M8 0.0200.
    assert skus("0.0950", "0.0950") == ["HB-M8"]
    assert skus("0.0951", "0.1") == []
    assert skus("0.08", "0.095") == ["CB-M10", "HB-M8"]
    assert skus(None, "0.05") == ["HN-M8"]
    assert skus("3", None) == ["RW-12", "TW-500"]
    assert skus("3", None, currency="EUR") == ["TW-500"]


def test_pages_split_the_results_without_overlap(app, make, make_product):
    supplier = make.company(roles=("supplier",))
    for number in range(23):
        make_product(supplier, sku=f"W-{number:02d}", name=f"Spring washer type {number}")
    seen = []
    for page in (1, 2, 3):
        skus, results = search_in(app, "washer", page=page, per_page=10)
        assert results.total == 23 and results.pages == 3
        seen += skus
    assert len(seen) == 23 and len(set(seen)) == 23
    assert search_in(app, "washer", page=4, per_page=10)[0] == []


def test_sort_by_price(app, catalog):
    assert search_in(app, "bolt", sort="price")[0] == ["HN-M8", "CB-M10", "HB-M8"]
    assert search_in(app, "bolt", sort="-price")[0] == ["HB-M8", "CB-M10", "HN-M8"]


# ----- highlights and suggestions --------------------------------------------------------------


def test_highlights_mark_the_matches_and_escape_everything_else(app, make, make_product):
    supplier = make.company(roles=("supplier",))
    make_product(supplier, sku="X-1", name="Bolt <b>& nut</b> kit",
                 description='<script>alert(1)</script> Heavy bolts for decks.')
    _, results = search_in(app, "bolts")
    highlight = results.items[0].highlight
    assert highlight["name"] == "<mark>Bolt</mark> &lt;b&gt;&amp; nut&lt;/b&gt; kit"
    assert "<script>" not in highlight["snippet"]
    assert "&lt;script&gt;" in highlight["snippet"]
    assert "Heavy <mark>bolts</mark> for decks" in highlight["snippet"]


def test_chinese_matches_are_highlighted(app, catalog):
    _, results = search_in(app, "螺栓")
    names = {hit.product.sku: hit.highlight["name_zh"] for hit in results.items}
    assert names["HB-M8"] == "不鏽鋼六角<mark>螺栓</mark> M8"


def test_a_misspelt_query_gets_a_suggestion_that_finds_more(app, catalog):
    skus, results = search_in(app, "stainles stell")
    assert skus == [] and results.suggestion == "stainless steel"
    assert search_in(app, results.suggestion)[0]
    # A query that finds plenty gets none.
    assert search_in(app, "steel")[1].suggestion is None


def test_no_suggestion_when_nothing_better_exists(app, catalog):
    assert search_in(app, "xylophone")[1].suggestion is None


def test_a_company_suspended_in_between_is_not_in_the_facets(app, catalog):
    def suspend():
        company = db.session.get(Company, catalog.textiles_id)
        company.status = CompanyStatus.SUSPENDED  # the index has not followed yet

    run(app, suspend)
    _, results = search_in(app, "towel")
    assert results.items == [] and results.facets["supplier"] == []

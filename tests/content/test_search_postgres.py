"""Search on PostgreSQL (issue 16.4): chosen by itself on a PostgreSQL database,
``SEARCH_BACKEND`` overrides; its rows are written in the transaction that changes a
product (found the moment it commits, never before, no writer lock, no Whoosh); the
same answers as Whoosh for Chinese, misspellings, item codes, drafts and suspended
suppliers. The behaviour tests run on both databases (Whoosh on SQLite)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from marketplace.content import search
from marketplace.content.models import Product
from marketplace.content.operations.products import save_product
from marketplace.content.search import indexing, postgres_backend
from marketplace.content.search.postgres_backend import PostgresBackend, parse, vector_text
from marketplace.content.search.whoosh_backend import WhooshBackend
from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.infrastructure.models import Company
from tests.content.search_support import catalog, fresh_index, run, search_in  # noqa: F401
from tests.pending_translations import load_pending_translations


def _dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


@pytest.fixture
def postgresql_only(app):
    if _dialect(app) != "postgresql":
        pytest.skip("PostgreSQL only (set TEST_DATABASE_URL)")


@pytest.fixture
def backend_setting(app):
    """Set SEARCH_BACKEND for one test; the app's backend is chosen again after it."""
    saved = app.extensions.get("search")

    def choose(value: str | None) -> str:
        with app.app_context():
            if value is None:
                app.config.pop("SEARCH_BACKEND", None)
            else:
                app.config["SEARCH_BACKEND"] = value
            return indexing.backend_name()

    yield choose
    app.config.pop("SEARCH_BACKEND", None)
    app.extensions["search"] = saved


# ----- which backend ----------------------------------------------------------------------


def test_the_database_chooses_the_backend_and_the_setting_overrides_it(
        app, backend_setting, monkeypatch):
    monkeypatch.delenv("SEARCH_BACKEND", raising=False)
    postgres = _dialect(app) == "postgresql"
    assert backend_setting(None) == ("postgres" if postgres else "whoosh")
    with app.app_context():
        assert isinstance(indexing.backend(), PostgresBackend if postgres else WhooshBackend)
    assert backend_setting("whoosh") == "whoosh"
    assert backend_setting(" Whoosh ") == "whoosh"
    if postgres:
        assert backend_setting("postgres") == "postgres"
    else:
        with pytest.raises(RuntimeError, match="needs a PostgreSQL database"):
            backend_setting("postgres")
    with pytest.raises(RuntimeError, match="expected one of whoosh, postgres"):
        backend_setting("elastic")
    monkeypatch.setenv("SEARCH_BACKEND", "whoosh")  # the environment, when the app says nothing
    assert backend_setting(None) == "whoosh"


# ----- in step with the transaction -------------------------------------------------------


def test_an_update_is_found_the_moment_it_commits_without_a_job(app, api, catalog):
    from marketplace.core.outbox import OutboxJob

    token = api.token(catalog.fasteners)
    response = api.patch(f"/products/{catalog.ids['HB-M8']}", token,
                         json={"name": "Titanium hex bolt"})
    assert response.status_code == 200, response.get_json()
    assert search_in(app, "titanium")[0] == ["HB-M8"]  # the next request, nothing between
    assert search_in(app, "stainless steel hex")[0][0] != "HB-M8"  # the old name is gone
    with app.app_context():
        jobs = db.session.scalars(select(OutboxJob.task)).all()
        if isinstance(indexing.backend(), PostgresBackend):
            assert "search.refresh_index" not in jobs  # written in the change's transaction


def test_on_postgresql_the_whoosh_writer_never_runs(app, catalog, make_product, monkeypatch,
                                                    postgresql_only):
    def refuse(*args, **kwargs):  # pragma: no cover - the assertion is that it is not called
        raise AssertionError("the Whoosh writer ran on PostgreSQL")

    monkeypatch.setattr(WhooshBackend, "apply", refuse)
    monkeypatch.setattr(WhooshBackend, "rebuild", refuse)
    make_product(catalog.fasteners_id, sku="PG-1", name="Titanium washer")
    assert search_in(app, "titanium")[0] == ["PG-1"]
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "products: 6 indexed." in result.output
    assert search_in(app, "titanium")[0] == ["PG-1"]


def test_the_row_is_written_inside_the_transaction_and_rolled_back_with_it(
        app, catalog, postgresql_only):
    with app.test_request_context():
        company = db.session.get(Company, catalog.fasteners_id)
        product = db.session.get(Product, catalog.ids["CB-M10"])
        save_product(company, {"name": "Titanium carriage bolt"}, product)
        indexing.backend().write({"products": {product.id}})  # what the commit does
        assert search_in(app, "titanium")[0] == ["CB-M10"]  # this transaction sees it
        db.session.rollback()
    assert search_in(app, "titanium")[0] == []
    assert search_in(app, "carbon")[0] == ["CB-M10"]


def test_concurrent_updates_are_all_found(app, catalog, make_product, postgresql_only):
    ids = [make_product(catalog.fasteners_id, sku=f"CC-{n}", name="Spring washer")
           for n in range(6)]
    start = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def rename(number: int, product_id: int) -> None:
        try:
            with app.test_request_context():
                company = db.session.get(Company, catalog.fasteners_id)
                product = db.session.get(Product, product_id)
                start.wait(5)
                save_product(company, {"name": f"Titanium washer {number}"}, product)
                commit()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=rename, args=pair) for pair in enumerate(ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    skus, results = search_in(app, "titanium washer", per_page=50)
    assert sorted(skus) == [f"CC-{n}" for n in range(6)] and results.total == 6
    assert search_in(app, "spring")[0] == []


# ----- the same answers ---------------------------------------------------------------------


def test_chinese_words_are_jieba_tokens_in_the_vector(app, catalog, postgresql_only):
    with app.app_context():
        vector = db.session.scalar(text(
            "SELECT vector::text FROM search_products WHERE product_id = :id"),
            {"id": catalog.ids["HB-M8"]})
    for word in ("'不鏽鋼'", "'螺栓'", "'六角'", "'stainless'", "'bolt'"):
        assert word in vector
    assert "'bolts'" not in vector  # stemmed, as the query is
    assert search_in(app, "不鏽鋼螺栓")[0] == ["HB-M8"]
    assert search_in(app, "不锈钢螺栓")[0] == ["HB-M8"]  # simplified characters too
    assert sorted(search_in(app, "螺栓")[0]) == ["CB-M10", "HB-M8"]


def test_a_query_word_is_all_of_its_pieces():
    query = parse("不鏽鋼螺栓 BX-0123 NOT carbon of")
    assert [w.lexemes for w in query.words] == [["不鏽鋼", "螺栓"], ["bx", "0123"], []]
    assert [w.code for w in query.words] == ["不鏽鋼螺栓", "bx-0123", "of"]
    assert [w.lexemes for w in query.excluded] == [["carbon"]]
    assert query.codes == ["不鏽鋼螺栓", "bx-0123"]
    assert vector_text([("A", "Bolts BOLT 不鏽鋼"), ("D", "it's a bolt")]) == \
        "'bolt':1A,2A,6D '不鏽鋼':3A 'it''':5D"


@pytest.mark.parametrize("text", [
    "Stainless Steel Hex Bolts M8x40, ISO 4017 (A2-70); it's the bolt's head",
    "不鏽鋼六角螺栓 M8 型，不锈钢螺栓與墊圈 and the washers",
    "Bolts made to order; size 12 mm, batch tested. 工廠直營，品質保證。",
    "e.g. 3.5mm U.S. 台灣製 ÄÖÜ straße naïve café 12,000 pcs", "", "  ,;  "])
def test_a_text_analysed_piece_by_piece_has_the_analyzers_words(text):
    # The rows' words are analysed per word and CJK run (and remembered): the same words
    # in the same order as the analyzer gives for the whole text, spelling words too.
    assert postgres_backend._words(text) == [
        token.text for token in postgres_backend._analyzer(text, mode="index")]
    assert postgres_backend.spelling_words(text, text) == {
        token.text for token in postgres_backend._spelling(text)
        if postgres_backend.SPELL_WORD.match(token.text)}


def test_a_misspelling_is_corrected_from_the_names(app, catalog):
    skus, results = search_in(app, "stainles stell")
    assert skus == [] and results.suggestion == "stainless steel"
    assert search_in(app, "hex bolt")[1].suggestion is None
    assert search_in(app, "zzyzx")[1].suggestion is None


def test_an_item_code_prefix_in_any_case(app, catalog, make_product):
    make_product(catalog.fasteners_id, sku="HB-M8-SS", name="Hex bolt M8, stainless")
    make_product(catalog.fasteners_id, sku="X-HB-M8", name="Adapter")
    skus, results = search_in(app, "hb-m8")
    assert skus[0] == "HB-M8" and set(skus) == {"HB-M8", "HB-M8-SS"}
    assert {hit.highlight["sku"] for hit in results.items} == {
        "<mark>HB-M8</mark>", "<mark>HB-M8</mark>-SS"}
    assert search_in(app, "Hb-M")[0][:2] in (["HB-M8", "HB-M8-SS"], ["HB-M8-SS", "HB-M8"])
    assert search_in(app, "100%")[0] == []  # LIKE's wildcards are only characters


def test_words_with_quotes_and_backslashes_are_searched_as_typed(app, catalog, make_product,
                                                                 postgresql_only):
    # The words go into the statement as constants (for the planner): quoted, never SQL.
    make_product(catalog.fasteners_id, sku="OB-1", name="O'Brien's nylon anchor")
    assert search_in(app, "o'brien's")[0] == ["OB-1"]
    assert search_in(app, "o'brien's anchor 50%")[0][0] == "OB-1"
    for typed in ("'; DROP TABLE products; --", "o''brien\\'s", "%' OR '1'='1", "\\"):
        assert search_in(app, typed)[0] == []
    assert search_in(app, "anchor")[0] == ["OB-1"]


def test_drafts_and_suspended_suppliers_are_never_found(app, catalog, make_product, api, make):
    make_product(catalog.fasteners_id, sku="DR-1", name="Titanium bolt", status="draft")
    assert search_in(app, "titanium")[0] == []
    assert search_in(app, "DR-1")[0] == []
    operator = api.token(make.operator())
    assert api.post(f"/admin/companies/{catalog.textiles_id}/suspend", operator,
                    json={"reason": "Audit"}).status_code == 200
    skus, results = search_in(app, "")
    assert "TW-500" not in skus and results.total == 4
    assert [f.value for f in results.facets["country"]] == ["TW"]
    assert search_in(app, "towel")[0] == [] and search_in(app, "純棉")[0] == []
    assert api.post(f"/admin/companies/{catalog.textiles_id}/approve",
                    operator).status_code == 200
    assert search_in(app, "towel")[0] == ["TW-500"]


def test_a_company_found_through_its_profile_in_both_languages(app, catalog):
    from marketplace.content import search
    from marketplace.content.operations.profiles import update_profile

    def describe():
        update_profile(db.session.get(Company, catalog.textiles_id),
                       {"description_en": "Towels woven on jacquard looms.",
                        "description_zh": "提花毛巾織造廠"})

    run(app, describe)
    with app.test_request_context():
        found = search.search_companies("jacquard")
        assert [h.company.name for h in found.items] == ["Anatolia Home Textiles"]
        assert "<mark>jacquard</mark>" in found.items[0].highlight["snippet"]
        assert [h.company.name for h in search.search_companies("毛巾").items] == [
            "Anatolia Home Textiles"]
        assert search.search_companies("anatolai").suggestion == "anatolia"  # from names


# ----- counted up to a cap (issue 16.5) ---------------------------------------------------


def test_beyond_the_cap_the_total_says_more_and_the_page_is_still_ranked(
        app, api, client, catalog, monkeypatch, tmp_path, postgresql_only):
    """On PostgreSQL the hits are counted up to LIST_COUNT_CAP (10,000): the total stops
    there with total_capped, the facets count the hits counted, and the page is ranked
    among them; under the cap everything is exact."""
    assert api.get("/search/products", query_string={"q": "steel"}).get_json()[
        "total_capped"] is False
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 2)
    skus, results = search_in(app, "steel")  # HB-M8, CB-M10, HN-M8 and RW-12 have it
    assert (results.total, results.total_capped, len(skus)) == (2, True, 2)
    assert sum(f.count for f in results.facets["category"]) == 2
    assert sum(f.count for f in results.facets["supplier"]) == 2
    body = api.get("/search/products", query_string={"q": "steel"}).get_json()
    assert (body["total"], body["total_capped"]) == (2, True)
    assert sum(body["facets"]["country"].values()) == 2
    # Several words: the hits with all of them still come first ...
    assert search_in(app, "stainless hex bolt")[0][0] == "HB-M8"
    # ... and when they alone pass the cap, they are what is counted and shown.
    skus, results = search_in(app, "steel bolt")  # all of them: HB-M8, CB-M10, HN-M8
    assert (results.total, results.total_capped) == (2, True)
    assert set(skus) < {"HB-M8", "CB-M10", "HN-M8"} and len(skus) == 2
    html = client.get("/search", query_string={"q": "steel"}).get_data(as_text=True)
    assert "2+ results for “steel”" in html
    undo = load_pending_translations(app, tmp_path)
    try:
        html = client.get("/search", query_string={"q": "steel"},
                          headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    finally:
        undo()
    assert "「steel」的搜尋結果共 2+ 筆" in html
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 4)
    skus, results = search_in(app, "steel")
    assert (results.total, results.total_capped) == (4, False)
    assert sorted(skus) == ["CB-M10", "HB-M8", "HN-M8", "RW-12"]
    monkeypatch.setitem(app.config, "SEARCH_COUNT_CAP", 3)  # the search's own, when set
    assert (search_in(app, "steel")[1].total, search_in(app, "steel")[1].total_capped) == (
        3, True)


def test_past_the_cap_a_word_met_as_an_item_code_still_counts_as_had(
        app, make, make_product, monkeypatch, postgresql_only):
    """Every word in the text, or each word in the text or as an item code: the
    products whose SKU starts with the typed code and whose name has the other word
    have both words, so when they alone pass the cap they are what is shown, not the
    products that have only one word (met first in the table)."""
    supplier = make.company(roles=("supplier",))
    for n in range(4):  # one of the words only, written first
        make_product(supplier, sku=f"PT-{n}", name=f"Grey paint {n}")
    for suffix in ("A", "B", "C"):
        make_product(supplier, sku=f"BX-0123-{suffix}", name=f"Junction box {suffix}, grey")
    monkeypatch.setitem(app.config, "SEARCH_COUNT_CAP", 2)
    skus, results = search_in(app, "BX-0123 grey")
    assert (results.total, results.total_capped) == (2, True)
    assert len(skus) == 2 and set(skus) < {"BX-0123-A", "BX-0123-B", "BX-0123-C"}


def test_a_supplier_filter_under_the_cap_ranks_and_counts_as_without_it(
        app, make, make_product, monkeypatch, postgresql_only):
    """When a country or supplier leaves no more products than the count reads, the hits
    of any word are counted in one statement: every word still first across pages,
    every hit counted and faceted, and a suggestion still looked for when few have all
    the words. Past the cap it answers as before: the products with every word."""
    supplier = make.company(roles=("supplier",), country="TW")
    other = make.company(roles=("supplier",), country="DE")
    cheap, dear = ([{"min_qty": "1", "unit_price": price}] for price in ("0.5000", "9.0000"))
    for n in range(4):  # one of the words only, written first, and cheaper
        make_product(supplier, sku=f"PT-{n}", name=f"Grey paint {n}", price_tiers=cheap)
    for suffix in ("A", "B", "C"):
        make_product(supplier, sku=f"JB-{suffix}", name=f"Junction box {suffix}, grey",
                     price_tiers=dear)
    make_product(other, sku="DE-1", name="Grey junction box")
    monkeypatch.setitem(app.config, "SEARCH_COUNT_CAP", 8)
    in_tw = search.ProductFilters(country="TW")
    paged = [search_in(app, "junction grey", filters=in_tw, page=page, per_page=2)
             for page in (1, 2, 3, 4)]
    skus = [sku for page, _ in paged for sku in page]
    assert set(skus[:3]) == {"JB-A", "JB-B", "JB-C"} and len(skus) == 7
    assert set(skus[3:]) == {f"PT-{n}" for n in range(4)}
    results = paged[0][1]
    assert (results.total, results.total_capped) == (7, False)
    assert [(f.value, f.count) for f in results.facets["country"]] == [("TW", 7)]
    assert search_in(app, "junction grey", filters=search.ProductFilters(
        supplier=other))[0] == ["DE-1"]
    assert search_in(app, "junktion grey", filters=in_tw)[1].suggestion == "junction grey"
    by_price, _ = search_in(app, "junction grey", filters=in_tw, sort="price")
    assert set(by_price[:3]) == {"JB-A", "JB-B", "JB-C"}  # every word first, then cheapest

    monkeypatch.setitem(app.config, "SEARCH_COUNT_CAP", 2)  # TW leaves 7 products
    skus, results = search_in(app, "junction grey", filters=in_tw)
    assert (results.total, results.total_capped) == (2, True)
    assert len(skus) == 2 and set(skus) < {"JB-A", "JB-B", "JB-C"}


def test_the_search_rows_gin_indexes_keep_a_short_pending_list(app, postgresql_only):
    """A search reads a GIN index's pending list whole: the search rows' indexes keep it
    to 256 kB (4 MB by default; at 1M products a full one doubled a search of "bolts").
    The migrations set what the models say (tests/test_migrations.py)."""
    from tests.test_migrations import gin_storage

    searched = ("ix_search_products_vector", "ix_search_products_sku_trgm",
                "ix_search_companies_vector", "ix_search_words_trgm")
    with app.app_context(), db.engine.connect() as conn:
        stored = gin_storage(conn)
    assert {name: stored.get(name) for name in searched} == {
        name: ["gin_pending_list_limit=256"] for name in searched}

"""GET /api/v1/search/products and /search/companies: the contract of API.md, for
anyone (the public catalog), documented in the OpenAPI document."""

from __future__ import annotations

import pytest

from marketplace.content import search
from tests.content.conftest import pdf_bytes, png_bytes
from tests.content.search_support import catalog, fresh_index, run  # noqa: F401

ACTORS = ("anonymous", "own", "other", "operator")


def test_product_search_answers_the_documented_shape(app, api, catalog, make_product_media):
    media_id = make_product_media(catalog.ids["HB-M8"], png_bytes(), "bolt.png")
    assert media_id
    response = api.get("/search/products", query_string={"q": "不鏽鋼螺栓"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    assert body["suggestion"] is None
    [item] = body["items"]
    assert item["id"] == catalog.ids["HB-M8"] and item["sku"] == "HB-M8"
    assert item["name"] == "Stainless steel hex bolt M8"
    assert item["name_zh"] == "不鏽鋼六角螺栓 M8"
    assert item["supplier"] == {"id": catalog.fasteners_id,
                                "name": "Taiwan Precision Fasteners Co.", "country": "TW"}
    assert (item["price_min"], item["price_max"], item["currency"]) == ("0.0950", "0.1200",
                                                                      "USD")
    assert item["moq"] == "1000" and item["unit"] == "pcs"
    assert item["category"]["code"] == "hardware.fasteners"
    assert item["highlight"]["name_zh"] == "<mark>不鏽鋼</mark>六角<mark>螺栓</mark> M8"
    cover = item["cover_image_url"]
    assert cover and cover.startswith("/media/")
    assert api.client.get(cover).status_code == 200  # the public can see it
    assert body["facets"] == {"category": {"Fasteners": 1}, "country": {"TW": 1},
                              "supplier": {"Taiwan Precision Fasteners Co.": 1}}
    assert body["facet_values"]["category"] == [
        {"value": "hardware.fasteners", "label": "Fasteners", "count": 1}]


def test_the_cover_is_the_first_picture_in_the_suppliers_order(app, api, catalog,
                                                               make_product_media):
    product_id = catalog.ids["HB-M8"]
    make_product_media(product_id, pdf_bytes(), "datasheet.pdf")  # first, but no picture
    first = make_product_media(product_id, png_bytes(), "front.png")
    make_product_media(product_id, png_bytes((80, 60), "red"), "side.png")
    with app.app_context():
        from marketplace.content.models import ProductMedia
        from marketplace.extensions import db

        media_file = db.session.get(ProductMedia, first).media_id
    [item] = api.get("/search/products", query_string={"q": "不鏽鋼螺栓"}).get_json()["items"]
    assert item["cover_image_url"] == f"/media/{media_file}/thumbnail"
    assert (item["price_min"], item["price_max"]) == ("0.0950", "0.1200")


def test_the_answer_is_what_marshmallow_would_dump(app, api, catalog, make_product,
                                                   make_product_media):
    """The product results' schema writes its dump out (the API's speed): the JSON is the
    one marshmallow's own dump of the documented fields gives, nulls included."""
    from marshmallow import Schema

    from marketplace.content.search.schemas import ProductResultsSchema

    make_product_media(catalog.ids["HB-M8"], png_bytes(), "bolt.png")
    make_product(catalog.fasteners_id, sku="PL-1", name="Plain steel bolt, no tiers",
                 moq="2.50")
    schema = ProductResultsSchema()
    with app.test_request_context():
        for text, filters in (("bolt", None), ("不鏽鋼螺栓", None), ("stainles bolts", None),
                              ("", search.ProductFilters(country="TR")), ("nothing", None)):
            results = search.search_products(text, filters, per_page=3)
            assert schema.dump(results) == Schema.dump(schema, results), text
    body = api.get("/search/products", query_string={"q": "plain bolt"}).get_json()
    plain = next(item for item in body["items"] if item["sku"] == "PL-1")
    assert (plain["price_min"], plain["price_max"], plain["moq"]) == (None, None, "2.5")
    assert plain["category"] is None and plain["name_zh"] is None


def test_filters_and_pages_through_the_api(api, catalog):
    def skus(**query):
        response = api.get("/search/products", query_string=query)
        assert response.status_code == 200, response.get_json()
        return sorted(item["sku"] for item in response.get_json()["items"])

    assert skus(q="steel", category="hardware.fasteners") == ["CB-M10", "HB-M8", "HN-M8"]
    assert skus(category="hardware") == ["CB-M10", "HB-M8", "HN-M8", "RW-12"]
    assert skus(country="TR") == ["TW-500"]
    assert skus(supplier=catalog.textiles_id) == ["TW-500"]
    assert skus(min_price="0.05", max_price="0.1") == ["CB-M10", "HB-M8"]
    assert skus(q="bolt", per_page=2, page=2) == ["HN-M8"]
    second = api.get("/search/products", query_string={"q": "bolt", "per_page": 2, "page": 2})
    assert second.get_json()["total"] == 3


def test_a_misspelling_is_answered_with_a_suggestion(api, catalog):
    body = api.get("/search/products", query_string={"q": "stainles bolts"}).get_json()
    assert body["suggestion"] == "stainless bolts"
    # Nothing has both words; what has the one spelt right is shown meanwhile.
    assert {item["sku"] for item in body["items"]} == {"HB-M8", "CB-M10", "HN-M8"}


@pytest.mark.parametrize(("query", "field"), [
    ({"per_page": 101}, "per_page"),
    ({"page": 0}, "page"),
    ({"min_price": "-1"}, "min_price"),
    ({"min_price": "abc"}, "min_price"),
    ({"min_price": "NaN"}, "min_price"),
    ({"min_price": "5", "max_price": "1"}, "max_price"),
    ({"country": "XX"}, "country"),
    ({"currency": "usd1"}, "currency"),
    ({"sort": "name"}, "sort"),
    ({"category": "no.such.category"}, "category"),
    ({"q": "x" * 201}, "q"),
])
def test_bad_arguments_are_refused_with_the_field(api, catalog, query, field):
    response = api.get("/search/products", query_string=query)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_query_syntax_never_breaks_the_search(api, catalog):
    for text in ('"unclosed', "bolt AND", "(((", "name:bolt", "*", "bolt~", "[a TO z]", "NOT",
                 "<script>", "螺栓)", "OR OR"):
        response = api.get("/search/products", query_string={"q": text})
        assert response.status_code == 200, (text, response.get_json())


def test_everyone_sees_the_same_public_results(app, api, catalog, make, make_product):
    make_product(catalog.fasteners_id, sku="DRAFT-9", name="Draft hex bolt", status="draft")
    tokens = {
        "anonymous": None,
        "own": api.token(catalog.fasteners),
        "other": api.token(catalog.textiles),
        "operator": api.token(make.operator()),
    }
    answers = {}
    for actor in ACTORS:
        response = api.get("/search/products", tokens[actor], query_string={"q": "hex bolt"})
        assert response.status_code == 200
        answers[actor] = [item["sku"] for item in response.get_json()["items"]]
    assert answers["anonymous"][0] == "HB-M8"
    assert "DRAFT-9" not in answers["own"]  # the supplier's own draft is not in search
    assert all(found == answers["anonymous"] for found in answers.values())
    bad = api.get("/search/products", "not-a-token", query_string={"q": "bolt"})
    assert bad.status_code == 401


def test_company_search(app, api, catalog):
    from marketplace.content.operations.profiles import update_profile
    from marketplace.extensions import db
    from marketplace.infrastructure.models import Category, Company

    def describe():
        company = db.session.get(Company, catalog.fasteners_id)
        company.categories = list(db.session.scalars(
            db.select(Category).where(Category.code == "hardware.fasteners")))
        update_profile(company, {"description_en": "ISO 9001 maker of cold forged bolts.",
                                 "description_zh": "冷鍛螺栓製造商"})

    run(app, describe)
    with app.app_context():
        search.index_company(catalog.textiles_id)

    def names(**query):
        response = api.get("/search/companies", query_string=query)
        assert response.status_code == 200, response.get_json()
        return [item["name"] for item in response.get_json()["items"]]

    assert names(q="forged") == ["Taiwan Precision Fasteners Co."]
    assert names(q="冷鍛") == ["Taiwan Precision Fasteners Co."]
    assert names(q="fasteners", category="hardware") == ["Taiwan Precision Fasteners Co."]
    assert names(country="TR") == ["Anatolia Home Textiles"]
    assert sorted(names()) == ["Anatolia Home Textiles", "Taiwan Precision Fasteners Co."]
    body = api.get("/search/companies", query_string={"q": "forged"}).get_json()
    [item] = body["items"]
    assert item["verified"] is True and item["country"] == "TW"
    assert "<mark>forged</mark>" in item["highlight"]["snippet"]
    assert body["facets"]["category"] == {"Fasteners": 1}
    assert body["facets"]["country"] == {"TW": 1}


def test_a_suspended_company_is_not_found_among_companies(app, api, catalog, make):
    with app.app_context():
        search.index_company(catalog.textiles_id)
    operator = api.token(make.operator())
    api.post(f"/admin/companies/{catalog.textiles_id}/suspend", operator,
             json={"reason": "Unpaid"})
    body = api.get("/search/companies", query_string={"q": "textiles"}).get_json()
    assert body["items"] == [] and body["total"] == 0


def test_both_searches_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    products = spec["paths"]["/api/v1/search/products"]["get"]
    names = {p["name"] for p in products["parameters"]}
    assert {"q", "category", "country", "min_price", "max_price", "page", "per_page"} <= names
    schema_ref = products["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    results = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert {"items", "total", "page", "per_page", "facets", "suggestion"} <= set(
        results["properties"])
    companies = spec["paths"]["/api/v1/search/companies"]["get"]
    assert {"q", "country", "category"} <= {p["name"] for p in companies["parameters"]}

"""``GET /analytics/recommendations``: the hand-worked rules (associations_support.py)
through the API, its refusals and who may read it."""

from __future__ import annotations

import pytest

from marketplace.crm.tasks.associations import run_associations
from tests.crm.associations_support import baskets  # noqa: F401 - the fixture


@pytest.fixture
def computed(app, baskets):
    with app.app_context():
        run_associations()
    return baskets


@pytest.fixture
def buyer_token(api, make, computed):
    return api.token(make.member(computed["b"], "purchasing"))


def test_often_ordered_with_fields(api, computed, buyer_token):
    response = api.get(f"/analytics/recommendations?product_id={computed['A']}", buyer_token)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["total"], body["page"]) == (2, 1)
    first, second = body["items"]
    assert first["product_id"] == computed["B"] and first["name"] == "Product B"
    assert (first["support"], first["confidence"], first["lift"]) == (
        "0.5000", "0.7500", "1.1250")
    assert (second["product_id"], second["support"], second["confidence"], second["lift"]) == (
        computed["C"], "0.3333", "0.5000", "1.0000")


def test_csv_export(api, computed, buyer_token):
    response = api.get(f"/analytics/recommendations?product_id={computed['C']}&format=csv",
                       buyer_token)
    assert response.status_code == 200
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("product_id,name,sku,support,confidence,lift")
    assert len(lines) == 3  # A and B, both with confidence 2/3


@pytest.mark.parametrize("key", ["E", "missing"])
def test_unknown_or_unpublished_product_is_404(api, computed, buyer_token, key):
    product_id = computed.get(key, 999999)
    response = api.get(f"/analytics/recommendations?product_id={product_id}", buyer_token)
    assert response.status_code == 404
    assert response.content_type.startswith("application/problem+json")


@pytest.mark.parametrize("query", ["", "product_id=abc", "product_id=0", "product_id=1&x=2",
                                   "product_id=99999999999999999999"])
def test_missing_or_invalid_product_id_is_422(api, computed, buyer_token, query):
    response = api.get(f"/analytics/recommendations?{query}", buyer_token)
    assert response.status_code == 422
    assert response.get_json()["errors"]


def test_access_any_member_and_operator_anonymous_refused(api, make, computed):
    path = f"/analytics/recommendations?product_id={computed['X']}"
    assert api.get(path).status_code == 401
    # the selling supplier, another supplier, a buyer who never ordered, the operator
    for member in (make.member(computed["t"]), make.member(computed["s"]),
                   make.company_with_admin("Elsewhere Ltd"), make.operator()):
        body = api.get(path, api.token(member)).get_json()
        assert [row["product_id"] for row in body["items"]] == [computed["Y"]]

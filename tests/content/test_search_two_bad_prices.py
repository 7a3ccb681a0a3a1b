"""Two bad price bounds at once (issue 13, rough edge 9): the search page explains each
in the page's language and keeps the rest of the search (words, results, what was typed);
the API answers problem+json 422 naming both fields."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.content.search_support import catalog, fresh_index  # noqa: F401

ZH = {"Accept-Language": "zh-TW,zh;q=0.9"}
BAD = {"q": "bolt", "min_price": "-5", "max_price": "ten"}


def _alerts(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", unescape(text)).strip()
            for text in re.findall(r'<div class="alert[^"]*"[^>]*role="alert">(.*?)</div>',
                                   html, re.S)]


def _hits(html: str) -> list[str]:
    return re.findall(r'class="card mb-2 search-hit" id="(product-\d+)"', html)


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, ["Lowest price: Must not be negative. This filter was left out.",
          "Highest price: Not a valid number. This filter was left out."]),
    (ZH, ["最低價格: 不可為負數。 已略過此篩選條件。",
          "最高價格: 不是有效的數字。 已略過此篩選條件。"]),
], ids=["en", "zh_Hant"])
def test_the_page_explains_both_bad_prices_and_keeps_the_search(
        client, catalog, headers, expected):  # noqa: F811 - the fixture
    response = client.get("/search", query_string=BAD, headers=headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _alerts(html) == expected
    assert len(_hits(html)) == 3  # the words still search; only the prices are left out
    assert 'id="search-q"' in html and 'value="bolt"' in html
    assert re.search(r'name="min_price" value="-5"', html)  # what was typed, to correct
    assert re.search(r'name="max_price" value="ten"', html)


@pytest.mark.parametrize("query", [
    {"min_price": "ten", "max_price": "-5"},
    {"min_price": "-1", "max_price": "-2"},
    {"min_price": "abc", "max_price": "NaN"},
])
def test_any_two_bad_prices_are_each_explained(client, catalog, query):  # noqa: F811
    response = client.get("/search", query_string={"q": "bolt", **query})
    assert response.status_code == 200
    alerts = _alerts(response.get_data(as_text=True))
    assert [a.split(":")[0] for a in alerts] == ["Lowest price", "Highest price"]


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, {"min_price": ["Must not be negative."], "max_price": ["Not a valid number."]}),
    (ZH, {"min_price": ["不可為負數。"], "max_price": ["不是有效的數字。"]}),
], ids=["en", "zh_Hant"])
def test_the_api_refuses_both_with_problem_json(api, catalog, headers, expected):  # noqa: F811
    response = api.get("/search/products", query_string=BAD, headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == expected

"""Optional fields a supplier left empty never show as "None" (issue 13, rough edge 8):
the product page and the supplier's page show nothing, or a note, in both languages."""

from __future__ import annotations

import re

import pytest

ZH = {"Accept-Language": "zh-TW,zh;q=0.9"}


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (tags, scripts and styles left out)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def attribute_values(html: str) -> list[str]:
    return re.findall(r'(?:content|alt|title|value|placeholder)="([^"]*)"', html)


@pytest.fixture
def bare_supplier(make):
    """A supplier that filled in nothing but its name."""
    return make.company_with_admin("Bare Supplier", roles=("supplier",))


@pytest.mark.parametrize("headers", [{}, ZH], ids=["en", "zh_Hant"])
def test_a_product_without_description_or_options_shows_no_none(
        client, make_product, bare_supplier, headers):
    product_id = make_product(bare_supplier.company_id, sku="BARE-1", name="Plain washer")
    response = client.get(f"/products/{product_id}", headers=headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "None" not in visible_text(html)
    assert "None" not in attribute_values(html)
    description = html.split('id="description"', 1)[1].split("</section>", 1)[0]
    assert ("尚無說明。" if headers else "No description yet.") in description


@pytest.mark.parametrize("headers", [{}, ZH], ids=["en", "zh_Hant"])
def test_a_supplier_page_with_nothing_filled_in_shows_no_none(
        client, make_product, bare_supplier, headers):
    make_product(bare_supplier.company_id, sku="BARE-2", name="Plain nut")
    for path in (f"/companies/{bare_supplier.company_id}",
                 f"/catalog/suppliers/{bare_supplier.company_id}", "/catalog"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert "None" not in visible_text(html), path
        assert "None" not in attribute_values(html), path

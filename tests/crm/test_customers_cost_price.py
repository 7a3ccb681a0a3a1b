"""The optional cost price of a product (gross margin in customer analytics): set
through the API and the portal editor, seen by the supplier's company only."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from marketplace.content.models import Product
from marketplace.extensions import db
from tests.factories import csrf_token, portal_login


def _product(api, token, **values):
    response = api.post("/products", token, json={
        "sku": "HB-M8", "name": "Hex bolt M8", "status": "published", "currency": "USD",
        "price_tiers": [{"min_qty": "100", "unit_price": "0.12"}], **values})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_cost_price_through_the_api_is_seen_by_its_company_only(api, make):
    supplier = make.member(make.company("Formosa Fasteners", roles=("supplier",)), "admin")
    buyer = make.member(make.company("Nordic Tools", roles=("buyer",)), "admin")
    token = api.token(supplier)
    created = _product(api, token, cost_price="0.08")
    assert created["cost_price"] == "0.08"
    changed = api.patch(f"/products/{created['id']}", token, json={"cost_price": "0.0725"})
    assert changed.get_json()["cost_price"] == "0.0725"
    seen_by_buyer = api.get(f"/products/{created['id']}", api.token(buyer)).get_json()
    assert seen_by_buyer["cost_price"] is None
    cleared = api.patch(f"/products/{created['id']}", token, json={"cost_price": None})
    assert cleared.get_json()["cost_price"] is None


def test_a_bad_cost_price_is_refused_naming_the_field(api, make):
    supplier = make.member(make.company("Formosa Fasteners", roles=("supplier",)), "admin")
    token = api.token(supplier)
    for bad in ("-1", "0.123456", "abc"):
        response = api.post("/products", token, json={"sku": "X", "name": "X",
                                                       "cost_price": bad})
        assert response.status_code == 422, bad
        assert "cost_price" in response.get_json()["errors"], bad


def test_the_portal_editor_has_a_labelled_cost_price(app, client, make):
    supplier = make.member(make.company("Formosa Fasteners", roles=("supplier",)), "admin")
    assert portal_login(client, supplier.email).status_code == 302
    page = client.get("/my/products/new").get_data(as_text=True)
    assert 'for="cost_price"' in page and "Cost price" in page
    form = {"csrf_token": csrf_token(client, "/my/products/new"), "sku": "HB-M8",
            "name": "Hex bolt M8", "unit": "pcs", "currency": "USD", "cost_price": "0.08",
            "save": "Save"}
    response = client.post("/my/products/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        product = db.session.scalars(select(Product).filter_by(sku="HB-M8")).one()
        assert product.cost_price == Decimal("0.08")
    form.update(csrf_token=csrf_token(client, "/my/products/new"), sku="HB-M9",
                cost_price="-2")
    refused = client.post("/my/products/new", data=form)
    assert refused.status_code == 422
    assert "Must not be negative." in refused.get_data(as_text=True)


def test_the_editor_in_chinese(client, make):
    supplier = make.member(make.company("Formosa Fasteners", roles=("supplier",)), "admin")
    assert portal_login(client, supplier.email).status_code == 302
    page = client.get("/my/products/new", headers={"Accept-Language": "zh-Hant"})
    assert page.status_code == 200 and 'name="cost_price"' in page.get_data(as_text=True)

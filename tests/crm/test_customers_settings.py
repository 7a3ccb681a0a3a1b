"""A supplier's reporting currency and the conversion of other currencies through the
rates in settings (CRM_EXCHANGE_RATES: EUR 1.08 US dollars)."""

from __future__ import annotations

from marketplace.core.boundary import commit
from marketplace.crm.operations.customers import recompute_supplier
from marketplace.extensions import db
from tests.crm import support


def _recompute(app, world):
    with app.test_request_context():
        recompute_supplier(world.supplier_id)
        commit()


def test_an_order_in_another_currency_is_converted(app, api, make, customer_world):
    world = customer_world
    buyer = make.company("Buyer F", roles=("buyer",))

    def euro_order():
        bolt = db.session.get(support.Product, world.products["BOLT"])
        support.order(world.supplier_id, buyer, 5, [(bolt, "100", "10")], currency="EUR")

    make._run(euro_order)
    _recompute(app, world)
    body = api.get("/analytics/customers?sort=buyer_name", api.token(world.supplier)).get_json()
    f = next(item for item in body["items"] if item["buyer_name"] == "Buyer F")
    # 1000 EUR × 1.08 = 1080 USD; the cost (100 × 6, in the product's USD) stays 600.
    assert (f["monetary"], f["margin"], f["currency"]) == ("1080.00", "480.00", "USD")


def test_settings_name_the_currency_rates_and_lifetime_value_method(app, api, customer_world):
    _recompute(app, customer_world)
    body = api.get("/analytics/settings", api.token(customer_world.supplier)).get_json()
    assert body["reporting_currency"] == "USD"
    assert body["exchange_rates"]["EUR"] == "1.08"
    # r = 2/3 observed, d = 0.1: the multiple is 20/13.
    assert body["lifetime_value"] == {"retention": "0.6667", "discount_rate": "0.1",
                                      "default_margin_rate": "0.25", "multiple": "1.5385"}


def test_a_new_reporting_currency_recomputes_the_figures(app, api, customer_world):
    _recompute(app, customer_world)
    token = api.token(customer_world.supplier)
    response = api.call("PUT", "/analytics/settings", token, json={"reporting_currency": "EUR"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["reporting_currency"] == "EUR"
    first = api.get("/analytics/customers", token).get_json()["items"][0]
    # A's 4000 USD of the last 12 months: 4000 / 1.08 EUR.
    assert (first["buyer_name"], first["currency"], first["monetary"]) == (
        "Buyer A", "EUR", "3703.70")


def test_bad_currencies_and_other_companies_are_refused(app, api, make, customer_world):
    token = api.token(customer_world.supplier)
    for bad in ("XYZ", "CHF"):  # not a currency; a currency without a rate
        response = api.call("PUT", "/analytics/settings", token,
                            json={"reporting_currency": bad})
        assert response.status_code == 422, bad
        assert "reporting_currency" in response.get_json()["errors"]
    refused = api.call("PUT", "/analytics/settings", token,
                       json={"reporting_currency": "EUR", "rates": {"EUR": "9"}})
    assert refused.status_code == 422  # unknown fields are refused
    sales = make.member(customer_world.supplier_id, "sales")
    assert api.call("PUT", "/analytics/settings", api.token(sales),
                    json={"reporting_currency": "EUR"}).status_code == 403
    assert api.get("/analytics/settings", api.token(sales)).status_code == 200
    buyer = api.token(customer_world.buyer_members["A"])
    assert api.get("/analytics/settings", buyer).status_code == 403
    assert api.get("/analytics/settings").status_code == 401

"""Access matrix of the customer analytics routes: anonymous, own supplier (token and
API key), another supplier, a buyer, the operator."""

from __future__ import annotations

import pytest

from marketplace.core.boundary import commit
from marketplace.crm.operations.customers import recompute_supplier
from tests.worlds import shared_world

ROUTES = ("/analytics/customers", "/analytics/quintiles", "/analytics/segments",
          "/analytics/at-risk", "/analytics/customers?format=csv")


@shared_world
def world(app, customer_world):
    with app.test_request_context():
        recompute_supplier(customer_world.supplier_id)
        recompute_supplier(customer_world.rival.company_id)
        commit()
    return customer_world


@pytest.mark.parametrize("path", ROUTES)
def test_anonymous_is_asked_to_log_in(api, world, path):
    response = api.get(path)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("path", ROUTES)
def test_own_supplier_reads_its_customers(api, make, world, path):
    for credential in (api.token(world.supplier), make.api_key(world.supplier, ("read",))):
        assert api.get(path, credential).status_code == 200, path


def test_another_supplier_sees_only_its_own_customers(api, world):
    token = api.token(world.rival)
    body = api.get("/analytics/customers", token).get_json()
    # Rival Screws sold to E only: it sees E, with its own figures, and nobody else.
    assert [(i["buyer_name"], i["monetary"]) for i in body["items"]] == [("Buyer E", "2400.00")]
    at_risk = api.get("/analytics/at-risk", token).get_json()
    assert at_risk["total"] == 0
    fifths = api.get("/analytics/quintiles", token).get_json()["items"]
    assert sum(q["customers"] for q in fifths) == 1
    text = api.get("/analytics/customers?format=csv", token).get_data(as_text=True)
    assert "Buyer A" not in text and "Buyer D" not in text


@pytest.mark.parametrize("path", ROUTES)
def test_a_buyer_is_refused(api, world, path):
    response = api.get(path, api.token(world.buyer_members["A"]))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "supplier" in response.get_json()["detail"]


@pytest.mark.parametrize("path", ROUTES)
def test_the_operator_is_refused(api, make, world, path):
    response = api.get(path, api.token(make.operator()))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_queries_give_nothing_of_another_supplier(app, world):
    """The queries themselves are bound to the acting company."""
    from flask import g

    from marketplace.crm.periods import last_12_months
    from marketplace.crm.queries import customers as queries

    with app.test_request_context():
        g.acting_company_id = world.rival.company_id
        assert queries.customer_rows(world.supplier_id, last_12_months()) == ([], 0)
        assert queries.customer_figures(world.supplier_id, world.buyers["A"]) is None
        assert queries.at_risk_rows(world.supplier_id, last_12_months()) == ([], 0)
        assert all(q.customers == 0 for q in queries.quintile_rows(world.supplier_id,
                                                                     last_12_months()))

"""Association rules worked out by hand (tests/crm/associations_support.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.core.boundary import commit
from marketplace.crm.models.associations import ProductAssociation
from marketplace.crm.operations.associations import compute_associations
from marketplace.crm.queries.associations import often_ordered_with, ordered_with_any
from marketplace.crm.tasks.associations import run_associations
from marketplace.extensions import db
from tests.crm.associations_support import baskets  # noqa: F401 - the fixture


def rules(ids) -> dict[tuple[str, str], ProductAssociation]:
    names = {value: key for key, value in ids.items() if len(key) == 1}
    return {(names[rule.product_id], names[rule.other_product_id]): rule
            for rule in db.session.scalars(select(ProductAssociation))}


def test_support_confidence_and_lift_are_the_hand_computed_ones(ctx, baskets):
    assert run_associations() == 8
    found = rules(baskets)
    assert set(found) == {("A", "B"), ("B", "A"), ("A", "C"), ("C", "A"), ("B", "C"),
                          ("C", "B"), ("X", "Y"), ("Y", "X")}
    a_b = found[("A", "B")]
    assert (a_b.orders_together, a_b.support, a_b.confidence) == (3, 0.5, 0.75)
    assert a_b.lift == pytest.approx(1.125)
    assert found[("A", "C")].support == pytest.approx(1 / 3)
    assert found[("A", "C")].confidence == pytest.approx(0.5)
    assert found[("C", "A")].confidence == pytest.approx(2 / 3)
    assert found[("C", "A")].lift == pytest.approx(1.0)
    assert found[("X", "Y")].support == pytest.approx(2 / 3)  # T's own three orders
    assert found[("Y", "X")].confidence == pytest.approx(1.0)
    assert found[("A", "B")].supplier_company_id == baskets["s"]


def test_minimum_confidence_and_support_come_from_settings(app, ctx, baskets):
    app.config["CRM_ASSOCIATION_MIN_CONFIDENCE"] = "0.6"
    try:
        compute_associations(baskets["s"])
        commit()
        assert set(rules(baskets)) == {("A", "B"), ("B", "A"), ("C", "A"), ("C", "B")}
        app.config["CRM_ASSOCIATION_MIN_SUPPORT"] = "0.4"
        compute_associations(baskets["s"])
        commit()
        assert set(rules(baskets)) == {("A", "B"), ("B", "A")}
    finally:
        app.config.pop("CRM_ASSOCIATION_MIN_CONFIDENCE", None)
        app.config.pop("CRM_ASSOCIATION_MIN_SUPPORT", None)


def test_one_supplier_recomputed_keeps_the_others(ctx, baskets):
    run_associations()
    compute_associations(baskets["t"])
    commit()
    assert len(rules(baskets)) == 8


def test_often_ordered_with_strongest_lift_first_published_only(ctx, baskets):
    run_associations()
    assert [row.product_id for row in often_ordered_with(baskets["A"])] == [
        baskets["B"], baskets["C"]]
    # a companion no longer published is not offered
    from marketplace.content.models import Product, ProductStatus

    db.session.get(Product, baskets["C"]).status = ProductStatus.DRAFT
    commit()
    assert [row.product_id for row in often_ordered_with(baskets["A"])] == [baskets["B"]]
    # for a quotation's lines: companions of any line, not already on it
    assert [row.product_id for row in ordered_with_any([baskets["A"], baskets["B"]])] == []
    assert [row.product_id for row in ordered_with_any([baskets["X"]])] == [baskets["Y"]]


def test_cli_command_recomputes(app, baskets):
    result = app.test_cli_runner().invoke(args=["crm", "associations"])
    assert result.exit_code == 0, result.output
    assert "8 association rules kept" in result.output

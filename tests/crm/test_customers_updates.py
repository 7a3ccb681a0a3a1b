"""Incremental updates (a new order, a payment → that customer's row, after commit)
and the periodic full run (``flask crm recompute``)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from marketplace.core.boundary import commit
from marketplace.crm.models.customers import CustomerFigures
from marketplace.crm.operations.customers import recompute_supplier
from marketplace.extensions import db
from marketplace.fulfillment.models import Invoice
from tests.crm import support


def _rows(app, world) -> dict[str, CustomerFigures]:
    names = {v: k for k, v in world.buyers.items()}
    with app.test_request_context():
        rows = db.session.scalars(select(CustomerFigures).where(
            CustomerFigures.supplier_company_id == world.supplier_id)).all()
        for row in rows:
            db.session.expunge(row)
    return {names[row.buyer_company_id]: row for row in rows}


def test_a_new_order_updates_its_customer_row_only(app, make, customer_world):
    world = customer_world
    with app.test_request_context():
        recompute_supplier(world.supplier_id)
        commit()
    before = _rows(app, world)

    def new_order():
        bolt = db.session.get(support.Product, world.products["BOLT"])
        support.order(world.supplier_id, world.buyers["C"], 0, [(bolt, "100", "10")])

    make._run(new_order)  # commits: the job runs after the commit
    after = _rows(app, world)
    c = after["C"]
    assert (c.orders_12m, c.recency_days, c.revenue_12m) == (3, 0, Decimal("1200.00"))
    assert c.margin_12m == Decimal("480.00")  # 80 + 1000 − 600
    assert c.small_orders_12m == 2 and c.computed_at > before["C"].computed_at
    # C's yearly margin 480 × 20/13 = 738.46: between B (769.23) and E (369.23).
    assert c.lifetime_value == Decimal("738.46") and c.quintile == 3
    for name in "ABDE":  # nobody else was recomputed
        assert after[name].computed_at == before[name].computed_at


def test_a_payment_through_the_api_updates_payment_speed(app, api, customer_world):
    world = customer_world
    with app.test_request_context():
        recompute_supplier(world.supplier_id)
        commit()
        invoice_id = db.session.scalar(select(Invoice.id).where(
            Invoice.buyer_company_id == world.buyers["E"]))
    assert _rows(app, world)["E"].payment_days_median is None
    response = api.post(f"/invoices/{invoice_id}/payments", api.token(world.supplier),
                        json={"amount": "600.00", "method": "tt", "reference": "TT-1"})
    assert response.status_code == 201, response.get_json()
    e = _rows(app, world)["E"]
    # Issued 20 days ago, paid today, due in 10 days: 20 days, on time.
    assert (e.payment_days_median, e.late_payment_share, e.invoices_paid) == (
        Decimal("20.0"), Decimal("0.0000"), 1)


def test_nothing_is_queued_when_the_transaction_rolls_back(app, customer_world):
    world = customer_world
    with app.test_request_context():
        recompute_supplier(world.supplier_id)
        commit()
    with app.test_request_context():
        bolt = db.session.get(support.Product, world.products["BOLT"])
        support.order(world.supplier_id, world.buyers["C"], 0, [(bolt, "100", "10")])
        db.session.rollback()
        commit()
    assert _rows(app, world)["C"].orders_12m == 2


def test_the_periodic_run_from_the_command_line(app, customer_world):
    result = app.test_cli_runner().invoke(args=["crm", "recompute", "--history", "2"])
    assert result.exit_code == 0, result.output
    assert f"supplier {customer_world.supplier_id}: 5 customers" in result.output
    assert f"supplier {customer_world.rival.company_id}: 1 customers" in result.output
    assert _rows(app, customer_world)["A"].segment == "MVC"

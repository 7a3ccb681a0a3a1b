"""Every figure of the known trade history (tests/crm/support.py), worked out by hand.

Retention: of the buyers who ordered 365-729 days ago (A at 400, B at 500, D at 700-400
days), A and B ordered again in the last 365 days, D did not: r = 2/3. With the
discount d = 0.1, lifetime value = yearly margin × r / (1 + d − r)
= yearly margin × (2/3) / (13/30) = yearly margin × 20/13.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.core.boundary import commit
from marketplace.crm.models.customers import CustomerFigures, CustomerSegmentSnapshot
from marketplace.crm.operations.customers import (
    backfill_segment_history,
    month_ends,
    recompute_supplier,
)
from marketplace.crm.periods import last_12_months
from marketplace.crm.queries import customers as queries
from marketplace.extensions import db
from tests.crm.support import today


def _recompute(app, world):
    with app.test_request_context():
        assert recompute_supplier(world.supplier_id) == 5
        commit()


def _figures(app, world) -> dict[str, CustomerFigures]:
    with app.test_request_context():
        rows = db.session.scalars(select(CustomerFigures).where(
            CustomerFigures.supplier_company_id == world.supplier_id)).all()
        names = {v: k for k, v in world.buyers.items()}
        for row in rows:
            db.session.expunge(row)
        return {names[row.buyer_company_id]: row for row in rows}


def test_recency_frequency_monetary_and_margin(app, customer_world):
    _recompute(app, customer_world)
    f = _figures(app, customer_world)
    a, b, c, d, e = (f[name] for name in "ABCDE")
    # A: 1000 at 400, 300, 200, 100, 10 days ago; costs known (100 × 6 an order).
    assert (a.recency_days, a.orders_12m, a.orders_lifetime) == (10, 4, 5)
    assert (a.revenue_12m, a.revenue_prev_12m, a.revenue_lifetime) == (
        Decimal("4000.00"), Decimal("1000.00"), Decimal("5000.00"))
    assert (a.margin_12m, a.margin_lifetime, a.margin_coverage) == (
        Decimal("1600.00"), Decimal("2000.00"), Decimal("1.0000"))
    assert a.average_order_value == Decimal("1000.00")
    assert a.growth_pct == Decimal("300.00")  # (4000 − 1000) / 1000
    # B: no cost price known → no margin; 2000 this year against 500 the year before.
    assert (b.recency_days, b.orders_12m, b.revenue_12m) == (30, 2, Decimal("2000.00"))
    assert b.margin_12m is None and b.margin_lifetime is None
    assert b.margin_coverage == Decimal("0.0000")
    assert b.growth_pct == Decimal("300.00")
    # C: two small orders of 100, margin 200 − 2 × 60.
    assert (c.recency_days, c.orders_12m, c.revenue_12m, c.margin_12m) == (
        40, 2, Decimal("200.00"), Decimal("80.00"))
    assert c.growth_pct is None  # nothing the year before: no growth to speak of
    # D: nothing in 12 months, 2400 the year before (700..400 days), 3000 in all.
    assert (d.recency_days, d.orders_12m, d.orders_lifetime) == (400, 0, 5)
    assert (d.revenue_12m, d.revenue_prev_12m, d.revenue_lifetime) == (
        Decimal("0.00"), Decimal("2400.00"), Decimal("3000.00"))
    assert d.growth_pct == Decimal("-100.00")
    assert d.margin_12m is None and d.margin_lifetime == Decimal("1200.00")
    assert d.average_order_value is None
    assert (e.recency_days, e.revenue_12m, e.margin_12m) == (20, Decimal("600.00"),
                                                             Decimal("240.00"))


def test_payment_speed_claims_returns_and_quotations(app, customer_world):
    _recompute(app, customer_world)
    f = _figures(app, customer_world)
    # A paid in 10, 40 and 20 days: median 20; one of three after its due date.
    assert f["A"].payment_days_median == Decimal("20.0")
    assert f["A"].invoices_paid == 3
    assert f["A"].late_payment_share == Decimal("0.3333")
    assert f["A"].late_payments_12m == 1
    # E's only invoice is not due yet: nothing to say about its paying.
    assert f["E"].payment_days_median is None and f["E"].late_payment_share is None
    # C: one claim, one return, one discrepancy over two orders; both orders small.
    c = f["C"]
    assert (c.claims_12m, c.returns_12m, c.discrepancies_12m, c.small_orders_12m) == (1, 1, 1, 2)
    assert (c.claims_rate, c.returns_rate) == (Decimal("0.5000"), Decimal("0.5000"))
    # B: accepted + ordered = won 2, declined = lost 1, the open one is not decided.
    b = f["B"]
    assert (b.quotations_12m, b.quotations_won_12m, b.quotations_lost_12m) == (4, 2, 1)
    assert b.quotation_win_rate == Decimal("0.6667")
    assert f["A"].quotation_win_rate is None


def test_cost_to_serve_lifetime_value_fifths_and_segments(app, customer_world):
    _recompute(app, customer_world)
    f = _figures(app, customer_world)
    # Yearly margin: known margin, plus 25 % of revenue whose cost is unknown.
    assert {k: v.margin_basis_12m for k, v in f.items()} == {
        "A": Decimal("1600.00"), "B": Decimal("500.00"), "C": Decimal("80.00"),
        "D": Decimal("0.00"), "E": Decimal("240.00")}
    # Cost to serve: A one late payment (60); B one lost quotation (30); C two small
    # orders (2 × 50), a claim (150), a return (120), a discrepancy (80).
    assert {k: v.cost_to_serve_12m for k, v in f.items()} == {
        "A": Decimal("60.00"), "B": Decimal("30.00"), "C": Decimal("450.00"),
        "D": Decimal("0.00"), "E": Decimal("0.00")}
    # Lifetime value = yearly margin × 20/13.
    assert {k: v.lifetime_value for k, v in f.items()} == {
        "A": Decimal("2461.54"), "B": Decimal("769.23"), "C": Decimal("123.08"),
        "D": Decimal("0.00"), "E": Decimal("369.23")}
    assert {k: v.quintile for k, v in f.items()} == {"A": 1, "B": 2, "E": 3, "C": 4, "D": 5}
    # A top fifth; C costs 450 for a margin of 80; B grows 300 %; E buys 600 of the
    # 3000 it bought in our category (a fifth); D bought nothing this year.
    assert {k: v.segment for k, v in f.items()} == {
        "A": "MVC", "B": "MGC", "C": "BZ", "D": "other", "E": "MGC"}
    assert f["E"].share_of_wallet == Decimal("0.2000")
    assert f["E"].suppliers_in_categories == 2
    assert f["A"].share_of_wallet == Decimal("1.0000")


def test_at_risk_overdue_and_silent_customers(app, customer_world):
    _recompute(app, customer_world)
    f = _figures(app, customer_world)
    # D ordered every 100 days and not for 400: 400 > 1.5 × 100. Worth 3000 over 800
    # days: 3000 × 365 / 800 a year.
    assert f["D"].usual_interval_days == Decimal("100.0")
    assert (f["D"].at_risk, f["D"].at_risk_reason) == (True, "overdue_order")
    assert f["D"].value_at_risk == Decimal("1368.75")
    # E left our last two quotations (40 and 25 days old) unanswered; 600 in its year.
    assert (f["E"].at_risk, f["E"].at_risk_reason) == (True, "unanswered_quotations")
    assert f["E"].value_at_risk == Decimal("600.00")
    # A's median gap 100 (gaps 100, 100, 100, 90), last order 10 days ago; C has too
    # few orders for a usual interval.
    assert f["A"].usual_interval_days == Decimal("100.0") and not f["A"].at_risk
    assert f["C"].usual_interval_days is None and not f["C"].at_risk
    assert not f["B"].at_risk


def test_poor_payers_and_switchers_are_left_off_the_at_risk_list(app, make, customer_world):
    from tests.crm import support

    world = customer_world

    def trouble():
        d, e = world.buyers["D"], world.buyers["E"]
        # D paid two invoices late: a poor payer.
        from marketplace.fulfillment.models import Order

        old = db.session.scalars(select(Order).where(Order.buyer_company_id == d)
                                 .order_by(Order.created_at)).all()
        support.invoice(old[0], 800, 770, 700)
        support.invoice(old[1], 700, 670, 600)
        # E also buys the category from a third supplier: it switches often.
        third = db.session.get(support.Product, world.products["SCREW"])
        other = support.product(make_company_id, "WASHER", third.category, None)
        support.order(make_company_id, e, 12, [(other, "10", "10")])

    make_company_id = make.company("Third Fasteners", roles=("supplier",))
    make._run(trouble)
    _recompute(make.app, world)
    f = _figures(make.app, world)
    assert f["D"].pays_poorly and not f["D"].at_risk
    assert f["E"].switches_often and f["E"].suppliers_in_categories == 3
    assert not f["E"].at_risk
    with make.app.test_request_context():
        rows, total = queries.at_risk_rows(world.supplier_id, last_12_months())
        assert (rows, total) == ([], 0)


def test_fifths_and_segments_from_the_queries(app, customer_world):
    _recompute(app, customer_world)
    with app.test_request_context():
        fifths = queries.quintile_rows(customer_world.supplier_id, last_12_months())
        # Revenue 4000, 2000, 600, 200, 0 of 6800; known margin 1600, none, 240, 80,
        # none of 1920.
        assert [(q.quintile, q.customers, q.revenue, q.revenue_share, q.margin_share)
                for q in fifths] == [
            (1, 1, Decimal("4000.00"), Decimal("0.5882"), Decimal("0.8333")),
            (2, 1, Decimal("2000.00"), Decimal("0.2941"), Decimal("0.0000")),
            (3, 1, Decimal("600.00"), Decimal("0.0882"), Decimal("0.1250")),
            (4, 1, Decimal("200.00"), Decimal("0.0294"), Decimal("0.0417")),
            (5, 1, Decimal("0.00"), Decimal("0.0000"), Decimal("0.0000"))]
        assert [(q.min_value, q.max_value) for q in fifths][0] == (
            Decimal("2461.54"), Decimal("2461.54"))
        current, history = queries.segment_summary(customer_world.supplier_id,
                                                   last_12_months())
        assert [(s.segment, s.customers, s.revenue) for s in current] == [
            ("MVC", 1, Decimal("4000.00")), ("MGC", 2, Decimal("2600.00")),
            ("BZ", 1, Decimal("200.00")), ("other", 1, Decimal("0.00"))]
        this_month = today().replace(day=1)
        assert {(h.month, h.segment, h.customers) for h in history} == {
            (this_month, "MVC", 1), (this_month, "MGC", 2), (this_month, "BZ", 1),
            (this_month, "other", 1)}


def test_customer_table_sorts_filters_and_pages(app, customer_world):
    _recompute(app, customer_world)
    names = {v: k for k, v in customer_world.buyers.items()}
    with app.test_request_context():
        period = last_12_months()
        rows, total = queries.customer_rows(customer_world.supplier_id, period)
        assert total == 5 and [names[r.buyer_company_id] for r in rows] == list("ABECD")
        rows, total = queries.customer_rows(customer_world.supplier_id, period,
                                            sort="recency_days", page=2, per_page=2)
        assert total == 5 and [names[r.buyer_company_id] for r in rows] == ["B", "C"]
        rows, total = queries.customer_rows(customer_world.supplier_id, period,
                                            segment="MGC")
        assert [names[r.buyer_company_id] for r in rows] == ["B", "E"]
        rows, _ = queries.customer_rows(customer_world.supplier_id, period, quintile=4)
        assert [names[r.buyer_company_id] for r in rows] == ["C"]
        rows, _ = queries.customer_rows(customer_world.supplier_id, period, at_risk=True)
        assert {names[r.buyer_company_id] for r in rows} == {"D", "E"}
        one = queries.customer_figures(customer_world.supplier_id, customer_world.buyers["A"])
        assert one.monetary == Decimal("4000.00") and one.frequency == 4


def test_another_period_sums_its_own_orders(app, customer_world):
    """From 450 to 150 days ago: A's orders of 400, 300 and 200 days (3000, margin
    1200), B's of 500 days is before it, D's of 400 days (600, margin 240)."""
    from marketplace.crm.periods import make_period

    _recompute(app, customer_world)
    names = {v: k for k, v in customer_world.buyers.items()}
    with app.test_request_context():
        period = make_period(today() - timedelta(days=450), today() - timedelta(days=150))
        rows, total = queries.customer_rows(customer_world.supplier_id, period,
                                            sort="monetary")
        got = {names[r.buyer_company_id]: (r.frequency, r.monetary, r.margin) for r in rows}
        assert got["A"] == (3, Decimal("3000.00"), Decimal("1200.00"))
        assert got["D"] == (1, Decimal("600.00"), Decimal("240.00"))
        assert got["B"] == (0, Decimal("0"), None)
        assert [names[r.buyer_company_id] for r in rows][:2] == ["A", "D"]


def test_segment_history_of_past_month_ends(app, customer_world):
    with app.test_request_context():
        written = backfill_segment_history(customer_world.supplier_id, months=3)
        commit()
    ends = month_ends(today(), 3)
    # A customer appears at a month's end once its first order is placed.
    first_orders = {"A": 400, "B": 500, "C": 50, "D": 800, "E": 20}
    expected = {(end.replace(day=1), name) for end in ends for name, ago in first_orders.items()
                if today() - timedelta(days=ago) <= end}
    names = {v: k for k, v in customer_world.buyers.items()}
    with app.test_request_context():
        rows = db.session.scalars(select(CustomerSegmentSnapshot).where(
            CustomerSegmentSnapshot.supplier_company_id == customer_world.supplier_id)).all()
        assert {(r.month, names[r.buyer_company_id]) for r in rows} == expected
        assert written == len(expected)
        # D had lapsed at each of these month ends already: never most valuable.
        assert all(r.segment != "MVC" for r in rows if names[r.buyer_company_id] == "D")

"""Differentiated treatment: a quotation derived for a buyer gets the terms of the
buyer's segment, shown as such to the supplier only and changeable before sending; the
terms are set through the API with clear refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.crm.treatment_support import (
    classify,
    set_terms,
    speaks_chinese,
)
from tests.trading.support import Trade

# Two priced lines: 20000 × 0.072 + 20000 × 0.012 = 1440 + 240 = 1680.
PRICED = [{"description": "Hex bolt M8×30", "sku": "HB-M8-30", "quantity": "20000",
           "unit": "pcs", "unit_price": "0.072"},
          {"description": "Hex nut M8", "sku": "HN-M8", "quantity": "20000", "unit": "pcs",
           "unit_price": "0.012"}]


@pytest.fixture
def trade(make, api):
    return Trade.start(make, api)


def _inquiry(trade, lines=PRICED):
    return trade.act("buyer", trade.create("buyer", "inquiry", lines=lines,
                                           payment_terms="lc_sight"), "send")


def test_mvc_terms_are_applied_to_a_derived_quotation(app, trade):
    classify(app, trade.supplier.company_id, trade.buyer.company_id, "MVC")
    set_terms(app, trade.supplier.company_id, "MVC", payment_terms="tt",
              discount_pct=Decimal("5"), lead_time_days=20)
    set_terms(app, trade.supplier.company_id, "BZ", payment_terms="card",
              discount_pct=Decimal("0"), lead_time_days=60)

    quotation = trade.derive("supplier", _inquiry(trade), "quotation")

    assert quotation["payment_terms"] == "tt"  # not the inquiry's L/C, nor BZ's card
    assert quotation["extras"]["lead_time_days"] == 20
    # 5 % off: 0.072 → 0.0684, 0.012 → 0.0114; 20000 × each = 1368 + 228 = 1596.
    prices = [Decimal(line["unit_price"]) for line in quotation["lines"]]
    assert prices == [Decimal("0.0684"), Decimal("0.0114")]
    assert Decimal(quotation["totals"]["total"]) == Decimal("1596")

    applied = trade.api.get(f"/analytics/treatments/applied/{quotation['id']}",
                            trade.supplier_token)
    assert applied.status_code == 200
    body = applied.get_json()
    assert body["segment"] == "MVC"
    assert body["applied"]["discount_pct"] == "5.00"
    assert any("lead time 20 days" in part for part in body["summary"])


def test_small_order_gets_the_surcharge_line_and_a_large_one_does_not(app, trade):
    classify(app, trade.supplier.company_id, trade.buyer.company_id, "BZ")
    set_terms(app, trade.supplier.company_id, "BZ", min_order_value=Decimal("2000"),
              small_order_surcharge=Decimal("35"))
    small = trade.derive("supplier", _inquiry(trade), "quotation")  # 1680 < 2000
    assert len(small["lines"]) == 3
    surcharge = small["lines"][2]
    assert Decimal(surcharge["unit_price"]) == 35 and Decimal(surcharge["quantity"]) == 1
    assert "surcharge" in surcharge["description"].lower()

    large_lines = [{**line, "quantity": "40000"} for line in PRICED]  # 3360 ≥ 2000
    large = trade.derive("supplier", _inquiry(trade, large_lines), "quotation")
    assert len(large["lines"]) == 2


def test_a_buyer_without_figures_gets_the_other_segment_terms(app, trade):
    set_terms(app, trade.supplier.company_id, "other", payment_terms="dp")
    quotation = trade.derive("supplier", _inquiry(trade), "quotation")
    assert quotation["payment_terms"] == "dp"


def test_the_member_changes_the_defaults_before_sending(app, trade):
    classify(app, trade.supplier.company_id, trade.buyer.company_id, "BZ")
    set_terms(app, trade.supplier.company_id, "BZ", payment_terms="card",
              lead_time_days=60, min_order_value=Decimal("5000"),
              small_order_surcharge=Decimal("50"))
    quotation = trade.derive("supplier", _inquiry(trade), "quotation")
    assert len(quotation["lines"]) == 3
    changed = trade.patch("supplier", quotation, payment_terms="tt",
                          extras={"lead_time_days": 30}, lines=PRICED)  # surcharge dropped
    sent = trade.act("supplier", changed, "send")
    assert sent["status"] == "sent"
    seen = trade.get("buyer", sent)
    assert seen["payment_terms"] == "tt" and seen["extras"]["lead_time_days"] == 30
    assert len(seen["lines"]) == 2


def test_a_revised_quotation_is_not_discounted_twice(app, trade):
    classify(app, trade.supplier.company_id, trade.buyer.company_id, "MVC")
    set_terms(app, trade.supplier.company_id, "MVC", discount_pct=Decimal("10"))
    quotation = trade.derive("supplier", _inquiry(trade), "quotation")
    sent = trade.act("supplier", quotation, "send")
    revised = trade.derive("supplier", sent, "quotation")
    assert [line["unit_price"] for line in revised["lines"]] == \
        [line["unit_price"] for line in sent["lines"]]


def test_the_buyer_never_learns_its_segment(app, trade):
    classify(app, trade.supplier.company_id, trade.buyer.company_id, "BZ")
    set_terms(app, trade.supplier.company_id, "BZ", payment_terms="card")
    quotation = trade.act("supplier", trade.derive("supplier", _inquiry(trade), "quotation"),
                          "send")
    as_buyer = trade.api.get(f"/documents/{quotation['id']}", trade.buyer_token)
    assert "BZ" not in as_buyer.get_data(as_text=True)
    refused = trade.api.get(f"/analytics/treatments/applied/{quotation['id']}",
                            trade.buyer_token)
    assert refused.status_code == 403


def test_terms_are_set_and_read_through_the_api(trade):
    response = trade.api.call("PUT", "/analytics/treatments", trade.supplier_token, json={
        "treatments": [{"segment": "MVC", "payment_terms": "tt", "discount_pct": "3.5",
                        "lead_time_days": 14, "response_hours": 4,
                        "min_order_value": "500", "small_order_surcharge": "25",
                        "currency": "EUR"}]})
    assert response.status_code == 200, response.get_json()
    listed = trade.api.get("/analytics/treatments", trade.supplier_token).get_json()
    rows = {row["segment"]: row for row in listed["treatments"]}
    assert list(rows) == ["MVC", "MGC", "BZ", "other"]
    assert rows["MVC"] == {"segment": "MVC", "payment_terms": "tt", "discount_pct": "3.50",
                           "lead_time_days": 14, "response_hours": 4,
                           "min_order_value": "500.00", "small_order_surcharge": "25.00",
                           "currency": "EUR", "saved": True}
    assert rows["BZ"]["saved"] is False and rows["BZ"]["discount_pct"] == "0"


@pytest.mark.parametrize(("field", "value", "says"), [
    ("discount_pct", "-5", "Discount % (MVC (most valuable)): must not be negative."),
    ("discount_pct", "100", "Discount % (MVC (most valuable)): from 0 to 100."),
    ("discount_pct", "2.555", "at most 2 decimal places"),
    ("lead_time_days", -1, "Lead time (days) (MVC (most valuable)): a whole number"),
    ("response_hours", 0, "Response target (hours)"),
    ("min_order_value", "-1", "Minimum order value (MVC (most valuable)): must not be"),
    ("payment_terms", "cash", "Payment terms (MVC (most valuable)): one of"),
    ("currency", "XXY", "Currency (MVC (most valuable))"),
])
def test_bad_terms_are_refused_by_field_and_nothing_is_saved(trade, field, value, says):
    body = {"treatments": [{"segment": "MGC", "discount_pct": "2"},
                           {"segment": "MVC", "payment_terms": "tt", field: value}]}
    response = trade.api.call("PUT", "/analytics/treatments", trade.supplier_token,
                              json=body)
    assert response.status_code == 422
    problem = response.get_json()
    assert says in " ".join(problem["errors"][f"MVC.{field}"])
    listed = trade.api.get("/analytics/treatments", trade.supplier_token).get_json()
    assert not any(row["saved"] for row in listed["treatments"])  # MGC's good row neither


def test_a_surcharge_without_a_minimum_is_refused(trade):
    response = trade.api.call("PUT", "/analytics/treatments", trade.supplier_token, json={
        "treatments": [{"segment": "BZ", "small_order_surcharge": "20"}]})
    assert response.status_code == 422
    assert "minimum order value" in response.get_json()["errors"]["BZ.small_order_surcharge"][0]


def test_refusals_speak_chinese(app, trade):
    speaks_chinese(app, trade.supplier.user_id)
    response = trade.api.call("PUT", "/analytics/treatments", trade.supplier_token, json={
        "treatments": [{"segment": "MVC", "discount_pct": "-1"}]})
    assert response.status_code == 422
    message = response.get_json()["errors"]["MVC.discount_pct"][0]
    assert "折扣" in message and "負" in message


def test_a_buyer_and_an_unknown_field_are_refused(make, api, trade):
    buyer = api.get("/analytics/treatments", trade.buyer_token)
    assert buyer.status_code == 403
    assert buyer.headers["Content-Type"].startswith("application/problem+json")
    unknown = api.call("PUT", "/analytics/treatments", trade.supplier_token, json={
        "treatments": [{"segment": "MVC", "company_id": 1}]})
    assert unknown.status_code == 422
    other = make.company_with_admin("Other Supplier", roles=("supplier",))
    other_token = api.token(other)
    set_terms_response = api.call("PUT", "/analytics/treatments", other_token, json={
        "treatments": [{"segment": "MVC", "discount_pct": "9"}]})
    assert set_terms_response.status_code == 200
    mine = api.get("/analytics/treatments", trade.supplier_token).get_json()["treatments"]
    assert mine[0]["discount_pct"] == "0"  # the other supplier's terms are its own


def test_catalog_lines_are_priced_from_tiers_and_free_text_lines_are_named(app, trade):
    from marketplace.content.operations.products import save_product
    from marketplace.core.boundary import commit
    from marketplace.extensions import db
    from marketplace.infrastructure.models import Company

    with app.test_request_context():
        product = save_product(db.session.get(Company, trade.supplier.company_id), {
            "sku": "VAL-50", "name": "Ball valve DN50", "status": "published",
            "currency": "USD", "price_tiers": [{"min_qty": "1", "unit_price": "20"},
                                               {"min_qty": "100", "unit_price": "18"}]})
        commit()
        product_id = product.id
    classify(app, trade.supplier.company_id, trade.buyer.company_id, "MVC")
    set_terms(app, trade.supplier.company_id, "MVC", discount_pct=Decimal("10"))
    inquiry = _inquiry(trade, lines=[
        {"product_id": product_id, "quantity": "150", "unit": "pcs"},
        {"description": "Custom gasket to drawing", "quantity": "150", "unit": "pcs"}])
    quotation = trade.derive("supplier", inquiry, "quotation")
    # The tier for 150 is 18; 10 % off is 16.20. The free-text line stays unpriced.
    assert [line["unit_price"] for line in quotation["lines"]] == ["16.20", None]
    summary = trade.api.get(f"/analytics/treatments/applied/{quotation['id']}",
                            trade.supplier_token).get_json()["summary"]
    assert summary == ["10 % off the list price on 1 line(s)",
                       "1 line(s) without a price: enter the net price with the discount"]


def test_the_surcharge_is_stated_in_money(app, trade):
    classify(app, trade.supplier.company_id, trade.buyer.company_id, "BZ")
    set_terms(app, trade.supplier.company_id, "BZ", min_order_value=Decimal("2000"),
              small_order_surcharge=Decimal("35"))
    quotation = trade.derive("supplier", _inquiry(trade), "quotation")
    body = trade.api.get(f"/analytics/treatments/applied/{quotation['id']}",
                         trade.supplier_token).get_json()
    assert body["applied"]["surcharge"] == "35.00"
    assert body["summary"] == ["small-order surcharge 35.00 (total below 2000.00)"]


def test_a_change_of_terms_is_audited(app, trade):
    from marketplace.core.audit import AuditEvent
    from marketplace.extensions import db

    body = {"treatments": [{"segment": "MVC", "discount_pct": "3.5"}]}
    assert trade.api.call("PUT", "/analytics/treatments", trade.supplier_token,
                          json=body).status_code == 200
    assert trade.api.call("PUT", "/analytics/treatments", trade.supplier_token,
                          json=body).status_code == 200  # the same again changes nothing
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent).where(
            AuditEvent.action == "crm.treatment_changed")).all()
        assert len(events) == 1
        assert events[0].actor_user_id == trade.supplier.user_id
        assert events[0].company_id == trade.supplier.company_id
        assert events[0].changes["segment"] == "MVC"
        assert events[0].changes["discount_pct"] == [None, "3.50"]

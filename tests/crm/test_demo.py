"""The demo (``flask seed-demo``) fills every analytics view: its two years of trade
(crm.demo) give each demo supplier customers in all five fifths, its most valuable,
growable and below-zero customers, the fading ones at risk, products ordered together,
response times that got faster; and a demo buyer its suppliers' scorecards."""

from decimal import Decimal

from sqlalchemy import select

from marketplace.cli import DEMO_PASSWORD
from marketplace.extensions import db

# Who each demo supplier's stories make of its customers (crm.demo.STORIES).
EXPECTED = {
    "chen@tpf.example.com": {"MVC": "Midwest Hardware", "MGC": "Nordic Build",
                             "BZ": "Quickfix Traders", "at risk": "Osaka Kogu"},
    "elif@anatolia.example.com": {"MVC": "Aegean Hotel Group", "MGC": "Maison Lumière",
                                  "BZ": "Quickfix Traders", "at risk": "Brightside Home"},
}


def _named(rows: list[dict], segment: str) -> set[str]:
    return {row["buyer_name"] for row in rows if row["segment"] == segment}


def _has(names: set[str], short: str) -> bool:
    return any(short in name for name in names)


def test_the_demo_fills_every_analytics_view(app, api, demo):
    """One load of the demo (it takes a while), then what each side sees."""
    assert demo.exit_code == 0, demo.output  # seeded once for the demo tests (conftest)
    _suppliers_see_fifths_segments_and_customers_at_risk(api)
    _supplier_sees_how_fast_it_answers(api)
    _a_buyer_sees_what_sells_together(app, api)
    _a_buyer_sees_its_suppliers_scorecards(api)


def _suppliers_see_fifths_segments_and_customers_at_risk(api):
    for email, expected in EXPECTED.items():
        token = api.token(email, DEMO_PASSWORD)
        customers = api.get("/analytics/customers?per_page=100", token).get_json()
        rows = customers["items"]
        assert customers["total"] == len(rows) >= 8, email
        assert {row["quintile"] for row in rows} == {1, 2, 3, 4, 5}, email
        for segment in ("MVC", "MGC", "BZ"):
            assert _has(_named(rows, segment), expected[segment]), (email, segment, rows)
        below_zero = next(r for r in rows if expected["BZ"] in r["buyer_name"])
        assert below_zero["margin"] is not None  # its products' cost prices are known

        at_risk = api.get("/analytics/at-risk", token).get_json()["items"]
        assert _has({row["buyer_name"] for row in at_risk}, expected["at risk"]), at_risk
        risky = next(r for r in at_risk if expected["at risk"] in r["buyer_name"])
        assert risky["days_since_last_order"] > float(risky["usual_interval_days"])

        fifths = api.get("/analytics/quintiles", token).get_json()["items"]
        assert [f["quintile"] for f in fifths] == [1, 2, 3, 4, 5]
        assert all(f["customers"] >= 1 for f in fifths)
        terms = api.get("/analytics/treatments", token).get_json()["treatments"]
        by_segment = {row["segment"]: row for row in terms}
        assert Decimal(by_segment["MVC"]["discount_pct"]) > 0  # best customers get a discount
        assert by_segment["BZ"]["small_order_surcharge"] is not None
        segments = api.get("/analytics/segments", token).get_json()
        assert {s["segment"] for s in segments["current"] if s["customers"]} >= {
            "MVC", "MGC", "BZ"}
        assert len({h["month"] for h in segments["history"]}) >= 12  # monthly snapshots


def _supplier_sees_how_fast_it_answers(api):
    lin = api.token("lin@tpf.example.com", DEMO_PASSWORD)
    speed = api.get("/analytics/response-times", lin).get_json()
    assert speed["inquiry_to_quotation_hours_median"] is not None
    assert speed["inquiry_to_quotation_hours_p90"] is not None
    assert speed["inquiry_to_order_days_median"] is not None
    assert speed["po_to_documents_hours_median"] is not None
    assert speed["quotation_win_rate"] is not None
    # It answers faster than it did: the median of the latest three whole months with
    # inquiries below that of the first three of the year.
    months = [float(m["inquiry_to_quotation_hours_median"]) for m in speed["months"][:-1]
              if m["inquiry_to_quotation_hours_median"] is not None]
    assert len(months) >= 6
    assert sum(months[-3:]) < sum(months[:3])


def _a_buyer_sees_what_sells_together(app, api):
    from marketplace.content.models import Product

    with app.app_context():
        bolt = db.session.scalar(select(Product).where(Product.sku == "HB-M8-30"))
        bolt_id = bolt.id
    james = api.token("james@northwind.example.com", DEMO_PASSWORD)
    often = api.get(f"/analytics/recommendations?product_id={bolt_id}", james).get_json()
    skus_with = {row["name"] for row in often["items"]}
    assert often["items"] and all(float(row["lift"]) > 0 for row in often["items"])
    assert any("nut" in name.lower() for name in skus_with)  # bolt, nut, washer
    assert any("washer" in name.lower() for name in skus_with)


def _a_buyer_sees_its_suppliers_scorecards(api):
    anna = api.token("anna@hanse.example.com", DEMO_PASSWORD)
    cards = api.get("/analytics/supplier-scorecards", anna).get_json()["items"]
    names = {card["supplier_name"] for card in cards}
    assert _has(names, "Taiwan Precision Fasteners") and _has(names, "Anatolia Home Textiles")
    for card in cards:
        assert card["on_time_rate"] is not None, card
        assert card["shortage_rate"] is not None and card["damage_rate"] is not None, card
        assert card["response_hours_median"] is not None, card

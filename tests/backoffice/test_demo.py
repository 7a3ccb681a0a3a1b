"""The demo (``flask seed-demo``) leaves reports waiting in the operator's moderation
queue, and the dashboard shows the demo's trade."""

from datetime import date, timedelta

from marketplace.cli import DEMO_OPERATOR, DEMO_PASSWORD


def test_the_demo_operator_finds_reports_to_moderate_and_a_dashboard(api, demo):
    assert demo.exit_code == 0, demo.output
    operator = api.token(DEMO_OPERATOR[0], DEMO_PASSWORD)
    queue = api.get("/admin/reports?status=open", operator).get_json()
    assert queue["total"] == 3
    assert {r["reason"] for r in queue["items"]} == {"counterfeit", "misleading", "other"}
    assert {r["kind"] for r in queue["items"]} == {"product", "bulletin"}
    # The demo's two years of trade (a period may span three years at most).
    since = (date.today() - timedelta(days=2 * 365 + 60)).isoformat()
    stats = api.get("/admin/stats", operator, query_string={"from": since}).get_json()
    assert stats["companies_by_status"]["active"] >= 4
    assert any(p["value"] != "0" for p in stats["trade_value_per_month"])

"""The back office's plans and revenue (issue 15.4) on a known set, through the Stripe
stand-in: two companies pay (Standard 49 USD, Premium 199 USD), one stays on Free; the
dashboard counts companies per plan and this month's membership revenue per plan, in the
API, the page and its export."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from marketplace.core.types import utcnow
from tests.billing.support import seed_plans, webhook
from tests.factories import portal_login


def _subscribe(api, stub, token: str, plan: str) -> None:
    answer = api.post("/billing/checkout", token, json={"plan": plan})
    assert answer.status_code == 201, answer.get_json()
    for payload in stub.paid_events(answer.get_json()["checkout_url"].rsplit("/", 1)[1]):
        assert webhook(api, payload).status_code == 200


def test_plans_and_revenue_on_the_dashboard(make, api, app, stub, client):
    seed_plans(app)
    operator = make.operator()
    standard = make.company_with_admin("Formosa Bolts", roles=("supplier",))
    premium = make.company_with_admin("Baltic Tools", roles=("buyer",))
    make.company_with_admin("Free Riders", roles=("buyer",))
    _subscribe(api, stub, api.token(standard), "standard")
    _subscribe(api, stub, api.token(premium), "premium")

    stats = api.get("/admin/stats", api.token(operator)).get_json()
    plans = stats["plans"]
    assert plans["companies_per_plan"] == {"free": 1, "standard": 1, "premium": 1}
    month = utcnow().strftime("%Y-%m")
    revenue = {(row["month"], row["plan"]): (row["subscriptions"], Decimal(row["revenue"]),
                                             row["currency"])
               for row in plans["revenue_per_month"]}
    assert revenue == {(month, "premium"): (1, Decimal("199.00"), "USD"),
                       (month, "standard"): (1, Decimal("49.00"), "USD")}

    portal_login(client, operator.email)
    page = client.get("/admin/dashboard").get_data(as_text=True)
    assert 'id="companies-per-plan"' in page
    export = client.get("/admin/dashboard/export?format=csv")
    assert export.status_code == 200
    text = export.get_data(as_text=True).lstrip("\ufeff")
    rows = {(row["figure"], row["period"], row["currency"]): row["value"]
            for row in csv.DictReader(io.StringIO(text))}
    assert rows[("companies_on_plan:standard", "", "")] == "1"
    assert rows[("companies_on_plan:free", "", "")] == "1"
    assert Decimal(rows[("revenue:premium", month, "USD")]) == Decimal("199")
    assert Decimal(rows[("revenue:standard", month, "USD")]) == Decimal("49")

    listed = client.get("/admin/billing/subscriptions").get_data(as_text=True)
    table = listed[listed.index('id="subscription-list"'):]
    rows = re.findall(r"<tr>\s*<td><a [^>]*>([^<]+)</a></td>\s*<td>([^<]+)", table)
    assert sorted((name, plan.strip()) for name, plan in rows) == [
        ("Baltic Tools", "Premium"), ("Formosa Bolts", "Standard")]
    assert "Free Riders" not in table  # never subscribed: counted on Free, no row

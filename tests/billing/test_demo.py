"""The demo (flask seed-demo): the plans seeded, Taiwan Precision Fasteners on the paid
Standard plan with its membership invoice, and Northwind Retail at the free plan's
member limit, so inviting a fourth member shows the limit."""

from __future__ import annotations

from tests.factories import csrf_token, portal_login


def test_the_demo_has_a_paid_company_and_a_reachable_free_limit(demo, app, client, api):
    from marketplace.cli import DEMO_PASSWORD as password

    plans = api.get("/plans").get_json()
    assert [p["code"] for p in plans["items"]] == ["free", "standard", "premium"]
    token = api.token("chen@tpf.example.com", password)
    paid = api.get("/billing/subscription", token).get_json()
    assert paid["plan"]["code"] == "standard" and paid["status"] == "active"
    invoices = api.get("/billing/invoices", token).get_json()["items"]
    assert len(invoices) == 1 and invoices[0]["number"].startswith("MEM-")

    assert portal_login(client, "sarah@northwind.example.com", password).status_code == 302
    page = client.get("/billing").get_data(as_text=True)
    assert 'id="current-plan">Free<' in page
    answer = client.post("/members/invite", data={
        "csrf_token": csrf_token(client, "/members"), "email": "new@northwind.example.com",
        "role": "purchasing"}, follow_redirects=True)
    assert "Your plan (Free) allows 3 members; 3 are members or invited." in \
        answer.get_data(as_text=True)

"""The operator's plan editor (bad input shown beside its fields, nothing saved) and the
limit's refusal in Chinese for a member reading the portal in Chinese."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.billing.models import Plan
from marketplace.extensions import db
from tests.billing.support import seed_plans
from tests.factories import csrf_token, portal_login
from tests.pending_translations import load_pending_translations


def test_the_operator_edits_a_plan_and_bad_input_changes_nothing(make, client, app):
    seed_plans(app)
    operator = make.operator()
    portal_login(client, operator.email)
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id).where(Plan.code == "standard"))
    url = f"/admin/billing/plans/{plan_id}"
    form = {"csrf_token": csrf_token(client, url), "name": "Standard", "currency": "USD",
            "monthly_price": "-5", "max_products": "-1", "max_members": "10", "active": "y"}
    refused = client.post(url, data=form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'value="-5' in html and "is-invalid" in html  # what was typed stays
    form.update(monthly_price="59.00", max_products="", name_zh="標準方案")
    assert client.post(url, data=form).status_code == 303
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        assert str(plan.monthly_price) == "59.0000" and plan.max_products is None  # unlimited
    listed = client.get("/admin/billing/plans").get_data(as_text=True)
    assert "59.00 USD" in listed
    # The free plan stays free.
    with app.app_context():
        free_id = db.session.scalar(select(Plan.id).where(Plan.code == "free"))
    free = client.post(f"/admin/billing/plans/{free_id}", data={**form, "name": "Free"})
    assert free.status_code == 422
    assert "The free plan costs nothing" in free.get_data(as_text=True)


def test_the_limit_is_refused_in_chinese(make, client, app, tmp_path):
    seed_plans(app, max_members=1)
    admin = make.company_with_admin("大同貿易")
    undo = load_pending_translations(app, tmp_path / "pending")
    try:
        with client.session_transaction() as session:
            session["language"] = "zh_Hant"
        portal_login(client, admin.email)
        answer = client.post("/members/invite", data={
            "csrf_token": csrf_token(client, "/members"), "email": "x@example.com",
            "role": "sales"}, follow_redirects=True)
        assert "您的方案（免費方案）允許 1 位成員；已有 1 位成員或受邀者。" in \
            answer.get_data(as_text=True)
        page = client.get("/billing").get_data(as_text=True)
        assert "方案與用量" in page and "已上架產品" in page
    finally:
        undo()

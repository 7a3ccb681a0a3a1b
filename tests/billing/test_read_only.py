"""Read-only beyond the free plan (issue 15.2): a paid company whose payment fails keeps
its plan through the grace period; once it is over, what exceeds the free plan stays —
nothing deleted, nothing unpublished — but is read-only: the products published last
beyond the free plan's allowance cannot be edited (unpublishing them stays possible),
and the members who joined last beyond it can read but not change anything (admins
always can). Refused with the limit named, in the API's problem format and the portal's
flash, in the reader's language. Paid again, everything is editable again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.billing.models import Subscription
from marketplace.content.models import Product, ProductStatus
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import User
from tests.billing.support import seed_plans, webhook
from tests.billing.test_subscriptions import checkout, product, subscription
from tests.factories import csrf_token, portal_login
from tests.pending_translations import load_pending_translations

PRODUCT_BEYOND = ("Your plan (Free) allows 2 products; 4 are published. This product is "
                  "beyond what your plan allows, so it stays published but read-only until "
                  "your company's payment goes through or no more than 2 products are "
                  "published.")
MEMBER_BEYOND = ("Your plan (Free) allows 2 members; 3 are members. Your membership is "
                 "beyond what the plan allows, so you can read but not change anything until "
                 "your company's payment goes through or an admin brings the members down "
                 "to 2.")


@pytest.fixture
def world(make, api, app, stub):
    """Formosa Bolts on Standard with four published products A-D (in that order) and
    three members: the admin, then Amy (sales), then Ben (sales), who joined last."""
    seed_plans(app, max_products=2, max_members=2)
    admin = make.company_with_admin("Formosa Bolts", roles=("supplier",))
    admin.token = api.token(admin)
    session_id = checkout(api, admin, stub)
    for payload in stub.paid_events(session_id):
        assert webhook(api, payload).status_code == 200
    amy = make.member(admin.company_id, "sales", email="amy@example.com")
    ben = make.member(admin.company_id, "sales", email="ben@example.com")
    amy.token, ben.token = api.token(amy), api.token(ben)
    ids = {}
    for sku in "ABCD":
        answer = api.post("/products", admin.token, json=product(sku))
        assert answer.status_code == 201, answer.get_json()
        ids[sku] = answer.get_json()["id"]
    return {"admin": admin, "amy": amy, "ben": ben, "ids": ids, "session_id": session_id}


def _grace_over(app) -> None:
    with app.app_context():
        row = db.session.scalar(select(Subscription))
        row.grace_until = utcnow() - timedelta(minutes=1)
        db.session.commit()


def _rename(api, token, product_id, name, **headers):
    return api.patch(f"/products/{product_id}", token, json={"name": name}, headers=headers)


def _products(app) -> dict[str, tuple[str, ProductStatus]]:
    with app.app_context():
        return {sku: (name, status) for sku, name, status in db.session.execute(
            select(Product.sku, Product.name, Product.status))}


def test_past_due_then_read_only_beyond_free_then_paid_again(world, api, app, stub):
    admin, amy, ben, ids = world["admin"], world["amy"], world["ben"], world["ids"]
    assert webhook(api, stub.payment_failed(world["session_id"])).status_code == 200
    # In the grace period everything stays editable.
    assert _rename(api, admin.token, ids["D"], "Bolt D v2").status_code == 200
    assert _rename(api, ben.token, ids["C"], "Bolt C v2").status_code == 200

    _grace_over(app)
    standing = subscription(api, admin)
    assert standing["read_only_beyond_free"] is True
    assert standing["read_only"] == {"products": 2, "members": 1}

    # The two published first stay editable; C and D (published last) are read-only.
    assert _rename(api, admin.token, ids["A"], "Bolt A v2").status_code == 200
    refused = _rename(api, admin.token, ids["D"], "Bolt D v3")
    assert refused.status_code == 409
    problem = refused.get_json()
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert problem["detail"] == PRODUCT_BEYOND
    assert (problem["limit"], problem["allowed"], problem["used"]) == ("products", 2, 4)
    assert problem["allowed_actions"] == ["unpublish", "archive", "delete"]
    media_order = api.call("PATCH", f"/products/{ids['C']}/media/order", admin.token,
                           json={"ids": []})
    assert media_order.status_code == 409 and media_order.get_json()["limit"] == "products"
    # Nothing is deleted or withdrawn: D is still published and found by buyers.
    assert _products(app)["D"] == ("Bolt D v2", ProductStatus.PUBLISHED)
    assert api.get(f"/products/{ids['D']}").status_code == 200

    # Ben joined last, beyond Free's two members: he reads, he changes nothing.
    assert api.get(f"/products/{ids['A']}", ben.token).status_code == 200
    member_refused = _rename(api, ben.token, ids["A"], "Ben's name")
    assert member_refused.status_code == 409
    assert member_refused.get_json()["detail"] == MEMBER_BEYOND
    assert member_refused.get_json()["limit"] == "members"
    # Amy joined before him and may still act.
    assert _rename(api, amy.token, ids["A"], "Amy's name").status_code == 200
    assert _products(app)["A"][0] == "Amy's name"

    # Unpublishing a read-only product stays possible; as a draft it is editable, and it
    # cannot be published again while three are published.
    assert api.patch(f"/products/{ids['D']}", admin.token,
                     json={"status": "draft"}).status_code == 200
    assert _rename(api, admin.token, ids["D"], "Bolt D draft").status_code == 200
    again = api.patch(f"/products/{ids['D']}", admin.token, json={"status": "published"})
    assert again.status_code == 409
    assert again.get_json()["detail"].startswith(
        "Your plan (Free) allows 2 products; 3 are published.")
    assert _rename(api, admin.token, ids["C"], "Bolt C v3").status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == 4

    # Paid again: the plan is whole and everything is editable.
    assert webhook(api, stub.invoice_paid(world["session_id"], invoice_id="in_retry")
                   ).get_json()["outcome"] == "applied"
    back = subscription(api, admin)
    assert back["status"] == "active" and back["read_only"] == {"products": 0, "members": 0}
    assert _rename(api, admin.token, ids["C"], "Bolt C v3").status_code == 200
    assert _rename(api, ben.token, ids["A"], "Ben's name").status_code == 200
    assert api.patch(f"/products/{ids['D']}", admin.token,
                     json={"status": "published"}).status_code == 200
    assert {sku: row[1] for sku, row in _products(app).items()} == {
        sku: ProductStatus.PUBLISHED for sku in "ABCD"}


def _edit_form(client, product_id: int, name: str) -> dict:
    path = f"/my/products/{product_id}/edit"
    page = client.get(path).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return {"csrf_token": csrf_token(client, path), "version": version,
            "sku": re.search(r'name="sku"[^>]*value="([^"]*)"', page).group(1),
            "name": name, "unit": "pcs", "currency": "USD",
            "price_tiers-0-min_qty": "1", "price_tiers-0-unit_price": "1.00", "save": "Save"}


def test_a_catalog_import_changes_only_what_the_plan_leaves_editable(world, app, api, stub):
    """The import asks once for its whole batch, with the same answer row by row: the
    rows of read-only products are refused with the limit named, the others saved."""
    import io

    from tests.content.catalog_support import csv_file

    assert webhook(api, stub.payment_failed(world["session_id"])).status_code == 200
    _grace_over(app)
    rows = [{"sku": sku, "name": f"Bolt {sku} imported", "status": status}
            for sku, status in (("A", ""), ("B", "published"), ("C", ""), ("D", "draft"))]
    answer = api.post("/catalog/import", world["admin"].token, data={
        "file": (io.BytesIO(csv_file(rows)), "catalog.csv")},
        content_type="multipart/form-data")
    assert answer.status_code == 200, answer.get_json()
    result = answer.get_json()
    assert (result["updated"], result["failed_rows"]) == (3, 1)
    assert result["errors"] == [{"row": 4, "field": None, "message": PRODUCT_BEYOND}]
    assert _products(app) == {
        "A": ("Bolt A imported", ProductStatus.PUBLISHED),
        "B": ("Bolt B imported", ProductStatus.PUBLISHED),
        "C": ("Bolt C", ProductStatus.PUBLISHED),  # read-only: left as it was
        "D": ("Bolt D imported", ProductStatus.DRAFT)}  # withdrawing it stays possible


def test_the_portal_flashes_the_read_only_limit(world, app, client, api, stub):
    admin, ids = world["admin"], world["ids"]
    assert webhook(api, stub.payment_failed(world["session_id"])).status_code == 200
    _grace_over(app)
    portal_login(client, admin.email)
    billing = client.get("/billing").get_data(as_text=True)
    assert 'id="read-only-notice"' in billing
    assert "2 published products are beyond the free plan" in billing
    assert "1 member is beyond the free plan" in billing

    path = f"/my/products/{ids['D']}/edit"
    editor = client.get(path).get_data(as_text=True).replace("&#39;", "'")
    assert 'id="read-only-product"' in editor and PRODUCT_BEYOND in editor
    assert 'id="read-only-product"' not in client.get(
        f"/my/products/{ids['A']}/edit").get_data(as_text=True)
    answer = client.post(path, data=_edit_form(client, ids["D"], "Portal name"))
    assert answer.status_code == 409
    assert PRODUCT_BEYOND in answer.get_data(as_text=True).replace("&#39;", "'")
    assert _products(app)["D"][0] == "Bolt D"
    # An editable one saves as ever.
    saved = client.post(f"/my/products/{ids['A']}/edit",
                        data=_edit_form(client, ids["A"], "Portal name"))
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert _products(app)["A"][0] == "Portal name"

    # Ben's posts go back to the page he came from with the reason; logging out works.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/billing")})
    portal_login(client, world["ben"].email)
    path = f"/my/products/{ids['B']}/edit"
    form = _edit_form(client, ids["B"], "Ben's portal name")
    answer = client.post(path, data=form, headers={"Referer": f"http://localhost{path}"},
                         follow_redirects=True)
    assert MEMBER_BEYOND in answer.get_data(as_text=True).replace("&#39;", "'")
    assert _products(app)["B"][0] == "Bolt B"
    out = client.post("/logout", data={"csrf_token": csrf_token(client, "/billing")})
    assert out.status_code == 302 and out.headers["Location"].endswith("/login")


def test_the_read_only_refusal_in_chinese(world, app, api, stub, tmp_path):
    assert webhook(api, stub.payment_failed(world["session_id"])).status_code == 200
    _grace_over(app)
    with app.app_context():  # both read the marketplace in Chinese
        for member in (world["admin"], world["ben"]):
            db.session.get(User, member.user_id).language = "zh_Hant"
        db.session.commit()
    undo = load_pending_translations(app, tmp_path / "pending")
    try:
        refused = _rename(api, world["admin"].token, world["ids"]["D"], "x")
        assert refused.status_code == 409
        assert refused.get_json()["detail"] == (
            "您的方案（免費方案）允許 2 項產品；已上架 4 項。此產品超出方案允許的數量，"
            "因此仍維持上架但為唯讀，直到貴公司付款成功，或上架產品不超過 2 項為止。")
        member = _rename(api, world["ben"].token, world["ids"]["A"], "x")
        assert member.get_json()["detail"].startswith(
            "您的方案（免費方案）允許 2 位成員；目前有 3 位成員。")
    finally:
        undo()


def test_a_catalog_import_changes_what_is_editable_and_reports_the_rest(world, api, app,
                                                                       stub):
    """Re-importing the catalog: a changed row of a read-only product is reported with the
    limit named, an editable one is saved, an unchanged one is left alone (no refusal)."""
    from tests.content.catalog_support import csv_file, post_import

    assert webhook(api, stub.payment_failed(world["session_id"])).status_code == 200
    _grace_over(app)
    rows = [{"sku": "A", "name": "Bolt A imported"}, {"sku": "C", "name": "Bolt C"},
            {"sku": "D", "name": "Bolt D imported"}]
    answer = post_import(api, world["admin"].token, csv_file(rows, header=["sku", "name"]))
    assert answer.status_code == 200, answer.get_json()
    result = answer.get_json()
    assert (result["updated"], result["failed_rows"]) == (1, 1)
    [error] = result["errors"]
    assert error["row"] == 4 and error["message"] == PRODUCT_BEYOND
    names = {sku: row[0] for sku, row in _products(app).items()}
    assert names == {"A": "Bolt A imported", "B": "Bolt B", "C": "Bolt C", "D": "Bolt D"}

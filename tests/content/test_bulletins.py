"""Bulletins: product announcements and trade leads, with expiry, filters, the owner's
changes under If-Match, and the operator's hide / unhide."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from marketplace.content.models import Bulletin, Product, ProductStatus
from marketplace.core.boundary import commit
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus
from tests.factories import csrf_token, portal_login

PROBLEM = "application/problem+json"


# ----- test data ------------------------------------------------------------------------------


def add_category(app, code: str, name: str, parent: str | None = None,
                 name_zh: str | None = None) -> int:
    with app.test_request_context():
        parent_id = db.session.scalar(db.select(Category.id).where(Category.code == parent)) \
            if parent else None
        category = Category(code=code, name=name, name_zh=name_zh, parent_id=parent_id)
        db.session.add(category)
        db.session.flush()
        commit()
        return category.id


def add_product(app, company_id: int, sku: str, *, published: bool = True) -> int:
    with app.test_request_context():
        product = Product(company_id=company_id, sku=sku, name=f"Product {sku}",
                          status=ProductStatus.PUBLISHED if published else ProductStatus.DRAFT)
        db.session.add(product)
        db.session.flush()
        commit()
        return product.id


def set_bulletin(app, bulletin_id: int, **values) -> None:
    with app.test_request_context():
        bulletin = db.session.get(Bulletin, bulletin_id)
        for name, value in values.items():
            setattr(bulletin, name, value)
        commit()


def set_company_status(app, company_id: int, status: CompanyStatus) -> None:
    with app.test_request_context():
        db.session.get(Company, company_id).status = status
        commit()


def in_days(days: float) -> str:
    return (utcnow() + timedelta(days=days)).isoformat()


def bulletin_body(**values) -> dict:
    return {"kind": "sell_offer", "title": "M8 stainless steel bolts, 20 t in stock",
            "body": "A2-70, DIN 933. FOB Kaohsiung.", "category": "hardware.fasteners",
            **values}


@pytest.fixture
def categories(app):
    hardware = add_category(app, "hardware", "Hardware & Tools", name_zh="五金與工具")
    fasteners = add_category(app, "hardware.fasteners", "Fasteners", "hardware", "扣件")
    tea = add_category(app, "food.tea", "Tea")
    return {"hardware": hardware, "fasteners": fasteners, "tea": tea}


@pytest.fixture
def supplier(make, categories):
    return make.company_with_admin("Formosa Fasteners", roles=("supplier",), country="TW")


def post(api, token, **values):
    return api.post("/bulletins", token, json=bulletin_body(**values))


def posted(api, token, **values) -> dict:
    response = post(api, token, **values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def listed_titles(api, token=None, query: str = "") -> list[str]:
    response = api.get(f"/bulletins{query}", token)
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["items"]]


# ----- posting --------------------------------------------------------------------------------


def test_a_bulletin_is_posted_and_listed_for_everyone(api, supplier, categories):
    token = api.token(supplier)
    response = post(api, token)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert response.headers["Location"].endswith(f"/api/v1/bulletins/{body['id']}")
    assert body["kind"] == "sell_offer"
    assert body["category"]["code"] == "hardware.fasteners"
    assert body["company"] == {"id": supplier.company_id, "name": "Formosa Fasteners",
                               "country": "TW"}
    assert body["hidden"] is False and body["expired"] is False
    assert listed_titles(api) == ["M8 stainless steel bolts, 20 t in stock"]
    assert api.get(f"/bulletins/{body['id']}").get_json()["title"] == body["title"]


def test_the_category_is_named_by_id_or_code_and_an_unknown_one_is_refused(api, supplier,
                                                                           categories):
    token = api.token(supplier)
    assert posted(api, token, category=categories["tea"])["category"]["code"] == "food.tea"
    assert posted(api, token, category="food.tea")["category"]["id"] == categories["tea"]
    for unknown in ("no.such.code", 999_999, ""):
        response = post(api, token, category=unknown)
        assert response.status_code == 422, unknown
        assert response.mimetype == PROBLEM
        assert "category" in response.get_json()["errors"]
    missing = api.post("/bulletins", token, json={"kind": "buy_offer", "title": "t", "body": "b"})
    assert "category" in missing.get_json()["errors"]


def test_expiry_must_lie_ahead_and_defaults_to_thirty_days(api, supplier, categories):
    token = api.token(supplier)
    past = post(api, token, expires_at=in_days(-1))
    assert past.status_code == 422
    assert "expires_at" in past.get_json()["errors"]
    too_far = post(api, token, expires_at=in_days(400))
    assert too_far.status_code == 422
    naive = post(api, token, expires_at="2030-01-01T00:00:00")
    assert naive.status_code == 422
    default = posted(api, token)
    expires = datetime.fromisoformat(default["expires_at"])
    assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)


def test_bad_input_is_refused_field_by_field(api, supplier, categories):
    token = api.token(supplier)
    response = api.post("/bulletins", token, json=bulletin_body(
        kind="rumour", title="  ", company_id=1, hidden_at=in_days(1)))
    assert response.status_code == 422
    assert {"kind", "title", "company_id", "hidden_at"} <= set(response.get_json()["errors"])
    assert listed_titles(api) == []


def test_a_pending_company_may_not_post_and_is_told_why(api, make, categories):
    pending = make.company_with_admin(status=CompanyStatus.PENDING)
    response = post(api, api.token(pending))
    assert response.status_code == 403
    assert "approval" in response.get_json()["detail"]


def test_who_may_post(api, make, supplier, categories):
    viewer = make.member(supplier.company_id, "viewer")
    assert post(api, api.token(viewer)).status_code == 403
    purchasing = make.member(supplier.company_id, "purchasing")
    assert post(api, api.token(purchasing), kind="buy_offer").status_code == 201
    assert post(api, make.api_key(supplier)).status_code == 201
    assert post(api, make.api_key(supplier, scopes=("read",))).status_code == 403
    assert post(api, api.token(make.operator())).status_code == 403
    assert post(api, None).status_code == 401


def test_idempotency_key_posts_once(api, supplier, categories):
    token = api.token(supplier)
    headers = {"Idempotency-Key": "6f1c2d0e-bulletin"}
    first = api.post("/bulletins", token, json=bulletin_body(), headers=headers)
    again = api.post("/bulletins", token, json=bulletin_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert api.get("/bulletins").get_json()["total"] == 1


def test_a_product_is_named_when_the_poster_may_see_it(app, api, make, supplier, categories):
    token = api.token(supplier)
    own_draft = add_product(app, supplier.company_id, "B-1", published=False)
    other = make.company_with_admin(roles=("supplier",))
    others_draft = add_product(app, other.company_id, "X-1", published=False)
    others_published = add_product(app, other.company_id, "X-2")
    news = posted(api, token, kind="product_news", product_id=own_draft)
    assert news["product"]["sku"] == "B-1"
    # Another company cannot see the draft: the bulletin does not show it to them.
    seen_by_other = api.get(f"/bulletins/{news['id']}", api.token(other)).get_json()
    assert seen_by_other["product"] is None
    assert post(api, token, product_id=others_draft).get_json()["errors"] == {
        "product_id": ["Unknown product."]}
    assert posted(api, token, kind="buy_offer", product_id=others_published)["product"][
        "sku"] == "X-2"


# ----- expiry, suspension and the owner's view ------------------------------------------------


def test_expired_bulletins_leave_the_listing_but_their_owner_still_sees_them(
        app, api, make, supplier, categories):
    token = api.token(supplier)
    old = posted(api, token, title="Last season's offer")
    posted(api, token, title="Fresh offer")
    set_bulletin(app, old["id"], expires_at=utcnow() - timedelta(hours=1))
    other_token = api.token(make.company_with_admin())
    assert listed_titles(api) == ["Fresh offer"]
    assert listed_titles(api, other_token) == ["Fresh offer"]
    assert api.get(f"/bulletins/{old['id']}").status_code == 404
    assert api.get(f"/bulletins/{old['id']}", other_token).status_code == 404
    mine = api.get("/bulletins?mine=true", token).get_json()["items"]
    assert {item["title"]: item["expired"] for item in mine} == {
        "Last season's offer": True, "Fresh offer": False}
    assert api.get(f"/bulletins/{old['id']}", token).get_json()["expired"] is True
    assert api.get("/bulletins?mine=true").get_json()["items"] == []  # anonymous: nobody's


def test_a_suspended_companys_bulletins_disappear(app, api, supplier, categories):
    posted(api, api.token(supplier))
    set_company_status(app, supplier.company_id, CompanyStatus.SUSPENDED)
    assert listed_titles(api) == []


# ----- listing filters and pagination ---------------------------------------------------------


def test_filters_by_kind_category_country_and_words(api, make, supplier, categories):
    token = api.token(supplier)
    posted(api, token, title="Bolts for sale")
    posted(api, token, kind="product_news", title="New hex nut line", category="hardware",
           body="100% nylon insert, ISO 7040")
    japanese = make.company_with_admin("Kyoto Tea", country="JP")
    posted(api, api.token(japanese), kind="buy_offer", title="Wanted: oolong tea",
           category="food.tea", body="Looking for Alishan high-mountain oolong")
    assert listed_titles(api, query="?kind=buy_offer") == ["Wanted: oolong tea"]
    assert listed_titles(api, query="?country=JP") == ["Wanted: oolong tea"]
    assert set(listed_titles(api, query="?country=TW")) == {"Bolts for sale",
                                                            "New hex nut line"}
    # A parent category includes its children; by id or by code.
    assert set(listed_titles(api, query=f"?category={categories['hardware']}")) == {
        "Bolts for sale", "New hex nut line"}
    assert listed_titles(api, query="?category=hardware.fasteners") == ["Bolts for sale"]
    assert listed_titles(api, query="?q=OOLONG") == ["Wanted: oolong tea"]  # title or body
    assert listed_titles(api, query="?q=alishan") == ["Wanted: oolong tea"]
    assert listed_titles(api, query="?q=100%25") == ["New hex nut line"]  # % is a character
    assert listed_titles(api, query="?q=_") == []
    unknown = api.get("/bulletins?category=no.such")
    assert unknown.status_code == 422 and "category" in unknown.get_json()["errors"]
    assert api.get("/bulletins?kind=rumour").status_code == 422
    assert api.get("/bulletins?country=XX").status_code == 422


def test_the_listing_is_paginated_newest_first(app, api, supplier, categories):
    token = api.token(supplier)
    for number in range(5):
        posted(api, token, title=f"Offer {number}")
    first = api.get("/bulletins?per_page=2").get_json()
    assert (first["total"], first["page"], first["per_page"]) == (5, 1, 2)
    assert [item["title"] for item in first["items"]] == ["Offer 4", "Offer 3"]
    last = api.get("/bulletins?per_page=2&page=3").get_json()
    assert [item["title"] for item in last["items"]] == ["Offer 0"]
    assert api.get("/bulletins?per_page=101").status_code == 422


# ----- changes by the owner -------------------------------------------------------------------


def test_the_owner_changes_a_bulletin_under_if_match(api, make, supplier, categories):
    token = api.token(supplier)
    created = posted(api, token)
    path = f"/bulletins/{created['id']}"
    changed = api.patch(path, token, json={"title": "M8 bolts, 15 t left"},
                        headers={"If-Match": f'"{created["version"]}"'})
    assert changed.status_code == 200
    assert changed.get_json()["title"] == "M8 bolts, 15 t left"
    assert changed.headers["ETag"] == f'"{created["version"] + 1}"'
    stale = api.patch(path, token, json={"title": "Someone else's idea"},
                      headers={"If-Match": f'"{created["version"]}"'})
    assert stale.status_code == 412
    assert stale.get_json()["current_version"] == created["version"] + 1
    assert api.get(path).get_json()["title"] == "M8 bolts, 15 t left"
    assert api.patch(path, token, json={"expires_at": in_days(-2)}).status_code == 422
    assert api.patch(path, token, json={"category": "nope"}).status_code == 422
    assert api.delete(path, token, headers={"If-Match": '"1"'}).status_code == 412
    assert api.delete(path, token, headers={"If-Match": changed.headers["ETag"]}
                      ).status_code == 204
    assert api.get(path).status_code == 404


def test_another_company_cannot_change_or_delete_it(api, make, supplier, categories):
    created = posted(api, api.token(supplier))
    other = api.token(make.company_with_admin())
    assert api.patch(f"/bulletins/{created['id']}", other, json={"title": "Mine now"}
                     ).status_code == 404
    assert api.delete(f"/bulletins/{created['id']}", other).status_code == 404
    assert api.get(f"/bulletins/{created['id']}").get_json()["title"] == created["title"]


# ----- the operator hides ---------------------------------------------------------------------


def test_the_operator_hides_a_bulletin_and_shows_it_again(api, make, supplier, categories):
    token = api.token(supplier)
    created = posted(api, token)
    path = f"/bulletins/{created['id']}"
    operator = api.token(make.operator())
    other = api.token(make.company_with_admin())
    hidden = api.post(f"/admin{path}/hide", operator, json={"reason": "Counterfeit brand"})
    assert hidden.status_code == 200
    assert hidden.get_json()["hidden"] is True
    # Gone for everyone but the owner and the operator.
    assert listed_titles(api) == [] and listed_titles(api, other) == []
    assert api.get(path).status_code == 404 and api.get(path, other).status_code == 404
    own_view = api.get(path, token).get_json()
    assert (own_view["hidden"], own_view["hidden_reason"]) == (True, "Counterfeit brand")
    assert [i["hidden"] for i in api.get("/bulletins", operator).get_json()["items"]] == [True]
    again = api.post(f"/admin{path}/hide", operator, json={"reason": "twice"})
    assert again.status_code == 409 and again.get_json()["allowed_actions"] == ["unhide"]
    assert api.post(f"/admin{path}/hide", operator, json={"reason": " "}).status_code == 422
    shown = api.post(f"/admin{path}/unhide", operator)
    assert shown.status_code == 200 and shown.get_json()["hidden_reason"] is None
    assert listed_titles(api) == [created["title"]]
    assert api.post(f"/admin{path}/unhide", operator).status_code == 409
    assert api.post(f"/admin{path}/hide", token, json={"reason": "x"}).status_code == 403


# ----- the portal -----------------------------------------------------------------------------


def test_portal_listing_shows_kind_badges_and_filters(client, api, make, supplier, categories):
    token = api.token(supplier)
    posted(api, token, title="Bolts for sale")
    posted(api, token, kind="buy_offer", title="Wanted: nylon washers")
    html = client.get("/bulletins").get_data(as_text=True)
    assert "Bolts for sale" in html and "Wanted: nylon washers" in html
    assert 'data-kind="sell_offer">Selling<' in html
    assert 'data-kind="buy_offer">Buying<' in html
    filtered = client.get("/bulletins?kind=buy_offer").get_data(as_text=True)
    assert "Wanted: nylon washers" in filtered and "Bolts for sale" not in filtered
    by_words = client.get("/bulletins?q=bolts").get_data(as_text=True)
    assert "Bolts for sale" in by_words and "nylon" not in by_words
    bad = client.get("/bulletins?category=nope")
    assert bad.status_code == 200 and "does not exist" in bad.get_data(as_text=True)


def test_portal_posting_editing_and_deleting(client, app, make, supplier, categories):
    portal_login(client, supplier.email)
    page = client.get("/bulletins/new")
    assert page.status_code == 200
    form = {"csrf_token": csrf_token(client, "/bulletins/new"), "kind": "sell_offer",
            "title": "Oolong tea, 2 t", "body": "Spring harvest.",
            "category": str(categories["tea"]), "product_id": "0",
            "expires_at": (utcnow() + timedelta(days=10)).date().isoformat()}
    past = client.post("/bulletins/new", data={**form, "expires_at": "2020-01-01"})
    assert past.status_code == 422
    assert "The expiry must be in the future." in past.get_data(as_text=True)
    created = client.post("/bulletins/new", data=form)
    assert created.status_code == 302
    location = created.headers["Location"]
    shown = client.get(location).get_data(as_text=True)
    assert "Oolong tea, 2 t" in shown and "Spring harvest." in shown
    bulletin_id = int(location.rstrip("/").rsplit("/", 1)[1])
    edit_page = client.get(f"/bulletins/{bulletin_id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in edit_page
    saved = client.post(f"/bulletins/{bulletin_id}/edit",
                        data={**form, "title": "Oolong tea, 1 t", "version": "1"})
    assert saved.status_code == 302
    stale = client.post(f"/bulletins/{bulletin_id}/edit",
                        data={**form, "title": "An older idea", "version": "1"})
    assert stale.status_code == 412
    assert "Someone else changed this bulletin" in stale.get_data(as_text=True)
    assert "An older idea" in stale.get_data(as_text=True)  # the input is not lost
    assert "Oolong tea, 1 t" in client.get(f"/bulletins/{bulletin_id}").get_data(as_text=True)
    deleted = client.post(f"/bulletins/{bulletin_id}/delete",
                          data={"csrf_token": form["csrf_token"]})
    assert deleted.status_code == 302
    assert client.get(f"/bulletins/{bulletin_id}").status_code == 404


def test_portal_tells_a_pending_company_why_it_cannot_post(client, make, categories):
    pending = make.company_with_admin(status=CompanyStatus.PENDING)
    portal_login(client, pending.email)
    page = client.get("/bulletins/new")
    assert page.status_code == 403
    assert "waiting for the operator" in page.get_data(as_text=True)


def test_portal_hide_button_and_what_the_owner_then_sees(client, app, api, make, supplier,
                                                        categories):
    created = posted(api, api.token(supplier))
    operator = make.operator()
    portal_login(client, operator.email)
    page = client.get(f"/bulletins/{created['id']}").get_data(as_text=True)
    assert 'id="hide-bulletin"' in page
    token = csrf_token(client, f"/bulletins/{created['id']}")
    hidden = client.post(f"/bulletins/{created['id']}/hide",
                         data={"csrf_token": token, "reason": "Misleading price"})
    assert hidden.status_code == 302
    assert 'id="unhide-bulletin"' in client.get(f"/bulletins/{created['id']}").get_data(
        as_text=True)
    client.post("/logout", data={"csrf_token": token})
    assert client.get(f"/bulletins/{created['id']}").status_code == 404
    portal_login(client, supplier.email)
    own = client.get(f"/bulletins/{created['id']}").get_data(as_text=True)
    assert "Hidden by the operator: Misleading price" in own
    mine = client.get("/bulletins?mine=1").get_data(as_text=True)
    assert created["title"] in mine and ">hidden<" in mine

"""Favourites and saved searches, per member: CRUD through the API and the portal, the
stars on the product page, the alert run (bell and daily digest mail once, drafts and
suspended suppliers' products never), the digest turned off."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.favourites.tasks import run_alerts
from marketplace.infrastructure.models import Company, CompanyStatus
from tests.factories import csrf_token, portal_login


class World:
    pass


@pytest.fixture
def world(make, api):
    w = World()
    w.supplier = make.company_with_admin("Formosa Fasteners", roles=("supplier",))
    w.supplier_token = api.token(w.supplier)
    w.other_supplier = make.company_with_admin("Gone Bolts", roles=("supplier",))
    w.other_supplier_token = api.token(w.other_supplier)
    w.buyer = make.company_with_admin("Big Buyer", roles=("buyer",))
    w.colleague = make.member(w.buyer.company_id, "purchasing")
    w.stranger = make.company_with_admin("Other Buyer", roles=("buyer",))
    w.token = api.token(w.buyer)
    w.colleague_token = api.token(w.colleague)
    w.stranger_token = api.token(w.stranger)
    w.old_bolt = publish(api, w.supplier_token, "OLD-1", "Hex bolt M6")
    w.draft = publish(api, w.supplier_token, "DRAFT-1", "Hex bolt draft", status="draft")
    return w


def publish(api, token, sku, name, status="published") -> int:
    response = api.post("/products", token, json={
        "sku": sku, "name": name, "status": status, "currency": "USD", "unit": "pcs",
        "price_tiers": [{"min_qty": "100", "unit_price": "0.20"}]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_favourites_are_the_members_own(world, api):
    first = api.post("/favourites", world.token, json={"product_id": world.old_bolt})
    assert first.status_code == 201, first.get_json()
    again = api.post("/favourites", world.token, json={"product_id": world.old_bolt})
    assert again.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    supplier = api.post("/favourites", world.token, json={"supplier_id": world.supplier.company_id})
    assert supplier.status_code == 201
    assert supplier.get_json()["name"] == "Formosa Fasteners"

    assert api.post("/favourites", world.token,
                    json={"product_id": world.draft}).status_code == 422  # not offered
    assert api.post("/favourites", world.token, json={
        "product_id": world.old_bolt, "supplier_id": world.supplier.company_id}).status_code == 422
    assert api.post("/favourites", world.token,
                    json={"supplier_id": world.buyer.company_id}).status_code == 422

    mine = api.get("/favourites", world.token).get_json()
    assert mine["total"] == 2
    assert [f["kind"] for f in mine["items"]] == ["supplier", "product"]
    products = api.get("/favourites?kind=product", world.token).get_json()["items"]
    assert [(f["product_id"], f["name"]) for f in products] == [(world.old_bolt, "Hex bolt M6")]
    # A colleague in the same company and another company's member see none of them.
    assert api.get("/favourites", world.colleague_token).get_json()["total"] == 0
    assert api.get("/favourites", world.stranger_token).get_json()["total"] == 0
    favourite_id = first.get_json()["id"]
    assert api.delete(f"/favourites/{favourite_id}", world.colleague_token).status_code == 404
    assert api.delete(f"/favourites/{favourite_id}", world.stranger_token).status_code == 404
    assert api.delete(f"/favourites/{favourite_id}", world.token).status_code == 204
    assert api.get("/favourites", world.token).get_json()["total"] == 1


def test_saved_searches_list_rename_alerts_off_delete(world, api):
    saved = api.post("/saved-searches", world.token, json={
        "name": "Bolts", "q": "bolt", "country": "TW", "max_price": "1.50"})
    assert saved.status_code == 201, saved.get_json()
    search = saved.get_json()
    assert search["filters"] == {"country": "TW", "max_price": "1.5000"}
    assert search["alerts"] is True and search["q"] == "bolt"
    assert search["search_url"].startswith("/search?q=bolt")
    api.post("/saved-searches", world.token, json={"name": "Nuts", "q": "nut"})
    assert api.post("/saved-searches", world.token,
                    json={"name": "Bad", "min_price": "-1"}).status_code == 422
    assert api.post("/saved-searches", world.token,
                    json={"name": "Bad", "status": "x"}).status_code == 422
    path = f"/saved-searches/{search['id']}"
    refused = api.patch(path, world.token, json={"name": "   "})
    assert refused.status_code == 422 and "name" in refused.get_json()["errors"]
    renamed = api.patch(path, world.token, json={"name": "Taiwan bolts", "alerts": False})
    assert renamed.status_code == 200
    assert (renamed.get_json()["name"], renamed.get_json()["alerts"]) == ("Taiwan bolts", False)
    listed = api.get("/saved-searches", world.token).get_json()
    assert [s["name"] for s in listed["items"]] == ["Nuts", "Taiwan bolts"]
    for token in (world.colleague_token, world.stranger_token):
        assert api.get(path, token).status_code == 404
        assert api.patch(path, token, json={"name": "mine"}).status_code == 404
        assert api.delete(path, token).status_code == 404
        assert api.get("/saved-searches", token).get_json()["total"] == 0
    assert api.delete(path, world.token).status_code == 204
    assert api.get(path, world.token).status_code == 404
    # A search saved next never answers at the deleted one's address (ids not reused,
    # SQLite included, where the highest id would come back).
    last = api.post("/saved-searches", world.token, json={"name": "Last"}).get_json()["id"]
    assert api.delete(f"/saved-searches/{last}", world.token).status_code == 204
    again = api.post("/saved-searches", world.token, json={"name": "Again"}).get_json()["id"]
    assert again != last
    assert api.get(f"/saved-searches/{last}", world.token).status_code == 404


def _run(app):
    with app.app_context():
        return run_alerts()


def test_new_products_reach_the_member_once_in_the_bell_and_the_digest(world, api, app,
                                                                        mailbox):
    saved = api.post("/saved-searches", world.token, json={"name": "Bolts", "q": "bolt"})
    search_id = saved.get_json()["id"]
    assert _run(app) == {"matches": 0, "digests": 0}  # what was there is not news
    new = publish(api, world.supplier_token, "NEW-1", "Stainless bolt M8")
    publish(api, world.supplier_token, "DRAFT-2", "Stainless bolt draft", status="draft")
    gone = publish(api, world.other_supplier_token, "GONE-1", "Carbon bolt M10")
    with app.app_context():
        db.session.get(Company, world.other_supplier.company_id).status = \
            CompanyStatus.SUSPENDED
        db.session.commit()

    assert _run(app) == {"matches": 1, "digests": 1}
    bell = api.get("/notifications", world.token).get_json()["items"]
    told = [n for n in bell if n["event"] == "saved_search.matched"]
    assert len(told) == 1
    assert told[0]["message"] == "New in your saved search “Bolts”: Stainless bolt M8."
    assert told[0]["link"] == f"/saved-searches/{search_id}"
    [mail] = mailbox.to(world.buyer.email)
    body = mailbox.body(mail)
    assert "Stainless bolt M8" in body and f"/products/{new}" in body
    assert "draft" not in body and "Carbon" not in body and "Hex bolt M6" not in body
    assert "/notifications#settings" in body
    detail = api.get(f"/saved-searches/{search_id}", world.token).get_json()
    assert [m["product_id"] for m in detail["recent_matches"]] == [new]
    assert gone not in [m["product_id"] for m in detail["recent_matches"]]

    # A second run (and a third) tells nothing again.
    assert _run(app) == {"matches": 0, "digests": 0}
    assert _run(app) == {"matches": 0, "digests": 0}
    bell = api.get("/notifications", world.token).get_json()["items"]
    assert len([n for n in bell if n["event"] == "saved_search.matched"]) == 1
    assert len(mailbox.messages) == 1
    # Another product the same day: the bell now, the mail in tomorrow's digest.
    publish(api, world.supplier_token, "NEW-2", "Stainless bolt M10")
    assert _run(app) == {"matches": 1, "digests": 0}
    assert len(mailbox.messages) == 1


def test_the_digest_turned_off_sends_no_mail_but_the_bell_still_rings(world, api, app,
                                                                      mailbox):
    off = api.patch("/notifications/preferences", world.token,
                    json={"email": {"saved_search.digest": False}})
    assert off.status_code == 200, off.get_json()
    api.post("/saved-searches", world.token, json={"name": "Bolts", "q": "bolt"})
    api.post("/saved-searches", world.colleague_token, json={"name": "Alerts off", "q": "bolt",
                                                             "alerts": False})
    publish(api, world.supplier_token, "NEW-1", "Stainless bolt M8")
    assert _run(app) == {"matches": 1, "digests": 0}
    assert mailbox.messages == []
    bell = api.get("/notifications", world.token).get_json()["items"]
    assert [n["event"] for n in bell].count("saved_search.matched") == 1
    colleague = api.get("/notifications", world.colleague_token).get_json()["items"]
    assert "saved_search.matched" not in [n["event"] for n in colleague]
    assert _run(app) == {"matches": 0, "digests": 0}  # kept for no later mail either


def test_portal_star_save_rename_and_errors_keep_the_input(world, api, client):
    portal_login(client, world.buyer.email)
    page = client.get(f"/products/{world.old_bolt}").get_data(as_text=True)
    assert f'data-favourite="product-{world.old_bolt}"' in page and 'aria-pressed="false"' in page
    token = csrf_token(client, "/favourites")
    starred = client.post(f"/favourites/products/{world.old_bolt}",
                          data={"csrf_token": token, "next": f"/products/{world.old_bolt}"})
    assert starred.status_code == 303
    assert starred.headers["Location"].endswith(f"/products/{world.old_bolt}")
    page = client.get(f"/products/{world.old_bolt}").get_data(as_text=True)
    assert 'aria-pressed="true"' in page
    profile = client.get(f"/companies/{world.supplier.company_id}").get_data(as_text=True)
    assert f'data-favourite="supplier-{world.supplier.company_id}"' in profile
    results = client.get("/search?q=bolt").get_data(as_text=True)
    assert 'id="save-search-form"' in results
    assert '<label class="form-label small mb-0" for="name">Name of the saved search</label>' \
        in results
    assert f'data-favourite="product-{world.old_bolt}"' in results

    refused = client.post("/saved-searches", data={
        "csrf_token": token, "name": "  ", "q": "bolt", "country": "TW", "alerts": "y"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Give the search a name." in html and 'value="TW"' in html and 'value="bolt"' in html
    saved = client.post("/saved-searches", data={
        "csrf_token": token, "name": "Taiwan bolts", "q": "bolt", "country": "TW",
        "alerts": "y"})
    assert saved.status_code == 303
    listing = client.get("/favourites").get_data(as_text=True)
    assert "Hex bolt M6" in listing and "Taiwan bolts" in listing and "alerts on" in listing
    [search] = api.get("/saved-searches", world.token).get_json()["items"]
    path = f"/saved-searches/{search['id']}"
    blank = client.post(path, data={"csrf_token": token, "name": " ", "alerts": "y"})
    assert blank.status_code == 422
    assert "Give the search a name." in blank.get_data(as_text=True)
    renamed = client.post(path, data={"csrf_token": token, "name": "Plant bolts", "alerts": "y"})
    assert renamed.status_code == 303
    assert api.get(path, world.token).get_json()["name"] == "Plant bolts"
    assert client.post(f"{path}/alerts", data={"csrf_token": token}).status_code == 303
    assert api.get(path, world.token).get_json()["alerts"] is False
    assert client.post(f"{path}/delete", data={"csrf_token": token}).status_code == 303
    assert api.get(path, world.token).status_code == 404
    # Another company's member: the page is its own (empty), the search is not there.
    client.get("/logout")
    portal_login(client, world.stranger.email)
    assert "Hex bolt M6" not in client.get("/favourites").get_data(as_text=True)
    assert client.get(path).status_code == 404


def test_anonymous_and_the_operator_have_no_favourites(make, api, client):
    assert client.get("/favourites").status_code == 302
    assert client.get("/favourites").headers["Location"].startswith("/login")
    assert api.get("/favourites").status_code == 401
    assert api.get("/saved-searches").status_code == 401
    operator = make.operator()
    token = api.token(operator)
    assert api.get("/favourites", token).status_code == 403
    assert api.post("/saved-searches", token, json={"name": "x"}).status_code == 403
    portal_login(client, operator.email)
    assert client.get("/favourites").status_code == 403
    # A partner system's API key is nobody's favourites either.
    member = make.company_with_admin("Keyed Buyer", roles=("buyer",))
    assert api.get("/favourites", make.api_key(member)).status_code == 403

"""Products through the API (API.md, "Catalog and search"): create, read, change and
delete; price tiers and money as decimal strings; categories by id or code; product
lines; statuses and who may publish; media of a product; ETag / If-Match,
Idempotency-Key; the product_changed signal and the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.content.models import Product, ProductLine
from marketplace.core.audit import AuditEvent
from marketplace.core.boundary import commit
from marketplace.core.signals import product_changed
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, CompanyStatus
from tests.content.conftest import mp4_bytes, pdf_bytes, png_bytes, upload

PROBLEM = "application/problem+json"


@pytest.fixture
def categories(make_category):
    return {
        "hardware": make_category("hardware", "Hardware & Tools", "五金與工具"),
        "fasteners": make_category("hardware.fasteners", "Fasteners", "扣件", parent="hardware"),
        "tools": make_category("hardware.hand_tools", "Hand Tools", "手工具", parent="hardware"),
        "tea": make_category("food.tea", "Tea", "茶葉"),
    }


@pytest.fixture
def supplier(make, api, categories):
    member = make.company_with_admin("Formosa Fasteners", roles=("supplier",))
    member.token = api.token(member)
    return member


@pytest.fixture
def rival(make, api, categories):
    member = make.company_with_admin("Keelung Bolts", roles=("supplier",))
    member.token = api.token(member)
    return member


BOLT = {
    "sku": "HB-M8-30", "name": "Hex bolt M8×30", "name_zh": "六角螺栓 M8×30",
    "description": "DIN 933, A2 stainless steel", "description_zh": "不鏽鋼",
    "category": "hardware.fasteners", "product_line": "Bolts", "unit": "pcs", "moq": "5000",
    "currency": "USD",
    "price_tiers": [{"min_qty": "5000", "unit_price": "0.12"},
                    {"min_qty": "20000", "unit_price": "0.1"},
                    {"min_qty": 100000, "unit_price": 0.085}],
    "attributes": {"Material": "A2 stainless steel", "Length (mm)": 30},
    "hs_code": "7318.15", "lead_time_days": 25, "packaging": "1000 pcs per carton",
    "port": "Keelung", "status": "published",
}


def create(api, token, **values):
    return api.post("/products", token, json={**BOLT, **values})


def created(api, token, **values) -> dict:
    response = create(api, token, **values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# ----- create and read --------------------------------------------------------------------------


def test_a_product_is_created_with_everything_the_contract_names(api, supplier, categories):
    response = create(api, supplier.token)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/products/{body['id']}")
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert body["sku"] == "HB-M8-30" and body["name_zh"] == "六角螺栓 M8×30"
    assert body["category"] == "hardware.fasteners"
    assert body["category_id"] == categories["fasteners"]
    assert body["product_line"] == "Bolts"
    assert body["moq"] == "5000" and body["currency"] == "USD"
    assert body["price_tiers"] == [{"min_qty": "5000", "unit_price": "0.12"},
                                   {"min_qty": "20000", "unit_price": "0.10"},
                                   {"min_qty": "100000", "unit_price": "0.085"}]
    assert body["attributes"] == {"Material": "A2 stainless steel", "Length (mm)": "30"}
    assert body["lead_time_days"] == 25 and body["port"] == "Keelung"
    assert body["status"] == "published" and body["published_at"]
    assert body["company"] == {"id": supplier.company_id, "name": "Formosa Fasteners",
                               "country": "TW"}
    assert body["media"] == [] and body["page_url"] == f"/products/{body['id']}"
    again = api.get(f"/products/{body['id']}")
    assert again.status_code == 200 and again.get_json() == body
    assert again.headers["ETag"] == response.headers["ETag"]


def test_a_new_product_is_a_draft_unless_published(api, supplier):
    values = {k: v for k, v in BOLT.items() if k != "status"}
    body = api.post("/products", supplier.token, json=values).get_json()
    assert body["status"] == "draft" and body["published_at"] is None
    minimal = api.post("/products", supplier.token, json={"sku": "X-1", "name": "Washer"})
    assert minimal.status_code == 201
    assert minimal.get_json()["unit"] == "pcs" and minimal.get_json()["currency"] == "USD"
    assert minimal.get_json()["price_tiers"] == []


def test_the_category_is_named_by_id_or_code(api, supplier, categories):
    by_id = created(api, supplier.token, sku="A", category=categories["tea"])
    by_code = created(api, supplier.token, sku="B", category="food.tea")
    assert by_id["category"] == by_code["category"] == "food.tea"
    cleared = api.patch(f"/products/{by_id['id']}", supplier.token, json={"category": None})
    assert cleared.get_json()["category"] is None


@pytest.mark.parametrize("reference", ["no.such.code", 999999, "0"])
def test_an_unknown_category_is_refused(api, supplier, categories, reference):
    response = create(api, supplier.token, category=reference)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert "GET /categories" in response.get_json()["errors"]["category"][0]


def test_unknown_fields_are_refused(api, supplier):
    response = create(api, supplier.token, company_id=99, version=7)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"company_id", "version"}


# ----- price tiers and money ------------------------------------------------------------------


@pytest.mark.parametrize(("tiers", "errors"), [
    ([{"min_qty": "100", "unit_price": "-0.5"}],
     {"price_tiers.0.unit_price": ["Must not be negative."]}),
    ([{"min_qty": "0", "unit_price": "1"}], {"price_tiers.0.min_qty": ["Must be more than 0."]}),
    ([{"min_qty": "100", "unit_price": "cheap"}],
     {"price_tiers.0.unit_price": ["Not a valid number."]}),
    ([{"min_qty": "lots", "unit_price": "1"}], {"price_tiers.0.min_qty": ["Not a valid number."]}),
    ([{"min_qty": "100", "unit_price": "NaN"}], {"price_tiers.0.unit_price": None}),
    ([{"min_qty": "100", "unit_price": "1"}, {"min_qty": "50", "unit_price": "0.9"}],
     {"price_tiers.1.min_qty": ["Tiers go up by quantity: give more than the tier before "
                                "(100)."]}),
    ([{"min_qty": "100", "unit_price": "1"}, {"min_qty": "100.0", "unit_price": "0.9"}],
     {"price_tiers.1.min_qty": ["Each tier needs its own quantity: 100 is given twice."]}),
    ([{"min_qty": "100", "unit_price": "0.123456"}],
     {"price_tiers.0.unit_price": ["At most 4 decimal places."]}),
    ([{"min_qty": "100", "unit_price": "1e20"}], {"price_tiers.0.unit_price": ["Too large."]}),
    ([{"min_qty": "100"}], {"price_tiers.0.unit_price": None}),
], ids=["negative-price", "zero-quantity", "price-not-a-number", "quantity-not-a-number",
        "nan", "descending", "duplicate", "too-precise", "too-large", "no-price"])
def test_bad_price_tiers_are_refused_field_by_field(app, api, supplier, tiers, errors):
    response = create(api, supplier.token, price_tiers=tiers)
    assert response.status_code == 422, response.get_json()
    found = response.get_json()["errors"]
    assert set(found) == set(errors)
    for field, messages in errors.items():
        if messages is not None:
            assert found[field] == messages
    with app.app_context():
        assert db.session.scalar(select(Product.id)) is None


def test_a_negative_moq_and_other_bad_values_are_all_reported(api, supplier):
    response = create(api, supplier.token, moq="-5", hs_code="bolt", lead_time_days=-1,
                      currency="XYZ", name="  ")
    assert response.status_code == 422
    assert {"lead_time_days", "currency", "name"} <= set(response.get_json()["errors"])
    response = create(api, supplier.token, moq="-5", hs_code="bolt")
    assert set(response.get_json()["errors"]) == {"moq", "hs_code"}


def test_tiers_are_replaced_as_a_whole_and_may_reuse_quantities(api, supplier):
    product = created(api, supplier.token)
    tiers = [{"min_qty": "20000", "unit_price": "0.09"}, {"min_qty": "50000", "unit_price": "0.08"}]
    response = api.patch(f"/products/{product['id']}", supplier.token,
                         json={"price_tiers": tiers})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["price_tiers"] == [
        {"min_qty": "20000", "unit_price": "0.09"}, {"min_qty": "50000", "unit_price": "0.08"}]
    assert response.get_json()["version"] > product["version"]


# ----- SKU ----------------------------------------------------------------------------------------


def test_a_duplicate_sku_is_refused_within_the_company_only(api, supplier, rival):
    first = created(api, supplier.token)
    again = create(api, supplier.token)
    assert again.status_code == 422
    assert again.get_json()["errors"]["sku"] == [
        "Your company already has a product with SKU HB-M8-30."]
    assert create(api, rival.token).status_code == 201  # another company's own catalog
    other = created(api, supplier.token, sku="HB-M8-40")
    renamed = api.patch(f"/products/{other['id']}", supplier.token, json={"sku": "HB-M8-30"})
    assert renamed.status_code == 422 and "sku" in renamed.get_json()["errors"]
    same = api.patch(f"/products/{first['id']}", supplier.token, json={"sku": "HB-M8-30"})
    assert same.status_code == 200


# ----- statuses and who may publish ---------------------------------------------------------------


def test_a_pending_company_keeps_drafts_but_may_not_publish(api, make, categories):
    pending = make.company_with_admin("New Co", roles=("supplier",),
                                      status=CompanyStatus.PENDING)
    token = api.token(pending)
    refused = create(api, token)
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    assert "waiting for the operator's approval" in refused.get_json()["detail"]
    draft = created(api, token, status="draft")
    publish = api.patch(f"/products/{draft['id']}", token, json={"status": "published"})
    assert publish.status_code == 403
    assert api.get(f"/products/{draft['id']}", token).get_json()["status"] == "draft"


def test_a_buyer_only_company_keeps_no_catalog(api, make, categories):
    buyer = make.company_with_admin(roles=("buyer",))
    response = create(api, api.token(buyer))
    assert response.status_code == 403
    assert "Only suppliers keep a catalog" in response.get_json()["detail"]


@pytest.mark.parametrize(("role", "status"), [("admin", 201), ("sales", 201),
                                               ("purchasing", 403), ("viewer", 403)])
def test_roles_with_catalog_edit_may_write(api, make, supplier, role, status):
    member = make.member(supplier.company_id, role)
    assert create(api, api.token(member)).status_code == status


def test_an_api_key_may_write_the_catalog(api, make, supplier):
    key = make.api_key(supplier)
    assert create(api, key).status_code == 201
    read_only = make.api_key(supplier, scopes=("read",))
    assert create(api, read_only, sku="RO").status_code == 403


def test_status_moves_between_draft_published_and_archived(api, supplier):
    product = created(api, supplier.token, status="draft")
    path = f"/products/{product['id']}"
    for status in ("published", "archived", "draft", "published"):
        response = api.patch(path, supplier.token, json={"status": status})
        assert response.status_code == 200 and response.get_json()["status"] == status
    assert api.patch(path, supplier.token, json={"status": "sold"}).status_code == 422


# ----- ETag, If-Match, Idempotency-Key ----------------------------------------------------------


def test_patch_honours_if_match(api, supplier):
    product = created(api, supplier.token)
    path = f"/products/{product['id']}"
    etag = api.get(path).headers["ETag"]
    changed = api.patch(path, supplier.token, json={"name": "Hex bolt"},
                        headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    stale = api.patch(path, supplier.token, json={"name": "Lost"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.mimetype == PROBLEM
    assert stale.get_json()["current_version"] == changed.get_json()["version"]
    assert api.get(path).get_json()["name"] == "Hex bolt"
    assert api.delete(path, supplier.token, headers={"If-Match": etag}).status_code == 412


def test_an_unchanged_patch_keeps_the_version(api, supplier):
    product = created(api, supplier.token)
    again = api.patch(f"/products/{product['id']}", supplier.token,
                      json={"name": BOLT["name"], "price_tiers": BOLT["price_tiers"]})
    assert again.get_json()["version"] == product["version"]


def test_the_same_idempotency_key_creates_one_product(app, api, supplier):
    headers = {"Idempotency-Key": "3f1c-bolt"}
    first = api.post("/products", supplier.token, json=BOLT, headers=headers)
    again = api.post("/products", supplier.token, json=BOLT, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = api.post("/products", supplier.token, json={**BOLT, "sku": "X"}, headers=headers)
    assert other.status_code == 422
    with app.app_context():
        assert len(db.session.scalars(select(Product)).all()) == 1


# ----- reading: lists and drafts ----------------------------------------------------------------


def test_the_list_shows_published_products_and_the_own_drafts_on_request(
        app, api, supplier, rival, categories):
    created(api, supplier.token, sku="PUB", category="hardware.fasteners")
    created(api, supplier.token, sku="DRAFT", status="draft")
    created(api, supplier.token, sku="OLD", status="archived")
    created(api, rival.token, sku="RIVAL", category="hardware.hand_tools")
    created(api, rival.token, sku="RIVAL-DRAFT", status="draft")

    def skus(token=None, **query):
        response = api.get("/products", token, query_string=query)
        assert response.status_code == 200, response.get_json()
        return sorted(item["sku"] for item in response.get_json()["items"])

    assert skus() == ["PUB", "RIVAL"]
    assert skus(supplier.token) == ["PUB", "RIVAL"]
    assert skus(supplier.token, company_id=supplier.company_id) == ["DRAFT", "OLD", "PUB"]
    assert skus(supplier.token, company_id=supplier.company_id, status="draft") == ["DRAFT"]
    assert skus(supplier.token, company_id=rival.company_id) == ["RIVAL"]
    assert skus(supplier.token, company_id=rival.company_id, status="draft") == []
    assert skus(category="hardware") == ["PUB", "RIVAL"]  # subcategories included
    assert skus(category=str(categories["tools"])) == ["RIVAL"]
    assert skus(q="riv") == ["RIVAL"]
    unknown = api.get("/products", query_string={"category": "nope"})
    assert unknown.status_code == 422 and "category" in unknown.get_json()["errors"]
    with app.test_request_context():
        db.session.get(Company, rival.company_id).status = CompanyStatus.SUSPENDED
        commit()
    assert skus() == ["PUB"]  # a suspended company's products leave the catalog


def test_the_list_is_paginated(api, supplier):
    for number in range(5):
        created(api, supplier.token, sku=f"P{number}")
    page = api.get("/products", query_string={"per_page": 2, "page": 3}).get_json()
    assert page["total"] == 5 and page["page"] == 3 and page["per_page"] == 2
    assert len(page["items"]) == 1


def test_drafts_are_visible_to_the_owner_only(api, make, supplier, rival):
    draft = created(api, supplier.token, status="draft")
    path = f"/products/{draft['id']}"
    assert api.get(path, supplier.token).status_code == 200
    assert api.get(path).status_code == 404
    assert api.get(path, rival.token).status_code == 404
    assert api.get(path, api.token(make.operator())).status_code == 404
    body = api.get(path, rival.token).get_json()
    assert body["detail"] == f"Product {draft['id']} was not found."


def test_another_company_cannot_change_or_delete(api, supplier, rival):
    product = created(api, supplier.token)
    path = f"/products/{product['id']}"
    assert api.patch(path, rival.token, json={"name": "Mine"}).status_code == 404
    assert api.delete(path, rival.token).status_code == 404
    assert api.post(f"{path}/media", rival.token, data=upload(png_bytes(), "a.png"),
                    content_type="multipart/form-data").status_code == 404
    assert api.get(path).get_json()["name"] == BOLT["name"]


def test_delete_removes_the_product_its_tiers_and_files(app, api, supplier):
    product = created(api, supplier.token)
    path = f"/products/{product['id']}"
    api.post(f"{path}/media", supplier.token, data=upload(png_bytes(), "a.png"),
             content_type="multipart/form-data")
    folder = Path(app.instance_path) / "media" / str(supplier.company_id)
    assert len(list(folder.iterdir())) == 2
    assert api.delete(path, supplier.token).status_code == 204
    assert api.get(path, supplier.token).status_code == 404
    assert list(folder.iterdir()) == []


# ----- media of a product ----------------------------------------------------------------------


def test_media_are_uploaded_ordered_and_removed(app, api, client, supplier):
    product = created(api, supplier.token)
    path = f"/products/{product['id']}/media"
    first = api.post(path, supplier.token, data=upload(png_bytes(), "front.png", caption="Front"),
                     content_type="multipart/form-data")
    assert first.status_code == 201
    image = first.get_json()
    assert {"id", "kind", "url", "thumbnail_url"} <= set(image)
    assert image["kind"] == "image" and image["caption"] == "Front" and image["position"] == 0
    video = api.post(path, supplier.token, data=upload(mp4_bytes(), "clip.mp4"),
                     content_type="multipart/form-data").get_json()
    sheet = api.post(path, supplier.token, data=upload(pdf_bytes(), "spec.pdf"),
                     content_type="multipart/form-data").get_json()
    assert (video["kind"], video["thumbnail_url"]) == ("video", None)
    assert sheet["kind"] == "pdf"

    order = [sheet["id"], image["id"], video["id"]]
    ordered = api.patch(f"{path}/order", supplier.token, json={"ids": order})
    assert ordered.status_code == 200
    assert [item["id"] for item in ordered.get_json()] == order
    listed = api.get(f"/products/{product['id']}").get_json()["media"]
    assert [(item["id"], item["position"]) for item in listed] == [
        (ident, position) for position, ident in enumerate(order)]

    for wrong in ([image["id"], video["id"]], order + [order[0]], [*order[:2], 99999]):
        refused = api.patch(f"{path}/order", supplier.token, json={"ids": wrong})
        assert refused.status_code == 422 and "ids" in refused.get_json()["errors"]

    assert api.delete(f"{path}/{image['id']}", supplier.token).status_code == 204
    assert api.delete(f"{path}/{image['id']}", supplier.token).status_code == 404
    remaining = api.get(f"/products/{product['id']}").get_json()["media"]
    assert [(item["id"], item["position"]) for item in remaining] == \
        [(sheet["id"], 0), (video["id"], 1)]
    assert client.get(image["url"]).status_code == 404  # the file itself is gone


def test_media_of_another_product_cannot_be_named(api, supplier):
    one = created(api, supplier.token, sku="ONE")
    two = created(api, supplier.token, sku="TWO")
    item = api.post(f"/products/{one['id']}/media", supplier.token,
                    data=upload(png_bytes(), "a.png"),
                    content_type="multipart/form-data").get_json()
    assert api.delete(f"/products/{two['id']}/media/{item['id']}",
                      supplier.token).status_code == 404


def test_an_upload_without_a_file_is_refused(api, supplier):
    product = created(api, supplier.token)
    response = api.post(f"/products/{product['id']}/media", supplier.token,
                        data={"caption": "nothing"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.get_json()["errors"]


# ----- product lines ------------------------------------------------------------------------------


def test_product_lines_are_the_supplier_own(app, api, supplier, rival):
    created(api, supplier.token, sku="A", product_line="Bolts")
    created(api, supplier.token, sku="B", product_line="bolts")  # the same line, case aside
    created(api, rival.token, sku="C", product_line="Rival line")
    lines = api.get("/product-lines", supplier.token).get_json()
    assert [line["name"] for line in lines["items"]] == ["Bolts"]
    new = api.post("/product-lines", supplier.token, json={"name": "Nuts", "name_zh": "螺帽"})
    assert new.status_code == 201 and new.get_json()["name_zh"] == "螺帽"
    child = api.post("/product-lines", supplier.token,
                     json={"name": "Nylon nuts", "parent_id": new.get_json()["id"]})
    assert child.status_code == 201
    assert api.post("/product-lines", supplier.token, json={"name": "NUTS"}).status_code == 422
    rival_line = api.get("/product-lines", rival.token).get_json()["items"][0]["id"]
    foreign = api.post("/product-lines", supplier.token,
                       json={"name": "Mine", "parent_id": rival_line})
    assert foreign.status_code == 422 and "parent_id" in foreign.get_json()["errors"]
    with app.app_context():
        assert db.session.scalar(select(ProductLine.id).where(ProductLine.name == "bolts")) is None


# ----- side effects: the signal and the audit trail -----------------------------------------------


def test_every_write_sends_product_changed(api, supplier):
    seen = []

    def listen(sender, **data):
        seen.append((data["product_id"], data["company_id"]))

    product_changed.connect(listen)
    try:
        product = created(api, supplier.token)
        path = f"/products/{product['id']}"
        item = api.post(f"{path}/media", supplier.token, data=upload(png_bytes(), "a.png"),
                        content_type="multipart/form-data").get_json()
        api.patch(f"{path}/media/order", supplier.token, json={"ids": [item["id"]]})
        api.patch(path, supplier.token, json={"status": "archived"})
        api.delete(f"{path}/media/{item['id']}", supplier.token)
        api.delete(path, supplier.token)
    finally:
        product_changed.disconnect(listen)
    assert seen == [(product["id"], supplier.company_id)] * 6


def test_writes_are_audited(app, api, supplier):
    product = created(api, supplier.token)
    api.patch(f"/products/{product['id']}", supplier.token,
              json={"price_tiers": [{"min_qty": "1", "unit_price": "2"}]})
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "Product").order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["product.created", "product.changed"]
        assert events[1].changes["price_tiers"][1] == [["1", "2"]]
        assert events[0].actor_user_id == supplier.user_id

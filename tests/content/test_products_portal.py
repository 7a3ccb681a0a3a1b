"""The portal's product pages: the supplier's list, the editor (price tier and
specification rows, Chinese fields), publishing and archiving, media with a progress
bar, the e-catalog by category and by supplier, the product page in both languages,
and the prepared inquiry."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from marketplace.content.models import Product, ProductStatus
from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, CompanyStatus
from tests.content.conftest import (
    HTML_AS_JPEG,
    mp3_bytes,
    mp4_bytes,
    pdf_bytes,
    png_bytes,
)
from tests.factories import csrf_token, portal_login

ZH = {"Accept-Language": "zh-TW,zh;q=0.9"}


@pytest.fixture
def categories(make_category):
    return {
        "hardware": make_category("hardware", "Hardware & Tools", "五金與工具"),
        "fasteners": make_category("hardware.fasteners", "Fasteners", "扣件", parent="hardware"),
        "tools": make_category("hardware.hand_tools", "Hand Tools", "手工具", parent="hardware"),
        "tea": make_category("food.tea", "Tea", "茶葉"),
    }


@pytest.fixture
def supplier(make, categories):
    return make.company_with_admin("Formosa Fasteners", roles=("supplier",))


@pytest.fixture
def logged_in(client, supplier):
    assert portal_login(client, supplier.email).status_code == 302
    return supplier


def text_of(response) -> str:
    return response.get_data(as_text=True)


def product_form(client, path: str, **values) -> dict:
    """The editor's fields as the browser sends them, changed by ``values``."""
    form = {"csrf_token": csrf_token(client, path), "sku": "HB-M8-30",
            "name": "Hex bolt M8×30", "name_zh": "六角螺栓 M8×30",
            "description": "DIN 933 hex bolt", "description_zh": "不鏽鋼六角螺栓",
            "category": "hardware.fasteners", "product_line": "Bolts", "unit": "pcs",
            "moq": "5000", "currency": "USD", "hs_code": "7318.15", "lead_time_days": "25",
            "packaging": "1000 pcs per carton", "port": "Keelung",
            "price_tiers-0-min_qty": "5000", "price_tiers-0-unit_price": "0.12",
            "price_tiers-1-min_qty": "", "price_tiers-1-unit_price": "",
            "price_tiers-2-min_qty": "20000", "price_tiers-2-unit_price": "0.10",
            "attributes-0-name": "Material", "attributes-0-value": "A2 stainless steel",
            "attributes-1-name": "Thread", "attributes-1-value": "M8",
            "attributes-2-name": "", "attributes-2-value": "", "save": "Save"}
    form.update(values)
    return {k: v for k, v in form.items() if v is not None}


def stored_product(app, **where) -> Product | None:
    with app.app_context():
        product = db.session.scalars(select(Product).filter_by(**where)).first()
        if product is not None:
            _ = (product.price_tiers, product.category, product.product_line, product.media)
            db.session.expunge_all()
        return product


def set_status(app, model, ident, status):
    with app.test_request_context():
        db.session.get(model, ident).status = status
        commit()


# ----- the editor ---------------------------------------------------------------------------


def test_a_supplier_creates_a_product_with_tiers_specifications_and_chinese(
        app, client, logged_in):
    page = client.get("/my/products/new")
    assert page.status_code == 200
    html = text_of(page)
    for field in ("name_zh", "description_zh", "price_tiers-2-unit_price", "attributes-2-value"):
        assert f'name="{field}"' in html
    response = client.post("/my/products/new", data=product_form(client, "/my/products/new"))
    assert response.status_code == 302
    product = stored_product(app, sku="HB-M8-30")
    assert response.headers["Location"] == f"/my/products/{product.id}/edit"
    assert product.status == ProductStatus.DRAFT
    assert product.name_zh == "六角螺栓 M8×30" and product.description_zh == "不鏽鋼六角螺栓"
    assert [(str(t.min_qty), str(t.unit_price)) for t in product.price_tiers] == [
        ("5000.0000", "0.1200"), ("20000.0000", "0.1000")]  # the empty row is dropped
    assert product.attributes == {"Material": "A2 stainless steel", "Thread": "M8"}
    assert product.category.code == "hardware.fasteners"
    assert product.product_line.name == "Bolts" and product.lead_time_days == 25

    editor = text_of(client.get(f"/my/products/{product.id}/edit"))
    assert 'value="六角螺栓 M8×30"' in editor and 'value="0.12"' in editor
    assert 'value="A2 stainless steel"' in editor
    assert editor.count('name="price_tiers-') == 2 * (2 + 3)  # filled rows and 3 empty ones


def test_save_and_publish(app, client, logged_in):
    client.post("/my/products/new", data=product_form(client, "/my/products/new",
                                                      save=None, publish="Save and publish"))
    assert stored_product(app, sku="HB-M8-30").status == ProductStatus.PUBLISHED


def test_bad_rows_are_shown_beside_the_row_and_nothing_is_saved(app, client, logged_in):
    form = product_form(client, "/my/products/new", **{
        "price_tiers-2-unit_price": "-1", "attributes-1-name": "Material"})
    response = client.post("/my/products/new", data=form)
    assert response.status_code == 422
    html = text_of(response)
    row = re.search(r'name="price_tiers-2-unit_price"[^>]*>\s*<div class="invalid-feedback[^>]*>'
                    r'([^<]+)', html)
    assert row and row.group(1) == "Must not be negative."
    assert "Given twice." in html
    assert stored_product(app, sku="HB-M8-30") is None


@pytest.mark.parametrize(("field", "value", "message"), [
    ("price_tiers-0-unit_price", "twelve", "Not a valid number."),
    ("category", "no.such.category", "Not a valid choice."),
    ("moq", "-3", "Must be more than 0."),
])
def test_bad_values_are_refused_with_the_reason(app, client, logged_in, field, value, message):
    response = client.post("/my/products/new",
                           data=product_form(client, "/my/products/new", **{field: value}))
    assert response.status_code == 422
    assert message in text_of(response)
    assert stored_product(app, sku="HB-M8-30") is None


def test_a_duplicate_sku_is_shown_on_the_sku_field(app, client, logged_in, make_product):
    make_product(logged_in.company_id, sku="HB-M8-30")
    response = client.post("/my/products/new", data=product_form(client, "/my/products/new"))
    assert response.status_code == 422
    assert "Your company already has a product with SKU HB-M8-30." in text_of(response)


def test_an_edit_on_a_stale_page_is_refused(app, client, logged_in, make_product):
    product_id = make_product(logged_in.company_id, sku="HB-M8-30")
    path = f"/my/products/{product_id}/edit"
    form = product_form(client, path, version="1", name="Mine")
    with app.test_request_context():
        db.session.get(Product, product_id).name = "Theirs"
        commit()
    response = client.post(path, data=form)
    assert response.status_code == 412
    assert "Someone else saved this product" in text_of(response)
    assert stored_product(app, id=product_id).name == "Theirs"


def test_an_edit_saves_and_keeps_the_status(app, client, logged_in, make_product):
    product_id = make_product(logged_in.company_id, sku="HB-M8-30", status="published")
    path = f"/my/products/{product_id}/edit"
    version = re.search(r'name="version" type="hidden" value="(\d+)"',
                        text_of(client.get(path))).group(1)
    response = client.post(path, data=product_form(client, path, version=version,
                                                   name="Hex bolt M8×35"))
    assert response.status_code == 302
    product = stored_product(app, id=product_id)
    assert product.name == "Hex bolt M8×35" and product.status == ProductStatus.PUBLISHED


# ----- my products: list, publish, archive, delete -----------------------------------------------


def test_my_products_lists_every_status_with_badges_and_filters(client, logged_in, make,
                                                                make_product):
    make_product(logged_in.company_id, sku="D-1", name="Draft bolt", status="draft")
    make_product(logged_in.company_id, sku="P-1", name="Public bolt", status="published")
    make_product(logged_in.company_id, sku="A-1", name="Old washer", status="archived")
    make_product(make.company(roles=("supplier",)), sku="X-1", name="Not mine")
    html = text_of(client.get("/my/products"))
    assert "Draft bolt" in html and "Public bolt" in html and "Old washer" in html
    assert "Not mine" not in html
    badges = dict(re.findall(r'<span class="badge [^"]*status-badge" data-status="(\w+)">'
                             r'(\w+)</span>', html))
    assert badges == {"draft": "Draft", "published": "Published", "archived": "Archived"}
    drafts = text_of(client.get("/my/products?status=draft"))
    assert "Draft bolt" in drafts and "Public bolt" not in drafts
    found = text_of(client.get("/my/products?q=washer"))
    assert "Old washer" in found and "Draft bolt" not in found


def test_publish_and_archive_buttons(app, client, logged_in, make_product):
    product_id = make_product(logged_in.company_id, sku="D-1", status="draft")
    token = csrf_token(client, "/my/products")
    response = client.post(f"/my/products/{product_id}/publish", data={"csrf_token": token})
    assert response.status_code == 302
    assert stored_product(app, id=product_id).status == ProductStatus.PUBLISHED
    client.post(f"/my/products/{product_id}/archive", data={"csrf_token": token})
    assert stored_product(app, id=product_id).status == ProductStatus.ARCHIVED
    client.post(f"/my/products/{product_id}/draft", data={"csrf_token": token})
    assert stored_product(app, id=product_id).status == ProductStatus.DRAFT
    assert client.post(f"/my/products/{product_id}/publish").status_code == 400  # no CSRF


def test_a_pending_company_is_told_why_it_cannot_publish(app, client, make, categories,
                                                        make_product):
    pending = make.company_with_admin(roles=("supplier",), status=CompanyStatus.PENDING)
    product_id = make_product(pending.company_id, sku="D-1", status="draft")
    portal_login(client, pending.email)
    token = csrf_token(client, "/my/products")
    response = client.post(f"/my/products/{product_id}/publish", data={"csrf_token": token})
    assert response.status_code == 403
    assert "waiting for the operator&#39;s approval" in text_of(response)
    assert stored_product(app, id=product_id).status == ProductStatus.DRAFT
    response = client.post("/my/products/new", data=product_form(
        client, "/my/products/new", sku="NEW", save=None, publish="Save and publish"))
    assert response.status_code == 403
    assert "waiting for the operator&#39;s approval" in text_of(response)
    assert stored_product(app, sku="NEW") is None


def test_delete_removes_the_product(app, client, logged_in, make_product):
    product_id = make_product(logged_in.company_id)
    token = csrf_token(client, "/my/products")
    response = client.post(f"/my/products/{product_id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert stored_product(app, id=product_id) is None


def test_a_buyer_company_has_no_catalog_editor(client, make):
    buyer = make.company_with_admin(roles=("buyer",))
    portal_login(client, buyer.email)
    response = client.get("/my/products")
    assert response.status_code == 403
    assert "Only suppliers keep a catalog" in text_of(response)


# ----- media in the editor -----------------------------------------------------------------------


def upload_form(client, path, content, name, **extra):
    return {"csrf_token": csrf_token(client, path), "file": (io.BytesIO(content), name),
            "caption": "", **extra}


def test_the_editor_uploads_with_a_progress_bar(client, logged_in, make_product):
    product_id = make_product(logged_in.company_id)
    path = f"/my/products/{product_id}/edit"
    html = text_of(client.get(path))
    assert 'data-upload-progress' in html and 'data-progress' in html
    assert '<script src="/static/js/upload-progress.js" defer></script>' in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None  # no inline script (CSP)
    script = client.get("/static/js/upload-progress.js")
    assert script.status_code == 200
    assert b"upload.addEventListener(\"progress\"" in script.data


def test_a_plain_form_upload_adds_the_file(client, logged_in, make_product):
    product_id = make_product(logged_in.company_id)
    path = f"/my/products/{product_id}/edit"
    response = client.post(f"/my/products/{product_id}/media",
                           data=upload_form(client, path, png_bytes(), "front.png",
                                            caption="Front view"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"{path}#media"
    html = text_of(client.get(path))
    assert 'value="Front view"' in html and 'src="/media/1/thumbnail"' in html


def test_the_progress_bar_request_is_answered_in_json(client, logged_in, make_product):
    product_id = make_product(logged_in.company_id)
    path = f"/my/products/{product_id}/edit"
    xhr = {"X-Requested-With": "XMLHttpRequest"}
    done = client.post(f"/my/products/{product_id}/media", headers=xhr,
                       data=upload_form(client, path, mp4_bytes(), "clip.mp4"))
    assert done.status_code == 201
    assert done.get_json() == {"redirect": f"{path}#media"}
    refused = client.post(f"/my/products/{product_id}/media", headers=xhr,
                          data=upload_form(client, path, HTML_AS_JPEG, "photo.jpg"))
    assert refused.status_code == 415
    assert refused.get_json()["detail"].startswith("This file is a web page")


def test_a_refused_plain_upload_shows_the_reason(client, logged_in, make_product):
    product_id = make_product(logged_in.company_id)
    path = f"/my/products/{product_id}/edit"
    response = client.post(f"/my/products/{product_id}/media",
                           data=upload_form(client, path, HTML_AS_JPEG, "photo.jpg"))
    assert response.status_code == 415
    assert "This file is a web page or markup" in text_of(response)


def test_media_are_reordered_captioned_and_deleted(app, client, logged_in, make_product,
                                                   make_product_media):
    product_id = make_product(logged_in.company_id)
    first = make_product_media(product_id, png_bytes(), "a.png")
    second = make_product_media(product_id, pdf_bytes(), "b.pdf")
    path = f"/my/products/{product_id}/edit"
    token = csrf_token(client, path)

    def order():
        return [item.id for item in stored_product(app, id=product_id).media]

    client.post(f"/my/products/{product_id}/media/{second}/move/up", data={"csrf_token": token})
    assert order() == [second, first]
    client.post(f"/my/products/{product_id}/media/{second}/move/up", data={"csrf_token": token})
    assert order() == [second, first]  # already first
    client.post(f"/my/products/{product_id}/media/{second}/move/down",
                data={"csrf_token": token})
    assert order() == [first, second]
    client.post(f"/my/products/{product_id}/media/{first}/caption",
                data={"csrf_token": token, f"m{first}-caption": "Side view"})
    assert stored_product(app, id=product_id).media[0].caption == "Side view"
    client.post(f"/my/products/{product_id}/media/{first}/delete", data={"csrf_token": token})
    assert order() == [second]


# ----- the e-catalog -----------------------------------------------------------------------------


@pytest.fixture
def catalog(app, make, make_product, categories):
    formosa = make.company(roles=("supplier",), name="Formosa Fasteners")
    keelung = make.company(roles=("supplier",), name="Keelung Tools", country="JP")
    pending = make.company(roles=("supplier",), name="Pending Co",
                           status=CompanyStatus.PENDING)
    ids = {
        "bolt": make_product(formosa, sku="B1", name="Hex bolt", category="hardware.fasteners",
                             product_line="Bolts"),
        "nut": make_product(formosa, sku="N1", name="Hex nut", category="hardware.fasteners",
                            product_line="Nuts"),
        "washer": make_product(formosa, sku="W1", name="Flat washer"),
        "draft": make_product(formosa, sku="D1", name="Secret bolt", status="draft",
                              category="hardware.fasteners", product_line="Bolts"),
        "old": make_product(formosa, sku="O1", name="Old bolt", status="archived",
                            category="hardware.fasteners"),
        "wrench": make_product(keelung, sku="K1", name="Box wrench",
                               category="hardware.hand_tools"),
        "tea": make_product(keelung, sku="T1", name="Oolong tea", category="food.tea"),
    }
    with app.test_request_context():
        from marketplace.content.operations.products import save_product

        save_product(db.session.get(Company, pending), {"sku": "P1", "name": "Pending bolt",
                                                        "category": "hardware.fasteners"})
        commit()
    return {"formosa": formosa, "keelung": keelung, "pending": pending, **ids}


def test_the_catalog_tree_counts_published_products_only(client, catalog):
    html = text_of(client.get("/catalog"))
    counts = dict(re.findall(r'data-code="([\w.]+)">\s*<a[^>]*>[^<]*</a>\s*'
                             r'<span class="[^"]*category-count">(\d+)</span>', html))
    assert counts == {"hardware": "3", "hardware.fasteners": "2", "hardware.hand_tools": "1",
                      "food.tea": "1"}
    assert "Secret bolt" not in html and "Old bolt" not in html and "Pending bolt" not in html
    assert "5 products" in html  # bolt, nut, washer, wrench, tea


def test_the_catalog_browses_a_category_with_its_subcategories(client, catalog):
    html = text_of(client.get("/catalog?category=hardware"))
    assert all(name in html for name in ("Hex bolt", "Hex nut", "Box wrench"))
    assert "Oolong tea" not in html and "Flat washer" not in html
    suppliers = re.search(r'id="supplier-list">(.*?)</ul>', html, re.S).group(1)
    assert "Formosa Fasteners" in suppliers and "Keelung Tools" in suppliers
    tools = text_of(client.get("/catalog?category=hardware.hand_tools"))
    assert "Box wrench" in tools and "Hex bolt" not in tools
    assert client.get("/catalog?category=nope").status_code == 404


def test_a_supplier_catalog_groups_products_by_line(client, catalog):
    html = text_of(client.get(f"/catalog/suppliers/{catalog['formosa']}"))
    sections = re.findall(r'<h2 class="h5[^"]*">\s*([^<\n]+?)\s*<small', html)
    assert sections == ["Bolts", "Nuts", "Other products"]
    assert "Secret bolt" not in html and "Old bolt" not in html
    assert client.get(f"/catalog/suppliers/{catalog['pending']}").status_code == 404


# ----- the product page ---------------------------------------------------------------------------


@pytest.fixture
def full_product(make, make_product, make_product_media, categories):
    company = make.company(roles=("supplier",), name="Formosa Fasteners")
    product_id = make_product(
        company, sku="HB-M8", name="Hex bolt M8", name_zh="六角螺栓 M8",
        description="Stainless hex bolt", description_zh="不鏽鋼六角螺栓",
        category="hardware.fasteners", moq="5000", unit="pcs", lead_time_days=25,
        port="Keelung", hs_code="7318.15", currency="USD",
        price_tiers=[{"min_qty": 5000, "unit_price": "0.12"},
                     {"min_qty": 20000, "unit_price": "0.1"}],
        attributes={"Material": "A2 stainless steel"})
    make_product_media(product_id, png_bytes(), "front.png", "Front")
    make_product_media(product_id, png_bytes(color="red"), "side.png")
    make_product_media(product_id, mp4_bytes(), "clip.mp4")
    make_product_media(product_id, mp3_bytes(), "pitch.mp3")
    make_product_media(product_id, pdf_bytes(), "spec.pdf", "Spec sheet")
    return product_id


def test_the_product_page_shows_gallery_tiers_specs_and_supplier(client, full_product):
    response = client.get(f"/products/{full_product}")
    assert response.status_code == 200
    html = text_of(response)
    assert 'id="cover-image"' in html and 'src="/media/1"' in html
    assert 'src="/media/2/thumbnail"' in html  # the second image as a thumbnail
    assert '<video src="/media/3" controls' in html
    assert '<audio src="/media/4" controls' in html
    assert '<a href="/media/5" target="_blank" rel="noopener">Spec sheet</a>' in html
    tiers = re.search(r'id="price-tiers">(.*?)</table>', html, re.S).group(1)
    assert "≥ 5000 pcs" in tiers and "USD 0.12" in tiers and "USD 0.10" in tiers
    assert "5000 pcs" in re.search(r'id="moq">([^<]*)<', html).group(1)
    assert "25 days" in html and "Keelung" in html and "7318.15" in html
    assert "<th scope=\"row\" class=\"fw-normal text-muted w-50\">Material</th>" in html
    card = re.search(r'id="supplier-card">(.*?)</div></div>', html, re.S).group(1)
    assert "Formosa Fasteners" in card and "Taiwan" in card and "Verified" in card
    assert 'id="send-inquiry"' in html


def test_an_unapproved_supplier_has_no_verified_badge(app, client, full_product):
    with app.test_request_context():
        db.session.get(Product, full_product).company.approved_at = None
        commit()
    card = re.search(r'id="supplier-card">(.*?)</div></div>', text_of(
        client.get(f"/products/{full_product}")), re.S).group(1)
    assert "Verified" not in card


def test_the_page_speaks_the_visitors_language(client, full_product, make, make_product):
    chinese = text_of(client.get(f"/products/{full_product}", headers=ZH))
    assert re.search(r'id="product-name">六角螺栓 M8', chinese)
    assert 'id="product-name-other">Hex bolt M8<' in chinese
    assert "不鏽鋼六角螺栓" in re.search(r'id="description">(.*?)</section>', chinese,
                                      re.S).group(1).split("<details")[0]
    english = text_of(client.get(f"/products/{full_product}"))
    assert re.search(r'id="product-name">Hex bolt M8', english)
    only_english = make_product(make.company(roles=("supplier",)), name="Box wrench")
    assert re.search(r'id="product-name">Box wrench',
                     text_of(client.get(f"/products/{only_english}", headers=ZH)))


def test_the_owner_previews_a_draft(client, logged_in, make_product):
    draft = make_product(logged_in.company_id, status="draft", name="Secret bolt")
    html = text_of(client.get(f"/products/{draft}"))
    assert "Only your company sees this page: the product is a draft." in html
    assert 'id="send-inquiry"' not in html and 'id="edit-product"' in html


# ----- the prepared inquiry -----------------------------------------------------------------------


def test_send_inquiry_prepares_a_draft_kept_in_the_session(client, make, full_product):
    buyer = make.company_with_admin(roles=("buyer",))
    anonymous = client.get(f"/products/{full_product}/inquiry")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    portal_login(client, buyer.email)
    page = client.get(f"/products/{full_product}/inquiry")
    html = text_of(page)
    assert page.status_code == 200
    assert re.search(r'<input[^>]*name="quantity"[^>]*value="5000"', html)  # the MOQ
    assert re.search(r'<input[^>]*name="unit"[^>]*value="pcs"', html)
    assert "Inquiry: Hex bolt M8" in html
    assert 'id="create-inquiry"' in html  # makes it a trade document (tests/trading)
    token = csrf_token(client, f"/products/{full_product}/inquiry")
    saved = client.post(f"/products/{full_product}/inquiry", data={
        "csrf_token": token, "subject": "Bolts for Rotterdam", "quantity": "20000",
        "unit": "pcs", "message": "Please quote CIF Rotterdam."})
    assert saved.status_code == 302
    again = text_of(client.get(saved.headers["Location"]))
    assert 'value="Bolts for Rotterdam"' in again and 'value="20000"' in again
    assert "Please quote CIF Rotterdam." in again and "Your draft is kept." in again
    with client.session_transaction() as session:
        assert session["inquiry_drafts"][str(full_product)]["quantity"] == "20000"
    assert 'id="draft-kept"' in text_of(client.get(f"/products/{full_product}"))


def test_an_inquiry_needs_a_quantity(client, make, full_product):
    buyer = make.company_with_admin(roles=("buyer",))
    portal_login(client, buyer.email)
    token = csrf_token(client, f"/products/{full_product}/inquiry")
    response = client.post(f"/products/{full_product}/inquiry", data={
        "csrf_token": token, "subject": "Bolts", "quantity": "-2", "unit": "pcs"})
    assert response.status_code == 422 and "Must be more than 0." in text_of(response)


def test_the_session_keeps_a_few_drafts_within_cookie_size(app, client, make, make_product):
    buyer = make.company_with_admin(roles=("buyer",))
    seller = make.company(roles=("supplier",))
    products = [make_product(seller, sku=f"S{i}") for i in range(5)]
    portal_login(client, buyer.email)
    for product_id in products:
        token = csrf_token(client, f"/products/{product_id}/inquiry")
        client.post(f"/products/{product_id}/inquiry", data={
            "csrf_token": token, "subject": "Quote", "quantity": "10", "unit": "pcs",
            "message": "請報價" * 300})
    with client.session_transaction() as session:
        drafts = session["inquiry_drafts"]
    assert list(drafts)[-1] == str(products[-1])  # the newest is always kept
    assert len(drafts) <= 3
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None and len(cookie.value) < 4000

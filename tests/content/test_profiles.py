"""Company profiles: the profile under If-Match, the factory tour (photos and videos,
ordered, captioned), certifications with their documents, the public company page."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.test import EnvironBuilder

from marketplace.content.models import FactoryTourItem, MediaFile
from marketplace.core.boundary import commit
from marketplace.core.signals import company_profile_changed
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus
from tests.factories import csrf_token, portal_login

PROBLEM = "application/problem+json"
ZH = {"Accept-Language": "zh-TW,zh;q=0.9"}


# ----- files ----------------------------------------------------------------------------------


def png_bytes(size=(64, 48), color="teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "JPEG")
    return out.getvalue()


def mp4_bytes() -> bytes:
    ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    mdat = b"\x00\x00\x00\x10mdat" + b"\x00" * 8
    return ftyp + mdat


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n"
            b"%%EOF\n")


HTML_AS_JPEG = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


def upload(content: bytes, filename: str, **fields) -> dict:
    return {"file": (io.BytesIO(content), filename), **fields}


# ----- test data ------------------------------------------------------------------------------


def set_company(app, company_id: int, **values) -> None:
    with app.test_request_context():
        company = db.session.get(Company, company_id)
        for name, value in values.items():
            setattr(company, name, value)
        commit()


def add_category_to(app, company_id: int, code: str, name: str, name_zh: str) -> None:
    with app.test_request_context():
        company = db.session.get(Company, company_id)
        company.categories.append(Category(code=code, name=name, name_zh=name_zh))
        commit()


def media_files_of(app, company_id: int) -> list[Path]:
    folder = Path(app.config["MEDIA_FOLDER"]) / str(company_id)
    return sorted(p for p in folder.glob("*") if p.is_file()) if folder.exists() else []


def count_rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def supplier(make):
    return make.company_with_admin("Formosa Fasteners", roles=("supplier",), country="TW")


@pytest.fixture(autouse=True)
def media_folder(app, tmp_path):
    """Each test stores its uploads in a folder of its own."""
    saved = app.config.get("MEDIA_FOLDER")
    app.config["MEDIA_FOLDER"] = str(tmp_path / "media")
    yield tmp_path / "media"
    app.config["MEDIA_FOLDER"] = saved


@pytest.fixture
def small_limits(app):
    """Upload limits small enough to pass in a test (restored afterwards)."""
    saved = app.config["MEDIA_MAX_BYTES"]
    app.config["MEDIA_MAX_BYTES"] = {**saved, "image": 2_000, "video": 2_000, "pdf": 2_000}
    yield
    app.config["MEDIA_MAX_BYTES"] = saved


@pytest.fixture
def profile_signals():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs.get("company_id"))

    company_profile_changed.connect(receiver)
    yield received
    company_profile_changed.disconnect(receiver)


def tour_path(member) -> str:
    return f"/companies/{member.company_id}/factory-tour"


def add_tour(api, token, member, content=None, name="hall.png", **captions):
    response = api.post(tour_path(member), token, data=upload(content or png_bytes(), name,
                                                              **captions))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


PROFILE = {
    "description_en": "We forge stainless steel fasteners in Kaohsiung since 1987.",
    "description_zh": "自1987年起在高雄鍛造不鏽鋼扣件。",
    "year_founded": 1987, "employees": "51-200",
    "main_markets": ["western_europe", "US", "JP"],
    "contact_name": "Lin Mei-hua", "contact_email": "sales@formosa-fasteners.example.com",
    "contact_phone": "+886 7 123 4567",
}


# ----- the profile ----------------------------------------------------------------------------


def test_a_new_company_has_an_empty_profile_at_version_zero(api, make, supplier):
    response = api.get(f"/companies/{supplier.company_id}/profile")
    assert response.status_code == 200
    assert response.headers["ETag"] == '"0"'
    body = response.get_json()
    assert body["version"] == 0 and body["description_en"] is None
    assert body["main_markets"] == [] and body["certifications"] == []
    assert body["factory_tour"] == []
    assert body["verified"] is True  # the factory approved it
    assert body["company"]["name"] == "Formosa Fasteners"
    assert body["catalog_url"] == f"/catalog/suppliers/{supplier.company_id}"
    buyer = make.company_with_admin(roles=("buyer",))
    assert api.get(f"/companies/{buyer.company_id}/profile").get_json()["catalog_url"] is None


def test_the_profile_is_changed_under_if_match(api, supplier, profile_signals):
    token = api.token(supplier)
    path = f"/companies/{supplier.company_id}/profile"
    first = api.patch(path, token, json=PROFILE, headers={"If-Match": '"0"'})
    assert first.status_code == 200, first.get_json()
    assert first.headers["ETag"] == '"1"'
    assert {k: first.get_json()[k] for k in PROFILE} == PROFILE
    assert profile_signals == [supplier.company_id]
    second = api.patch(path, token, json={"employees": "201-500"}, headers={"If-Match": '"1"'})
    assert second.status_code == 200 and second.headers["ETag"] == '"2"'
    stale = api.patch(path, token, json={"employees": "1-10"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.mimetype == PROBLEM
    assert stale.get_json()["current_version"] == 2
    body = api.get(path).get_json()
    assert body["employees"] == "201-500" and body["year_founded"] == 1987
    # Cleared with null; blank text counts as nothing.
    cleared = api.patch(path, token, json={"description_zh": None, "contact_phone": "  "})
    assert cleared.get_json()["description_zh"] is None
    assert cleared.get_json()["contact_phone"] is None
    events = api.get("/audit-events?action=profile.", token).get_json()["items"]
    assert events[-1]["changes"]["employees"] == [None, "51-200"]


def test_main_markets_are_regions_or_country_codes_each_once(api, supplier):
    token = api.token(supplier)
    path = f"/companies/{supplier.company_id}/profile"
    body = api.patch(path, token, json={"main_markets": ["TW", "east_asia", "TW"]}).get_json()
    assert body["main_markets"] == ["TW", "east_asia"]
    refused = api.patch(path, token, json={"main_markets": ["XX", "mars", "tw"]})
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == {"main_markets.0", "main_markets.1",
                                                 "main_markets.2"}


def test_bad_profile_input_is_refused_field_by_field(api, supplier):
    token = api.token(supplier)
    path = f"/companies/{supplier.company_id}/profile"
    response = api.patch(path, token, json={
        "year_founded": 1700, "employees": "lots", "contact_email": "not-an-address",
        "description_en": "x" * 10_001, "company_id": 99, "version": 7})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {
        "year_founded", "employees", "contact_email", "description_en", "company_id", "version"}
    future = api.patch(path, token, json={"year_founded": date.today().year + 1})
    assert future.status_code == 422
    assert api.get(path).get_json()["version"] == 0  # nothing saved


def test_verified_means_approved_and_active(app, api, make, supplier):
    pending = make.company_with_admin(status=CompanyStatus.PENDING)
    own_view = api.get(f"/companies/{pending.company_id}/profile", api.token(pending))
    assert own_view.get_json()["verified"] is False
    set_company(app, supplier.company_id, approved_at=None)
    assert api.get(f"/companies/{supplier.company_id}/profile").get_json()["verified"] is False


def test_a_pending_company_completes_its_profile_seen_by_itself_and_the_operator(api, make):
    pending = make.company_with_admin(status=CompanyStatus.PENDING)
    token = api.token(pending)
    path = f"/companies/{pending.company_id}/profile"
    assert api.patch(path, token, json={"year_founded": 2001}).status_code == 200
    add_tour(api, token, pending)
    assert api.get(path).status_code == 404
    assert api.get(path, api.token(make.company_with_admin())).status_code == 404
    assert api.get(tour_path(pending)).status_code == 404
    assert api.get(path, api.token(make.operator())).get_json()["year_founded"] == 2001


# ----- the factory tour -----------------------------------------------------------------------


def test_photos_and_videos_make_an_ordered_captioned_tour(app, api, supplier, profile_signals):
    token = api.token(supplier)
    hall = add_tour(api, token, supplier, caption_en="Forging hall", caption_zh="鍛造廠房")
    assert hall["media"]["kind"] == "image" and hall["position"] == 0
    assert (hall["caption_en"], hall["caption_zh"]) == ("Forging hall", "鍛造廠房")
    assert hall["media"]["thumbnail_url"]
    video = add_tour(api, token, supplier, mp4_bytes(), "line.mp4", caption_en="Heading line")
    assert video["media"]["kind"] == "video" and video["position"] == 1
    assert video["media"]["thumbnail_url"] is None
    lab = add_tour(api, token, supplier, jpeg_bytes(), "lab.jpg", caption_en="Test lab")
    listed = api.get(tour_path(supplier)).get_json()
    assert [i["id"] for i in listed["items"]] == [hall["id"], video["id"], lab["id"]]
    assert listed["total"] == 3
    assert profile_signals == [supplier.company_id] * 3
    profile = api.get(f"/companies/{supplier.company_id}/profile").get_json()
    assert [i["caption_en"] for i in profile["factory_tour"]] == ["Forging hall",
                                                                  "Heading line", "Test lab"]
    one = api.get(f"{tour_path(supplier)}/{video['id']}")
    assert one.status_code == 200 and one.get_json()["caption_en"] == "Heading line"


def test_the_tour_is_reordered_only_with_every_item_once(api, make, supplier):
    token = api.token(supplier)
    ids = [add_tour(api, token, supplier)["id"] for _ in range(3)]
    order = f"{tour_path(supplier)}/order"
    response = api.call("PUT", order, token, json={"ids": [ids[2], ids[0], ids[1]]})
    assert response.status_code == 200
    assert [(i["id"], i["position"]) for i in response.get_json()] == [
        (ids[2], 0), (ids[0], 1), (ids[1], 2)]
    other = make.company_with_admin(roles=("supplier",))
    foreign = add_tour(api, api.token(other), other)["id"]
    for bad in ([ids[0], ids[1]], [ids[0], ids[0], ids[1], ids[2]],
                [ids[0], ids[1], foreign], [*ids, foreign]):
        refused = api.call("PUT", order, token, json={"ids": bad})
        assert refused.status_code == 422, bad
        assert "ids" in refused.get_json()["errors"]
    assert [i["id"] for i in api.get(tour_path(supplier)).get_json()["items"]] == [
        ids[2], ids[0], ids[1]]


def test_captions_are_changed_and_items_deleted_with_their_files(app, api, supplier):
    token = api.token(supplier)
    first = add_tour(api, token, supplier, caption_en="Old")
    second = add_tour(api, token, supplier)
    assert len(media_files_of(app, supplier.company_id)) == 4  # two images, two thumbnails
    path = f"{tour_path(supplier)}/{first['id']}"
    changed = api.patch(path, token, json={"caption_en": "Warehouse", "caption_zh": "倉庫"})
    assert (changed.get_json()["caption_en"], changed.get_json()["caption_zh"]) == (
        "Warehouse", "倉庫")
    assert api.patch(path, token, json={"caption_en": "x" * 301}).status_code == 422
    assert api.patch(path, token, json={"media_id": 1}).status_code == 422
    assert api.delete(path, token).status_code == 204
    remaining = api.get(tour_path(supplier)).get_json()["items"]
    assert [(i["id"], i["position"]) for i in remaining] == [(second["id"], 0)]
    assert len(media_files_of(app, supplier.company_id)) == 2
    assert count_rows(app, MediaFile) == 1
    assert api.delete(path, token).status_code == 404


def test_disguised_and_wrong_uploads_are_refused_and_nothing_is_kept(app, api, supplier):
    token = api.token(supplier)
    path = tour_path(supplier)
    html = api.post(path, token, data=upload(HTML_AS_JPEG, "factory.jpg"))
    assert html.status_code == 415 and html.mimetype == PROBLEM
    assert "web page" in html.get_json()["detail"]
    pdf = api.post(path, token, data=upload(pdf_bytes(), "brochure.pdf"))
    assert pdf.status_code == 415
    empty = api.post(path, token, data=upload(b"", "empty.png"))
    assert empty.status_code == 422
    missing = api.post(path, token, data={"caption_en": "no file"})
    assert missing.status_code == 422 and "file" in missing.get_json()["errors"]
    as_text = api.post(path, token, data={"file": "not a file part"})
    assert as_text.status_code == 422 and "file" in as_text.get_json()["errors"]
    extra = api.post(path, token, data=upload(png_bytes(), "a.png", position="0"))
    assert extra.status_code == 422 and "position" in extra.get_json()["errors"]
    json_body = api.post(path, token, json={"file": "x"})
    assert json_body.status_code == 422
    broken = api.post(path, token, data=upload(png_bytes()[:60], "cut.png"))
    assert broken.status_code == 422
    assert api.get(path).get_json()["items"] == []
    assert media_files_of(app, supplier.company_id) == []
    assert count_rows(app, FactoryTourItem) == count_rows(app, MediaFile) == 0


def test_oversize_uploads_are_refused_with_413(app, api, supplier, small_limits):
    token = api.token(supplier)
    big = png_bytes((600, 600), "white") + b"\x00" * 3_000  # a valid PNG with trailing bytes
    response = api.post(tour_path(supplier), token, data=upload(big, "huge.png"))
    assert response.status_code == 413 and response.mimetype == PROBLEM
    big_pdf = pdf_bytes() + b"%" * 3_000
    cert = api.post(f"/companies/{supplier.company_id}/certifications", token,
                    data=upload(big_pdf, "iso.pdf", name="ISO 9001"))
    assert cert.status_code == 413
    assert media_files_of(app, supplier.company_id) == []
    assert api.get(f"/companies/{supplier.company_id}/certifications").get_json()["total"] == 0


def test_the_same_idempotency_key_adds_one_item(api, supplier):
    token = api.token(supplier)
    body = png_bytes()
    headers = {"Idempotency-Key": "tour-upload-1"}
    environ = EnvironBuilder(method="POST", data=upload(body, "a.png", caption_en="Hall")
                             ).get_environ()
    raw, content_type = environ["wsgi.input"].read(), environ["CONTENT_TYPE"]
    first = api.post(tour_path(supplier), token, data=raw,
                     headers={**headers, "Content-Type": content_type})
    again = api.post(tour_path(supplier), token, data=raw,
                     headers={**headers, "Content-Type": content_type})
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert api.get(tour_path(supplier)).get_json()["total"] == 1


# ----- certifications -------------------------------------------------------------------------


def test_certifications_with_pdf_or_image_documents(app, api, supplier, profile_signals):
    token = api.token(supplier)
    path = f"/companies/{supplier.company_id}/certifications"
    iso = api.post(path, token, data=upload(pdf_bytes(), "ISO 9001.pdf", name="ISO 9001:2015",
                                            issuer="SGS", valid_until="2030-06-30"))
    assert iso.status_code == 201, iso.get_json()
    body = iso.get_json()
    assert (body["name"], body["issuer"], body["valid_until"], body["expired"]) == (
        "ISO 9001:2015", "SGS", "2030-06-30", False)
    assert body["document"]["kind"] == "pdf"
    assert iso.headers["Location"].endswith(f"{path}/{body['id']}")
    ce = api.post(path, token, data=upload(png_bytes(), "ce.png", name="CE",
                                           valid_until="2020-01-31"))
    assert ce.get_json()["document"]["kind"] == "image" and ce.get_json()["expired"] is True
    bare = api.post(path, token, data={"name": "RoHS"})
    assert bare.status_code == 201 and bare.get_json()["document"] is None
    video = api.post(path, token, data=upload(mp4_bytes(), "iso.pdf", name="Video?"))
    assert video.status_code == 415
    disguised = api.post(path, token, data=upload(HTML_AS_JPEG, "cert.pdf", name="Fake"))
    assert disguised.status_code == 415
    unnamed = api.post(path, token, data=upload(pdf_bytes(), "x.pdf", valid_until="2030-13-01"))
    assert unnamed.status_code == 422
    assert {"name", "valid_until"} <= set(unnamed.get_json()["errors"])
    listed = api.get(path).get_json()
    assert [c["name"] for c in listed["items"]] == ["CE", "ISO 9001:2015", "RoHS"]
    assert profile_signals == [supplier.company_id] * 3
    assert [c["name"] for c in api.get(f"/companies/{supplier.company_id}/profile"
                                       ).get_json()["certifications"]] == [
        "CE", "ISO 9001:2015", "RoHS"]


def test_a_certification_is_changed_and_deleted_with_its_document(app, api, supplier):
    token = api.token(supplier)
    path = f"/companies/{supplier.company_id}/certifications"
    created = api.post(path, token, data=upload(pdf_bytes(), "iso.pdf", name="ISO 9001")
                       ).get_json()
    one = f"{path}/{created['id']}"
    changed = api.patch(one, token, json={"name": "ISO 9001:2015", "valid_until": None})
    assert changed.status_code == 200 and changed.get_json()["name"] == "ISO 9001:2015"
    assert api.patch(one, token, json={"name": ""}).status_code == 422
    assert api.patch(one, token, json={"document_id": 1}).status_code == 422
    assert len(media_files_of(app, supplier.company_id)) == 1
    assert api.delete(one, token).status_code == 204
    assert api.get(one).status_code == 404
    assert media_files_of(app, supplier.company_id) == []


# ----- the portal: the company page -----------------------------------------------------------


def _fill_profile(app, api, supplier):
    token = api.token(supplier)
    api.patch(f"/companies/{supplier.company_id}/profile", token, json=PROFILE)
    add_category_to(app, supplier.company_id, "hardware.fasteners", "Fasteners", "扣件")
    hall = add_tour(api, token, supplier, caption_en="Forging hall", caption_zh="鍛造廠房")
    video = add_tour(api, token, supplier, mp4_bytes(), "line.mp4", caption_en="Heading line")
    cert = api.post(f"/companies/{supplier.company_id}/certifications", token,
                    data=upload(pdf_bytes(), "iso.pdf", name="ISO 9001:2015", issuer="SGS",
                                valid_until="2030-06-30")).get_json()
    return hall, video, cert


def test_the_company_page_shows_the_profile_in_english(client, app, api, supplier):
    hall, video, cert = _fill_profile(app, api, supplier)
    page = client.get(f"/companies/{supplier.company_id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Formosa Fasteners" in html and 'id="verified-badge"' in html
    assert 'id="company-country">Taiwan<' in html
    assert "Fasteners" in html
    first = html.index('id="description-first"')
    assert html.index(PROFILE["description_en"]) > first
    assert html.index(PROFILE["description_zh"]) > html.index('id="description-other"')
    assert "Read in Chinese" in html
    assert ">1987<" in html and ">51-200<" in html
    assert "Western Europe, United States, Japan" in html
    assert "ISO 9001:2015" in html and "SGS" in html and "2030-06-30" in html
    assert f'href="{cert["document"]["url"]}"' in html
    assert "Lin Mei-hua" in html and "mailto:sales@formosa-fasteners.example.com" in html
    assert "+886 7 123 4567" in html
    assert html.index("Forging hall") < html.index("Heading line")  # the tour's order
    assert f'src="{hall["media"]["thumbnail_url"]}"' in html
    assert f'<video class="w-100 rounded-top bg-dark tour-media" controls preload="metadata" ' \
           f'src="{video["media"]["url"]}"' in html
    assert f'href="/catalog/suppliers/{supplier.company_id}"' in html
    assert 'id="not-public-banner"' not in html and 'id="edit-profile"' not in html


def test_the_company_page_speaks_chinese_first_to_chinese_readers(client, app, api, supplier):
    _fill_profile(app, api, supplier)
    html = client.get(f"/companies/{supplier.company_id}", headers=ZH).get_data(as_text=True)
    assert html.index(PROFILE["description_zh"]) < html.index(PROFILE["description_en"])
    assert html.index('id="description-other"') < html.index(PROFILE["description_en"])
    assert "扣件" in html and "臺灣" in html
    assert html.index("鍛造廠房") < html.index("Forging hall")  # caption: Chinese first


def test_a_page_in_one_language_only_has_no_toggle(client, api, supplier):
    api.patch(f"/companies/{supplier.company_id}/profile", api.token(supplier),
              json={"description_zh": "只有中文"})
    html = client.get(f"/companies/{supplier.company_id}").get_data(as_text=True)
    assert "只有中文" in html and 'id="description-other"' not in html


def test_pending_and_suspended_pages_are_for_the_company_and_the_operator(client, app, make):
    pending = make.company_with_admin("Waiting Ltd", status=CompanyStatus.PENDING)
    path = f"/companies/{pending.company_id}"
    assert client.get(path).status_code == 404
    portal_login(client, make.company_with_admin().email)
    assert client.get(path).status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    portal_login(client, pending.email)
    own = client.get(path)
    assert own.status_code == 200
    assert 'id="not-public-banner"' in own.get_data(as_text=True)
    assert 'id="edit-profile"' in own.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    portal_login(client, make.operator().email)
    assert client.get(path).status_code == 200
    set_company(app, pending.company_id, status=CompanyStatus.SUSPENDED)
    suspended = client.get(path).get_data(as_text=True)
    assert "is suspended" in suspended and 'id="verified-badge"' not in suspended


# ----- the portal: editing --------------------------------------------------------------------


def test_portal_profile_form_saves_and_refuses_a_stale_version(client, api, supplier):
    portal_login(client, supplier.email)
    page = client.get("/my/profile").get_data(as_text=True)
    assert 'name="version" type="hidden" value="0"' in page
    token = csrf_token(client, "/my/profile")
    form = {"csrf_token": token, "version": "0", "description_en": "Bolts and nuts.",
            "description_zh": "螺栓與螺帽。", "year_founded": "1987", "employees": "11-50",
            "market_regions": ["western_europe", "north_america"], "market_countries": ["JP"],
            "contact_name": "Lin", "contact_email": "lin@example.com", "contact_phone": ""}
    saved = client.post("/my/profile", data=form)
    assert saved.status_code == 302
    body = api.get(f"/companies/{supplier.company_id}/profile").get_json()
    assert body["main_markets"] == ["western_europe", "north_america", "JP"]
    assert (body["description_zh"], body["employees"], body["version"]) == (
        "螺栓與螺帽。", "11-50", 1)
    stale = client.post("/my/profile", data={**form, "description_en": "An older draft"})
    assert stale.status_code == 412
    html = stale.get_data(as_text=True)
    assert "Someone else saved this profile" in html and "An older draft" in html
    assert api.get(f"/companies/{supplier.company_id}/profile").get_json()[
        "description_en"] == "Bolts and nuts."
    bad = client.post("/my/profile", data={**form, "version": "1", "year_founded": "1700"})
    assert bad.status_code == 422


def test_portal_factory_tour_upload_reorder_caption_and_delete(client, app, api, supplier):
    portal_login(client, supplier.email)
    token = csrf_token(client, "/my/profile/factory-tour")
    for name, content, caption in (("a.png", png_bytes(), "First"),
                                   ("b.mp4", mp4_bytes(), "Second")):
        response = client.post("/my/profile/factory-tour", data={
            "csrf_token": token, "caption_en": caption, "caption_zh": "",
            "file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
        assert response.status_code == 302
    disguised = client.post("/my/profile/factory-tour", data={
        "csrf_token": token, "file": (io.BytesIO(HTML_AS_JPEG), "x.jpg")},
        content_type="multipart/form-data")
    assert disguised.status_code == 415
    assert "web page" in disguised.get_data(as_text=True)
    items = api.get(tour_path(supplier)).get_json()["items"]
    assert [i["caption_en"] for i in items] == ["First", "Second"]
    page = client.get("/my/profile/factory-tour").get_data(as_text=True)
    assert "<video" in page and "controls" in page
    client.post(f"/my/profile/factory-tour/{items[1]['id']}/move/up",
                data={"csrf_token": token})
    assert [i["caption_en"] for i in api.get(tour_path(supplier)).get_json()["items"]] == [
        "Second", "First"]
    client.post(f"/my/profile/factory-tour/{items[1]['id']}/move/up",
                data={"csrf_token": token})  # already first: nothing moves
    client.post(f"/my/profile/factory-tour/{items[0]['id']}/captions", data={
        "csrf_token": token, f"item{items[0]['id']}-caption_en": "Hall",
        f"item{items[0]['id']}-caption_zh": "廠房"})
    client.post(f"/my/profile/factory-tour/{items[1]['id']}/delete",
                data={"csrf_token": token})
    left = api.get(tour_path(supplier)).get_json()["items"]
    assert [(i["caption_en"], i["caption_zh"], i["position"]) for i in left] == [
        ("Hall", "廠房", 0)]
    assert client.post(f"/my/profile/factory-tour/{items[0]['id']}/move/sideways",
                       data={"csrf_token": token}).status_code == 404


def test_portal_certifications_add_edit_delete(client, api, supplier):
    portal_login(client, supplier.email)
    token = csrf_token(client, "/my/profile/certifications")
    added = client.post("/my/profile/certifications", data={
        "csrf_token": token, "name": "ISO 14001", "issuer": "TÜV", "valid_until": "2029-12-31",
        "file": (io.BytesIO(pdf_bytes()), "iso14001.pdf")}, content_type="multipart/form-data")
    assert added.status_code == 302
    certs = api.get(f"/companies/{supplier.company_id}/certifications").get_json()["items"]
    assert [(c["name"], c["issuer"], c["valid_until"], c["document"]["kind"])
            for c in certs] == [("ISO 14001", "TÜV", "2029-12-31", "pdf")]
    cert_id = certs[0]["id"]
    page = client.get(f"/my/profile/certifications/{cert_id}").get_data(as_text=True)
    assert 'value="ISO 14001"' in page and "iso14001.pdf" in page
    edited = client.post(f"/my/profile/certifications/{cert_id}", data={
        "csrf_token": token, "name": "ISO 14001:2015", "issuer": "TÜV", "valid_until": "",
        "file": (io.BytesIO(png_bytes()), "scan.png")}, content_type="multipart/form-data")
    assert edited.status_code == 302
    cert = api.get(f"/companies/{supplier.company_id}/certifications/{cert_id}").get_json()
    assert (cert["name"], cert["valid_until"], cert["document"]["kind"]) == (
        "ISO 14001:2015", None, "image")
    video = client.post("/my/profile/certifications", data={
        "csrf_token": token, "name": "X", "file": (io.BytesIO(mp4_bytes()), "x.pdf")},
        content_type="multipart/form-data")
    assert video.status_code == 415
    client.post(f"/my/profile/certifications/{cert_id}/delete", data={"csrf_token": token})
    assert api.get(f"/companies/{supplier.company_id}/certifications").get_json()["total"] == 0


def test_only_administrators_edit_the_profile(client, api, make, supplier):
    sales = make.member(supplier.company_id, "sales")
    assert api.patch(f"/companies/{supplier.company_id}/profile", api.token(sales),
                     json={"year_founded": 2000}).status_code == 403
    assert api.post(tour_path(supplier), make.api_key(supplier),
                    data=upload(png_bytes(), "a.png")).status_code == 403
    portal_login(client, sales.email)
    assert client.get("/my/profile").status_code == 403
    assert client.get("/my/profile/factory-tour").status_code == 403


def test_certification_validity_is_shown_as_expired_once_past(client, app, api, supplier):
    token = api.token(supplier)
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    api.post(f"/companies/{supplier.company_id}/certifications", token,
             data={"name": "FDA", "valid_until": yesterday})
    html = client.get(f"/companies/{supplier.company_id}").get_data(as_text=True)
    assert "FDA" in html and ">expired<" in html

"""Uploaded files: recognised by their content, size-limited, checked by Pillow
(decompression bombs refused before decoding), stored under the instance folder with
generated names, thumbnailed, and served through the permission check."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from marketplace.content.models import MediaFile, MediaKind, Product
from marketplace.content.operations.media import delete_media, safe_label, store_upload
from marketplace.content.queries import media as media_queries
from marketplace.core import storage
from marketplace.core.boundary import commit
from marketplace.core.errors import PayloadTooLarge, UnsupportedMediaType
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, CompanyStatus
from tests.content.conftest import (
    HTML_AS_JPEG,
    gif_bytes,
    jpeg_bytes,
    m4a_bytes,
    mov_bytes,
    mp3_bytes,
    mp4_bytes,
    ogg_bytes,
    pdf_bytes,
    png_bytes,
    png_header_only,
    upload,
    wav_bytes,
    webm_bytes,
    webp_bytes,
)

PROBLEM = "application/problem+json"


@pytest.fixture
def supplier(make, api):
    member = make.company_with_admin("Formosa Fasteners", roles=("supplier",))
    member.token = api.token(member)
    return member


@pytest.fixture
def draft(supplier, make_product):
    return make_product(supplier.company_id, sku="DRAFT-1", status="draft")


def post_file(api, token, product_id, content, name, **fields):
    return api.post(f"/products/{product_id}/media", token, data=upload(content, name, **fields),
                    content_type="multipart/form-data")


def stored_files(app, company_id) -> list[str]:
    """The names of the company's files in the media store (either backend)."""
    return [key.rsplit("/", 1)[-1]
            for key in storage.store_of(app, "media").keys(f"{company_id}/")]


def scratch_files(app) -> list[Path]:
    """What uploads being checked left in the local media store's scratch folder."""
    return list((Path(app.instance_path) / "media" / ".scratch").rglob("*"))


def media_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MediaFile))


@pytest.fixture
def limits(app):
    """Change MEDIA_MAX_BYTES / MAX_CONTENT_LENGTH for one test."""
    saved = {key: app.config[key] for key in ("MEDIA_MAX_BYTES", "MAX_CONTENT_LENGTH")}

    def set_limits(**values):
        if "media" in values:
            app.config["MEDIA_MAX_BYTES"] = {**saved["MEDIA_MAX_BYTES"], **values["media"]}
        if "request" in values:
            app.config["MAX_CONTENT_LENGTH"] = values["request"]

    yield set_limits
    app.config.update(saved)


# ----- recognised by content --------------------------------------------------------------


SAMPLES = [
    (jpeg_bytes(), "image", "image/jpeg"),
    (png_bytes(), "image", "image/png"),
    (gif_bytes(), "image", "image/gif"),
    (webp_bytes(), "image", "image/webp"),
    (mp4_bytes(), "video", "video/mp4"),
    (mov_bytes(), "video", "video/quicktime"),
    (webm_bytes(), "video", "video/webm"),
    (mp3_bytes(), "audio", "audio/mpeg"),
    (mp3_bytes(id3=False), "audio", "audio/mpeg"),
    (m4a_bytes(), "audio", "audio/mp4"),
    (wav_bytes(), "audio", "audio/wav"),
    (ogg_bytes(), "audio", "audio/ogg"),
    (pdf_bytes(), "pdf", "application/pdf"),
]


@pytest.mark.parametrize(("content", "kind", "content_type"), SAMPLES,
                         ids=[s[2] + ("-raw" if i == 8 else "") for i, s in enumerate(SAMPLES)])
def test_each_kind_is_recognised_by_its_content_whatever_its_name(
        api, client, supplier, draft, content, kind, content_type):
    response = post_file(api, supplier.token, draft, content, "misleading-name.txt",
                         caption="Look")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["kind"] == kind and body["content_type"] == content_type
    assert body["url"] == f"/media/{body['media_id']}"
    assert (body["thumbnail_url"] is not None) == (kind == "image")
    served = client.get(body["url"], headers={"Authorization": f"Bearer {supplier.token}"})
    assert served.status_code == 200
    assert served.mimetype == content_type
    assert served.data == content


@pytest.mark.parametrize(("content", "name"), [
    (HTML_AS_JPEG, "holiday.jpg"),
    (b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "logo.png"),
    (b"PK\x03\x04" + b"\x00" * 200, "catalog.pdf"),
    (b"MZ\x90\x00" + b"\x00" * 200, "video.mp4"),
    (b"just some text that says it is a picture", "photo.jpeg"),
], ids=["html-as-jpg", "svg-as-png", "zip-as-pdf", "exe-as-mp4", "text-as-jpeg"])
def test_disguised_files_are_refused_with_415_and_nothing_is_kept(
        app, api, supplier, draft, content, name, storage_backend):
    response = post_file(api, supplier.token, draft, content, name)
    assert response.status_code == 415
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert "not by their name" in body["detail"] or "web page" in body["detail"]
    assert body["errors"]["file"]
    assert media_count(app) == 0
    assert stored_files(app, supplier.company_id) == []


def test_html_renamed_jpg_is_called_what_it_is(api, supplier, draft):
    body = post_file(api, supplier.token, draft, HTML_AS_JPEG, "photo.jpg").get_json()
    assert body["detail"].startswith("This file is a web page or markup")


def test_a_kind_the_caller_does_not_accept_is_refused(app, supplier):
    with app.test_request_context():
        company = db.session.get(Company, supplier.company_id)
        with pytest.raises(UnsupportedMediaType) as refused:
            store_upload(company, io.BytesIO(pdf_bytes()), "tour.pdf",
                         allowed={MediaKind.IMAGE, MediaKind.VIDEO})
    assert "a PDF document, which is not accepted here" in refused.value.detail
    assert "an image (JPEG, PNG, GIF or WebP) or a video (MP4, MOV or WebM)" in \
        refused.value.detail


def test_an_empty_file_is_refused(api, supplier, draft):
    response = post_file(api, supplier.token, draft, b"", "empty.png")
    assert response.status_code == 422
    assert response.get_json()["errors"]["file"] == ["The file is empty."]


# ----- size limits --------------------------------------------------------------------------


def test_each_kind_has_its_own_size_limit(app, api, supplier, draft, limits):
    limits(media={"image": 2000, "video": 100_000})
    big_image = jpeg_bytes((800, 600))
    assert len(big_image) > 2000
    too_big = post_file(api, supplier.token, draft, big_image, "big.jpg")
    assert too_big.status_code == 413 and too_big.mimetype == PROBLEM
    assert too_big.get_json()["detail"] == \
        "The file is larger than 2.0 KB, the most we accept for images."
    video = mp4_bytes() + b"\x00" * 50_000  # larger than the image limit, fine for a video
    assert post_file(api, supplier.token, draft, video, "clip.mp4").status_code == 201
    assert media_count(app) == 1
    assert len(stored_files(app, supplier.company_id)) == 1  # no partial file left behind
    assert scratch_files(app) == []


def test_the_limit_is_checked_while_reading_not_after(app, supplier, limits):
    """A stream longer than the limit is not read to its end."""
    limits(media={"pdf": 10_000})

    class Endless(io.RawIOBase):
        served = 0

        def readable(self):
            return True

        def read(self, size=-1):
            size = 65536 if size is None or size < 0 else size
            self.served += size
            return (b"%PDF-1.7\n" + b"0" * size)[:size]

    stream = Endless()
    with app.test_request_context():
        company = db.session.get(Company, supplier.company_id)
        with pytest.raises(PayloadTooLarge):
            store_upload(company, stream, "endless.pdf", allowed={MediaKind.PDF})
    assert stream.served < 2 * 1024 * 1024
    assert stored_files(app, supplier.company_id) == []
    assert scratch_files(app) == []


def test_a_request_over_max_content_length_gets_a_413_problem(api, supplier, draft, limits):
    limits(request=10_000)
    response = post_file(api, supplier.token, draft, b"%PDF-" + b"0" * 20_000, "big.pdf")
    assert response.status_code == 413
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["title"] == "Upload too large"
    assert body["detail"] == "The upload is too large: one request may carry at most 10 KB."


def test_the_default_limits_leave_room_for_video(app):
    limits = app.config["MEDIA_MAX_BYTES"]
    assert set(limits) == {"image", "video", "audio", "pdf"}
    assert limits["video"] > limits["image"]
    assert app.config["MAX_CONTENT_LENGTH"] > max(limits.values())


# ----- images: Pillow checks them, bombs are refused, thumbnails are made ---------------------


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (12_000, 12_000),
                                               (8_000, 8_000)],
                         ids=["pillow-refuses", "pillow-warns", "over-our-limit"])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(
        app, api, supplier, draft, width, height):
    bomb = png_header_only(width, height)
    assert len(bomb) < 50_000
    response = post_file(api, supplier.token, draft, bomb, "bomb.png")
    assert response.status_code == 422
    assert "too large in pixels" in response.get_json()["errors"]["file"][0]
    assert media_count(app) == 0
    assert stored_files(app, supplier.company_id) == []


@pytest.mark.parametrize("content", [png_bytes((200, 200))[:90],
                                     b"\xff\xd8\xff\xe0" + b"\x13" * 500,
                                     b"GIF89a" + b"\xff" * 40],
                         ids=["truncated-png", "jpeg-garbage", "gif-garbage"])
def test_a_damaged_image_is_refused(app, api, supplier, draft, content):
    response = post_file(api, supplier.token, draft, content, "broken.png")
    assert response.status_code == 422
    assert "cannot be read" in response.get_json()["detail"]
    assert stored_files(app, supplier.company_id) == []


def test_images_get_a_jpeg_thumbnail_of_at_most_480_pixels(app, api, client, supplier, draft,
                                                            storage_backend):
    picture = png_bytes((2000, 1000), color=(200, 30, 30, 0), mode="RGBA")
    body = post_file(api, supplier.token, draft, picture, "wide.png").get_json()
    assert (body["width"], body["height"]) == (2000, 1000)
    thumbnail = client.get(body["thumbnail_url"],
                           headers={"Authorization": f"Bearer {supplier.token}"})
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(thumbnail.data)) as image:
        assert image.format == "JPEG" and image.size == (480, 240)
        assert image.getpixel((10, 10)) == (255, 255, 255)  # transparency on white


# ----- where files go -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "..\\..\\windows\\win.ini.jpg",
                                  "/absolute/path/passwd.jpg", "pass\x00wd\t.jpg"])
def test_a_path_in_the_file_name_is_never_used_as_a_path(app, api, client, supplier, draft,
                                                         name, storage_backend):
    body = post_file(api, supplier.token, draft, png_bytes(), name).get_json()
    assert "/" not in body["original_name"] and "\\" not in body["original_name"]
    assert ".." not in body["original_name"]
    assert not any(ch in body["original_name"] for ch in "\x00\t")
    files = stored_files(app, supplier.company_id)
    assert len(files) == 2  # the image and its thumbnail, in the company's folder
    assert all(re.fullmatch(r"[0-9a-f]{32}(\.thumb\.jpg|\.png)", f) for f in files)
    assert not (Path(app.instance_path).parent / "etc").exists()
    served = client.get(body["url"], headers={"Authorization": f"Bearer {supplier.token}"})
    disposition = served.headers["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "/" not in disposition and "\\" not in disposition and ".." not in disposition


def test_the_label_is_sanitised():
    assert safe_label("../../etc/passwd.jpg") == "passwd.jpg"
    assert safe_label("C:\\Users\\me\\產品 照片.png") == "產品 照片.png"
    assert safe_label("\u202egnp.exe") == "gnp.exe"  # no right-to-left override tricks
    assert safe_label("...") == "upload" and safe_label(None) == "upload"


def test_files_are_stored_in_the_media_store_by_company(app, api, supplier, draft,
                                                        storage_backend):
    post_file(api, supplier.token, draft, pdf_bytes(), "spec.pdf")
    with app.app_context():
        media = db.session.scalars(select(MediaFile)).one()
        assert media.storage_path.startswith(f"{supplier.company_id}/")
        assert media.original_name == "spec.pdf" and media.size == len(pdf_bytes())
        assert media.sha256 and media.thumbnail_path is None
    assert storage.store_of(app, "media").read(media.storage_path) == pdf_bytes()
    local = Path(app.instance_path) / "media" / media.storage_path
    assert local.is_file() == (storage_backend == "local")  # a bucket keeps nothing on disk


def test_a_rolled_back_upload_leaves_no_file(app, supplier, storage_backend):
    with app.test_request_context():
        company = db.session.get(Company, supplier.company_id)
        store_upload(company, io.BytesIO(png_bytes()), "photo.png", allowed={MediaKind.IMAGE})
        assert len(stored_files(app, supplier.company_id)) == 2
        db.session.rollback()
    assert stored_files(app, supplier.company_id) == []
    assert media_count(app) == 0


def test_a_rolled_back_savepoint_takes_its_files_only(app, supplier, storage_backend):
    """A catalog import attaches each image in a savepoint: one refused after its file
    was kept removes that file, not the files of the images attached before it."""
    with app.test_request_context():
        company = db.session.get(Company, supplier.company_id)
        before = store_upload(company, io.BytesIO(png_bytes()), "kept.png",
                              allowed={MediaKind.IMAGE})
        try:
            with db.session.begin_nested():
                store_upload(company, io.BytesIO(jpeg_bytes()), "refused.jpg",
                             allowed={MediaKind.IMAGE})
                assert len(stored_files(app, supplier.company_id)) == 4
                raise RuntimeError("refused after its file was kept")
        except RuntimeError:
            pass
        kept = sorted([before.storage_path, before.thumbnail_path])
        assert storage.store_of(app, "media").keys(f"{supplier.company_id}/") == kept
        commit()
    assert storage.store_of(app, "media").keys(f"{supplier.company_id}/") == kept
    assert media_count(app) == 1


def test_deleted_files_go_only_once_the_deletion_is_committed(app, supplier, storage_backend):
    with app.test_request_context():
        company = db.session.get(Company, supplier.company_id)
        media = store_upload(company, io.BytesIO(png_bytes()), "p.png",
                             allowed={MediaKind.IMAGE})
        commit()
        delete_media(media)
        assert len(stored_files(app, supplier.company_id)) == 2
        db.session.rollback()  # the deletion is undone: the files stay
        assert len(stored_files(app, supplier.company_id)) == 2
        delete_media(db.session.get(MediaFile, media.id))
        commit()
    assert stored_files(app, supplier.company_id) == []


def test_a_failed_request_keeps_no_upload(app, api, supplier, draft, monkeypatch,
                                          storage_backend):
    """The upload is stored, then something later in the same request fails: the
    transaction rolls back and the files go with it."""
    from marketplace.content.operations import products as product_operations

    def fail(*args, **kwargs):
        from marketplace.core.errors import ValidationFailed
        raise ValidationFailed(errors={"caption": ["refused late"]})

    monkeypatch.setattr(product_operations, "attach_media", fail)
    response = post_file(api, supplier.token, draft, png_bytes(), "late.png")
    assert response.status_code == 422
    assert stored_files(app, supplier.company_id) == []
    assert media_count(app) == 0


# ----- serving ------------------------------------------------------------------------------


def test_files_are_served_with_their_type_nosniff_and_inline(client, make, make_product,
                                                             make_product_media):
    company = make.company(roles=("supplier",))
    product = make_product(company, status="published")
    make_product_media(product, pdf_bytes(), "Spec sheet 規格.pdf")
    response = client.get("/media/1")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;") and "filename*=UTF-8''" in disposition
    assert "public" in response.headers["Cache-Control"]


def test_video_is_served_in_ranges(client, make, make_product, make_product_media,
                                   storage_backend):
    company = make.company(roles=("supplier",))
    product = make_product(company, status="published")
    video = mp4_bytes() + bytes(range(256)) * 40
    make_product_media(product, video, "clip.mov")
    response = client.get("/media/1", headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 100-199/{len(video)}"
    assert response.data == video[100:200]
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.mimetype == "video/mp4"


def test_a_label_never_decides_the_served_extension(client, make, make_product,
                                                    make_product_media):
    company = make.company(roles=("supplier",))
    product = make_product(company, status="published")
    make_product_media(product, png_bytes(), "invoice.html")
    response = client.get("/media/1")
    assert response.mimetype == "image/png"
    assert 'filename=invoice.png' in response.headers["Content-Disposition"]


def _product_status(app, product_id, status):
    with app.test_request_context():
        db.session.get(Product, product_id).status = status
        commit()


def test_who_sees_a_file_follows_its_product(app, client, api, make, make_product,
                                             make_product_media, storage_backend):
    owner = make.company_with_admin(roles=("supplier",))
    stranger = make.company_with_admin(roles=("supplier",))
    operator = make.operator()
    product = make_product(owner.company_id, status="draft")
    make_product_media(product, png_bytes(), "p.png")

    def statuses():
        """The file's and its thumbnail's answer to anonymous, owner, stranger, operator."""
        answers = []
        for who in (None, owner, stranger, operator):
            headers = {"Authorization": f"Bearer {api.token(who)}"} if who else {}
            file, thumbnail = (client.get(url, headers=headers).status_code
                               for url in ("/media/1", "/media/1/thumbnail"))
            assert file == thumbnail
            answers.append(file)
        return answers

    assert statuses() == [404, 200, 404, 404]  # a draft's files: the owner's only
    _product_status(app, product, "published")
    assert statuses() == [200, 200, 200, 200]
    _product_status(app, product, "archived")
    assert statuses() == [404, 200, 404, 404]
    _product_status(app, product, "published")
    with app.test_request_context():
        db.session.get(Company, owner.company_id).status = CompanyStatus.SUSPENDED
        commit()
    assert client.get("/media/1").status_code == 404  # a suspended company's files vanish


def test_a_private_file_is_not_cached_for_others(client, api, make, make_product,
                                                 make_product_media):
    owner = make.company_with_admin(roles=("supplier",))
    product = make_product(owner.company_id, status="draft")
    make_product_media(product, png_bytes(), "p.png")
    response = client.get("/media/1", headers={"Authorization": f"Bearer {api.token(owner)}"})
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


def test_a_missing_or_unknown_file_is_404(client):
    assert client.get("/media/999").status_code == 404
    assert client.get("/media/999/thumbnail").status_code == 404


def test_a_pdf_has_no_thumbnail(client, make, make_product, make_product_media):
    company = make.company(roles=("supplier",))
    make_product_media(make_product(company), pdf_bytes(), "spec.pdf")
    assert client.get("/media/1").status_code == 200
    assert client.get("/media/1/thumbnail").status_code == 404


def test_a_bad_bearer_token_on_a_file_is_refused(client):
    assert client.get("/media/1", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_other_areas_add_their_own_public_rule(app, client, supplier, monkeypatch):
    """The one visibility rule takes more conditions (factory tour, certifications)."""
    with app.test_request_context():
        company = db.session.get(Company, supplier.company_id)
        media = store_upload(company, io.BytesIO(png_bytes()), "tour.png",
                             allowed={MediaKind.IMAGE})
        commit()
        media_id = media.id
    assert client.get(f"/media/{media_id}").status_code == 404  # attached to nothing public
    rules = [*media_queries.PUBLIC_MEDIA_RULES, lambda: MediaFile.original_name == "tour.png"]
    monkeypatch.setattr(media_queries, "PUBLIC_MEDIA_RULES", rules)
    assert client.get(f"/media/{media_id}").status_code == 200
    with app.test_request_context():
        assert media_queries.media_visible_to_public(db.session.get(MediaFile, media_id))


# ----- idempotent uploads ---------------------------------------------------------------------


def test_the_same_upload_with_the_same_key_is_stored_once(app, api, supplier, draft):
    headers = {"Idempotency-Key": "upload-1"}
    first = api.post(f"/products/{draft}/media", supplier.token, headers=headers,
                     data=upload(png_bytes(), "a.png"), content_type="multipart/form-data")
    again = api.post(f"/products/{draft}/media", supplier.token, headers=headers,
                     data=upload(png_bytes(), "a.png"), content_type="multipart/form-data")
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert media_count(app) == 1
    other = api.post(f"/products/{draft}/media", supplier.token, headers=headers,
                     data=upload(png_bytes(color="red"), "a.png"),
                     content_type="multipart/form-data")
    assert other.status_code == 422  # another file under a used key
    assert media_count(app) == 1

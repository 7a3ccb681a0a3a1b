"""A zip of images named by SKU beside the spreadsheet: attached to the right products
in the order their names give; unsafe names and zip bombs are refused."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from tests.content.catalog_support import (
    TEA,
    categories,  # noqa: F401 - fixture
    csv_file,
    post_import,
    products_of,
    supplier,  # noqa: F401 - fixture
    zip_file,
)
from tests.content.conftest import HTML_AS_JPEG, jpeg_bytes, png_bytes

ROWS = [{"sku": "ABC-123", "name": "Widget"}, {"sku": "ABC-123-2", "name": "Widget, 2 pack"},
        TEA, {"sku": "BAD-1", "name": "Refused", "moq": "-3"}]


def _media_names(app, company_id) -> dict[str, list[str]]:
    return {sku: [item.file.original_name for item in product.media]
            for sku, product in products_of(app, company_id).items()}


def test_images_are_attached_to_their_products_in_order(app, api, supplier):
    images = zip_file({
        "photos/ABC-123-3.png": png_bytes(color="red"),
        "ABC-123.jpg": jpeg_bytes(),
        "photos/ABC-123-10.png": png_bytes(color="blue"),  # by number: after 3
        "ABC-123-2.jpg": jpeg_bytes(color="green"),  # the SKU ABC-123-2 itself: exact wins
        "TEA-150-2.png": png_bytes(color="olive"),
        "ZZZ-9.png": png_bytes(),
        "BAD-1.png": png_bytes(),
        "NOTE-1.jpg": HTML_AS_JPEG,
        "photos/": b"",
        "__MACOSX/._ABC-123.jpg": b"\x00\x05\x16\x07",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
    })
    response = post_import(api, supplier.token, csv_file(ROWS), images=images)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert (result["created"], result["images_attached"]) == (3, 5)
    assert _media_names(app, supplier.company_id) == {
        "ABC-123": ["ABC-123.jpg", "ABC-123-3.png", "ABC-123-10.png"],
        "ABC-123-2": ["ABC-123-2.jpg"],
        "TEA-150": ["TEA-150-2.png"],
    }
    products = products_of(app, supplier.company_id)
    assert [item.position for item in products["ABC-123"].media] == [0, 1, 2]
    assert all(item.file.kind == "image" for item in products["ABC-123"].media)
    assert result["errors"] == [
        {"row": 5, "field": "moq", "message": "Must not be negative (-3)."},
        {"row": None, "field": "images", "message": "ZZZ-9.png matches no SKU in the file."},
        {"row": 5, "field": "images", "message": "BAD-1.png: row 5 (SKU BAD-1) was not "
         "imported, so its image was not attached."},
        {"row": None, "field": "images", "message": "NOTE-1.jpg matches no SKU in the file."},
    ]


def test_an_image_that_is_not_one_is_reported_on_its_row(app, api, supplier):
    images = zip_file({"TEA-150.jpg": HTML_AS_JPEG, "TEA-150-2.png": png_bytes()})
    result = post_import(api, supplier.token, csv_file([TEA]), images=images).get_json()
    assert result["images_attached"] == 1
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(2, "images")]
    assert result["errors"][0]["message"].startswith("TEA-150.jpg: ")
    assert _media_names(app, supplier.company_id) == {"TEA-150": ["TEA-150-2.png"]}


def test_importing_the_same_zip_again_adds_no_copies(app, api, supplier):
    images = zip_file({"TEA-150.png": png_bytes(), "TEA-150-2.png": png_bytes(color="red")})
    post_import(api, supplier.token, csv_file([TEA]), images=images)
    result = post_import(api, supplier.token, csv_file([TEA]), images=images).get_json()
    assert (result["unchanged"], result["images_attached"], result["errors"]) == (1, 0, [])
    assert len(_media_names(app, supplier.company_id)["TEA-150"]) == 2


def test_names_that_climb_out_of_the_zip_are_refused_and_nothing_is_written_there(
        app, api, supplier):
    escape = Path(app.instance_path).parent / "TEA-150.png"
    images = zip_file({"../../TEA-150.png": png_bytes(), "/etc/TEA-150-2.png": png_bytes(),
                       "C:\\Windows\\TEA-150-3.png": png_bytes(),
                       "ok\\TEA-150-4.png": png_bytes(color="red")})
    result = post_import(api, supplier.token, csv_file([TEA]), images=images).get_json()
    messages = [e["message"] for e in result["errors"]]
    assert messages == ["TEA-150.png: a path outside the zip is not allowed; not used.",
                        "TEA-150-2.png: a path outside the zip is not allowed; not used.",
                        "TEA-150-3.png: a path outside the zip is not allowed; not used."]
    assert _media_names(app, supplier.company_id) == {"TEA-150": ["TEA-150-4.png"]}
    assert not escape.exists()
    media = Path(app.instance_path) / "media" / str(supplier.company_id)
    assert all(".." not in path.name and "TEA" not in path.name for path in media.iterdir())


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("TEA-150.png", b"\x00" * (20 * 1024 * 1024))
    return out.getvalue()


def test_a_zip_bomb_is_refused_and_nothing_is_imported(app, api, supplier):
    bomb = _bomb()
    assert len(bomb) < 100_000
    response = post_import(api, supplier.token, csv_file([TEA]), images=bomb)
    assert response.status_code == 413
    assert re.fullmatch(r"The images zip looks like a zip bomb: TEA-150\.png expands \d{3,} "
                        r"times\.", response.get_json()["detail"])
    assert products_of(app, supplier.company_id) == {}


def test_too_many_or_too_large_entries_are_refused(app, api, supplier, monkeypatch):
    from marketplace.content.catalog import sniffing

    monkeypatch.setattr(sniffing, "IMAGES_MAX_ENTRIES", 3)
    many = zip_file({f"TEA-150-{n}.png": png_bytes() for n in range(4)})
    response = post_import(api, supplier.token, csv_file([TEA]), images=many)
    assert response.status_code == 413
    assert response.get_json()["detail"] == \
        "The images zip holds 4 files; at most 3 are accepted."
    monkeypatch.setattr(sniffing, "IMAGES_MAX_UNPACKED", 1000)
    big = zip_file({"TEA-150.png": png_bytes(size=(400, 400))})
    response = post_import(api, supplier.token, csv_file([TEA]), images=big)
    assert response.status_code == 413
    assert products_of(app, supplier.company_id) == {}


def test_images_that_are_not_a_zip_are_refused(app, api, supplier):
    response = post_import(api, supplier.token, csv_file([TEA]), images=png_bytes())
    assert response.status_code == 415
    assert response.get_json()["errors"] == {"images": ["Not a zip file."]}
    assert products_of(app, supplier.company_id) == {}

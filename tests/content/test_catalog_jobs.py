"""Big files: the portal's upload and the API's POST /catalog/imports make an import
job; the job commits its progress as it goes (the page draws a bar from
/my/catalog/imports/<id>/progress) and ends with the counts and the row report."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import select

from marketplace.content.catalog import importer, tasks
from marketplace.content.models import CatalogImport, MediaFile
from marketplace.core import boundary, storage
from marketplace.core.audit import AuditEvent
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, User
from tests.content.catalog_support import (
    TEA,
    categories,  # noqa: F401 - fixture
    csv_file,
    post_import,
    products_of,
    supplier,  # noqa: F401 - fixture
    xlsx_file,
    zip_file,
)
from tests.content.conftest import png_bytes
from tests.factories import csrf_token, portal_login

ROWS = [TEA, {"sku": "BAD-1", "name": "Bad", "tier1_min_qty": "5", "tier1_unit_price": "-1"},
        {"sku": "OK-2", "name": "Fine"}]


def _upload_in_portal(client, content: bytes, name: str, images: bytes | None = None):
    data = {"csrf_token": csrf_token(client, "/my/catalog"),
            "file": (io.BytesIO(content), name)}
    if images is not None:
        data["images"] = (io.BytesIO(images), "images.zip")
    return client.post("/my/catalog", data=data, content_type="multipart/form-data")


def test_the_portal_page_offers_downloads_and_the_upload(client, supplier):
    portal_login(client, supplier.admin.email)
    page = client.get("/my/catalog")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for link in ("/api/v1/catalog/template?format=xlsx", "/api/v1/catalog/template?format=csv",
                 "/api/v1/catalog/export?format=xlsx", "/api/v1/catalog/export?format=csv"):
        assert f'href="{link}"' in html
    assert 'id="catalog-upload-form"' in html and 'name="images"' in html
    assert "tier1_unit_price" in html  # the columns are explained on the page
    # A portal session downloads through the API links.
    assert client.get("/api/v1/catalog/template?format=xlsx").status_code == 200


def test_a_portal_upload_runs_as_a_job_and_shows_the_row_report(storage_backend, app, client,
                                                                 supplier):
    portal_login(client, supplier.admin.email)
    response = _upload_in_portal(client, xlsx_file(ROWS), "my catalog.xlsx",
                                 zip_file({"TEA-150.png": png_bytes()}))
    assert response.status_code == 302
    job_url = response.headers["Location"]
    job_id = int(re.fullmatch(r"/my/catalog/imports/(\d+)", job_url).group(1))

    progress = client.get(f"{job_url}/progress")
    assert progress.status_code == 200 and progress.headers["Cache-Control"] == "no-store"
    assert progress.get_json() == {
        "id": job_id, "status": "done", "finished": True, "percent": 100, "rows_total": 3,
        "rows_done": 3, "created": 2, "updated": 0, "unchanged": 0, "failed_rows": 1,
        "error_count": 1}

    html = client.get(job_url).get_data(as_text=True)
    assert "my catalog.xlsx" in html
    assert 'id="import-progress"' not in html  # done: no bar, the report instead
    report = html[html.index('id="import-errors"'):]
    assert re.search(r"<td class=\"text-end\">3</td>\s*<td><code>tier1_unit_price</code></td>"
                     r"<td>Must not be negative \(-1\)\.</td>", report)
    assert sorted(products_of(app, supplier.company_id)) == ["OK-2", "TEA-150"]
    assert len(products_of(app, supplier.company_id)["TEA-150"].media) == 1
    with app.app_context():
        job = db.session.get(CatalogImport, job_id)
        assert (job.status, job.file_format, job.images_attached) == ("done", "xlsx", 1)
        assert job.created_by_id == supplier.admin.user_id
        kept = storage.store_of(app, "catalog_imports")
        assert kept.keys(f"{supplier.company_id}/") == []  # read, then removed
        image = db.session.scalars(select(MediaFile)).one()  # the zip's image, kept
        assert storage.store_of(app, "media").read(image.storage_path) == png_bytes()
    listing = client.get("/my/catalog").get_data(as_text=True)
    assert f'href="{job_url}"' in listing


def test_the_portal_refuses_a_file_that_is_no_catalog_beside_the_form(storage_backend, app,
                                                                       client, supplier):
    portal_login(client, supplier.admin.email)
    response = _upload_in_portal(client, b"<html><body>hello</body></html>", "catalog.xlsx")
    assert response.status_code == 415
    assert "web page or XML, not a spreadsheet" in response.get_data(as_text=True)
    response = _upload_in_portal(client, csv_file([{"name_zh": "x"}], ["name_zh"]), "c.csv")
    assert response.status_code == 422
    assert "The file lacks the required columns: sku, name." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CatalogImport.id)) is None
    assert storage.store_of(app, "catalog_imports").keys(f"{supplier.company_id}/") == []


def test_the_api_queues_a_job_and_reports_it_when_done(app, api, supplier):
    response = post_import(api, supplier.token, csv_file(ROWS), "big.csv",
                           path="/catalog/imports")
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/catalog/imports/{job['id']}")
    assert job["status"] == "queued" and job["file_name"] == "big.csv"
    done = api.get(f"/catalog/imports/{job['id']}", supplier.token).get_json()
    assert (done["status"], done["percent"], done["created"], done["failed_rows"]) == \
        ("done", 100, 2, 1)
    assert done["errors"] == [{"row": 3, "field": "tier1_unit_price",
                               "message": "Must not be negative (-1)."}]
    listing = api.get("/catalog/imports", supplier.token).get_json()
    assert [item["id"] for item in listing["items"]] == [job["id"]]
    assert "errors" not in listing["items"][0]


def _queued_job(app, supplier, content: bytes, name: str = "big.csv") -> int:
    """A job queued as a request would, without running it (a worker takes it later)."""
    with app.test_request_context():
        company = db.session.get(Company, supplier.company_id)
        user = db.session.get(User, supplier.admin.user_id)
        job = importer.queue_import(company, user, io.BytesIO(content), name)
        db.session.info.pop("after_commit_jobs", None)  # no eager run: a worker's turn
        db.session.commit()
        return job.id


def test_a_worker_commits_progress_batch_by_batch(app, supplier, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    rows = [{"sku": f"P-{n}", "name": f"Part {n}"} for n in range(5)]
    rows[3]["moq"] = "lots"
    job_id = _queued_job(app, supplier, csv_file(rows))
    seen = []
    original = boundary.commit

    def watching_commit():
        job = db.session.get(CatalogImport, job_id)
        seen.append((str(job.status), job.rows_done, job.created))
        original()

    monkeypatch.setattr(boundary, "commit", watching_commit)
    with app.app_context():  # no request: as in a Celery worker
        tasks.run_catalog_import(job_id)
    assert seen == [("running", 0, 0), ("running", 2, 2), ("running", 4, 3),
                    ("running", 5, 4), ("done", 5, 4)]
    with app.app_context():
        job = db.session.get(CatalogImport, job_id)
        assert (job.status, job.rows_total, job.failed_rows) == ("done", 5, 1)
        assert job.errors == [{"row": 5, "field": "moq", "message":
                               "Not a number: lots. Write digits with a point for decimals, "
                               "without currency signs or thousands separators."}]
        created = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "product.created")).all()
        assert {event.actor_user_id for event in created} == {supplier.admin.user_id}
        (imported,) = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "catalog.imported")).all()
        assert imported.changes == {"rows": 5, "created": 4, "updated": 0, "unchanged": 0,
                                    "failed_rows": 1, "images_attached": 0,
                                    "file": "big.csv"}


def test_a_job_that_cannot_go_on_fails_with_the_reason_and_keeps_earlier_rows(
        app, supplier, monkeypatch):
    job_id = _queued_job(app, supplier, csv_file([TEA]))
    with app.app_context():
        job = db.session.get(CatalogImport, job_id)
        (Path(app.instance_path) / job.file_path).unlink()
        tasks.run_catalog_import(job_id)
        job = db.session.get(CatalogImport, job_id)
        assert job.status == "failed"
        assert job.detail.startswith("The import stopped on an unexpected error")
        assert job.finished_at is not None
        tasks.run_catalog_import(job_id)  # a repeated delivery does nothing
        assert db.session.get(CatalogImport, job_id).status == "failed"


def test_the_progress_shows_a_running_job(app, client, supplier):
    job_id = _queued_job(app, supplier, csv_file([TEA, TEA | {"sku": "T-2"}]))
    portal_login(client, supplier.admin.email)
    progress = client.get(f"/my/catalog/imports/{job_id}/progress").get_json()
    assert (progress["status"], progress["finished"], progress["percent"],
            progress["rows_total"]) == ("queued", False, 0, 2)
    html = client.get(f"/my/catalog/imports/{job_id}").get_data(as_text=True)
    assert f'data-progress-url="/my/catalog/imports/{job_id}/progress"' in html
    assert 'role="progressbar"' in html and "/static/js/catalog-import.js" in html
    with app.app_context():
        job = db.session.get(CatalogImport, job_id)
        job.status, job.rows_done = "running", 1
        db.session.commit()
    assert client.get(f"/my/catalog/imports/{job_id}/progress").get_json()["percent"] == 50
    script = client.get("/static/js/catalog-import.js")
    assert script.status_code == 200 and b"progressUrl" in script.get_data()
    script.close()

"""core/storage.py: the one way files are kept, the same on the instance folder and on
an S3-compatible store (moto's server, started by the tests on a free port)."""

from __future__ import annotations

import io

import pytest

from marketplace.core import storage


@pytest.fixture
def media(app, storage_backend):
    with app.test_request_context():
        yield storage.store("media")


def test_the_backend_is_the_one_configured(media, storage_backend):
    expected = storage.S3Store if storage_backend == "s3" else storage.LocalStore
    assert isinstance(media, expected)


def test_saved_bytes_streams_and_files_read_back(media, tmp_path):
    media.save("7/a.bin", b"first")
    media.save("7/b.bin", io.BytesIO(b"from a stream" * 100_000))
    local = tmp_path / "c.bin"
    local.write_bytes(b"from a file")
    media.save("7/sub/c.bin", local)
    assert not local.exists()  # moved in
    assert media.read("7/a.bin") == b"first"
    with media.open("7/b.bin") as file:
        assert file.read(13) == b"from a stream"
        file.seek(13 * 99_999)
        assert file.read() == b"from a stream"
    assert media.read("7/sub/c.bin") == b"from a file"
    assert media.keys("7/") == ["7/a.bin", "7/b.bin", "7/sub/c.bin"]
    assert media.keys("8/") == []
    assert media.keys() == ["7/a.bin", "7/b.bin", "7/sub/c.bin"]  # the whole area


def test_saving_again_replaces_and_delete_removes(media):
    media.save("1/x.txt", b"old")
    media.save("1/x.txt", b"new")
    assert media.read("1/x.txt") == b"new"
    assert media.exists("1/x.txt")
    media.delete("1/x.txt")
    media.delete("1/x.txt")  # nothing there: nothing happens
    assert not media.exists("1/x.txt")
    with pytest.raises(FileNotFoundError):
        media.read("1/x.txt")
    with pytest.raises(FileNotFoundError):
        media.open("1/x.txt").read()


@pytest.mark.parametrize("key", ["../escape.txt", "/etc/passwd", "1/../../x", "a\\b", "", "1//x"])
def test_a_key_never_leaves_its_area(media, key):
    with pytest.raises(ValueError):
        media.save(key, b"no")


def test_areas_do_not_see_each_other(app, storage_backend):
    with app.test_request_context():
        storage.store("media").save("1/same.txt", b"media")
        storage.store("trade-documents").save("1/same.txt", b"document")
        assert storage.store("media").read("1/same.txt") == b"media"
        assert storage.store("trade-documents").read("1/same.txt") == b"document"


def _send(app, media, key, headers=None, **options):
    with app.test_request_context(headers=headers or {}):
        response = media.send(key, mimetype="text/plain", etag="tag-1", **options)
        response.direct_passthrough = False
        return response.status_code, response.get_data(), response.headers


def test_send_serves_whole_files_ranges_and_not_modified(app, media):
    media.save("2/file.txt", b"0123456789" * 1000)
    status, body, headers = _send(app, media, "2/file.txt", download_name="f.txt")
    assert status == 200 and body == b"0123456789" * 1000
    assert headers["Content-Length"] == "10000" and headers["ETag"] == '"tag-1"'
    assert headers["Content-Type"].startswith("text/plain")
    assert headers["Content-Disposition"] == "inline; filename=f.txt"
    status, body, headers = _send(app, media, "2/file.txt", {"Range": "bytes=9995-"})
    assert status == 206 and body == b"56789"
    assert headers["Content-Range"] == "bytes 9995-9999/10000"
    status, body, _ = _send(app, media, "2/file.txt", {"Range": "bytes=12-14"})
    assert status == 206 and body == b"234"
    status, _, _ = _send(app, media, "2/file.txt", {"If-None-Match": '"tag-1"'})
    assert status == 304


def test_send_refuses_what_is_not_there(app, media):
    with app.test_request_context(), pytest.raises(FileNotFoundError):
        media.send("3/missing.txt", mimetype="text/plain")


def test_an_unknown_backend_is_refused_by_name(app):
    saved = app.config["STORAGE_BACKEND"]
    app.config["STORAGE_BACKEND"] = "ftp"
    try:
        with pytest.raises(RuntimeError, match="local, s3"):
            storage.store_of(app, "media")
    finally:
        app.config["STORAGE_BACKEND"] = saved


def test_healthz_says_whether_the_store_answers(app, client, storage_backend):
    body = client.get("/healthz").get_json()
    assert body["checks"]["storage"] == {"status": "ok", "backend": storage_backend}
    if storage_backend == "s3":
        app.config["S3_BUCKET"] = "no-such-bucket"  # storage_backend restores it
        answer = client.get("/healthz")
        assert answer.status_code == 200  # worth an alert, not a reason to leave the node
        check = answer.get_json()["checks"]["storage"]
        assert check["status"] == "degraded" and "no-such-bucket" in check["reason"]

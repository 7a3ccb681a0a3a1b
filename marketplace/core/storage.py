"""Where the files the app keeps live: uploaded media (product images, attachments,
claim and message photos), rendered trade documents and shipping prints, catalog
imports waiting for the worker.

Every module keeps its files through ``store(area)``; nothing writes under the
instance folder by itself, so several app nodes see the same files:

- ``STORAGE_BACKEND = "local"`` (the embedded default): a folder per area under the
  instance folder (media: ``MEDIA_FOLDER`` when set). One node only, or a shared disk.
- ``STORAGE_BACKEND = "s3"``: an S3-compatible object store (AWS S3, MinIO, Ceph,
  Garage...) through boto3: ``S3_BUCKET``, ``S3_ENDPOINT_URL`` (unset: AWS),
  ``S3_REGION``, ``S3_PREFIX`` (to share a bucket); credentials the usual way of the
  AWS libraries (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile, an
  instance role). Objects are keyed ``<S3_PREFIX><area>/<key>``.

A key is a relative path (``12/3fa9.jpg``): no ``..``, no leading slash. Files are
written whole or not at all (a reader never sees half a file). Files leave the server
through ``send`` (the permission check is the caller's; S3 objects are streamed by the
app, never linked, so nobody outside the permission check gets a URL to them), with
conditional requests and ranges on both backends.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from flask import Flask, Response, current_app, request, send_file

BACKENDS = ("local", "s3")
CHUNK_BYTES = 1024 * 1024

Data = bytes | IO[bytes] | Path


def store(area: str) -> Store:
    """The store of one area (``media``, ``trade-documents``...) for the current app,
    as its settings say now (cheap: the S3 clients are kept per process)."""
    return store_of(current_app, area)


def store_of(app: Flask, area: str) -> Store:
    backend = (app.config.get("STORAGE_BACKEND") or "local").lower()
    if backend == "local":
        return LocalStore(area, local_folder(app, area))
    if backend == "s3":
        bucket = app.config.get("S3_BUCKET")
        if not bucket:
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for a "
                               "store other than AWS S3).")
        return S3Store(area, bucket=bucket, endpoint_url=app.config.get("S3_ENDPOINT_URL"),
                       region=app.config.get("S3_REGION"),
                       prefix=app.config.get("S3_PREFIX") or "")
    raise RuntimeError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)} "
                       f"(got {backend!r}).")


def local_folder(app: Flask, area: str) -> Path:
    """Where the local backend keeps an area: the instance folder's ``area``, or
    ``MEDIA_FOLDER`` for media when set."""
    folder = app.config.get("MEDIA_FOLDER") if area == "media" else None
    return Path(folder) if folder else Path(app.instance_path) / area


def check_key(key: str) -> str:
    """A relative key inside its area, or ValueError."""
    if not key or "\\" in key or "\x00" in key:
        raise ValueError(f"not a storage key: {key!r}")
    path = PurePosixPath(key)
    if path.is_absolute() or any(part in ("..", ".", "") for part in key.split("/")):
        raise ValueError(f"storage key escapes its area: {key!r}")
    return str(path)


class Store:
    """What every backend does; ``key``s are relative to the area."""

    area: str

    def save(self, key: str, data: Data) -> None:
        """Keep ``data`` (bytes, a readable binary stream, or a local file, which is
        moved in and no longer exists after) under ``key``, replacing what was there."""
        raise NotImplementedError

    def open(self, key: str) -> IO[bytes]:
        """A readable, seekable binary file; FileNotFoundError when there is none."""
        raise NotImplementedError

    def read(self, key: str) -> bytes:
        with self.open(key) as file:
            return file.read()

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def delete(self, key: str) -> None:
        """Remove the file; nothing happens when there is none."""
        raise NotImplementedError

    def keys(self, prefix: str = "") -> list[str]:
        """The keys under a folder (``prefix`` ends with ``/``; empty: the whole area),
        at every depth."""
        raise NotImplementedError

    def check(self) -> str | None:
        """Why the store cannot be used now (for /healthz), or None; answers quickly."""
        raise NotImplementedError

    @contextmanager
    def scratch(self) -> Iterator[Path]:
        """A temporary local folder whose files ``save`` moves in cheaply."""
        with tempfile.TemporaryDirectory(prefix="marketplace-") as folder:
            yield Path(folder)

    def send(self, key: str, *, mimetype: str, as_attachment: bool = False,
             download_name: str | None = None, etag: str | None = None,
             max_age: int | None = None) -> Response:
        """The file as a response to the current request (conditional, ranges served);
        FileNotFoundError when there is none."""
        raise NotImplementedError


class LocalStore(Store):
    """A folder on this node's disk."""

    def __init__(self, area: str, root: Path):
        self.area = area
        self.root = root

    def __repr__(self) -> str:
        return f"LocalStore({self.area!r}, {str(self.root)!r})"

    def path(self, key: str) -> Path:
        root = self.root.resolve()
        path = (root / check_key(key)).resolve()
        if not path.is_relative_to(root):
            raise ValueError(f"storage key escapes its area: {key!r}")
        return path

    def save(self, key: str, data: Data) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
        try:
            if isinstance(data, Path):
                shutil.move(data, partial)
            elif isinstance(data, bytes | bytearray | memoryview):
                partial.write_bytes(data)
            else:
                with partial.open("wb") as out:
                    shutil.copyfileobj(data, out, CHUNK_BYTES)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def open(self, key: str) -> IO[bytes]:
        return self.path(key).open("rb")

    def check(self) -> str | None:
        self.root.mkdir(parents=True, exist_ok=True)
        return None if os.access(self.root, os.W_OK) else f"{self.root} is not writable"

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> list[str]:
        folder = self.path(prefix.rstrip("/")) if prefix.strip("/") else self.root
        if not folder.is_dir():
            return []
        root = self.root.resolve()
        return sorted(str(path.relative_to(root).as_posix()) for path in folder.resolve().rglob("*")
                      if path.is_file() and not path.name.endswith(".part")
                      and ".scratch" not in path.relative_to(root).parts)

    @contextmanager
    def scratch(self) -> Iterator[Path]:
        # Inside the area's folder: saving a scratch file is a rename, not a copy.
        parent = self.root / ".scratch"
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=parent) as folder:
            yield Path(folder)

    def send(self, key: str, *, mimetype: str, as_attachment: bool = False,
             download_name: str | None = None, etag: str | None = None,
             max_age: int | None = None) -> Response:
        path = self.path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return send_file(path, mimetype=mimetype, as_attachment=as_attachment,
                         download_name=download_name, conditional=True,
                         etag=etag if etag is not None else True, max_age=max_age)


class S3Store(Store):
    """An S3-compatible bucket."""

    def __init__(self, area: str, *, bucket: str, endpoint_url: str | None = None,
                 region: str | None = None, prefix: str = ""):
        self.area = area
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.region = region
        self.prefix = f"{prefix}{area}/"

    def __repr__(self) -> str:
        return f"S3Store({self.area!r}, bucket={self.bucket!r}, endpoint={self.endpoint_url!r})"

    @property
    def client(self):
        return _client(self.endpoint_url, self.region)

    def check(self) -> str | None:
        try:
            _client(self.endpoint_url, self.region, quick=True).head_bucket(Bucket=self.bucket)
        except Exception as error:  # noqa: BLE001 - any failure is the answer
            return f"bucket {self.bucket!r} does not answer ({type(error).__name__})"
        return None

    def object_key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def save(self, key: str, data: Data) -> None:
        name = self.object_key(key)
        if isinstance(data, Path):
            self.client.upload_file(str(data), self.bucket, name)
            data.unlink(missing_ok=True)
        elif isinstance(data, bytes | bytearray | memoryview):
            self.client.put_object(Bucket=self.bucket, Key=name, Body=bytes(data))
        else:
            self.client.upload_fileobj(data, self.bucket, name)

    def open(self, key: str) -> IO[bytes]:
        return io.BufferedReader(_S3Reader(self.client, self.bucket, self.object_key(key)),
                                 buffer_size=CHUNK_BYTES)

    def read(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except self.client.exceptions.NoSuchKey as error:
            raise FileNotFoundError(key) from error
        with answer["Body"] as body:
            return body.read()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))

    def keys(self, prefix: str = "") -> list[str]:
        found = []
        start = self.object_key(prefix.rstrip("/")) + "/" if prefix.strip("/") else self.prefix
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=start)
        for page in pages:
            found.extend(item["Key"].removeprefix(self.prefix)
                         for item in page.get("Contents", []))
        return sorted(found)

    def send(self, key: str, *, mimetype: str, as_attachment: bool = False,
             download_name: str | None = None, etag: str | None = None,
             max_age: int | None = None) -> Response:
        reader = _S3Reader(self.client, self.bucket, self.object_key(key))
        try:
            reader.start()
        except FileNotFoundError:
            reader.close()
            raise
        # Werkzeug serves ranges of a file object only when it knows the length: it is
        # given here, and the conditional answer (304, 206) made as send_file would.
        response = send_file(io.BufferedReader(reader, buffer_size=CHUNK_BYTES),
                             mimetype=mimetype, as_attachment=as_attachment,
                             download_name=download_name, conditional=False,
                             etag=etag if etag is not None else False, max_age=max_age)
        response.content_length = reader.size
        if reader.last_modified is not None:
            response.last_modified = reader.last_modified
        try:
            return response.make_conditional(request.environ, accept_ranges=True,
                                             complete_length=reader.size)
        except Exception:
            response.close()
            raise


_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


def _client(endpoint_url: str | None, region: str | None, *, quick: bool = False):
    """One boto3 client per endpoint and process: clients are thread-safe, but not to be
    shared across gunicorn's fork (the pid is part of the key). ``quick``: the health
    check's, which gives up after a second and does not retry."""
    key = (endpoint_url, region, os.getpid(), quick)
    found = _clients.get(key)
    if found is None:
        with _clients_lock:
            found = _clients.get(key)
            if found is None:
                import boto3
                from botocore.config import Config

                config = Config(retries={"max_attempts": 4, "mode": "standard"},
                                max_pool_connections=32)
                if quick:
                    config = Config(retries={"max_attempts": 1, "mode": "standard"},
                                    connect_timeout=1, read_timeout=2)
                found = _clients[key] = boto3.session.Session().client(
                    "s3", endpoint_url=endpoint_url, region_name=region, config=config)
    return found


class _S3Reader(io.RawIOBase):
    """An object read as a seekable file: one GET from the current position to the end,
    started again (with a Range) after a seek."""

    def __init__(self, client, bucket: str, key: str):
        super().__init__()
        self.client, self.bucket, self.key = client, bucket, key
        self.size: int | None = None
        self.last_modified = None
        self.position = 0
        self._body = None
        self._body_position = None

    def start(self) -> None:
        self._get(0)

    def _get(self, position: int) -> None:
        self._drop_body()
        arguments = {"Bucket": self.bucket, "Key": self.key}
        if position:
            arguments["Range"] = f"bytes={position}-"
        try:
            answer = self.client.get_object(**arguments)
        except self.client.exceptions.NoSuchKey as error:
            raise FileNotFoundError(self.key) from error
        if self.size is None:
            self.size = int(answer["ContentLength"]) + position
            self.last_modified = answer.get("LastModified")
        self._body, self._body_position = answer["Body"], position

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
        self._body = self._body_position = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if self.size is None:
            self.start()
        if whence == io.SEEK_SET:
            self.position = offset
        elif whence == io.SEEK_CUR:
            self.position += offset
        else:
            self.position = self.size + offset
        self.position = max(0, self.position)
        return self.position

    def readinto(self, buffer) -> int:
        if self.size is None:
            self.start()
        if self.position >= self.size:
            return 0
        if self._body is None or self._body_position != self.position:
            self._get(self.position)
        data = self._body.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self.position += count
        self._body_position = self.position
        return count

    def close(self) -> None:
        self._drop_body()
        super().close()

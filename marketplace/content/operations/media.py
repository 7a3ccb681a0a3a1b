"""Content operations: media (uploaded files).

CONTRACT (other areas call these; the products/media helper implements them):

    store_upload(company: Company, stream: IO[bytes], filename: str,
                 *, allowed: set[MediaKind]) -> MediaFile
        Read the upload, decide its kind by its content (magic bytes, never the name
        or the declared content type), refuse what is not in ``allowed`` (415),
        larger than the kind's limit (413), or broken (422: an image Pillow cannot
        open, a zip bomb-like decompression); store it under
        ``<company_id>/...`` in the media store (core.storage) with a generated name (the original
        name is kept, sanitised, only as a label); make a thumbnail for images;
        add and flush the MediaFile row; audit.

    serve_media(media, *, thumbnail=False, as_attachment=False, max_age=None) -> Response
        The file to whoever the caller decided may see it.

    delete_media(media: MediaFile) -> None
        Remove the row now and the files after commit.

Files are written while the request runs (the row needs them); a rollback removes
what this transaction wrote, a commit keeps it. Deleted files go after commit only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.content.models import MediaFile, MediaKind
from marketplace.core import outbox, storage
from marketplace.core.audit import record_audit
from marketplace.core.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from marketplace.extensions import db
from marketplace.infrastructure.models import Company

log = logging.getLogger(__name__)

HEAD_BYTES = 4096  # enough for every signature below (WebM names its doctype early)
CHUNK_BYTES = 1024 * 1024
THUMBNAIL_QUALITY = 82

KIND_FORMATS = {
    MediaKind.IMAGE: _l("an image (JPEG, PNG, GIF or WebP)"),
    MediaKind.VIDEO: _l("a video (MP4, MOV or WebM)"),
    MediaKind.AUDIO: _l("an audio file (MP3, M4A, WAV or OGG)"),
    MediaKind.PDF: _l("a PDF document"),
}
KIND_NAMES = {
    MediaKind.IMAGE: _l("images"),
    MediaKind.VIDEO: _l("videos"),
    MediaKind.AUDIO: _l("audio files"),
    MediaKind.PDF: _l("PDF documents"),
}


# ----- recognising a file by its content --------------------------------------------------


@dataclass(frozen=True)
class Sniffed:
    """What the first bytes of a file say it is."""

    kind: MediaKind
    content_type: str
    extension: str
    pillow_format: str | None = None


# ISO base media brands that are still images, not videos (HEIC, AVIF, JPEG 2000, raw).
_STILL_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
                       b"avif", b"avis", b"crx ", b"jp2 ", b"jpx "}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}


def sniff(head: bytes) -> Sniffed | None:
    """The kind of a file from its first bytes (``HEAD_BYTES`` of them), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(MediaKind.IMAGE, "image/jpeg", "jpg", "JPEG")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(MediaKind.IMAGE, "image/png", "png", "PNG")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed(MediaKind.IMAGE, "image/gif", "gif", "GIF")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(MediaKind.IMAGE, "image/webp", "webp", "WEBP")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed(MediaKind.AUDIO, "audio/wav", "wav")
    if head[4:8] == b"ftyp" and 8 <= int.from_bytes(head[:4], "big") <= 1024:
        return _iso_media(head[8:12])
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:128]:  # EBML, DocType webm
        return Sniffed(MediaKind.VIDEO, "video/webm", "webm")
    if head.startswith(b"OggS"):
        return Sniffed(MediaKind.AUDIO, "audio/ogg", "ogg")
    if head.startswith(b"ID3") or _mpeg_audio_frame(head):
        return Sniffed(MediaKind.AUDIO, "audio/mpeg", "mp3")
    if head.startswith(b"%PDF-"):
        return Sniffed(MediaKind.PDF, "application/pdf", "pdf")
    return None


def _iso_media(brand: bytes) -> Sniffed | None:
    if brand in _STILL_IMAGE_BRANDS:
        return None
    if brand in _AUDIO_BRANDS:
        return Sniffed(MediaKind.AUDIO, "audio/mp4", "m4a")
    if brand == b"qt  ":
        return Sniffed(MediaKind.VIDEO, "video/quicktime", "mov")
    return Sniffed(MediaKind.VIDEO, "video/mp4", "mp4")


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame header (an MP3 without ID3 tag): sync bits, then a version,
    layer, bitrate and sample rate that exist (AAC's ADTS has layer 0: not this)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer != 0 and bitrate not in (0, 15) and rate != 3


def _looks_like_markup(head: bytes) -> bool:
    """HTML, SVG, XML: text that opens with a tag (after a byte-order mark or blanks)."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


# ----- where files live -------------------------------------------------------------------


def media_store() -> storage.Store:
    """Where uploaded files are kept (core.storage: the instance folder's ``media/`` or
    ``MEDIA_FOLDER``, or the S3-compatible store shared by every node)."""
    return storage.store("media")


def serve_media(media: MediaFile, *, thumbnail: bool = False, as_attachment: bool = False,
                max_age: int | None = None):
    """The stored file (or its thumbnail, a JPEG) as a response to the current request;
    FileNotFoundError when the row has no such file or the store has lost it. The
    permission check is the caller's."""
    stored = media.thumbnail_path if thumbnail else media.storage_path
    if not stored:
        raise FileNotFoundError(f"media {media.id} has no {'thumbnail' if thumbnail else 'file'}")
    name = download_name(media)
    if thumbnail:
        name = name.rsplit(".", 1)[0] + "-thumbnail.jpg"
    return media_store().send(
        stored, mimetype="image/jpeg" if thumbnail else media.content_type,
        as_attachment=as_attachment, download_name=name,
        etag=f"{media.sha256}{'-t' if thumbnail else ''}", max_age=max_age)


def read_media(stored: str) -> bytes | None:
    """A stored file's bytes (e.g. a picture printed in a document), None when missing."""
    try:
        return media_store().read(stored)
    except (FileNotFoundError, ValueError):
        return None


def safe_label(filename: str | None) -> str:
    """The uploaded file's own name as a label only: no folders, no control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z")
                   or ch == " ")
    name = name.strip().strip(".").strip()
    return name[-255:] if name else "upload"


def download_name(media: MediaFile) -> str:
    """The label with the extension of what the file really is."""
    stem = media.original_name.rsplit(".", 1)[0] if "." in media.original_name \
        else media.original_name
    extension = media.storage_path.rsplit(".", 1)[-1]
    return f"{stem or 'file'}.{extension}"


def max_bytes(kind: MediaKind) -> int:
    return int(current_app.config["MEDIA_MAX_BYTES"][kind.value])


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)  # not reached


# ----- storing ------------------------------------------------------------------------------


def store_upload(company: Company, stream: IO[bytes], filename: str,
                 *, allowed: Iterable[MediaKind]) -> MediaFile:
    """Check an upload by its content, keep it in the media store, add its row."""
    allowed = {MediaKind(kind) for kind in allowed}
    head = _read_head(stream)
    sniffed = _recognise(head, allowed)
    store = media_store()
    name = secrets.token_hex(16)
    relative = f"{company.id}/{name}.{sniffed.extension}"
    thumbnail = None
    width = height = None
    # Checked and thumbnailed in a local scratch folder, then kept: the store (a bucket
    # maybe) never holds a file that was refused.
    with store.scratch() as scratch:
        upload = scratch / f"upload.{sniffed.extension}"
        size, sha256 = _write_limited(stream, head, upload, max_bytes(sniffed.kind),
                                      sniffed.kind)
        if sniffed.kind == MediaKind.IMAGE:
            width, height = _check_image(upload, sniffed)
            thumbnail = f"{company.id}/{name}.thumb.jpg"
            _make_thumbnail(upload, scratch / "thumbnail.jpg", sniffed)
        kept = []
        try:
            for key, local in ((relative, upload), (thumbnail, scratch / "thumbnail.jpg")):
                if key:
                    _remember_written(store, key)
                    kept.append(key)
                    store.save(key, local)
        except BaseException:
            _remove_files(store, kept)
            raise
    media = MediaFile(company_id=company.id, kind=sniffed.kind, content_type=sniffed.content_type,
                      size=size, sha256=sha256, storage_path=relative, thumbnail_path=thumbnail,
                      original_name=safe_label(filename), width=width, height=height)
    db.session.add(media)
    db.session.flush()
    record_audit("media.uploaded", media, changes={
        "kind": media.kind, "content_type": media.content_type, "size": media.size,
        "original_name": media.original_name})
    return media


def _read_head(stream: IO[bytes]) -> bytes:
    head = b""
    while len(head) < HEAD_BYTES:
        chunk = stream.read(HEAD_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    if not head:
        raise ValidationFailed(str(_l("The file is empty.")),
                               errors={"file": [str(_l("The file is empty."))]})
    return head


def _recognise(head: bytes, allowed: set[MediaKind]) -> Sniffed:
    sniffed = sniff(head)
    accepted = _either([str(KIND_FORMATS[kind]) for kind in MediaKind if kind in allowed])
    if sniffed is None:
        if _looks_like_markup(head):
            message = _l("This file is a web page or markup (HTML, SVG, XML), whatever its "
                         "name says. Send %(accepted)s.", accepted=accepted)
        else:
            message = _l("This is not a file type we accept here. Send %(accepted)s; files "
                         "are recognised by their content, not by their name.",
                         accepted=accepted)
        raise UnsupportedMediaType(str(message), errors={"file": [str(message)]})
    if sniffed.kind not in allowed:
        message = _l("This file is %(found)s, which is not accepted here. Send %(accepted)s.",
                     found=str(KIND_FORMATS[sniffed.kind]), accepted=accepted)
        raise UnsupportedMediaType(str(message), errors={"file": [str(message)]})
    return sniffed


def _either(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return str(_l("%(some)s or %(last)s", some=", ".join(items[:-1]), last=items[-1]))


def _write_limited(stream: IO[bytes], head: bytes, target: Path, limit: int,
                   kind: MediaKind) -> tuple[int, str]:
    """Copy the upload to ``target`` (through a temporary name), refusing it (413) as
    soon as it passes ``limit`` bytes; answer its size and SHA-256."""
    partial = target.with_name(f".{target.name}.part")
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("xb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    message = _l("The file is larger than %(limit)s, the most we accept for "
                                 "%(kind)s.", limit=human_size(limit), kind=str(KIND_NAMES[kind]))
                    raise PayloadTooLarge(str(message), errors={"file": [str(message)]})
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(CHUNK_BYTES)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest()


def _broken_image(message=None) -> ValidationFailed:
    message = message or _l("The image cannot be read: it is damaged or not really the "
                            "format it claims to be.")
    return ValidationFailed(str(message), errors={"file": [str(message)]})


def _check_image(path: Path, sniffed: Sniffed) -> tuple[int, int]:
    """Open the image's header, refuse one that would decode to too many pixels (a
    decompression bomb) before decoding it, then let Pillow verify the data."""
    limit = int(current_app.config["MEDIA_MAX_IMAGE_PIXELS"])
    too_big = _l("The image is too large in pixels (at most %(limit)s million pixels); "
                 "scale it down and upload it again.", limit=f"{limit / 1e6:g}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=[sniffed.pillow_format]) as image:
                width, height = image.size
                if width * height > limit or width < 1 or height < 1:
                    raise _broken_image(too_big)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _broken_image(too_big) from error
    except ValidationFailed:
        raise
    except Exception as error:  # Pillow raises many kinds for bad data  # noqa: BLE001
        raise _broken_image() from error
    return width, height


def _make_thumbnail(source: Path, target: Path, sniffed: Sniffed) -> None:
    size = int(current_app.config["MEDIA_THUMBNAIL_SIZE"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=[sniffed.pillow_format]) as image:
                image.draft("RGB", (size * 2, size * 2))  # JPEG: decode at a fraction
                picture = ImageOps.exif_transpose(image)
                picture.thumbnail((size, size))
                if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
                    picture = picture.convert("RGBA")
                    background = Image.new("RGB", picture.size, "white")
                    background.paste(picture, mask=picture.getchannel("A"))
                    picture = background
                picture.convert("RGB").save(target, "JPEG", quality=THUMBNAIL_QUALITY,
                                            optimize=True)
    except ValidationFailed:
        raise
    except Exception as error:  # a truncated image passes verify() and fails here  # noqa: BLE001
        target.unlink(missing_ok=True)
        raise _broken_image() from error


# ----- deleting -----------------------------------------------------------------------------


def delete_media(media: MediaFile) -> None:
    """Remove the row now and its files once the deletion is committed."""
    keys = [key for key in (media.storage_path, media.thumbnail_path) if key]
    record_audit("media.deleted", media, changes={
        "kind": media.kind, "original_name": media.original_name, "size": media.size})
    db.session.delete(media)
    db.session.flush()
    outbox.enqueue("content.remove_media_files", keys=keys)


@outbox.handler("content.remove_media_files")
def _remove_files_job(keys: list[str] | None = None, paths: list[str] | None = None) -> None:
    _remove_files(media_store(), keys or [])
    for path in paths or []:  # jobs queued before the storage interface: absolute paths
        Path(path).unlink(missing_ok=True)


def _remove_files(store: storage.Store, keys: Iterable[str]) -> None:
    for key in keys:
        try:
            store.delete(key)
        except Exception:  # a file left behind is logged, never a failed request  # noqa: BLE001
            log.warning("could not remove media file %s from %r", key, store, exc_info=True)


# ----- files written by a transaction that is rolled back ----------------------------------

_WRITTEN = "media_files_written"


def _remember_written(store: storage.Store, key: str) -> None:
    """The file goes again if the transaction (or savepoint) it was kept in rolls back."""
    session = db.session()
    within = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_WRITTEN, []).append((store, key, within))


@event.listens_for(Session, "after_commit")
def _keep_written(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_soft_rollback")
def _remove_written(session: Session, rolled_back) -> None:
    """Remove the files kept inside what was rolled back: the whole transaction, or one
    savepoint (and the savepoints inside it) — not the files of the transaction around
    it, whose rows stay and commit (e.g. a catalog import's earlier images)."""
    written = session.info.get(_WRITTEN)
    if not written:
        return
    gone, kept = [], []
    for entry in written:
        (gone if _inside(entry[2], rolled_back) else kept).append(entry)
    session.info[_WRITTEN] = kept
    for store, key, _ in gone:
        _remove_files(store, [key])


def _inside(transaction, outer) -> bool:
    if transaction is None:  # kept before the session began: the transaction it begins
        return outer.parent is None
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False

"""A document's attachments (writes): the issuer adds images and PDFs to its draft and
removes them; the files are content's media, checked by their content. Flush, never
commit."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from marketplace.content.operations.media import delete_media, store_upload
from marketplace.core.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.trading.queries.attachments import (
    ATTACHMENTS,
    issuer_file,
    listed_attachments,
)
from marketplace.workflow import engine
from marketplace.workflow.models import Document

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor

MAX_ATTACHMENTS = 10
# What a document takes (content's media kinds): drawings and photos, spec sheets, drafts.
ATTACHABLE = ("image", "pdf")


def attach_file(document: Document, actor: Actor, stream: IO[bytes], filename: str) -> dict:
    """Store an image or PDF (checked by its content) and list it on the issuer's draft."""
    engine.ensure_editable(document, actor)
    listed = listed_attachments(document)
    if len(listed) >= MAX_ATTACHMENTS:
        raise ValidationFailed(errors={"file": [str(_l(
            "A document takes at most %(n)d attachments; remove one first.",
            n=MAX_ATTACHMENTS))]})
    media = store_upload(actor.company, stream, filename, allowed=ATTACHABLE)
    item = {"id": media.id, "name": media.original_name, "content_type": media.content_type,
            "size": media.size}
    document.extras = {**(document.extras or {}), ATTACHMENTS: [*listed, item]}
    db.session.flush()
    return item


def detach_file(document: Document, actor: Actor, media_id: int) -> None:
    """Take an attachment off the issuer's draft and delete its file."""
    engine.ensure_editable(document, actor)
    listed = listed_attachments(document)
    document.extras = {**(document.extras or {}),
                       ATTACHMENTS: [item for item in listed if item["id"] != media_id]}
    media = issuer_file(document, media_id)
    if media is not None:
        delete_media(media)
    db.session.flush()

"""A document's attachments (a drawing, a spec sheet, an L/C draft): the issuer's files,
listed in the document's ``extras["attachments"]`` beside the type's fields, with no
table of their own. The files themselves are content's media."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from marketplace.content.models import MediaFile
from marketplace.core.errors import NotFound
from marketplace.extensions import db
from marketplace.workflow.models import Document

ATTACHMENTS = "attachments"  # the key in ``Document.extras``


def listed_attachments(document: Document) -> list[dict]:
    """The attachments as the document lists them: ``{id, name, content_type, size}``."""
    return list((document.extras or {}).get(ATTACHMENTS) or [])


def attachment(document: Document, media_id: int) -> MediaFile:
    """The stored file of one of the document's attachments (the document is already
    visible to the actor); NotFound for a file the document does not list."""
    listed = any(item.get("id") == media_id for item in listed_attachments(document))
    media = db.session.get(MediaFile, media_id) if listed else None
    if media is None or media.company_id != document.issuer_company_id:
        raise NotFound(str(_l("Attachment %(id)s was not found.", id=media_id)))
    return media


def issuer_file(document: Document, media_id: int) -> MediaFile | None:
    """The issuer's stored file with this id, listed or not (detaching deletes it)."""
    media = db.session.get(MediaFile, media_id)
    return media if media is not None and media.company_id == document.issuer_company_id \
        else None


def attachments(document: Document) -> list[dict]:
    """The document's attachments, each with the API url that downloads it."""
    return [{**item, "url": url_for("trading_api.get_attachment", document_id=document.id,
                                    media_id=item["id"])}
            for item in listed_attachments(document)]

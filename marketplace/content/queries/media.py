"""Content queries: who may see an uploaded file.

A file is seen by the company that uploaded it, and by everyone when one of the
PUBLIC_MEDIA_RULES holds for it. Each rule is an SQL condition on ``MediaFile``
(usually an EXISTS over what the file is attached to); other areas add theirs with
``@public_media_rule`` (the factory tour, certifications), so the one question
"is this file public?" is answered in one place, by one query.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, exists, false, or_, select

from marketplace.content.models import (
    Certification,
    FactoryTourItem,
    MediaFile,
    Product,
    ProductMedia,
)
from marketplace.core.errors import NotFound
from marketplace.core.scoping import acting_as_operator, acting_company_id
from marketplace.extensions import db
from marketplace.infrastructure.models import Company, CompanyStatus

MediaRule = Callable[[], ColumnElement[bool]]

PUBLIC_MEDIA_RULES: list[MediaRule] = []
"""Conditions under which anyone, signed in or not, may see a file."""

OPERATOR_MEDIA_RULES: list[MediaRule] = []
"""Conditions under which the platform operator may also see a file that is not public
(e.g. a pending company's certificates, which the operator reviews)."""


def public_media_rule(rule: MediaRule) -> MediaRule:
    """Register a condition that makes a file public (a decorator)."""
    PUBLIC_MEDIA_RULES.append(rule)
    return rule


def operator_media_rule(rule: MediaRule) -> MediaRule:
    OPERATOR_MEDIA_RULES.append(rule)
    return rule


@public_media_rule
def shown_with_a_published_product() -> ColumnElement[bool]:
    """Attached to a published product of an active company."""
    return exists(select(ProductMedia.id).join(Product, Product.id == ProductMedia.product_id)
                  .where(ProductMedia.media_id == MediaFile.id, Product.publicly_visible()))


# ----- profiles (the profiles area): the factory tour and certificate documents --------------


def _in_profile():
    """Shown in a company's factory tour, or the document of one of its certifications."""
    return or_(
        exists(select(FactoryTourItem.id).where(FactoryTourItem.media_id == MediaFile.id)),
        exists(select(Certification.id).where(Certification.document_id == MediaFile.id)))


@public_media_rule
def shown_in_an_active_companys_profile() -> ColumnElement[bool]:
    """Factory tour media and certificates of active companies (a pending or suspended
    company's: its own members only, and the operator below)."""
    return _in_profile() & MediaFile.company_id.in_(
        select(Company.id).where(Company.status == CompanyStatus.ACTIVE))


@operator_media_rule
def shown_in_any_profile() -> ColumnElement[bool]:
    """The operator sees a pending company's page, and reviews it, media included."""
    return _in_profile()


def public_media_clause() -> ColumnElement[bool]:
    return or_(*(rule() for rule in PUBLIC_MEDIA_RULES)) if PUBLIC_MEDIA_RULES else false()


def media_visible_to_public(media: MediaFile) -> bool:
    """Whether anyone at all may see this file (one query over every rule)."""
    return db.session.scalar(select(MediaFile.id).where(
        MediaFile.id == media.id, public_media_clause())) is not None


def media_visibility_clause(company_id: int | None, operator: bool) -> ColumnElement[bool]:
    """Files the viewer may see: its own company's, the public ones, and for the operator
    what the operator rules allow."""
    conditions = [public_media_clause()]
    if company_id is not None:
        conditions.append(MediaFile.company_id == company_id)
    if operator:
        conditions.extend(rule() for rule in OPERATOR_MEDIA_RULES)
    return or_(*conditions)


def visible_media(media_id: int) -> MediaFile:
    """The file if the acting company (or nobody: anonymous) may see it; else NotFound,
    whether it exists or not."""
    found = db.session.scalar(select(MediaFile).where(
        MediaFile.id == media_id,
        media_visibility_clause(acting_company_id(), acting_as_operator())))
    if found is None:
        raise NotFound(str(_l("File %(id)s was not found.", id=media_id)))
    return found


def media_url(media: MediaFile, *, thumbnail: bool = False) -> str | None:
    """Where the portal serves a file (through the permission check above); the API
    answers the same paths."""
    if thumbnail and not media.thumbnail_path:
        return None
    return f"/media/{media.id}" + ("/thumbnail" if thumbnail else "")

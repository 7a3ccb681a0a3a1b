"""Content operations: the company profile, its factory tour and its certifications.

Every write flushes, audits and sends ``company_profile_changed`` (search keeps the
company index in step after commit); nothing here commits.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.content.models import (
    Certification,
    CompanyProfile,
    FactoryTourItem,
    MediaKind,
)
from marketplace.content.operations import media as media_files
from marketplace.content.queries.profiles import stored_profile, tour_items
from marketplace.core.audit import pending_changes, record_audit
from marketplace.core.errors import ValidationFailed
from marketplace.core.signals import company_profile_changed
from marketplace.core.validation import country_codes
from marketplace.extensions import db
from marketplace.infrastructure.models import Company

# Regions a company may name among its main markets, beside ISO country codes.
MARKET_REGIONS = {
    "worldwide": _l("Worldwide"),
    "domestic": _l("Domestic market"),
    "north_america": _l("North America"),
    "central_america": _l("Central America"),
    "south_america": _l("South America"),
    "western_europe": _l("Western Europe"),
    "northern_europe": _l("Northern Europe"),
    "southern_europe": _l("Southern Europe"),
    "eastern_europe": _l("Eastern Europe"),
    "east_asia": _l("East Asia"),
    "southeast_asia": _l("Southeast Asia"),
    "south_asia": _l("South Asia"),
    "middle_east": _l("Middle East"),
    "africa": _l("Africa"),
    "oceania": _l("Oceania"),
}
EMPLOYEE_RANGES = ("1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+")
EARLIEST_YEAR_FOUNDED = 1800
MAX_MAIN_MARKETS = 30
MAX_TOUR_ITEMS = 60
MAX_CERTIFICATIONS = 50
TOUR_MEDIA = frozenset({MediaKind.IMAGE, MediaKind.VIDEO})
CERTIFICATE_MEDIA = frozenset({MediaKind.PDF, MediaKind.IMAGE})

PROFILE_FIELDS = ("description_en", "description_zh", "year_founded", "employees",
                  "main_markets", "contact_name", "contact_email", "contact_phone")


def is_market_code(code: str) -> bool:
    return code in MARKET_REGIONS or code in country_codes()


def _changed(company: Company) -> None:
    company_profile_changed.send(company, company_id=company.id)


# ----- the profile ------------------------------------------------------------------------


def update_profile(company: Company, values: dict[str, Any]) -> CompanyProfile:
    """Change the profile's fields given in ``values`` (the row is made on the first save).
    Checks the rules again, so the portal and the API refuse the same things."""
    _check_profile_values(values)
    profile = stored_profile(company)
    if profile is None:
        profile = CompanyProfile(company_id=company.id, main_markets=[])
        db.session.add(profile)
    for name in PROFILE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str):
            value = value.strip() or None
        if name == "main_markets":
            value = list(dict.fromkeys(value or []))  # once each, in the order given
        setattr(profile, name, value)
    changes = pending_changes(profile)
    db.session.flush()
    record_audit("profile.updated", profile, company_id=company.id, changes=changes)
    _changed(company)
    return profile


def _check_profile_values(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    year = values.get("year_founded")
    if year is not None and not EARLIEST_YEAR_FOUNDED <= year <= date.today().year:
        errors["year_founded"] = [str(_l("Give a year between %(first)d and %(last)d.",
                                         first=EARLIEST_YEAR_FOUNDED, last=date.today().year))]
    employees = values.get("employees")
    if employees is not None and employees not in EMPLOYEE_RANGES:
        errors["employees"] = [str(_l("Choose one of %(ranges)s.",
                                      ranges=", ".join(EMPLOYEE_RANGES)))]
    markets = values.get("main_markets") or []
    unknown = [code for code in markets if not is_market_code(code)]
    if unknown:
        errors["main_markets"] = [str(_l("Not a region or ISO country code: %(codes)s.",
                                         codes=", ".join(unknown)))]
    elif len(set(markets)) > MAX_MAIN_MARKETS:
        errors["main_markets"] = [str(_l("At most %(n)d markets.", n=MAX_MAIN_MARKETS))]
    if errors:
        raise ValidationFailed(errors=errors)


# ----- the factory tour -------------------------------------------------------------------


def add_tour_item(company: Company, stream: IO[bytes], filename: str, *,
                  caption_en: str | None = None, caption_zh: str | None = None
                  ) -> FactoryTourItem:
    """Store a photo or video (checked by its content) as the tour's last item."""
    count = db.session.scalar(select(func.count()).where(
        FactoryTourItem.company_id == company.id)) or 0
    if count >= MAX_TOUR_ITEMS:
        raise ValidationFailed(
            str(_l("The factory tour holds at most %(n)d photos and videos; delete one first.",
                   n=MAX_TOUR_ITEMS)), errors={"file": [str(_l("Too many items."))]})
    media = media_files.store_upload(company, stream, filename, allowed=set(TOUR_MEDIA))
    last = db.session.scalar(select(func.max(FactoryTourItem.position)).where(
        FactoryTourItem.company_id == company.id))
    item = FactoryTourItem(company_id=company.id, media=media,
                           caption_en=_clean(caption_en), caption_zh=_clean(caption_zh),
                           position=(last + 1) if last is not None else 0)
    db.session.add(item)
    db.session.flush()
    record_audit("factory_tour.item_added", item, changes={
        "media_id": media.id, "kind": media.kind, "caption_en": item.caption_en,
        "caption_zh": item.caption_zh})
    _changed(company)
    return item


def update_tour_item(item: FactoryTourItem, values: dict[str, Any]) -> FactoryTourItem:
    for name in ("caption_en", "caption_zh"):
        if name in values:
            setattr(item, name, _clean(values[name]))
    changes = pending_changes(item)
    db.session.flush()
    record_audit("factory_tour.item_changed", item, changes=changes)
    _changed(item_company(item))
    return item


def reorder_tour(company: Company, item_ids: list[int]) -> list[FactoryTourItem]:
    """Put the items in the order given; every item of the tour must be named once."""
    items = tour_items(company)
    by_id = {item.id: item for item in items}
    if len(item_ids) != len(set(item_ids)) or set(item_ids) != set(by_id):
        raise ValidationFailed(
            str(_l("Name every item of the factory tour exactly once, in the new order.")),
            errors={"ids": [str(_l("Expected the ids %(ids)s in any order.",
                                   ids=", ".join(str(i) for i in sorted(by_id)) or "—"))]})
    before = [item.id for item in items]
    ordered = [by_id[item_id] for item_id in item_ids]
    _renumber(ordered)
    db.session.flush()
    record_audit("factory_tour.reordered", company, company_id=company.id,
                 changes={"order": [before, item_ids]})
    _changed(company)
    return ordered


def move_tour_item(item: FactoryTourItem, offset: int) -> None:
    """One step up (-1) or down (+1); at either end nothing moves."""
    company = item_company(item)
    items = tour_items(company)
    index = items.index(item)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    reorder_tour(company, [entry.id for entry in items])


def delete_tour_item(item: FactoryTourItem) -> None:
    company = item_company(item)
    media = item.media
    record_audit("factory_tour.item_deleted", item, changes={
        "media_id": item.media_id, "caption_en": item.caption_en})
    db.session.delete(item)
    db.session.flush()
    media_files.delete_media(media)
    _renumber(tour_items(company))
    db.session.flush()
    _changed(company)


def _renumber(items: list[FactoryTourItem]) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


# ----- certifications ---------------------------------------------------------------------


def add_certification(company: Company, values: dict[str, Any],
                      upload: tuple[IO[bytes], str] | None = None) -> Certification:
    """A certificate (name, issuer, valid until) with its document, a PDF or an image."""
    count = db.session.scalar(select(func.count()).where(
        Certification.company_id == company.id)) or 0
    if count >= MAX_CERTIFICATIONS:
        raise ValidationFailed(str(_l("At most %(n)d certifications; delete one first.",
                                      n=MAX_CERTIFICATIONS)))
    _check_certification_values(values, creating=True)
    certification = Certification(company_id=company.id)
    _apply_certification(certification, values)
    if upload is not None:
        certification.document = media_files.store_upload(company, upload[0], upload[1],
                                               allowed=set(CERTIFICATE_MEDIA))
    db.session.add(certification)
    changes = pending_changes(certification)
    db.session.flush()
    record_audit("certification.added", certification, changes=changes)
    _changed(company)
    return certification


def update_certification(certification: Certification, values: dict[str, Any],
                         upload: tuple[IO[bytes], str] | None = None) -> Certification:
    """Change the fields given; a new document replaces the old one (deleted after commit)."""
    _check_certification_values(values, creating=False)
    _apply_certification(certification, values)
    company = item_company(certification)
    old_document = None
    if upload is not None:
        old_document = certification.document
        certification.document = media_files.store_upload(company, upload[0], upload[1],
                                              allowed=set(CERTIFICATE_MEDIA))
    changes = pending_changes(certification)
    db.session.flush()
    if old_document is not None:
        media_files.delete_media(old_document)
    record_audit("certification.changed", certification, changes=changes)
    _changed(company)
    return certification


def delete_certification(certification: Certification) -> None:
    company = item_company(certification)
    document = certification.document
    record_audit("certification.deleted", certification,
                 changes={"name": certification.name})
    db.session.delete(certification)
    db.session.flush()
    if document is not None:
        media_files.delete_media(document)
    _changed(company)


def _check_certification_values(values: dict[str, Any], *, creating: bool) -> None:
    name = values.get("name")
    if (creating or "name" in values) and not (name or "").strip():
        raise ValidationFailed(errors={"name": [str(_l("Give the certificate's name."))]})


def _apply_certification(certification: Certification, values: dict[str, Any]) -> None:
    if "name" in values:
        certification.name = values["name"].strip()
    if "issuer" in values:
        certification.issuer = _clean(values["issuer"])
    if "valid_until" in values:
        certification.valid_until = as_end_of_day(values["valid_until"])


def as_end_of_day(day: date | None) -> datetime | None:
    """A date as the last second of that day, UTC (what "valid until" means)."""
    if day is None:
        return None
    if isinstance(day, datetime):
        return day if day.tzinfo else day.replace(tzinfo=UTC)
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)


# ----- helpers ------------------------------------------------------------------------------


def item_company(row: FactoryTourItem | Certification) -> Company:
    return db.session.get(Company, row.company_id)


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None

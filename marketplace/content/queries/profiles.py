"""Content queries: company profiles, factory tours, certifications.

A company's page follows the company: active ones are public; a pending or suspended
one is seen by itself and the operator only (404 for everyone else).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.content.models import Certification, CompanyProfile, FactoryTourItem
from marketplace.content.queries.media import media_url  # noqa: F401 - the profile pages' files
from marketplace.core.errors import NotFound
from marketplace.core.scoping import acting_as_operator, acting_company_id
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure import queries as accounts
from marketplace.infrastructure.models import Company, CompanyStatus


@dataclass
class ProfilePage:
    """Everything the company page and ``GET /companies/{id}/profile`` show."""

    company: Company
    profile: CompanyProfile
    certifications: list[Certification]
    factory_tour: list[FactoryTourItem]

    @property
    def version(self) -> int:
        return self.profile.version

    @property
    def verified(self) -> bool:
        """The operator approved the company, and it is active now."""
        return self.company.approved_at is not None and \
            self.company.status == CompanyStatus.ACTIVE

    @property
    def seen_by_owner(self) -> bool:
        return acting_company_id() == self.company.id

    def __getattr__(self, name):  # the profile's own fields, for schemas and templates
        if name.startswith("_") or name in ("company", "profile"):
            raise AttributeError(name)
        return getattr(self.profile, name)


def stored_profile(company: Company) -> CompanyProfile | None:
    return db.session.scalar(select(CompanyProfile).where(CompanyProfile.company_id == company.id))


def profile_of(company: Company) -> CompanyProfile:
    """The stored profile, or a blank one at version 0 (never added to the session)
    for a company that has not written its profile yet."""
    profile = stored_profile(company)
    if profile is None:
        profile = CompanyProfile(company_id=company.id, main_markets=[], version=0)
    return profile


def tour_items(company: Company) -> list[FactoryTourItem]:
    return list(db.session.scalars(
        select(FactoryTourItem).where(FactoryTourItem.company_id == company.id)
        .options(selectinload(FactoryTourItem.media))
        .order_by(FactoryTourItem.position, FactoryTourItem.id)))


def certifications(company: Company) -> list[Certification]:
    return list(db.session.scalars(
        select(Certification).where(Certification.company_id == company.id)
        .options(selectinload(Certification.document))
        .order_by(Certification.name, Certification.id)))


def visible_company(company_id: int) -> Company:
    """Active companies for everyone; pending and suspended ones for themselves and the
    operator (404 for anyone else, as if they did not exist)."""
    return accounts.visible_company(company_id)


def profile_page(company: Company) -> ProfilePage:
    return ProfilePage(company=company, profile=profile_of(company),
                       certifications=certifications(company), factory_tour=tour_items(company))


def own_company(company_id: int) -> Company:
    """The acting company itself, for writes; any other company is not found."""
    if acting_as_operator() or acting_company_id() != company_id:
        raise NotFound(str(_l("Company %(id)s was not found.", id=company_id)))
    company = db.session.get(Company, company_id)
    if company is None:
        raise NotFound(str(_l("Company %(id)s was not found.", id=company_id)))
    return company


def tour_item(company: Company, item_id: int) -> FactoryTourItem:
    item = db.session.scalar(select(FactoryTourItem).where(
        FactoryTourItem.id == item_id, FactoryTourItem.company_id == company.id))
    if item is None:
        raise NotFound(str(_l("Factory tour item %(id)s was not found.", id=item_id)))
    return item


def certification(company: Company, certification_id: int) -> Certification:
    found = db.session.scalar(select(Certification).where(
        Certification.id == certification_id, Certification.company_id == company.id))
    if found is None:
        raise NotFound(str(_l("Certification %(id)s was not found.", id=certification_id)))
    return found


def is_expired(certification: Certification) -> bool:
    return certification.valid_until is not None and certification.valid_until < utcnow()


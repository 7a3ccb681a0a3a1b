"""The reads of the infrastructure module, scoped to the acting company."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from marketplace.core.audit import AuditEvent
from marketplace.core.errors import NotFound
from marketplace.core.scoping import acting_as_operator, acting_company_id, get_visible, visible
from marketplace.extensions import db
from marketplace.infrastructure.models import (
    AddressBookEntry,
    ApiToken,
    Category,
    Company,
    CompanyRoleRequest,
    CompanyStatus,
    Invitation,
    Membership,
    RoleRequestStatus,
    User,
)


def visible_company(company_id: int) -> Company:
    """A company profile: active ones are public, others only to themselves and the operator."""
    if acting_company_id() is None and not acting_as_operator():
        company = db.session.get(Company, company_id)
        if company is None or company.status != CompanyStatus.ACTIVE:
            raise NotFound(str(_l("Company %(id)s was not found.", id=company_id)))
        return company
    return get_visible(Company, company_id)


def own_company(company_id: int) -> Company:
    """The acting company itself (or any, for the operator); others are not found."""
    if acting_as_operator() or acting_company_id() == company_id:
        company = db.session.get(Company, company_id)
        if company is not None:
            return company
    raise NotFound(str(_l("Company %(id)s was not found.", id=company_id)))


def acting_company(company_id: int) -> Company:
    """The acting company itself, for a change by its own members; any other company is
    not found, and so is every company for the operator (who changes none this way)."""
    if company_id == acting_company_id():
        company = db.session.get(Company, company_id)
        if company is not None:
            return company
    raise NotFound(str(_l("Company %(id)s was not found.", id=company_id)))


def members(company: Company) -> Select:
    return (select(Membership).join(Membership.user)
            .where(Membership.company_id == company.id)
            .options(selectinload(Membership.user)).order_by(User.full_name, Membership.id))


def member(company: Company, membership_id: int) -> Membership:
    found = db.session.scalar(select(Membership).where(
        Membership.id == membership_id, Membership.company_id == company.id))
    if found is None:
        raise NotFound(str(_l("Member %(id)s was not found.", id=membership_id)))
    return found


def open_invitations(company: Company) -> list[Invitation]:
    rows = db.session.scalars(select(Invitation).where(
        Invitation.company_id == company.id, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None)).order_by(Invitation.created_at.desc()))
    return [row for row in rows if row.status == "invited"]


def invitation(company: Company, invitation_id: int) -> Invitation:
    found = db.session.scalar(select(Invitation).where(
        Invitation.id == invitation_id, Invitation.company_id == company.id))
    if found is None:
        raise NotFound(str(_l("Invitation %(id)s was not found.", id=invitation_id)))
    return found


def api_keys() -> Select:
    return (visible(ApiToken, operator_sees_all=False)
            .options(selectinload(ApiToken.created_by)).order_by(ApiToken.created_at.desc()))


def api_key(key_id: int) -> ApiToken:
    return get_visible(ApiToken, key_id, operator_sees_all=False)


def address_book(search: str | None = None) -> Select:
    stmt = (visible(AddressBookEntry, operator_sees_all=False)
            .options(selectinload(AddressBookEntry.contacts),
                     selectinload(AddressBookEntry.partner_company))
            .order_by(AddressBookEntry.name))
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(AddressBookEntry.name.ilike(like),
                              AddressBookEntry.notes.ilike(like)))
    return stmt


def address_book_entry(entry_id: int) -> AddressBookEntry:
    return get_visible(AddressBookEntry, entry_id, operator_sees_all=False)


def companies_for_operator(status: CompanyStatus | None = None, search: str | None = None
                           ) -> Select:
    stmt = select(Company).options(selectinload(Company.memberships)
                                   .selectinload(Membership.user))
    if status is not None:
        stmt = stmt.where(Company.status == status)
    if search:
        stmt = stmt.where(Company.name.ilike(f"%{search.strip()}%"))
    return stmt.order_by(Company.created_at.desc(), Company.id.desc())


def company_for_operator(company_id: int) -> Company:
    company = db.session.get(Company, company_id)
    if company is None:
        raise NotFound(str(_l("Company %(id)s was not found.", id=company_id)))
    return company


def role_requests_of(company: Company) -> list[CompanyRoleRequest]:
    """The company's requests to change its roles, newest first."""
    return list(db.session.scalars(select(CompanyRoleRequest).where(
        CompanyRoleRequest.company_id == company.id).order_by(CompanyRoleRequest.id.desc())))


def role_requests_for_operator(status: RoleRequestStatus | None = None) -> Select:
    """Every company's role requests (the operator), oldest waiting first."""
    stmt = select(CompanyRoleRequest).options(selectinload(CompanyRoleRequest.company))
    if status is not None:
        stmt = stmt.where(CompanyRoleRequest.status == status)
    return stmt.order_by(CompanyRoleRequest.id)


def role_request_for_operator(request_id: int) -> CompanyRoleRequest:
    role_request = db.session.get(CompanyRoleRequest, request_id)
    if role_request is None:
        raise NotFound(str(_l("Role request %(id)s was not found.", id=request_id)))
    return role_request


def categories() -> list[Category]:
    """The whole tree in reading order: each category followed by its children."""
    rows = db.session.scalars(select(Category).order_by(Category.position, Category.code)).all()
    children: dict[int | None, list[Category]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[Category] = []

    def visit(parent_id: int | None) -> None:
        for row in children.get(parent_id, []):
            ordered.append(row)
            visit(row.id)

    visit(None)
    return ordered


def category(category_id: int) -> Category:
    found = db.session.get(Category, category_id)
    if found is None:
        raise NotFound(str(_l("Category %(id)s was not found.", id=category_id)))
    return found


def active_companies_for_picker(exclude_id: int | None) -> list[Company]:
    stmt = select(Company).where(Company.status == CompanyStatus.ACTIVE).order_by(Company.name)
    if exclude_id:
        stmt = stmt.where(Company.id != exclude_id)
    return list(db.session.scalars(stmt))


def audit_events(action_prefix: str | None = None) -> Select:
    """The acting company's audit trail (the operator's: everyone's), newest first."""
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if not acting_as_operator():
        stmt = stmt.where(AuditEvent.company_id == acting_company_id())
    if action_prefix:
        stmt = stmt.where(AuditEvent.action.startswith(action_prefix))
    return stmt


def user_exists(email: str) -> bool:
    return db.session.scalar(select(User.id).where(
        User.email == User.normalize_email(email))) is not None

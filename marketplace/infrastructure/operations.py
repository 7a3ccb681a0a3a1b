"""The writes of the infrastructure module: check, change, flush, audit, signal.
Never commit: the request (or CLI command) boundary does that once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.core.audit import pending_changes, record_audit
from marketplace.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
    ValidationFailed,
)
from marketplace.core.limits import MEMBERS, check_limit
from marketplace.core.signals import (
    company_approved,
    company_profile_changed,
    company_registered,
    company_suspended,
    member_removed,
)
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure import links
from marketplace.infrastructure.auth import (
    burn_password_check,
    digest,
    hash_password,
    new_secret,
    verify_password,
)
from marketplace.infrastructure.mail import queue_mail
from marketplace.infrastructure.models import (
    AddressBookEntry,
    ApiToken,
    Category,
    Company,
    CompanyRoleRequest,
    CompanyStatus,
    Contact,
    Invitation,
    LoginSession,
    MemberRole,
    Membership,
    RoleRequestStatus,
    TokenKind,
    User,
)
from marketplace.infrastructure.notifications import N_, notify_operators

# ----- users and passwords ---------------------------------------------------------------


def check_password_rules(password: str, email: str = "", field: str = "password") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    problems = []
    if len(password) < minimum:
        problems.append(str(_l("Use at least %(n)d characters.", n=minimum)))
    if email and password.strip().lower() == email.strip().lower():
        problems.append(str(_l("Do not use your e-mail address as password.")))
    if len(password) > 1024:
        problems.append(str(_l("At most 1024 characters.")))
    if problems:
        raise ValidationFailed(errors={field: problems})


def _ensure_email_free(email: str, field: str = "email") -> None:
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ValidationFailed(str(_l("This e-mail address is already registered.")),
                               errors={field: [str(_l("Already registered."))]})


def create_user(email: str, password: str, full_name: str, language: str = "en",
                *, field_prefix: str = "") -> User:
    email = User.normalize_email(email)
    _ensure_email_free(email, field_prefix + "email")
    check_password_rules(password, email, field_prefix + "password")
    user = User(email=email, password_hash=hash_password(password), full_name=full_name.strip(),
                language=language if language in current_app.config["LANGUAGES"] else "en")
    db.session.add(user)
    return user


def create_operator(email: str, password: str, full_name: str = "Platform operator") -> User:
    user = create_user(email, password, full_name)
    user.is_operator = True
    user.email_verified_at = utcnow()
    db.session.flush()
    record_audit("operator.created", user)
    return user


def update_profile(user: User, changes: dict[str, Any]) -> User:
    for name in ("full_name", "language"):
        if name in changes:
            setattr(user, name, changes[name])
    audit = pending_changes(user)
    db.session.flush()
    record_audit("user.profile_updated", user, changes=audit)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed(errors={"current_password": [str(_l("Not your current password."))]})
    _set_password(user, new_password)
    record_audit("user.password_changed", user)


def _set_password(user: User, password: str) -> None:
    check_password_rules(password, user.email)
    user.password_hash = hash_password(password)
    # A new password ends every other way in: sessions and personal tokens.
    _end_sessions_and_tokens(user, "password")


def _end_sessions_and_tokens(user: User, reason: str) -> None:
    now = utcnow()
    for login_session in db.session.scalars(select(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))):
        login_session.end(reason)
    for token in db.session.scalars(select(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.kind == TokenKind.ACCESS,
            ApiToken.revoked_at.is_(None))):
        token.revoked_at = now


# ----- registration, verification, login -------------------------------------------------


def register_company(*, company: dict[str, Any], user: dict[str, Any]
                     ) -> tuple[Company, User] | None:
    """A new company with its first admin. It stays pending until the operator approves.

    When the e-mail address is registered already, nothing is created and the address's
    owner is mailed instead (None): callers answer the same either way, so registering
    does not tell who has an account."""
    email = User.normalize_email(user["email"])
    check_password_rules(user["password"], email, "user.password")
    owner = db.session.scalar(select(User).where(User.email == email))
    if owner is not None:
        burn_password_check(user["password"])  # as long as hashing a new password takes
        queue_mail(owner.email, _l("Someone tried to register with your e-mail address"),
                   "registration_attempt", language=owner.language, user=owner,
                   login=links.absolute_url("/login"),
                   reset=links.absolute_url("/forgot-password"))
        return None
    admin = create_user(user["email"], user["password"], user["full_name"],
                        user.get("language", "en"), field_prefix="user.")
    firm = Company(name=company["name"].strip(), country=company["country"],
                   status=CompanyStatus.PENDING)
    firm.roles = company["roles"]
    db.session.add(firm)
    db.session.add(Membership(company=firm, user=admin, role=MemberRole.ADMIN))
    db.session.flush()
    record_audit("company.registered", firm, company_id=firm.id,
                 changes={"name": firm.name, "country": firm.country, "roles": firm.roles})
    send_verification(admin)
    # The operator approves new companies: without a word they would wait unseen.
    notify_operators("company.awaits_approval", company_id=firm.id,
                     message=N_("%(company)s (%(country)s) registered and waits for your "
                                "approval."),
                     params={"company": firm.name, "country": firm.country},
                     link="/admin/companies?status=pending")
    company_registered.send(firm, admin=admin)
    return firm, admin


def registration_accepted(email: str) -> str:
    """The answer to a registration, the same whether or not the address had an account."""
    return str(_l("We sent a message to %(email)s. Open it to confirm the address, then log "
                  "in. The operator reviews new companies shortly.", email=email))


def send_verification(user: User) -> None:
    link = links.absolute_url(f"/verify-email/{links.verification_token(user)}")
    queue_mail(user.email, _l("Confirm your e-mail address"), "verify_email",
               language=user.language, user=user, link=link)


def verify_email(token: str) -> User:
    claims = links.read_verification_token(token,
                                           current_app.config["EMAIL_VERIFICATION_MAX_AGE"])
    user = db.session.get(User, claims["user"]) if claims else None
    if user is None or user.email != claims["email"]:
        raise ValidationFailed(str(_l("This confirmation link is invalid or has expired. "
                                      "Ask for a new one from your profile.")),
                               errors={"token": [str(_l("Invalid or expired."))]})
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_audit("user.email_verified", user)
    return user


def authenticate(email: str, password: str) -> User:
    """The user with these credentials; the same refusal whether the e-mail or the
    password is wrong, so nobody learns which addresses are registered."""
    user = db.session.scalar(select(User).where(User.email == User.normalize_email(email)))
    if user is None:
        burn_password_check(password)
    elif verify_password(user.password_hash, password):
        return user
    raise Unauthorized(str(_l("Wrong e-mail address or password.")))


def start_login_session(user: User) -> LoginSession:
    """A fresh session id at every login (never one the browser brought along)."""
    secret, _ = new_secret("s")
    login_session = LoginSession(id=digest(secret), user=user, ip_address=request.remote_addr,
                                 user_agent=(request.user_agent.string or "")[:300])
    db.session.add(login_session)
    user.last_login_at = utcnow()
    return login_session


def issue_access_token(user: User) -> tuple[ApiToken, str]:
    secret, token_hash = new_secret("mpu")
    token = ApiToken(kind=TokenKind.ACCESS, token_hash=token_hash, display_prefix=secret[:10],
                     user=user, company_id=user.company.id if user.company else None,
                     scopes=["read", "write"],
                     expires_at=utcnow() + current_app.config["ACCESS_TOKEN_LIFETIME"])
    db.session.add(token)
    user.last_login_at = utcnow()
    return token, secret


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address is known; say nothing either way."""
    user = db.session.scalar(select(User).where(User.email == User.normalize_email(email)))
    if user is None:
        return
    link = links.absolute_url(f"/reset-password/{links.password_reset_token(user)}")
    queue_mail(user.email, _l("Reset your password"), "password_reset", language=user.language,
               user=user, link=link)
    record_audit("user.password_reset_requested", user)


def reset_password(token: str, new_password: str) -> User:
    claims = links.read_password_reset_token(token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, claims["user"]) if claims else None
    if user is None or user.password_hash[-16:] != claims["pw"]:
        raise ValidationFailed(str(_l("This reset link is invalid, used or expired. "
                                      "Ask for a new one.")),
                               errors={"token": [str(_l("Invalid or expired."))]})
    _set_password(user, new_password)
    # Following the mailed link proves the address too.
    user.email_verified_at = user.email_verified_at or utcnow()
    record_audit("user.password_reset", user)
    return user


# ----- companies (operator and own admins) -----------------------------------------------

COMPANY_FIELDS = ("name", "country", "address", "city", "postal_code", "phone", "website",
                  "description")


def update_company(company: Company, changes: dict[str, Any], *,
                   may_change_roles: bool = False) -> Company:
    """Edit a company's profile. Its roles change only by the operator
    (``may_change_roles``): an admin asks with ``request_role_change``."""
    if "roles" in changes and set(changes["roles"]) != set(company.roles):
        if not may_change_roles:
            raise ValidationFailed(errors={"roles": [str(_l(
                "Changing your company's roles is the operator's decision: send a request "
                "(POST /companies/{id}/role-requests, or the company page)."))]})
        company.roles = changes["roles"]
    for name in COMPANY_FIELDS:
        if name in changes:
            setattr(company, name, changes[name])
    if "category_ids" in changes:
        company.categories = _categories(changes["category_ids"])
    audit = pending_changes(company)
    db.session.flush()
    record_audit("company.updated", company, company_id=company.id, changes=audit)
    company_profile_changed.send(company, company_id=company.id)  # search follows name, country
    return company


def _categories(ids: list[int]) -> list[Category]:
    found = db.session.scalars(select(Category).where(Category.id.in_(ids))).all() if ids else []
    missing = sorted(set(ids) - {c.id for c in found})
    if missing:
        raise ValidationFailed(errors={"category_ids": [
            str(_l("Unknown category: %(ids)s", ids=", ".join(map(str, missing))))]})
    return list(found)


def approve_company(company: Company, reason: str | None = None) -> Company:
    """Approve a pending company, or reinstate a suspended one; a reinstatement keeps
    ``reason`` (what the operator tells the company) in ``status_reason``."""
    if company.status == CompanyStatus.ACTIVE:
        raise Conflict(str(_l("The company is already active.")), allowed_actions=["suspend"])
    reinstated = company.status == CompanyStatus.SUSPENDED
    before = company.status_reason
    company.status = CompanyStatus.ACTIVE
    company.approved_at = company.approved_at or utcnow()
    company.status_reason = ((reason or "").strip()[:500] or None) if reinstated else None
    db.session.flush()
    if reinstated:
        record_audit("company.reinstated", company, company_id=company.id,
                     changes={"status": ["suspended", "active"],
                              "reason": [before, company.status_reason]})
        company_approved.send(company, reinstated=True)  # the back office tells the company
        return company
    record_audit("company.approved", company, company_id=company.id)
    for admin in _admins(company):
        queue_mail(admin.user.email, _l("Your company is approved"), "company_approved",
                   language=admin.user.language, user=admin.user, company=company,
                   link=links.absolute_url("/"))
    company_approved.send(company)
    return company


def request_role_change(company: Company, roles: list[str], user: User) -> CompanyRoleRequest:
    """An admin asks the operator to change the company's roles; every operator is
    mailed. One open request at a time; asking for the roles it has is refused."""
    if not roles:
        raise ValidationFailed(errors={"roles": [str(_l("Choose at least one role."))]})
    if set(roles) == set(company.roles):
        raise ValidationFailed(errors={"roles": [str(_l(
            "These are already your company's roles."))]})
    if db.session.scalar(select(CompanyRoleRequest.id).where(
            CompanyRoleRequest.company_id == company.id,
            CompanyRoleRequest.status == RoleRequestStatus.PENDING)) is not None:
        raise Conflict(str(_l("A request to change your roles is already waiting for the "
                              "operator.")))
    role_request = CompanyRoleRequest(company=company, roles=sorted(set(roles)),
                                      requested_by_id=user.id)
    db.session.add(role_request)
    db.session.flush()
    record_audit("company.roles_requested", company, company_id=company.id,
                 changes={"roles": [company.roles, role_request.roles]})
    link = links.absolute_url("/admin/role-requests")
    for operator in db.session.scalars(select(User).where(User.is_operator.is_(True))):
        queue_mail(operator.email, _l("A company asks to change its roles"), "role_request",
                   language=operator.language, user=operator, company=company,
                   role_request=role_request, link=link)
    return role_request


def decide_role_request(role_request: CompanyRoleRequest, operator: User, *, approve: bool,
                        reason: str | None = None) -> CompanyRoleRequest:
    """The operator's decision: approved, the company takes the requested roles."""
    if role_request.status != RoleRequestStatus.PENDING:
        raise Conflict(str(_l("This request is already decided.")))
    if not approve and not (reason or "").strip():
        raise ValidationFailed(errors={"reason": [str(_l("Give a reason for declining."))]})
    company = role_request.company
    before = company.roles
    if approve:
        company.roles = role_request.roles
    role_request.status = RoleRequestStatus.APPROVED if approve else RoleRequestStatus.DECLINED
    role_request.decided_by_id, role_request.decided_at = operator.id, utcnow()
    role_request.reason = (reason or "").strip() or None
    db.session.flush()
    record_audit("company.roles_approved" if approve else "company.roles_declined", company,
                 company_id=company.id, changes={"roles": [before, company.roles],
                                                 "reason": role_request.reason})
    if approve:
        company_profile_changed.send(company, company_id=company.id)
    return role_request


def suspend_company(company: Company, reason: str) -> Company:
    if company.status == CompanyStatus.SUSPENDED:
        raise Conflict(str(_l("The company is already suspended.")), allowed_actions=["approve"])
    company.status = CompanyStatus.SUSPENDED
    company.status_reason = reason
    db.session.flush()
    record_audit("company.suspended", company, company_id=company.id, changes={"reason": reason})
    company_suspended.send(company)
    return company


def _admins(company: Company) -> list[Membership]:
    return [m for m in company.memberships if m.role == MemberRole.ADMIN]


# ----- members and invitations -----------------------------------------------------------


def invite_member(company: Company, email: str, role: MemberRole, invited_by: User
                  ) -> Invitation:
    email = User.normalize_email(email)
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None and existing.membership is not None:
        detail = (_l("%(email)s is already a member of your company.", email=email)
                  if existing.membership.company_id == company.id else
                  _l("%(email)s already belongs to another company on the marketplace.",
                     email=email))
        raise ValidationFailed(str(detail), errors={"email": [str(detail)]})
    if existing is not None and existing.is_operator:
        raise ValidationFailed(errors={"email": [str(_l("This is the operator's address."))]})
    for old in db.session.scalars(select(Invitation).where(
            Invitation.company_id == company.id, Invitation.email == email,
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))):
        old.revoked_at = utcnow()  # the newest invitation is the one that counts
    check_limit(MEMBERS, company.id)  # the plan's members, invitations included
    secret, token_hash = new_secret("inv")
    invitation = Invitation(company=company, email=email, role=role, token_hash=token_hash,
                            invited_by_id=invited_by.id,
                            expires_at=utcnow() + current_app.config["INVITATION_MAX_AGE"])
    db.session.add(invitation)
    db.session.flush()
    record_audit("member.invited", invitation, changes={"email": email, "role": role.value})
    queue_mail(email, _l("%(company)s invites you to the marketplace", company=company.name),
               "invitation", language=existing.language if existing else invited_by.language,
               company=company, inviter=invited_by, role=role,
               link=links.absolute_url(f"/invitations/{secret}"))
    return invitation


def find_open_invitation(secret: str) -> Invitation:
    invitation = db.session.scalar(select(Invitation).where(
        Invitation.token_hash == digest(secret)))
    if invitation is None or invitation.status != "invited":
        raise NotFound(str(_l("This invitation is invalid, used, withdrawn or expired. "
                              "Ask your company's administrator for a new one.")))
    return invitation


def accept_invitation(secret: str, *, full_name: str | None = None,
                      password: str | None = None, existing_user: User | None = None
                      ) -> Membership:
    """Join the inviting company, as a new user or as a signed-in one without a company."""
    invitation = find_open_invitation(secret)
    user = existing_user or db.session.scalar(select(User).where(User.email == invitation.email))
    if user is None:
        if not full_name or not password:
            raise ValidationFailed(errors={
                "full_name" if not full_name else "password": [str(_l("Required."))]})
        user = create_user(invitation.email, password, full_name)
    elif existing_user is None:
        raise Forbidden(str(_l("You already have an account: log in first, then open the "
                               "invitation link again.")))
    if user.membership is not None:
        raise ValidationFailed(str(_l("You already belong to a company.")))
    # The invitation becomes a member: nothing more, unless the plan shrank meanwhile.
    check_limit(MEMBERS, invitation.company_id, adding=0)
    user.email_verified_at = user.email_verified_at or utcnow()  # the link came by mail
    membership = Membership(company=invitation.company, user=user, role=invitation.role)
    db.session.add(membership)
    invitation.accepted_at = utcnow()
    db.session.flush()
    record_audit("member.joined", membership, company_id=invitation.company_id,
                 changes={"user_id": user.id, "role": invitation.role.value})
    return membership


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.status != "invited":
        raise Conflict(str(_l("This invitation is no longer open.")), allowed_actions=[])
    invitation.revoked_at = utcnow()
    record_audit("member.invitation_revoked", invitation)


def change_member_role(membership: Membership, role: MemberRole) -> Membership:
    if membership.role == MemberRole.ADMIN and role != MemberRole.ADMIN:
        _keep_one_admin(membership)
    old = membership.role
    membership.role = role
    db.session.flush()
    record_audit("member.role_changed", membership, changes={"role": [old.value, role.value]})
    return membership


def remove_member(membership: Membership) -> None:
    """The user loses access on the next request: membership gone, sessions and tokens ended."""
    if membership.role == MemberRole.ADMIN:
        _keep_one_admin(membership)
    user, company = membership.user, membership.company
    record_audit("member.removed", membership, changes={"user_id": user.id, "email": user.email})
    _end_sessions_and_tokens(user, "removed")
    db.session.delete(membership)
    db.session.flush()
    member_removed.send(company, user=user)


def _keep_one_admin(membership: Membership) -> None:
    admins = db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.company_id == membership.company_id, Membership.role == MemberRole.ADMIN))
    if admins <= 1:
        raise Conflict(str(_l("A company needs at least one administrator: make someone else "
                              "administrator first.")), allowed_actions=[])


# ----- API keys ---------------------------------------------------------------------------


def create_api_key(company: Company, name: str, scopes: list[str], created_by: User,
                   expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    if expires_at is not None and expires_at <= utcnow():
        raise ValidationFailed(errors={"expires_at": [str(_l("Must be in the future."))]})
    secret, token_hash = new_secret("mpk")
    key = ApiToken(kind=TokenKind.API_KEY, token_hash=token_hash, display_prefix=secret[:10],
                   name=name, company=company, created_by=created_by,
                   scopes=sorted(set(scopes) | {"read"}), expires_at=expires_at)
    db.session.add(key)
    db.session.flush()
    record_audit("api_key.created", key, changes={"name": name, "scopes": key.scopes})
    return key, secret


def revoke_api_key(key: ApiToken) -> None:
    if key.revoked_at is not None:
        raise Conflict(str(_l("This API key is already revoked.")), allowed_actions=[])
    key.revoked_at = utcnow()
    record_audit("api_key.revoked", key)


# ----- address book -----------------------------------------------------------------------

ENTRY_FIELDS = ("name", "country", "address", "website", "notes")


def save_address_book_entry(company: Company, values: dict[str, Any],
                            entry: AddressBookEntry | None = None) -> AddressBookEntry:
    """Create (no ``entry``) or update an entry; ``contacts`` given replaces the list."""
    creating = entry is None
    entry = entry or AddressBookEntry(company_id=company.id)
    if "partner_company_id" in values:
        entry.partner_company = _partner(company, values["partner_company_id"])
        if entry.partner_company and not values.get("name") and creating:
            values = {**values, "name": entry.partner_company.name,
                      "country": entry.partner_company.country}
    for name in ENTRY_FIELDS:
        if name in values:
            setattr(entry, name, values[name])
    if not entry.name:
        raise ValidationFailed(errors={"name": [str(_l("Required."))]})
    if "contacts" in values:
        entry.contacts = [Contact(**contact) for contact in values["contacts"]]
    db.session.add(entry)
    _ensure_partner_saved_once(entry)
    audit = pending_changes(entry)
    db.session.flush()
    record_audit("address_book.created" if creating else "address_book.updated", entry,
                 changes=audit)
    return entry


def _partner(company: Company, partner_id: int | None) -> Company | None:
    if partner_id is None:
        return None
    partner = db.session.get(Company, partner_id)
    if partner is None or partner.id == company.id or partner.status != CompanyStatus.ACTIVE:
        raise ValidationFailed(errors={"partner_company_id": [
            str(_l("No active company on the marketplace has this id."))]})
    return partner


def _ensure_partner_saved_once(entry: AddressBookEntry) -> None:
    if entry.partner_company is None:
        return
    with db.session.no_autoflush:  # a flush here would store the new entry: its own clash
        clash = db.session.scalar(select(AddressBookEntry.id).where(
            AddressBookEntry.company_id == entry.company_id,
            AddressBookEntry.partner_company_id == entry.partner_company.id,
            AddressBookEntry.id != (entry.id or 0)))
    if clash is not None:
        raise ValidationFailed(errors={"partner_company_id": [
            str(_l("This company is already in your address book."))]})


def delete_address_book_entry(entry: AddressBookEntry) -> None:
    record_audit("address_book.deleted", entry, changes={"name": entry.name})
    db.session.delete(entry)
    db.session.flush()


# ----- categories (operator) --------------------------------------------------------------


def save_category(values: dict[str, Any], category: Category | None = None) -> Category:
    creating = category is None
    category = category or Category()
    if "code" in values:
        clash = db.session.scalar(select(Category.id).where(
            Category.code == values["code"], Category.id != (category.id or 0)))
        if clash is not None:
            raise ValidationFailed(errors={"code": [str(_l("Another category has this code."))]})
    if values.get("parent_id") is not None:
        parent = db.session.get(Category, values["parent_id"])
        if parent is None:
            raise ValidationFailed(errors={"parent_id": [str(_l("Unknown category."))]})
        if not creating and _is_descendant(parent, category):
            raise ValidationFailed(errors={"parent_id": [
                str(_l("A category cannot be moved below itself."))]})
    for name in ("code", "name", "name_zh", "parent_id", "position"):
        if name in values:
            setattr(category, name, values[name])
    db.session.add(category)
    audit = pending_changes(category)
    db.session.flush()
    record_audit("category.created" if creating else "category.updated", category,
                 changes=audit)
    return category


def _is_descendant(node: Category, ancestor: Category) -> bool:
    while node is not None:
        if node.id == ancestor.id:
            return True
        node = node.parent
    return False


def install_default_categories() -> int:
    """Load the category tree the product ships with; existing codes are left alone."""
    from marketplace.infrastructure.default_categories import DEFAULT_CATEGORIES

    known = set(db.session.scalars(select(Category.code)))
    added = 0
    for position, (code, name, name_zh, children) in enumerate(DEFAULT_CATEGORIES):
        parent = db.session.scalar(select(Category).where(Category.code == code))
        if parent is None:
            parent = Category(code=code, name=name, name_zh=name_zh, position=position)
            db.session.add(parent)
            added += 1
        for child_position, (child_code, child_name, child_zh) in enumerate(children):
            if child_code not in known:
                db.session.add(Category(code=child_code, name=child_name, name_zh=child_zh,
                                        parent=parent, position=child_position))
                added += 1
    db.session.flush()
    return added

"""JSON API of the infrastructure module: auth, me, companies, members, API keys,
address book, categories, and the operator's back office."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from marketplace.core import slots
from marketplace.core.api import (
    ETAG_HEADER,
    check_if_match,
    honours_if_match,
    idempotent,
    problem_responses,
    with_etag,
)
from marketplace.core.errors import Forbidden
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.extensions import limiter
from marketplace.infrastructure import blp_accounts, blp_auth, blp_backoffice, operations, queries
from marketplace.infrastructure.auth import api_auth, current_actor, ensure_may_act
from marketplace.infrastructure.banking import api as _banking_api  # noqa: F401 - routes of its own
from marketplace.infrastructure.departments import api as _departments_api  # noqa: F401
from marketplace.infrastructure.limits import (
    failed_login,
    login_account_key,
    login_address_limit,
    login_limit,
    register_limit,
    reset_limit,
)
from marketplace.infrastructure.notifications import api as _notifications_api  # noqa: F401 - routes of its own
from marketplace.infrastructure.schemas import (
    AcceptedSchema,
    AcceptInvitationArgsSchema,
    AddressBookEntryArgsSchema,
    AddressBookEntrySchema,
    AddressBookQueryArgsSchema,
    ApiKeyArgsSchema,
    ApiKeyCreatedSchema,
    ApiKeySchema,
    AuditEventSchema,
    AuditQueryArgsSchema,
    CategoryArgsSchema,
    CategoryPatchArgsSchema,
    CategorySchema,
    CompanyPatchArgsSchema,
    CompanySchema,
    DeclineArgsSchema,
    InvitationSchema,
    InviteArgsSchema,
    MemberPatchArgsSchema,
    MemberSchema,
    MeSchema,
    OperatorCompanyQueryArgsSchema,
    OperatorCompanySchema,
    PasswordResetArgsSchema,
    PasswordResetConfirmArgsSchema,
    RegisterArgsSchema,
    RoleRequestArgsSchema,
    RoleRequestQueryArgsSchema,
    RoleRequestSchema,
    SuspendArgsSchema,
    TokenArgsSchema,
    TokenSchema,
    VerifyEmailArgsSchema,
    WorkItemSchema,
)

# ----- auth ---------------------------------------------------------------


@blp_auth.route("/register", methods=["POST"])
@limiter.shared_limit(register_limit, scope="register")
@idempotent
@blp_auth.arguments(RegisterArgsSchema)
@blp_auth.response(202, AcceptedSchema)
@blp_auth.doc(responses=problem_responses(422, 429))
def register(args):
    """Register a company with its first administrator (pending until the operator
    approves). The answer is the same whether or not the e-mail address has an account
    already (its owner is mailed instead): confirm the address from the mail, then log in
    (POST /auth/token) and read the company from GET /me."""
    operations.register_company(company=args["company"], user=args["user"])
    return {"detail": operations.registration_accepted(args["user"]["email"])}


@blp_auth.route("/token", methods=["POST"])
@limiter.shared_limit(login_limit, scope="login", key_func=login_account_key,
                      deduct_when=failed_login)
@limiter.shared_limit(login_address_limit, scope="login-address", deduct_when=failed_login)
@blp_auth.arguments(TokenArgsSchema)
@blp_auth.response(200, TokenSchema)
@blp_auth.doc(responses=problem_responses(401, 429))
def issue_token(args):
    """Exchange e-mail and password for a bearer token."""
    user = operations.authenticate(args["email"], args["password"])
    ensure_may_act(user)  # removed members and suspended companies get no token
    token, secret = operations.issue_access_token(user)
    lifetime = current_app.config["ACCESS_TOKEN_LIFETIME"]
    return {"access_token": secret, "token_type": "Bearer",
            "expires_in": int(lifetime.total_seconds())}


@blp_auth.route("/token", methods=["DELETE"])
@api_auth(write=False)
@blp_auth.response(204)
def revoke_token():
    """Revoke the bearer token this request carries."""
    actor = current_actor()
    if actor.via != "token":
        raise Forbidden(str(_l("Send the personal token to revoke; API keys are revoked under "
                               "/api-keys.")))
    operations.revoke_token(actor.token)


@blp_auth.route("/verify-email", methods=["POST"])
@blp_auth.arguments(VerifyEmailArgsSchema)
@blp_auth.response(204)
@blp_auth.doc(responses=problem_responses(422))
def verify_email(args):
    """Confirm an e-mail address with the token from the mailed link."""
    operations.verify_email(args["token"])


@blp_auth.route("/verify-email/resend", methods=["POST"])
@api_auth(write=False)
@limiter.shared_limit(reset_limit, scope="verify-resend")
@blp_auth.response(204)
def resend_verification():
    """Send the confirmation mail again to the signed-in user."""
    user = current_actor().user
    if user is not None and not user.is_verified:
        operations.send_verification(user)


@blp_auth.route("/password-reset", methods=["POST"])
@limiter.shared_limit(reset_limit, scope="password-reset")
@blp_auth.arguments(PasswordResetArgsSchema)
@blp_auth.response(202, AcceptedSchema)
@blp_auth.doc(responses=problem_responses(429))
def request_password_reset(args):
    """Mail a reset link when the address is known (the answer is the same either way)."""
    operations.request_password_reset(args["email"])
    return {"detail": str(_l("If the address is registered, a reset link is on its way. It "
                             "works for one hour."))}


@blp_auth.route("/password-reset/confirm", methods=["POST"])
@limiter.shared_limit(reset_limit, scope="password-reset-confirm")
@blp_auth.arguments(PasswordResetConfirmArgsSchema)
@blp_auth.response(204)
@blp_auth.doc(responses=problem_responses(422, 429))
def confirm_password_reset(args):
    """Set a new password with the token from the mailed link; other sessions end."""
    operations.reset_password(args["token"], args["password"])


@blp_auth.route("/invitations/accept", methods=["POST"])
@blp_auth.arguments(AcceptInvitationArgsSchema)
@blp_auth.response(201, MemberSchema)
@blp_auth.doc(responses=problem_responses(403, 404, 422))
def accept_invitation(args):
    """Join the inviting company as a new user."""
    return operations.accept_invitation(args["token"], full_name=args["full_name"],
                                        password=args["password"])


# ----- me and companies ---------------------------------------------------------------


@blp_accounts.route("/me")
@api_auth()
@blp_accounts.response(200, MeSchema)
def me():
    """Who the caller is, for which company, with which permissions."""
    actor = current_actor()
    return {"user": actor.user, "company": actor.company, "role": actor.role,
            "permissions": sorted(actor.permissions), "scopes": sorted(actor.scopes),
            "via": actor.via}


@blp_accounts.route("/me/work-list")
@api_auth()
@blp_accounts.arguments(PaginationArgsSchema, location="query")
@blp_accounts.response(200, page_schema(WorkItemSchema))
@blp_accounts.doc(responses=problem_responses(422))
def my_work_list(pagination):
    """The caller's open work, late first, then oldest: inquiries to answer, purchase
    orders to accept, approvals, orders to ship, shipments without documents, overdue
    invoices, open discrepancies (the operator: companies to approve)."""
    from marketplace.infrastructure import office

    return office.work_list(current_actor(), **pagination)


@blp_accounts.route("/companies/<int:company_id>")
@api_auth(optional=True)
@blp_accounts.response(200, CompanySchema, headers=ETAG_HEADER)
@blp_accounts.doc(responses=problem_responses(404))
def get_company(company_id):
    """A company's public profile (pending and suspended ones: to themselves only)."""
    company = queries.visible_company(company_id)
    # Figures modules above add to the public profile (crm: a supplier's response time).
    facts = slots.collect("company_profile.api", company=company)
    return with_etag({**CompanySchema().dump(company), **facts}, company)


@blp_accounts.route("/companies/<int:company_id>", methods=["PATCH"])
@api_auth(permission="company.edit")
@blp_accounts.arguments(CompanyPatchArgsSchema)
@blp_accounts.response(200, CompanySchema, headers=ETAG_HEADER)
@blp_accounts.doc(responses=problem_responses(404, 422))
@honours_if_match
def patch_company(changes, company_id):
    """Edit the own company's profile (admins; honours If-Match)."""
    company = queries.acting_company(company_id)
    check_if_match(company)
    operations.update_company(company, changes)
    return with_etag(CompanySchema().dump(company), company)


@blp_accounts.route("/companies/<int:company_id>/role-requests", methods=["POST"])
@api_auth(permission="company.edit")
@blp_accounts.arguments(RoleRequestArgsSchema)
@blp_accounts.response(201, RoleRequestSchema)
@blp_accounts.doc(responses=problem_responses(403, 404, 409, 422))
def request_role_change(args, company_id):
    """Ask the operator to change the own company's roles (admins); the roles change
    when the operator approves. One request waits at a time."""
    company = queries.acting_company(company_id)
    return operations.request_role_change(company, args["roles"], current_actor().user)


@blp_accounts.route("/companies/<int:company_id>/role-requests")
@api_auth(permission="company.edit")
@blp_accounts.response(200, RoleRequestSchema(many=True))
@blp_accounts.doc(responses=problem_responses(403, 404))
def list_role_requests(company_id):
    """The own company's role requests and the operator's decisions, newest first."""
    return queries.role_requests_of(queries.acting_company(company_id))


@blp_accounts.route("/companies/<int:company_id>/members")
@api_auth()
@blp_accounts.arguments(PaginationArgsSchema, location="query")
@blp_accounts.response(200, page_schema(MemberSchema))
@blp_accounts.doc(responses=problem_responses(404))
def list_members(pagination, company_id):
    """The company's members and their roles (own company; the operator: any)."""
    company = queries.own_company(company_id)
    return paginate(queries.members(company), **pagination)


@blp_accounts.route("/companies/<int:company_id>/members", methods=["POST"])
@api_auth(permission="members.manage")
@idempotent
@blp_accounts.arguments(InviteArgsSchema)
@blp_accounts.response(201, InvitationSchema)
@blp_accounts.doc(responses=problem_responses(404, 422))
def invite_member(args, company_id):
    """Invite someone by e-mail with a role; they join by the mailed link."""
    company = queries.acting_company(company_id)
    return operations.invite_member(company, args["email"], args["role"], current_actor().user)


@blp_accounts.route("/companies/<int:company_id>/invitations")
@api_auth(permission="members.manage")
@blp_accounts.response(200, InvitationSchema(many=True))
@blp_accounts.doc(responses=problem_responses(404))
def list_invitations(company_id):
    """Invitations not yet accepted."""
    return queries.open_invitations(queries.acting_company(company_id))


@blp_accounts.route("/companies/<int:company_id>/invitations/<int:invitation_id>",
                    methods=["DELETE"])
@api_auth(permission="members.manage")
@blp_accounts.response(204)
@blp_accounts.doc(responses=problem_responses(404, 409))
def revoke_invitation(company_id, invitation_id):
    """Withdraw an open invitation."""
    company = queries.acting_company(company_id)
    operations.revoke_invitation(queries.invitation(company, invitation_id))


@blp_accounts.route("/companies/<int:company_id>/members/<int:member_id>", methods=["PATCH"])
@api_auth(permission="members.manage")
@blp_accounts.arguments(MemberPatchArgsSchema)
@blp_accounts.response(200, MemberSchema)
@blp_accounts.doc(responses=problem_responses(404, 409, 422))
def change_member_role(args, company_id, member_id):
    """Change a member's role (a company keeps at least one administrator)."""
    company = queries.acting_company(company_id)
    return operations.change_member_role(queries.member(company, member_id), args["role"])


@blp_accounts.route("/companies/<int:company_id>/members/<int:member_id>", methods=["DELETE"])
@api_auth(permission="members.manage")
@blp_accounts.response(204)
@blp_accounts.doc(responses=problem_responses(404, 409))
def remove_member(company_id, member_id):
    """Remove a member: access ends on their next request, tokens included."""
    company = queries.acting_company(company_id)
    operations.remove_member(queries.member(company, member_id))


# ----- API keys ---------------------------------------------------------------------------------


@blp_accounts.route("/api-keys")
@api_auth(permission="api_keys.manage")
@blp_accounts.arguments(PaginationArgsSchema, location="query")
@blp_accounts.response(200, page_schema(ApiKeySchema))
def list_api_keys(pagination):
    """The company's API keys (never the secret)."""
    return paginate(queries.api_keys(), **pagination)


@blp_accounts.route("/api-keys", methods=["POST"])
@api_auth(permission="api_keys.manage")
@idempotent
@blp_accounts.arguments(ApiKeyArgsSchema)
@blp_accounts.response(201, ApiKeyCreatedSchema)
@blp_accounts.doc(responses=problem_responses(422))
def create_api_key(args):
    """Create a key for a partner system; the secret is in this answer only."""
    actor = current_actor()
    key, secret = operations.create_api_key(actor.company, args["name"], args["scopes"],
                                            actor.user, args.get("expires_at"))
    key.key = secret
    return key


@blp_accounts.route("/api-keys/<int:key_id>", methods=["DELETE"])
@api_auth(permission="api_keys.manage")
@blp_accounts.response(204)
@blp_accounts.doc(responses=problem_responses(404, 409))
def revoke_api_key(key_id):
    """Revoke a key; calls with it are refused from now on."""
    operations.revoke_api_key(queries.api_key(key_id))


# ----- address book ---------------------------------------------------------------


@blp_accounts.route("/address-book")
@api_auth(permission="address_book.view")
@blp_accounts.arguments(AddressBookQueryArgsSchema, location="query")
@blp_accounts.arguments(PaginationArgsSchema, location="query")
@blp_accounts.response(200, page_schema(AddressBookEntrySchema))
def list_address_book(query, pagination):
    """Saved partner companies and their contact persons."""
    return paginate(queries.address_book(query.get("q")), **pagination)


@blp_accounts.route("/address-book", methods=["POST"])
@api_auth(permission="address_book.edit")
@idempotent
@blp_accounts.arguments(AddressBookEntryArgsSchema)
@blp_accounts.response(201, AddressBookEntrySchema, headers=ETAG_HEADER)
@blp_accounts.doc(responses=problem_responses(422))
def create_address_book_entry(values):
    """Save a partner: a company on the marketplace (``partner_company_id``) or any other."""
    entry = operations.save_address_book_entry(current_actor().company, values)
    return with_etag(AddressBookEntrySchema().dump(entry), entry), 201, {
        "Location": url_for("accounts.get_address_book_entry", entry_id=entry.id)}


@blp_accounts.route("/address-book/<int:entry_id>")
@api_auth(permission="address_book.view")
@blp_accounts.response(200, AddressBookEntrySchema, headers=ETAG_HEADER)
@blp_accounts.doc(responses=problem_responses(404))
def get_address_book_entry(entry_id):
    entry = queries.address_book_entry(entry_id)
    return with_etag(AddressBookEntrySchema().dump(entry), entry)


@blp_accounts.route("/address-book/<int:entry_id>", methods=["PATCH"])
@api_auth(permission="address_book.edit")
@blp_accounts.arguments(AddressBookEntryArgsSchema)
@blp_accounts.response(200, AddressBookEntrySchema, headers=ETAG_HEADER)
@blp_accounts.doc(responses=problem_responses(404, 422))
@honours_if_match
def patch_address_book_entry(values, entry_id):
    """Change an entry (honours If-Match); ``contacts`` given replaces the list."""
    entry = queries.address_book_entry(entry_id)
    check_if_match(entry)
    operations.save_address_book_entry(current_actor().company, values, entry)
    return with_etag(AddressBookEntrySchema().dump(entry), entry)


@blp_accounts.route("/address-book/<int:entry_id>", methods=["DELETE"])
@api_auth(permission="address_book.edit")
@blp_accounts.response(204)
@blp_accounts.doc(responses=problem_responses(404))
@honours_if_match
def delete_address_book_entry(entry_id):
    entry = queries.address_book_entry(entry_id)
    check_if_match(entry)
    operations.delete_address_book_entry(entry)


# ----- categories ---------------------------------------------------------------


@blp_accounts.route("/categories")
@blp_accounts.response(200, CategorySchema(many=True))
def list_categories():
    """The platform's category tree, parents before children."""
    return queries.categories()


@blp_backoffice.route("/categories", methods=["POST"])
@api_auth(operator=True)
@idempotent
@blp_backoffice.arguments(CategoryArgsSchema)
@blp_backoffice.response(201, CategorySchema)
@blp_backoffice.doc(responses=problem_responses(422))
def create_category(values):
    """Add a category to the tree (operator)."""
    return operations.save_category(values)


@blp_backoffice.route("/categories/<int:category_id>", methods=["PATCH"])
@api_auth(operator=True)
@blp_backoffice.arguments(CategoryPatchArgsSchema)
@blp_backoffice.response(200, CategorySchema)
@blp_backoffice.doc(responses=problem_responses(404, 422))
def patch_category(values, category_id):
    """Rename or move a category (operator)."""
    return operations.save_category(values, queries.category(category_id))


# ----- back office: companies ---------------------------------------------------------------------


@blp_backoffice.route("/companies")
@api_auth(operator=True)
@blp_backoffice.arguments(OperatorCompanyQueryArgsSchema, location="query")
@blp_backoffice.arguments(PaginationArgsSchema, location="query")
@blp_backoffice.response(200, page_schema(OperatorCompanySchema))
def list_companies(query, pagination):
    """Every company, newest first; ``status=pending`` is the approval queue."""
    return paginate(queries.companies_for_operator(query.get("status"), query.get("q")),
                    **pagination)


@blp_backoffice.route("/companies/<int:company_id>/approve", methods=["POST"])
@api_auth(operator=True)
@blp_backoffice.response(200, OperatorCompanySchema)
@blp_backoffice.doc(responses=problem_responses(404, 409))
def approve_company(company_id):
    """Approve a pending (or reinstate a suspended) company."""
    return operations.approve_company(queries.company_for_operator(company_id))


@blp_backoffice.route("/role-requests")
@api_auth(operator=True)
@blp_backoffice.arguments(RoleRequestQueryArgsSchema, location="query")
@blp_backoffice.arguments(PaginationArgsSchema, location="query")
@blp_backoffice.response(200, page_schema(RoleRequestSchema))
def list_all_role_requests(query, pagination):
    """Companies' requests to change their roles; ``status=pending`` is the queue."""
    return paginate(queries.role_requests_for_operator(query.get("status")), **pagination)


@blp_backoffice.route("/role-requests/<int:request_id>/approve", methods=["POST"])
@api_auth(operator=True)
@blp_backoffice.response(200, RoleRequestSchema)
@blp_backoffice.doc(responses=problem_responses(404, 409))
def approve_role_request(request_id):
    """Approve a role request: the company takes the roles asked for."""
    return operations.decide_role_request(queries.role_request_for_operator(request_id),
                                          current_actor().user, approve=True)


@blp_backoffice.route("/role-requests/<int:request_id>/decline", methods=["POST"])
@api_auth(operator=True)
@blp_backoffice.arguments(DeclineArgsSchema)
@blp_backoffice.response(200, RoleRequestSchema)
@blp_backoffice.doc(responses=problem_responses(404, 409, 422))
def decline_role_request(args, request_id):
    """Decline a role request, saying why; the company keeps its roles."""
    return operations.decide_role_request(queries.role_request_for_operator(request_id),
                                          current_actor().user, approve=False,
                                          reason=args["reason"])


@blp_backoffice.route("/companies/<int:company_id>/suspend", methods=["POST"])
@api_auth(operator=True)
@blp_backoffice.arguments(SuspendArgsSchema)
@blp_backoffice.response(200, OperatorCompanySchema)
@blp_backoffice.doc(responses=problem_responses(404, 409, 422))
def suspend_company(args, company_id):
    """Suspend a company: its members and keys are refused until reinstated."""
    return operations.suspend_company(queries.company_for_operator(company_id), args["reason"])


# ----- audit log ---------------------------------------------------------------


@blp_accounts.route("/audit-events")
@api_auth(write=False)
@blp_accounts.arguments(AuditQueryArgsSchema, location="query")
@blp_accounts.arguments(PaginationArgsSchema, location="query")
@blp_accounts.response(200, page_schema(AuditEventSchema))
def list_audit_events(query, pagination):
    """Who did what, when, with what changes: the own company's trail (admins), or all
    of it (operator)."""
    actor = current_actor()
    if not (actor.is_operator or actor.can("audit.view")):
        raise Forbidden(str(_l("Your role does not allow this.")))
    return paginate(queries.audit_events(query.get("action")), **pagination)

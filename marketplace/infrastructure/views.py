"""Portal pages of the infrastructure module: thin, form → operation → template."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from marketplace.core.errors import DomainError, Forbidden, PreconditionFailed
from marketplace.core.guards import login_required, operator_required, permission_required
from marketplace.core.pagination import paginate
from marketplace.core.redirects import same_site_path
from marketplace.extensions import limiter
from marketplace.infrastructure import bp, forms, operations, queries
from marketplace.infrastructure.auth import (
    bind_actor,
    current_actor,
    end_portal_session,
    ensure_may_act,
)
from marketplace.infrastructure.banking import views as _banking_views  # noqa: F401 - pages of its own
from marketplace.infrastructure.departments import views as _department_views  # noqa: F401
from marketplace.infrastructure.limits import (
    failed_login,
    login_account_key,
    login_address_limit,
    login_limit,
    page_view,
    register_limit,
    reset_limit,
)
from marketplace.infrastructure.models import (
    COMPANY_STATUS,
    ROLE_REQUEST_STATUS,
    CompanyStatus,
    MemberRole,
    RoleRequestStatus,
)
from marketplace.infrastructure.notifications import views as _notifications_views  # noqa: F401 - pages of its own


def _language() -> str:
    return str(get_locale() or "en")


# The words for the account codes, on every page: globals, so that imported macros
# (macros.html's company_status) see them too.
bp.add_app_template_global(COMPANY_STATUS, "company_status_labels")
bp.add_app_template_global(ROLE_REQUEST_STATUS, "role_request_labels")


# ----- home and language ---------------------------------------------------------------


@bp.route("/")
def home():
    actor = current_actor()
    if actor is None:
        return render_template("infrastructure/landing.html")
    from marketplace.infrastructure import office

    # The office is a work list: what waits for this member (the operator: companies to
    # approve), gathered from every module's provider, and a few figures (slots).
    items = office.work_items(actor)
    return render_template("infrastructure/dashboard.html", company=actor.company,
                           work=office.grouped(items), work_total=len(items),
                           platform=office.platform_companies() if actor.is_operator else None)


@bp.route("/language/<code>", methods=["POST"])
def switch_language(code):
    from flask import current_app

    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    forms.post_with_csrf()
    session["language"] = code
    actor = current_actor()
    if actor is not None and actor.user is not None:
        operations.update_profile(actor.user, {"language": code})
    return redirect(same_site_path(request.referrer) or url_for("infrastructure.home"))


# ----- registration, verification, login -----------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@limiter.shared_limit(register_limit, scope="register", exempt_when=page_view)
def register():
    # A link may fill the form in (a guest who accepted a quotation is invited with their
    # company and name); what is posted always wins.
    form = forms.RegisterForm(**_prefill(request.args))
    if form.validate_on_submit():
        try:
            operations.register_company(
                company={"name": form.company_name.data, "country": form.country.data,
                         "roles": form.roles.data},
                user={"email": form.email.data, "password": form.password.data,
                      "full_name": form.full_name.data, "language": form.language.data})
        except DomainError as error:
            forms.show_errors(error, form)
        else:
            # The same page whether the address had an account already (its owner is
            # mailed instead): registering does not tell who is registered.
            flash(operations.registration_accepted(form.email.data), "success")
            return redirect(url_for("infrastructure.login"))
    return render_template("infrastructure/register.html", form=form), 200 if not form.errors \
        else 422


def _prefill(args) -> dict:
    values = {name: args.get(name, "")[:254] for name in (
        "company_name", "country", "full_name", "email") if args.get(name)}
    roles = [role for role in args.getlist("roles") if role in ("buyer", "supplier")]
    return {**values, **({"roles": roles} if roles else {})}


@bp.route("/verify-email/<token>")
def verify_email(token):
    try:
        user = operations.verify_email(token)
    except DomainError as error:
        return render_template("errors.html", status=400, title=_l("Link not valid"),
                               detail=error.detail), 400
    flash(_l("Thank you, %(email)s is confirmed.", email=user.email), "success")
    return redirect(url_for("infrastructure.home"))


@bp.route("/verify-email/resend", methods=["POST"])
@login_required
@limiter.shared_limit(reset_limit, scope="verify-resend")
def resend_verification():
    forms.post_with_csrf()
    operations.send_verification(current_actor().user)
    flash(_l("We sent the confirmation link again."), "info")
    return redirect(same_site_path(request.referrer) or url_for("infrastructure.home"))


def _start_session(user) -> None:
    """A fresh session at login: old contents dropped, a new server-side session id."""
    language = session.get("language")
    session.clear()
    login_session = operations.start_login_session(user)
    login_user(_SessionUser(user, login_session.id))
    if language:
        session["language"] = language
    bind_actor(ensure_may_act(user))


class _SessionUser:
    """What Flask-Login stores in the cookie: the login session's id, not the user's."""

    is_authenticated = is_active = True
    is_anonymous = False

    def __init__(self, user, session_id: str):
        self.user, self._session_id = user, session_id

    def get_id(self) -> str:
        return self._session_id


@bp.route("/login", methods=["GET", "POST"])
@limiter.shared_limit(login_limit, scope="login", key_func=login_account_key,
                      deduct_when=failed_login, exempt_when=page_view)
@limiter.shared_limit(login_address_limit, scope="login-address", deduct_when=failed_login,
                      exempt_when=page_view)
def login():
    form = forms.LoginForm()
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.email.data, form.password.data)
            ensure_may_act(user)
        except DomainError as error:
            flash(error.detail, "danger")
            return render_template("infrastructure/login.html", form=form), error.status
        _start_session(user)
        # Said in the language the next page speaks: the one chosen with the switch, else
        # the member's own (the login page itself spoke the browser's).
        with force_locale(session.get("language") or user.language):
            flash(str(_l("Welcome back, %(name)s.", name=user.full_name)), "success")
        # The operator's first work of the day is the approval queue; members land in
        # their office.
        landing = url_for("infrastructure.operator_companies", status="pending") \
            if user.is_operator else url_for("infrastructure.home")
        return redirect(same_site_path(request.args.get("next")) or landing)
    return render_template("infrastructure/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    forms.post_with_csrf()
    end_portal_session()
    session.clear()
    flash(_l("You are logged out."), "info")
    return redirect(url_for("infrastructure.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.shared_limit(reset_limit, scope="password-reset", exempt_when=page_view)
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        operations.request_password_reset(form.email.data)
        flash(_l("If %(email)s is registered, a reset link is on its way. It works for one "
                 "hour.", email=form.email.data), "info")
        return redirect(url_for("infrastructure.login"))
    return render_template("infrastructure/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.shared_limit(reset_limit, scope="password-reset-confirm", exempt_when=page_view)
def reset_password(token):
    form = forms.NewPasswordForm()
    if form.validate_on_submit():
        try:
            operations.reset_password(token, form.password.data)
        except DomainError as error:
            forms.show_errors(error, form)
        else:
            flash(_l("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("infrastructure.login"))
    return render_template("infrastructure/reset_password.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    invitation = operations.find_open_invitation(token)
    actor = current_actor()
    form = forms.AcceptInvitationForm()
    if actor is None and queries.user_exists(invitation.email):
        flash(_l("You already have an account: log in, then open the invitation link again."),
              "info")
        return redirect(url_for("infrastructure.login", next=request.path))
    if request.method == "POST" and (actor is not None or form.validate_on_submit()):
        try:
            membership = operations.accept_invitation(
                token, full_name=form.full_name.data, password=form.password.data,
                existing_user=actor.user if actor else None)
        except DomainError as error:
            forms.show_errors(error, form)
        else:
            if actor is None:
                _start_session(membership.user)
            flash(_l("Welcome to %(company)s.", company=membership.company.name), "success")
            return redirect(url_for("infrastructure.home"))
    return render_template("infrastructure/accept_invitation.html", form=form,
                           invitation=invitation, actor=actor)


# ----- profile and company ---------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    user = current_actor().user
    profile_form = forms.ProfileForm(prefix="profile", obj=user)
    password_form = forms.ChangePasswordForm(prefix="password")
    if profile_form.submit.data and profile_form.validate_on_submit():
        operations.update_profile(user, {"full_name": profile_form.full_name.data,
                                         "language": profile_form.language.data})
        session.pop("language", None)
        flash(_l("Your profile is saved."), "success")
        return redirect(url_for("infrastructure.profile"))
    if password_form.submit.data and password_form.validate_on_submit():
        try:
            operations.change_password(user, password_form.current_password.data,
                                       password_form.password.data)
        except DomainError as error:
            forms.show_errors(error, password_form)
        else:
            _start_session(user)  # other sessions ended; this one goes on, renewed
            flash(_l("Your password is changed; your other sessions are logged out."),
                  "success")
            return redirect(url_for("infrastructure.profile"))
    return render_template("infrastructure/profile.html", profile_form=profile_form,
                           password_form=password_form, user=user)


@bp.route("/company", methods=["GET", "POST"])
@login_required
def company_settings():
    actor = current_actor()
    company = actor.company
    if company is None:
        abort(404)
    editable = actor.can("company.edit")
    form = forms.CompanyForm(obj=company, categories=queries.categories(),
                             language=_language())
    if request.method == "GET":
        form.roles.data = company.roles
        form.category_ids.data = [c.id for c in company.categories]
        form.version.data = str(company.version)
    elif not editable:
        raise Forbidden(str(_l("Only your company's administrators may change it.")))
    elif form.validate_on_submit():
        if form.version.data and form.version.data != str(company.version):
            raise PreconditionFailed(str(_l(
                "Someone else saved the company while you were editing. Reload the page.")))
        # Other roles are the operator's decision: a change becomes a request.
        asks_roles = set(form.roles.data or []) != set(company.roles)
        try:
            operations.update_company(company, {
                **{name: getattr(form, name).data or None for name in (
                    "address", "city", "postal_code", "phone", "website", "description")},
                "name": form.name.data, "country": form.country.data,
                "category_ids": form.category_ids.data})
            if asks_roles:
                operations.request_role_change(company, form.roles.data or [], actor.user)
        except DomainError as error:
            forms.show_errors(error, form)
        else:
            flash(_l("Company details saved."), "success")
            if asks_roles:
                flash(_l("Your request to change the company's roles was sent to the operator; "
                         "the roles change once it is approved."), "info")
            return redirect(url_for("infrastructure.company_settings"))
    return render_template("infrastructure/company.html", form=form, company=company,
                           editable=editable)


# ----- members ---------------------------------------------------------------


@bp.route("/members")
@login_required
def members():
    actor = current_actor()
    if actor.company is None:
        abort(404)
    manage = actor.can("members.manage")
    page = paginate(queries.members(actor.company), page=request.args.get("page", 1, int),
                    per_page=50)
    return render_template(
        "infrastructure/members.html", page=page, manage=manage,
        invitations=queries.open_invitations(actor.company) if manage else [],
        invite_form=forms.InviteForm(), role_form_for=lambda m: forms.RoleForm(
            formdata=None, role=m.role.value), empty_form=forms.EmptyForm(),
        MemberRole=MemberRole)


@bp.route("/members/invite", methods=["POST"])
@permission_required("members.manage")
def invite_member():
    form = forms.InviteForm()
    if not form.validate_on_submit():
        flash(" ".join(m for msgs in form.errors.values() for m in msgs), "danger")
        return redirect(url_for("infrastructure.members"))
    actor = current_actor()
    operations.invite_member(actor.company, form.email.data, MemberRole(form.role.data),
                             actor.user)
    flash(_l("Invitation sent to %(email)s.", email=form.email.data), "success")
    return redirect(url_for("infrastructure.members"))


@bp.route("/members/<int:member_id>/role", methods=["POST"])
@permission_required("members.manage")
def change_member_role(member_id):
    form = forms.RoleForm()
    form.validate_on_submit() or abort(400)
    membership = queries.member(current_actor().company, member_id)
    operations.change_member_role(membership, MemberRole(form.role.data))
    flash(_l("%(name)s is now %(role)s.", name=membership.user.full_name,
             role=dict(forms.role_choices())[form.role.data]), "success")
    return redirect(url_for("infrastructure.members"))


@bp.route("/members/<int:member_id>/remove", methods=["POST"])
@permission_required("members.manage")
def remove_member(member_id):
    forms.post_with_csrf()
    membership = queries.member(current_actor().company, member_id)
    name = membership.user.full_name
    operations.remove_member(membership)
    flash(_l("%(name)s is removed from the company.", name=name), "success")
    return redirect(url_for("infrastructure.members"))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@permission_required("members.manage")
def revoke_invitation(invitation_id):
    forms.post_with_csrf()
    operations.revoke_invitation(queries.invitation(current_actor().company, invitation_id))
    flash(_l("Invitation withdrawn."), "info")
    return redirect(url_for("infrastructure.members"))


# ----- API keys ---------------------------------------------------------------


@bp.route("/api-keys", methods=["GET", "POST"])
@permission_required("api_keys.manage")
def api_keys():
    actor = current_actor()
    form = forms.ApiKeyForm()
    new_secret = None
    if form.validate_on_submit():
        key, new_secret = operations.create_api_key(
            actor.company, form.name.data, ["read", "write"] if form.write.data else ["read"],
            actor.user)
        flash(_l("Key created. Copy it now: it is shown only once."), "warning")
    keys = paginate(queries.api_keys(), per_page=100).items
    return render_template("infrastructure/api_keys.html", form=form, keys=keys,
                           new_secret=new_secret, empty_form=forms.EmptyForm())


@bp.route("/api-keys/<int:key_id>/revoke", methods=["POST"])
@permission_required("api_keys.manage")
def revoke_api_key(key_id):
    forms.post_with_csrf()
    operations.revoke_api_key(queries.api_key(key_id))
    flash(_l("Key revoked."), "info")
    return redirect(url_for("infrastructure.api_keys"))


# ----- address book ---------------------------------------------------------------


@bp.route("/address-book")
@permission_required("address_book.view")
def address_book():
    search = request.args.get("q", "").strip()
    page = paginate(queries.address_book(search), page=request.args.get("page", 1, int),
                    per_page=25)
    return render_template("infrastructure/address_book.html", page=page, search=search,
                           editable=current_actor().can("address_book.edit"),
                           empty_form=forms.EmptyForm())


@bp.route("/address-book/new", methods=["GET", "POST"], defaults={"entry_id": None})
@bp.route("/address-book/<int:entry_id>", methods=["GET", "POST"])
@permission_required("address_book.view")
def address_book_entry(entry_id):
    actor = current_actor()
    entry = queries.address_book_entry(entry_id) if entry_id else None
    contact = entry.contacts[0] if entry and entry.contacts else None
    data = _entry_form_data(entry, contact) if request.method == "GET" and entry else None
    form = forms.AddressBookEntryForm(
        formdata=None if data is not None else request.form or None, data=data,
        partners=queries.active_companies_for_picker(actor.company.id))
    if request.method == "POST":
        if not actor.can("address_book.edit"):
            raise Forbidden(str(_l("Your role does not allow this.")))
        if form.validate_on_submit():
            try:
                entry = operations.save_address_book_entry(
                    actor.company, _entry_values(form, entry), entry)
            except DomainError as error:
                forms.show_errors(error, form)
            else:
                flash(_l("%(name)s saved in the address book.", name=entry.name), "success")
                return redirect(url_for("infrastructure.address_book"))
    return render_template("infrastructure/address_book_entry.html", form=form, entry=entry)


def _entry_form_data(entry, contact) -> dict:
    return {"partner_company_id": entry.partner_company_id or 0, "name": entry.name,
            "country": entry.country or "", "address": entry.address, "website": entry.website,
            "notes": entry.notes,
            "contact_name": contact.full_name if contact else "",
            "contact_title": contact.job_title if contact else "",
            "contact_email": contact.email if contact else "",
            "contact_phone": contact.phone if contact else ""}


def _entry_values(form, entry) -> dict:
    values = {"partner_company_id": form.partner_company_id.data or None,
              "name": (form.name.data or "").strip() or None,
              "country": form.country.data or None, "address": form.address.data or None,
              "website": form.website.data or None, "notes": form.notes.data or None}
    if values["name"] is None and entry is not None:
        values.pop("name")
    others = entry.contacts[1:] if entry else []
    first = ([{"full_name": form.contact_name.data, "job_title": form.contact_title.data or None,
               "email": form.contact_email.data or None,
               "phone": form.contact_phone.data or None}] if form.contact_name.data else [])
    values["contacts"] = first + [
        {"full_name": c.full_name, "job_title": c.job_title, "email": c.email, "phone": c.phone}
        for c in others]
    return values


@bp.route("/address-book/<int:entry_id>/delete", methods=["POST"])
@permission_required("address_book.edit")
def delete_address_book_entry(entry_id):
    forms.post_with_csrf()
    entry = queries.address_book_entry(entry_id)
    operations.delete_address_book_entry(entry)
    flash(_l("Entry deleted."), "info")
    return redirect(url_for("infrastructure.address_book"))


# ----- operator's back office ---------------------------------------------------------------


@bp.route("/admin/companies")
@operator_required
def operator_companies():
    status = request.args.get("status") or None
    status = CompanyStatus(status) if status in set(CompanyStatus) else None
    page = paginate(queries.companies_for_operator(status, request.args.get("q")),
                    page=request.args.get("page", 1, int), per_page=25)
    return render_template("infrastructure/operator_companies.html", page=page, status=status,
                           empty_form=forms.EmptyForm(), suspend_form=forms.SuspendForm(),
                           CompanyStatus=CompanyStatus)


@bp.route("/admin/companies/<int:company_id>/approve", methods=["POST"])
@operator_required
def operator_approve_company(company_id):
    forms.post_with_csrf()
    company = operations.approve_company(queries.company_for_operator(company_id))
    flash(_l("%(name)s is approved.", name=company.name), "success")
    return redirect(same_site_path(request.referrer)
                    or url_for("infrastructure.operator_companies"))


@bp.route("/admin/companies/<int:company_id>/suspend", methods=["POST"])
@operator_required
def operator_suspend_company(company_id):
    form = forms.SuspendForm()
    if not form.validate_on_submit():
        flash(_l("Give a reason for the suspension."), "danger")
        return redirect(same_site_path(request.referrer)
                        or url_for("infrastructure.operator_companies"))
    company = operations.suspend_company(queries.company_for_operator(company_id),
                                         form.reason.data)
    flash(_l("%(name)s is suspended.", name=company.name), "warning")
    return redirect(same_site_path(request.referrer)
                    or url_for("infrastructure.operator_companies"))


@bp.route("/admin/role-requests")
@operator_required
def operator_role_requests():
    pending = request.args.get("status", "pending")
    status = RoleRequestStatus(pending) if pending in set(RoleRequestStatus) else None
    page = paginate(queries.role_requests_for_operator(status),
                    page=request.args.get("page", 1, int), per_page=25)
    return render_template("infrastructure/operator_role_requests.html", page=page,
                           status=status, RoleRequestStatus=RoleRequestStatus)


@bp.route("/admin/role-requests/<int:request_id>/<any(approve, decline):decision>",
          methods=["POST"])
@operator_required
def operator_decide_role_request(request_id, decision):
    form = forms.DeclineForm()
    form.validate_on_submit() or abort(400)
    role_request = operations.decide_role_request(
        queries.role_request_for_operator(request_id), current_actor().user,
        approve=decision == "approve", reason=form.reason.data)
    flash(_l("%(name)s now has the roles asked for.", name=role_request.company.name)
          if decision == "approve" else
          _l("The request of %(name)s is declined.", name=role_request.company.name),
          "success" if decision == "approve" else "warning")
    return redirect(url_for("infrastructure.operator_role_requests"))


@bp.route("/admin/categories", methods=["GET", "POST"])
@operator_required
def operator_categories():
    categories = queries.categories()
    form = forms.CategoryForm()
    form.parent_id.choices = [(0, str(_l("— top level —")))] + [
        (c.id, c.display_name(_language())) for c in categories if c.parent_id is None]
    if form.validate_on_submit():
        try:
            operations.save_category({"code": form.code.data.strip(), "name": form.name.data,
                                      "name_zh": form.name_zh.data or None,
                                      "parent_id": form.parent_id.data or None})
        except DomainError as error:
            forms.show_errors(error, form)
        else:
            flash(_l("Category added."), "success")
            return redirect(url_for("infrastructure.operator_categories"))
    return render_template("infrastructure/operator_categories.html", form=form,
                           categories=categories)

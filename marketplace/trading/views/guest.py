"""Portal: guest links. The issuer sends its quotation to an address-book contact
without an account and revokes the link (a card on the document page, through the
``document_page.notice`` slot); the guest — no login — reads that one quotation on a
read-only page, downloads its PDF and .docx, accepts it or asks for a change.

A link that is not valid (a changed token, another document's id), revoked or expired
answers a page saying so and nothing of the document (404, 410)."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from marketplace.core import slots
from marketplace.core.errors import DomainError, NotFound, refusal_goes_back
from marketplace.core.guards import company_member_required
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import post_with_csrf, show_errors
from marketplace.trading import bp
from marketplace.trading.downloads import file_response
from marketplace.trading.guest_forms import GuestAcceptForm, GuestChangeForm, GuestLinkForm
from marketplace.trading.operations import guest_links as guest_operations
from marketplace.trading.queries import documents as document_queries
from marketplace.trading.queries import guest_links as guest_queries
from marketplace.trading.queries.related import related
from marketplace.trading.renders import cached_export
from marketplace.trading.views.context import NO_COMPANY
from marketplace.workflow import engine

GUEST_FORMATS = ("pdf", "docx")


def _private(response, status: int = 200):
    """The token is in the address: never cached, never sent on as a referrer, never
    indexed."""
    response = make_response(response, status) if not hasattr(response, "headers") \
        else response
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused(error: DomainError):
    """The clear page for a link that opens nothing: why, and nothing of the document."""
    reason = error.extra.get("reason") if error.status == 410 else "invalid"
    html = render_template("trading/guest_refused.html", reason=reason, detail=error.detail,
                           status=error.status)
    return _private(html, error.status)


def _open(document_id: int, token: str):
    return guest_operations.open_link(document_id, token)


def _guest_page(link, accept_form=None, change_form=None, status: int = 200):
    document = link.document
    html = render_template(
        "trading/guest.html", link=link, document=document, lines=document.lines,
        accept_form=accept_form or GuestAcceptForm(formdata=None),
        change_form=change_form or GuestChangeForm(formdata=None),
        answerable=document.status == engine.SENT,
        register_url=guest_operations.registration_url(link) if link.accepted_at else None,
        token=request.view_args["token"])
    return _private(html, status)


@bp.route("/guest/<int:document_id>/<token>")
def guest_document(document_id, token):
    try:
        link = _open(document_id, token)
    except DomainError as error:
        return _refused(error)
    guest_operations.note_view(link)
    return _guest_page(link)


@bp.route("/guest/<int:document_id>/<token>/file.<fmt>")
def guest_file(document_id, token, fmt):
    try:
        link = _open(document_id, token)
    except DomainError as error:
        return _refused(error)
    if fmt not in GUEST_FORMATS:
        return _refused(NotFound(str(_l("This file is not available."))))
    return _private(file_response(cached_export(link.document, fmt)))


@bp.route("/guest/<int:document_id>/<token>/accept", methods=["POST"])
def guest_accept(document_id, token):
    try:
        link = _open(document_id, token)
    except DomainError as error:
        return _refused(error)
    form = GuestAcceptForm()
    if not form.validate_on_submit():
        return _guest_page(link, accept_form=form, status=422)
    try:
        guest_operations.accept_as_guest(link, form.comment.data or None)
    except DomainError as error:
        show_errors(error, form)
        return _guest_page(link, accept_form=form, status=error.status)
    flash(_l("Thank you: you accepted %(number)s. %(company)s has been told.",
             number=link.document.number, company=link.document.issuer.name), "success")
    return redirect(url_for("trading.guest_document", document_id=document_id, token=token),
                    303)


@bp.route("/guest/<int:document_id>/<token>/change", methods=["POST"])
def guest_change(document_id, token):
    try:
        link = _open(document_id, token)
    except DomainError as error:
        return _refused(error)
    form = GuestChangeForm()
    if not form.validate_on_submit():
        return _guest_page(link, change_form=form, status=422)
    try:
        guest_operations.ask_for_change(link, form.message.data)
    except DomainError as error:
        show_errors(error, form)
        return _guest_page(link, change_form=form, status=error.status)
    flash(_l("Your request is sent to %(company)s; they will answer you by e-mail.",
             company=link.document.issuer.name), "success")
    return redirect(url_for("trading.guest_document", document_id=document_id, token=token),
                    303)


# ----- the issuer ------------------------------------------------------------------------------


@bp.route("/documents/<int:document_id>/guest-links", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def send_guest_link(document_id):
    actor = current_actor()
    document = document_queries.issued_document(document_id, actor)
    back = url_for("trading.document_page", document_id=document.id) + "#guest-links"
    form = _guest_link_form(document)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "danger")
        return redirect(back, 303)
    with refusal_goes_back(back):
        link, _url = guest_operations.create_guest_link(document, actor, form.contact_id.data,
                                                        form.message.data or None)
    flash(_l("%(number)s is on its way to %(name)s (%(email)s), with its PDF and Word "
             "files; the link works until %(date)s.", number=document.number, name=link.name,
             email=link.email, date=link.expires_at.strftime("%Y-%m-%d")), "success")
    return redirect(back, 303)


@bp.route("/documents/<int:document_id>/guest-links/<int:link_id>/revoke", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def revoke_guest_link(document_id, link_id):
    actor = current_actor()
    document = document_queries.issued_document(document_id, actor)
    post_with_csrf()
    link = guest_queries.link_of(document, link_id)
    guest_operations.revoke_guest_link(link, actor)
    flash(_l("The link sent to %(name)s opens nothing any more.", name=link.name), "success")
    return redirect(url_for("trading.document_page", document_id=document.id)
                    + "#guest-links", 303)


def _guest_link_form(document, submitted: bool = True) -> GuestLinkForm:
    form = GuestLinkForm() if submitted else GuestLinkForm(formdata=None)
    form.contact_id.choices = [(0, "—")] + [
        (contact.id, f"{contact.full_name} · {entry.name} <{contact.email}>")
        for contact, entry in guest_queries.contacts_for(document)]
    return form


# ----- on the document page -------------------------------------------------------------------


@slots.fill("document_page.notice")
def _where_it_led(document) -> Markup | None:
    """Answered by / ordered by: the documents it led to, linked."""
    actor = current_actor()
    if actor is None or actor.company is None:
        return None
    found = related(document, actor.company.id)
    if not any(found.values()):
        return None
    return Markup(render_template("trading/_related.html", related=found))


@slots.fill("document_page.notice")
def _guest_links_card(document) -> Markup | None:
    """The issuer's card: send the quotation to a contact without an account, and the
    links sent so far with their state (revocable while open)."""
    actor = current_actor()
    if actor is None or actor.company is None or document.type not in \
            guest_operations.GUEST_TYPES or not document_queries.is_issuer(document, actor):
        return None
    links = guest_queries.links_of(document)
    sendable = document.status in (engine.DRAFT, engine.SENT) and actor.can("documents.edit")
    if not links and not sendable:
        return None
    return Markup(render_template(
        "trading/_guest_links.html", document=document, links=links,
        form=_guest_link_form(document, submitted=False) if sendable else None,
        may_revoke=actor.can("documents.edit")))

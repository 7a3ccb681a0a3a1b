"""Trading views: the document boxes (inbox, outbox, drafts, archive) and the document
page (lines, thread, history, actions, derive, forward, folder and tags, downloads).

Thin, as everywhere: a form in, an operation (the engine) does the change, a page out.
A refused change goes back to the document page with the engine's reason and leaves
nothing behind (core's ``refusal_goes_back``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import DomainError, NotFound, refusal_goes_back
from marketplace.core.guards import company_member_required
from marketplace.core.pagination import decode_cursor
from marketplace.infrastructure.auth import current_actor
from marketplace.trading import bp
from marketplace.trading import exports as exporting
from marketplace.trading.downloads import file_response
from marketplace.trading.forms import ActionForm, DeriveForm, PartyStateForm
from marketplace.trading.operations import documents as document_operations
from marketplace.trading.queries import documents as document_queries
from marketplace.trading.queries import portal as portal_queries
from marketplace.trading.queries import types as type_queries
from marketplace.trading.renders import cached_export
from marketplace.trading.views.context import (
    ACTIONS,
    BOXES,
    HISTORY_LABELS,
    NO_COMPANY,
    STATUSES,
    action_done,
    unread_documents,
)
from marketplace.workflow import approvals, doctypes, engine
from marketplace.workflow.models import Document

PER_PAGE = 25


# ----- boxes --------------------------------------------------------------------------------


@bp.route("/documents")
@company_member_required("documents.view", message=NO_COMPANY)
def documents():
    actor = current_actor()
    box = request.args.get("box") if request.args.get("box") in BOXES else "inbox"
    doc_type = request.args.get("type") if doctypes.is_known(request.args.get("type") or "") \
        else None
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    q = (request.args.get("q") or "").strip()[:100] or None
    folder = (request.args.get("folder") or "").strip()[:60] or None
    tag = (request.args.get("tag") or "").strip()[:40] or None
    mine = box == "inbox" and bool(request.args.get("mine")) and actor.user is not None
    filters = {"type": doc_type, "status": status, "q": q, "folder": folder, "tag": tag}
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), 1_000_000)
    # "Next" walks a box by its cursor (core/pagination.py); a stale or made-up one
    # starts again from the first page.
    after = request.args.get("after") if decode_cursor(request.args.get("after")) else None
    if mine:
        page = document_queries.assigned_in_inbox(actor, page=number, per_page=PER_PAGE,
                                                  after=after, **filters)
    else:
        page = document_queries.documents_in_box(box, actor=actor, page=number,
                                                 per_page=PER_PAGE, after=after, **filters)
    return render_template(
        "trading/documents.html", page=page, box=box, boxes=BOXES, doc_type=doc_type,
        status=status, q=q or "", folder=folder, tag=tag, mine=mine, statuses=STATUSES,
        types=doctypes.all_types(), unread=unread_documents(actor),
        folders=document_queries.folders(actor.company.id))


# ----- the document page ----------------------------------------------------------------------


@bp.route("/documents/<int:document_id>")
@company_member_required("documents.view", message=NO_COMPANY)
def document_page(document_id):
    actor = current_actor()
    document = document_queries.visible_document(document_id, actor)
    # Opened by a member: read, for the company.
    document_operations.open_document(document, actor)
    party = document_queries.party_state(document, actor)
    actions = engine.allowed_actions(document, actor)
    action_form = ActionForm(formdata=None)
    action_form.to_user_id.choices = [("", "—")] + [
        (str(user.id), user.full_name or user.email)
        for user in portal_queries.colleagues(actor.company.id,
                                              but=actor.user.id if actor.user else None)]
    derive_form = DeriveForm(formdata=None)
    derive_form.type.choices = [(dt.code, str(dt.label)) for dt in type_queries.derivable_types(
        document, actor)]
    party_form = PartyStateForm(formdata=None, data={
        "folder": party.folder if party else "",
        "tags": ", ".join(party.tags or []) if party else ""})
    return render_template(
        "trading/document.html", document=document, party=party, actions=actions,
        action_labels=ACTIONS, history_labels=HISTORY_LABELS,
        action_form=action_form, derive_form=derive_form,
        party_form=party_form, thread=document_queries.thread(document, actor),
        history=document_queries.history(document, actor),
        own=document_queries.is_issuer(document, actor), formats=exporting.FORMATS,
        editable=_editable(document),
        # The company's own approval chain now running on it (the other side's is theirs).
        approval_steps=approvals.open_steps(document, actor.company.id))


def _editable(document: Document) -> bool:
    actor = current_actor()
    return document.status == engine.DRAFT and actor.can("documents.edit") and \
        document_queries.is_issuer(document, actor)


@bp.route("/documents/<int:document_id>/actions/<action>", methods=["POST"])
@company_member_required("documents.view", message=NO_COMPANY)
def document_action(document_id, action):
    actor = current_actor()
    document = document_queries.visible_document(document_id, actor)
    form = ActionForm()
    back = url_for("trading.document_page", document_id=document.id)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(" ".join(str(m) for messages in form.errors.values() for m in messages),
              "danger")
        return redirect(back, 303)
    params = {}
    if action == "forward":
        try:
            params["to_user_id"] = int(form.to_user_id.data or "")
        except ValueError:
            flash(_l("Choose the colleague to forward the document to."), "danger")
            return redirect(back, 303)
    with refusal_goes_back(back):
        document_operations.perform_action(document, action, actor, {
            "comment": (form.comment.data or "").strip() or None, **params})
    flash(action_done(action, document), "success")
    return redirect(back, 303)


@bp.route("/documents/<int:document_id>/derive", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def derive_document(document_id):
    actor = current_actor()
    document = document_queries.visible_document(document_id, actor)
    form = DeriveForm()
    form.type.choices = [(dt.code, str(dt.label)) for dt in doctypes.all_types()]
    back = url_for("trading.document_page", document_id=document.id)
    if not form.validate_on_submit():
        flash(_l("Choose the type of document to make."), "danger")
        return redirect(back, 303)
    with refusal_goes_back(back):
        draft = document_operations.derive_document(document, form.type.data, actor)
    flash(_l("%(number)s is a draft made from %(parent)s: check it, then send it.",
             number=draft.number, parent=document.number), "success")
    return redirect(url_for("trading.edit_document", document_id=draft.id), 303)


@bp.route("/documents/<int:document_id>/state", methods=["POST"])
@company_member_required("documents.view", message=NO_COMPANY)
def document_state(document_id):
    actor = current_actor()
    document = document_queries.visible_document(document_id, actor)
    form = PartyStateForm()
    back = url_for("trading.document_page", document_id=document.id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "danger")
        return redirect(back, 303)
    tags = [tag.strip() for tag in (form.tags.data or "").split(",") if tag.strip()]
    with refusal_goes_back(back):
        document_operations.update_party_state(document, actor, {
            "folder": form.folder.data, "tags": tags})
    flash(_l("Folder and tags are saved (only your company sees them)."), "success")
    return redirect(back, 303)


@bp.route("/documents/<int:document_id>/export/<fmt>")
@company_member_required("documents.view", message=NO_COMPANY)
def download_document(document_id, fmt):
    document = document_queries.visible_document(document_id, current_actor())
    paper = request.args.get("paper") or None
    language = request.args.get("lang") or None
    try:
        exported = cached_export(document, fmt, paper=paper, language=language)
    except DomainError as error:
        detail = "; ".join(m for msgs in error.errors.values() for m in msgs) or error.detail
        raise NotFound(detail) from error
    return file_response(exported)

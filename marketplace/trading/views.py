"""Trading views: the document boxes (inbox, outbox, drafts, archive), the document page
(lines, thread, history, actions, derive, forward, folder and tags, downloads), the draft
editor with its line rows and product picker, and "Send inquiry" from a product page.

Thin, as everywhere: a form in, the engine (``workflow.engine``) does the change, a page
out. A refused change shows the engine's reason and leaves nothing behind."""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation

from flask import abort, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from marketplace.content.models import Product
from marketplace.content.queries.products import visible_product
from marketplace.content.schemas.products import money_text, quantity_text
from marketplace.core.errors import DomainError, Forbidden, NotFound, flatten_messages
from marketplace.extensions import db
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import EmptyForm
from marketplace.trading import bp, operations, queries
from marketplace.trading import exports as exporting
from marketplace.trading import portal_queries as portal
from marketplace.trading.api_exports import file_response
from marketplace.trading.forms import ActionForm, DeriveForm, DocumentForm, PartyStateForm
from marketplace.workflow import approvals, doctypes, engine
from marketplace.workflow.models import Document

BOXES = {"inbox": _l("Inbox"), "outbox": _l("Sent"), "drafts": _l("Drafts"),
         "archive": _l("Archive")}
STATUSES = {"draft": _l("Draft"), "pending_approval": _l("Waiting for approval"),
            "sent": _l("Sent"), "accepted": _l("Accepted"), "declined": _l("Declined"),
            "cancelled": _l("Cancelled"), "closed": _l("Closed")}
ACTIONS = {"send": _l("Send"), "approve": _l("Approve"), "reject": _l("Reject"),
           "accept": _l("Accept"), "decline": _l("Decline"), "cancel": _l("Cancel"),
           "forward": _l("Forward"), "archive": _l("Archive"), "close": _l("Close")}
# The history also shows the engine's own steps, which are no buttons.
HISTORY_LABELS = {**ACTIONS, "create": _l("Created"),
                  "request_approval": _l("Accepted, waiting for approval")}
ACTION_DONE = {"send": _l("%(number)s is sent."), "accept": _l("%(number)s is accepted."),
               "approve": _l("You approved %(number)s."),
               "reject": _l("You rejected %(number)s."),
               "decline": _l("%(number)s is declined."),
               "cancel": _l("%(number)s is cancelled."),
               "forward": _l("%(number)s is forwarded."),
               "archive": _l("%(number)s is archived."), "close": _l("%(number)s is closed.")}
PER_PAGE = 25
TRADE_ORDER = ("quotation", "purchase_order", "order_confirmation", "proforma_invoice",
               "change_request", "cancellation", "commercial_invoice", "packing_list",
               "shipping_advice", "goods_receipt", "return_request", "claim", "debit_note",
               "credit_note", "inquiry", "rfq")


# ----- access -------------------------------------------------------------------------------


def member_with(permission: str):
    """A logged-in member of a company whose role has ``permission``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                reason = session.pop("ended_because", None) or g.get("session_end_reason")
                flash(reason or _l("Please log in to see this page."), "warning")
                return redirect(url_for("infrastructure.login", next=request.full_path))
            if actor.company is None:
                raise Forbidden(str(_l("Trade documents belong to companies; the operator "
                                       "has none.")))
            if not actor.can(permission):
                raise Forbidden(str(_l("Your role does not allow this.")))
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _csrf_checked() -> None:
    EmptyForm().validate_on_submit() or abort(400)


def _refused(error: DomainError, fallback: str):
    """Show the engine's reason and go back; nothing of the refused change is kept."""
    db.session.rollback()
    # The engine's field messages are whole sentences ("Say why you reject it."); the
    # bare detail of a validation failure ("Validation failed") would say nothing.
    said = [str(m) for messages in flatten_messages(error.errors or {}).values()
            for m in messages]
    flash(" ".join(said) or error.detail, "danger")
    return redirect(fallback, 303)


# ----- labels and the navbar ------------------------------------------------------------------


def type_label(code: str) -> str:
    return str(doctypes.get(code).label) if doctypes.is_known(code) else \
        exporting.document_title(code)


@bp.app_context_processor
def trading_context() -> dict:
    def documents_unread() -> int:
        actor = current_actor()
        if actor is None or actor.company is None or not actor.can("documents.view"):
            return 0
        return queries.unread_count(actor)

    return {"documents_unread": documents_unread, "document_type_label": type_label,
            "document_status_label": lambda code: str(STATUSES.get(code, code)),
            "money_text": exporting.money, "quantity_text": exporting.quantity,
            "payment_terms_label": exporting.payment_terms_label}


# ----- boxes --------------------------------------------------------------------------------


@bp.route("/documents")
@member_with("documents.view")
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
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    page = portal.assigned_in_inbox(actor, page=number, per_page=PER_PAGE, **filters) if mine \
        else queries.documents_in_box(box, actor=actor, page=number, per_page=PER_PAGE,
                                      **filters)
    return render_template(
        "trading/documents.html", page=page, box=box, boxes=BOXES, doc_type=doc_type,
        status=status, q=q or "", folder=folder, tag=tag, mine=mine, statuses=STATUSES,
        types=doctypes.all_types(), unread=queries.unread_count(actor),
        folders=portal.folders(actor.company.id))


# ----- the document page ----------------------------------------------------------------------


@bp.route("/documents/<int:document_id>")
@member_with("documents.view")
def document_page(document_id):
    actor = current_actor()
    document = queries.visible_document(document_id, actor)
    operations.open_document(document, actor)  # opened by a member: read for the company
    party = queries.party_state(document, actor)
    actions = engine.allowed_actions(document, actor)
    action_form = ActionForm(formdata=None)
    action_form.to_user_id.choices = [("", "—")] + [
        (str(user.id), user.full_name or user.email)
        for user in portal.colleagues(actor.company.id, but=actor.user.id if actor.user else None)]
    derive_form = DeriveForm(formdata=None)
    derive_form.type.choices = [(dt.code, str(dt.label)) for dt in derivable_types(document)]
    party_form = PartyStateForm(formdata=None, data={
        "folder": party.folder if party else "",
        "tags": ", ".join(party.tags or []) if party else ""})
    return render_template(
        "trading/document.html", document=document, party=party, actions=actions,
        action_labels=ACTIONS, history_labels=HISTORY_LABELS,
        action_form=action_form, derive_form=derive_form,
        party_form=party_form, thread=queries.thread(document, actor),
        history=queries.history(document, actor),
        own=document.issuer_company_id == actor.company.id, formats=exporting.FORMATS,
        editable=_editable(document),
        # The company's own approval chain now running on it (the other side's is theirs).
        approval_steps=approvals.open_steps(document, actor.company.id))


def _editable(document: Document) -> bool:
    actor = current_actor()
    return document.status == engine.DRAFT and actor.can("documents.edit") and \
        document.issuer_company_id == actor.company.id


def derivable_types(document: Document) -> list:
    """The types the acting company may make from this document: a reply when it is the
    recipient, a revision when it is the issuer, of a type its side issues."""
    actor = current_actor()
    if document.status in (engine.DRAFT, engine.PENDING_APPROVAL, "cancelled") or \
            not actor.can("documents.edit"):
        return []
    reply = document.recipient_company_id == actor.company.id
    found = []
    for declared in doctypes.all_types():
        carry = declared.carry_from(document.type, reply=reply)
        if carry is not None and carry.allows(document.status) and \
                _issues(declared, actor.company):
            found.append(declared)
    # The usual next step first, so "Derive" mostly needs no choosing.
    return sorted(found, key=lambda dt: TRADE_ORDER.index(dt.code)
                  if dt.code in TRADE_ORDER else len(TRADE_ORDER))


def _issues(declared, company) -> bool:
    side = declared.issued_by
    return side == doctypes.EITHER or (side == doctypes.BUYER and company.is_buyer) or \
        (side == doctypes.SUPPLIER and company.is_supplier)


@bp.route("/documents/<int:document_id>/actions/<action>", methods=["POST"])
@member_with("documents.view")
def document_action(document_id, action):
    actor = current_actor()
    document = queries.visible_document(document_id, actor)
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
    try:
        operations.perform_action(document, action, actor, {
            "comment": (form.comment.data or "").strip() or None, **params})
    except DomainError as error:
        return _refused(error, back)
    flash(_action_done(action, document), "success")
    return redirect(back, 303)


def _action_done(action: str, document: Document) -> str:
    message = ACTION_DONE.get(action)
    if action == "send" and document.status == engine.PENDING_APPROVAL:
        return str(_l("%(number)s waits for your company's approval before it is sent.",
                      number=document.number))
    if action == "accept" and document.status != engine.ACCEPTED:
        return str(_l("Your acceptance of %(number)s waits for your company's approval.",
                      number=document.number))
    return str(message) % {"number": document.number} if message else \
        str(_l("Done: %(number)s.", number=document.number))


@bp.route("/documents/<int:document_id>/derive", methods=["POST"])
@member_with("documents.edit")
def derive_document(document_id):
    actor = current_actor()
    document = queries.visible_document(document_id, actor)
    form = DeriveForm()
    form.type.choices = [(dt.code, str(dt.label)) for dt in doctypes.all_types()]
    back = url_for("trading.document_page", document_id=document.id)
    if not form.validate_on_submit():
        flash(_l("Choose the type of document to make."), "danger")
        return redirect(back, 303)
    try:
        draft = operations.derive_document(document, form.type.data, actor)
    except DomainError as error:
        return _refused(error, back)
    flash(_l("%(number)s is a draft made from %(parent)s: check it, then send it.",
             number=draft.number, parent=document.number), "success")
    return redirect(url_for("trading.edit_document", document_id=draft.id), 303)


@bp.route("/documents/<int:document_id>/state", methods=["POST"])
@member_with("documents.view")
def document_state(document_id):
    actor = current_actor()
    document = queries.visible_document(document_id, actor)
    form = PartyStateForm()
    back = url_for("trading.document_page", document_id=document.id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "danger")
        return redirect(back, 303)
    tags = [tag.strip() for tag in (form.tags.data or "").split(",") if tag.strip()]
    try:
        operations.update_party_state(document, actor, {"folder": form.folder.data,
                                                        "tags": tags})
    except DomainError as error:
        detail = "; ".join(m for msgs in error.errors.values() for m in msgs) or error.detail
        db.session.rollback()
        flash(detail, "danger")
        return redirect(back, 303)
    flash(_l("Folder and tags are saved (only your company sees them)."), "success")
    return redirect(back, 303)


@bp.route("/documents/<int:document_id>/export/<fmt>")
@member_with("documents.view")
def download_document(document_id, fmt):
    document = queries.visible_document(document_id, current_actor())
    paper = request.args.get("paper") or None
    language = request.args.get("lang") or None
    try:
        exported = exporting.export_document(document, fmt, paper=paper, language=language)
    except DomainError as error:
        detail = "; ".join(m for msgs in error.errors.values() for m in msgs) or error.detail
        raise NotFound(detail) from error
    return file_response(exported)


# ----- the draft editor -----------------------------------------------------------------------


def _issuable_types(company) -> list[tuple[str, str]]:
    return [(dt.code, str(dt.label)) for dt in doctypes.all_types() if _issues(dt, company)]


def _first_type(company) -> str:
    """A new document starts as what the company usually writes first: a buyer's inquiry,
    a supplier's quotation (not the alphabetically first type, a cancellation)."""
    issued = [code for code, _label in _issuable_types(company)]
    return next((code for code in ("inquiry", "quotation") if code in issued), issued[0])


def _document_form(**kwargs) -> DocumentForm:
    actor = current_actor()
    return DocumentForm(
        types=_issuable_types(actor.company),
        recipients=[(str(c.id), c.name) for c in portal.trade_partners(actor.company.id)],
        **kwargs)


@bp.route("/documents/new", methods=["GET", "POST"])
@member_with("documents.edit")
def new_document():
    actor = current_actor()
    if request.method == "GET":
        data = {"type": request.args.get("type") or _first_type(actor.company),
                "recipient": request.args.get("to") or "", "currency": "USD"}
        form = _document_form(formdata=None, data=data)
        return _render_editor(None, form)
    form = _document_form()
    if not form.validate_on_submit():
        return _invalid(None, form)
    header, lines, rows = _form_values(form)
    if not form.recipient.data:
        form.recipient.errors = [*form.recipient.errors, str(_l("Say which company it goes to."))]
        return _render_editor(None, form, 422)
    also = [int(ident) for ident in form.also_to.data or [] if ident.isdigit()]
    try:
        document = engine.create_document(
            form.type.data, actor=actor, recipient_company_id=int(form.recipient.data),
            recipient_company_ids=also or None, header=header, lines=lines)
    except DomainError as error:
        _show_errors(error, form, rows)
        return _render_editor(None, form, error.status)
    return _saved(document, form)


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
@member_with("documents.edit")
def edit_document(document_id):
    actor = current_actor()
    document = queries.visible_document(document_id, actor)
    if document.issuer_company_id != actor.company.id:
        raise NotFound(str(_l("Document %(id)s was not found.", id=document_id)))
    if request.method == "GET":
        if document.status != engine.DRAFT:
            flash(_l("%(number)s is no longer a draft, so it cannot be changed: make a revised "
                     "document from it instead.", number=document.number), "warning")
            return redirect(url_for("trading.document_page", document_id=document.id))
        return _render_editor(document, _document_form(formdata=None, data=_form_data(document)))
    form = _document_form()
    del form.type, form.recipient, form.also_to  # a draft keeps its type and recipients
    if not form.validate_on_submit():
        return _invalid(document, form)
    header, lines, rows = _form_values(form)
    if _has_lead_time(document):  # empty: no lead time promised
        header["extras"] = {"lead_time_days": form.lead_time_days.data}
    try:
        expected = int(form.version.data)
    except (TypeError, ValueError):
        expected = None
    try:
        engine.update_draft(document, actor=actor, header=header, lines=lines,
                            expected_version=expected)
    except DomainError as error:
        db.session.rollback()
        _show_errors(error, form, rows)
        return _render_editor(queries.visible_document(document_id, actor), form, error.status)
    return _saved(document, form)


def _saved(document: Document, form: DocumentForm):
    """After a save: send too when asked (a refused send keeps the saved draft)."""
    if form.save_and_send.data:
        try:
            with db.session.begin_nested():
                operations.perform_action(document, "send", current_actor(), {})
        except DomainError as error:
            flash(_l("%(number)s is saved, but not sent: %(reason)s",
                     number=document.number, reason=error.detail), "warning")
            return redirect(url_for("trading.edit_document", document_id=document.id), 303)
        flash(_action_done("send", document), "success")
        return redirect(url_for("trading.document_page", document_id=document.id), 303)
    flash(_l("%(number)s is saved.", number=document.number), "success")
    return redirect(url_for("trading.edit_document", document_id=document.id), 303)


def _invalid(document: Document | None, form: DocumentForm):
    flash(_l("Nothing was saved: check the marked fields."), "danger")
    return _render_editor(document, form, 422)


def _render_editor(document: Document | None, form: DocumentForm, status: int = 200):
    form.add_blank_lines()
    actor = current_actor()
    return render_template(
        "trading/edit.html", document=document, form=form,
        supplier_id=_supplier_id(document, actor), own_company=actor.company,
        lead_time=_has_lead_time(document)), status


def _has_lead_time(document: Document | None) -> bool:
    return document is not None and doctypes.is_known(document.type) and \
        "lead_time_days" in doctypes.get(document.type).extra_fields


def _supplier_id(document: Document | None, actor) -> int | None:
    """Whose catalog the product picker offers: the supplier party of the document (for a
    new document: the acting company when it is a supplier, else the chosen recipient)."""
    if document is None:
        return actor.company.id if actor.company.is_supplier and not actor.company.is_buyer \
            else None
    declared = doctypes.get(document.type) if doctypes.is_known(document.type) else None
    if declared is not None and declared.issued_by == doctypes.SUPPLIER:
        return document.issuer_company_id
    if declared is not None and declared.issued_by == doctypes.BUYER:
        return document.recipient_company_id
    return document.recipient_company_id if actor.company.is_buyer else \
        document.issuer_company_id


def _form_data(document: Document) -> dict:
    fields = ("subject", "currency", "incoterm", "incoterm_place", "payment_terms",
              "valid_until", "delivery_date", "port_of_loading", "port_of_discharge", "notes")
    return {
        "type": document.type, "recipient": str(document.recipient_company_id or ""),
        **{name: getattr(document, name) or ("" if name not in ("valid_until", "delivery_date")
                                             else None) for name in fields},
        "lines": [{"product_id": str(line.product_id or ""), "sku": line.sku or "",
                   "description": line.description, "quantity": quantity_text(line.quantity),
                   "unit": line.unit, "unit_price": money_text(line.unit_price) or "",
                   "source_line_id": str(line.source_line_id or "")}
                  for line in document.lines],
        "lead_time_days": (document.extras or {}).get("lead_time_days"),
        "version": str(document.version)}


def _form_values(form: DocumentForm) -> tuple[dict, list[dict], list]:
    """The form as the engine's header and lines, and the rows the lines came from (the
    engine names a line by its place in the list: ``lines.2.quantity``)."""
    text = {name: (getattr(form, name).data or "").strip() or None for name in (
        "subject", "incoterm", "incoterm_place", "payment_terms", "port_of_loading",
        "port_of_discharge", "notes")}
    header = {**text, "currency": form.currency.data, "valid_until": form.valid_until.data,
              "delivery_date": form.delivery_date.data}
    rows = form.filled_lines()
    lines = [_line_values(row.form) for row in rows]
    return header, lines, rows


def _line_values(row) -> dict:
    def number(value: str | None):
        value = (value or "").strip().replace(",", "")
        return value or None

    values = {"sku": (row.sku.data or "").strip() or None,
              "description": (row.description.data or "").strip(),
              "quantity": number(row.quantity.data), "unit": (row.unit.data or "").strip() or None,
              "unit_price": number(row.unit_price.data)}
    for name in ("product_id", "source_line_id"):
        raw = (getattr(row, name).data or "").strip()
        if raw.isdigit():
            values[name] = int(raw)
    return values


def _show_errors(error: DomainError, form: DocumentForm, rows: list) -> None:
    """The engine's field errors beside their fields and rows; its reason as a message."""
    for path, messages in error.errors.items():
        head, _, rest = path.partition(".")
        field = None
        if head == "lines" and rest:
            index, _, name = rest.partition(".")
            if index.isdigit() and int(index) < len(rows):
                field = getattr(rows[int(index)].form, name or "description", None)
        elif head == "recipient_company_id":
            field = getattr(form, "recipient", None)
        elif head == "recipient_company_ids":
            field = getattr(form, "also_to", None)
        elif head in form._fields and head != "lines":
            field = form[head]
        if field is not None:
            field.errors = [*field.errors, *messages]
    detail = error.detail if not error.errors else str(_l(
        "Nothing was saved: %(problems)s", problems="; ".join(
            f"{_field_label(form, path, rows)}: {' '.join(messages)}"
            for path, messages in error.errors.items())))
    flash(detail, "danger")


def _field_label(form: DocumentForm, path: str, rows: list) -> str:
    head, _, rest = path.partition(".")
    if head == "lines" and rest:
        index, _, name = rest.partition(".")
        label = getattr(rows[0].form, name).label.text if rows and name and \
            hasattr(rows[0].form, name) else name
        return str(_l("line %(n)s", n=int(index) + 1 if index.isdigit() else index)) + \
            (f" {label}" if label else "")
    named = {"recipient_company_id": "recipient", "recipient_company_ids": "also_to"}
    head = named.get(head, head)
    return str(form[head].label.text) if head in form._fields else head


# ----- the product picker ---------------------------------------------------------------------


@bp.route("/picker/products")
@member_with("documents.edit")
def picker_products():
    """The supplier's catalog for a document line (JSON for the editor's picker)."""
    supplier_id = request.args.get("supplier", type=int)
    if not supplier_id:
        return jsonify(items=[])
    products = portal.picker_products(supplier_id, request.args.get("q"))
    return jsonify(items=[_picked(product) for product in products])


def _picked(product: Product) -> dict:
    quantity = product.moq or (product.price_tiers[0].min_qty if product.price_tiers
                               else Decimal(1))
    return {"id": product.id, "sku": product.sku, "name": product.name,
            "name_zh": product.name_zh, "unit": product.unit, "currency": product.currency,
            "moq": quantity_text(product.moq), "quantity": quantity_text(quantity),
            "unit_price": money_text(product.unit_price_for(quantity)),
            "price_tiers": [{"min_qty": quantity_text(t.min_qty),
                             "unit_price": money_text(t.unit_price)}
                            for t in product.price_tiers]}


# ----- "Send inquiry" from a product page -------------------------------------------------------


INQUIRY_DRAFTS = "inquiry_drafts"  # content keeps a prepared inquiry in the session under this


@bp.route("/inquiries/product/<int:product_id>", methods=["POST"])
@member_with("documents.edit")
def inquire_product(product_id):
    """A real inquiry draft to the product's supplier with the product as its line, then
    the editor to check and send it. An open draft for the same product is reused."""
    actor = current_actor()
    product = visible_product(product_id)
    _csrf_checked()
    page = url_for("content.product_page", product_id=product.id)
    if product.company_id == actor.company.id:
        flash(_l("This is your own product: buyers send you inquiries about it."), "info")
        return redirect(page, 303)
    if not actor.company.is_buyer:
        flash(_l("Inquiries are sent by buyers: add the buyer role to your company in the "
                 "company settings first."), "warning")
        return redirect(page, 303)
    existing = portal.open_inquiry(product, actor.company.id)
    if existing is not None:
        flash(_l("You already have a draft inquiry for this product: %(number)s.",
                 number=existing.number), "info")
        return redirect(url_for("trading.edit_document", document_id=existing.id), 303)
    prepared = _prepared_inquiry(product)
    try:
        document = engine.create_document(
            "inquiry", actor=actor, recipient_company_id=product.company_id,
            header={"subject": prepared["subject"], "currency": product.currency,
                    "notes": prepared.get("message") or None,
                    "port_of_loading": product.port or None},
            lines=[{"product_id": product.id, "quantity": prepared["quantity"],
                    "unit": prepared["unit"], "description": _line_description(product)}])
    except DomainError as error:
        return _refused(error, page)
    _forget_prepared(product.id)
    flash(_l("Your inquiry %(number)s to %(supplier)s is a draft: check it, then send it.",
             number=document.number, supplier=product.company.name), "success")
    return redirect(url_for("trading.edit_document", document_id=document.id), 303)


def _line_description(product: Product) -> str:
    return " / ".join(name for name in (product.name, product.name_zh) if name)


def _prepared_inquiry(product: Product) -> dict:
    """What the buyer typed on the product's inquiry page (this POST, or the draft content
    kept in the session), else the product's minimum order."""
    kept = (session.get(INQUIRY_DRAFTS) or {}).get(str(product.id)) or {}
    form = request.form
    quantity = (form.get("quantity") or kept.get("quantity") or "").strip()
    if not _positive(quantity):
        quantity = quantity_text(product.moq) or "1"
    return {"subject": ((form.get("subject") or kept.get("subject") or "").strip()
                        or str(_l("Inquiry: %(name)s", name=product.name)))[:300],
            "quantity": quantity,
            "unit": ((form.get("unit") or kept.get("unit") or "").strip() or product.unit)[:20],
            "message": (form.get("message") or kept.get("message") or "").strip()[:5000]}


def _positive(text: str) -> bool:
    try:
        return Decimal(text) > 0
    except (InvalidOperation, ValueError):
        return False


def _forget_prepared(product_id: int) -> None:
    kept = session.get(INQUIRY_DRAFTS)
    if isinstance(kept, dict) and str(product_id) in kept:
        session[INQUIRY_DRAFTS] = {k: v for k, v in kept.items() if k != str(product_id)}


# The settings pages, in their own file (they import the helpers above).
from marketplace.trading import attachment_views as _attachment_views  # noqa: E402, F401
from marketplace.trading import settings_views as _settings_views  # noqa: E402, F401

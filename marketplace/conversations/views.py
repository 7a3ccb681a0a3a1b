"""Conversations in the portal: the Messages page (the company's conversations, search,
unread), a conversation (messages, "seen", files, a reply, "Turn into inquiry"), a new
conversation with a company, and the one-box contact to a supplier from a product page
or a supplier profile. Refused input shows the form again with the field's reason and
what was typed. The slots put the box and the buttons on content's and trading's pages."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from marketplace.content.queries.currencies import currency_choices
from marketplace.content.queries.products import visible_product
from marketplace.content.queries.profiles import visible_company
from marketplace.content.schemas.products import quantity_text
from marketplace.conversations import bp
from marketplace.conversations import contact as contact_operations
from marketplace.conversations import operations as conversation_operations
from marketplace.conversations import queries as conversations
from marketplace.conversations.forms import ContactForm, MessageForm
from marketplace.core import slots
from marketplace.core.errors import DomainError, NotFound, ValidationFailed
from marketplace.core.guards import company_member_required
from marketplace.core.pagination import MAX_PER_PAGE
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import post_with_csrf, show_errors
from marketplace.trading.downloads import attachment_response
from marketplace.trading.queries.documents import visible_document

NO_COMPANY = _l("Conversations are between companies; the operator has none.")
PER_PAGE = 20


def _uploads(form) -> list[conversation_operations.Upload]:
    return [conversation_operations.Upload(upload.stream, upload.filename)
            for upload in (form.files.data or []) if getattr(upload, "filename", "")]


def _show(error: DomainError, form) -> None:
    """The refusal beside the form's fields; a file's refusal (named ``file`` by the
    upload's check) beside the files field."""
    if "file" in (error.errors or {}):
        error.errors = {**error.errors, "files": error.errors.pop("file")}
    elif not error.errors and getattr(error, "status", 0) in (413, 415):
        error.errors = {"files": [error.detail]}
    show_errors(error, form)


# ----- the Messages page and a conversation ---------------------------------------------------


@bp.route("")
@company_member_required("documents.view", message=NO_COMPANY)
def inbox():
    actor = current_actor()
    q = (request.args.get("q") or "").strip()[:200]
    unread = request.args.get("unread") == "1"
    page = conversations.conversations_page(
        actor, q=q, unread=unread, page=max(request.args.get("page", 1, type=int) or 1, 1),
        per_page=min(max(request.args.get("per_page", PER_PAGE, type=int) or PER_PAGE, 1),
                     MAX_PER_PAGE))
    return render_template("conversations/inbox.html", page=page, q=q, unread=unread)


@bp.route("/<int:conversation_id>")
@company_member_required("documents.view", message=NO_COMPANY)
def conversation_page(conversation_id):
    actor = current_actor()
    conversation = conversations.visible_conversation(conversation_id, actor)
    return _conversation(conversation, MessageForm())


def _conversation(conversation, form, status: int = 200):
    actor = current_actor()
    messages = conversations.latest_messages(conversation, actor)  # "new" before the read
    if status == 200:
        conversation_operations.mark_read(conversation, actor)
    return render_template("conversations/conversation.html", conversation=conversation,
                           summary=conversations.details(conversation, actor),
                           messages=messages, form=form, product=_product_of(conversation),
                           document=_visible_or_none(lambda ident: visible_document(ident, actor),
                                                     conversation.document_id),
                           inquiry=_visible_or_none(lambda ident: visible_document(ident, actor),
                                                    conversation.inquiry_id),
                           can_inquire=actor.company.is_buyer and actor.can("documents.edit")
                           ), status


def _product_of(conversation):
    if conversation.product_id is None:
        return None
    try:
        return visible_product(conversation.product_id)
    except DomainError:
        return None


@bp.route("/<int:conversation_id>", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def reply(conversation_id):
    actor = current_actor()
    conversation = conversations.visible_conversation(conversation_id, actor)
    form = MessageForm()
    if not form.validate_on_submit():
        return _conversation(conversation, form, 422)
    try:
        conversation_operations.post_message(conversation, actor, form.body.data,
                                             _uploads(form))
    except DomainError as error:
        _show(error, form)
        return _conversation(conversation, form, 422)
    return redirect(url_for("conversations.conversation_page",
                            conversation_id=conversation.id, _anchor="latest"), 303)


@bp.route("/<int:conversation_id>/messages/<int:message_id>/attachments/<int:media_id>")
@company_member_required("documents.view", message=NO_COMPANY)
def download_attachment(conversation_id, message_id, media_id):
    conversation = conversations.visible_conversation(conversation_id, current_actor())
    return attachment_response(conversations.message_attachment(conversation, message_id,
                                                                media_id))


@bp.route("/<int:conversation_id>/inquiry", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def turn_into_inquiry(conversation_id):
    post_with_csrf()
    actor = current_actor()
    conversation = conversations.visible_conversation(conversation_id, actor)
    page = url_for("conversations.conversation_page", conversation_id=conversation.id)
    try:
        made = conversation_operations.turn_into_inquiry(conversation, actor)
    except DomainError as error:
        flash(error.detail, "danger")
        return redirect(page, 303)
    if made.created:
        flash(_l("Inquiry %(number)s is a draft with this conversation's text: check it, "
                 "then send it.", number=made.document.number), "success")
    else:
        flash(_l("This conversation's inquiry %(number)s is still a draft.",
                 number=made.document.number), "info")
    return redirect(url_for("trading.edit_document", document_id=made.document.id), 303)


# ----- a new conversation -----------------------------------------------------------------------


@bp.route("/new/<int:company_id>", methods=["GET", "POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def new_conversation(company_id):
    """Write to a company: about a product (``?product=``) or a document (``?document=``)
    when started there."""
    actor = current_actor()
    company = visible_company(company_id)
    product_id = request.args.get("product", type=int)
    document_id = request.args.get("document", type=int)
    product = _visible_or_none(visible_product, product_id)
    document = _visible_or_none(lambda ident: visible_document(ident, actor), document_id)
    form = MessageForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                conversation = conversation_operations.start_conversation(
                    actor, company.id, form.body.data, product_id=product_id,
                    document_id=document_id, files=_uploads(form))
            except DomainError as error:
                _show(_fields_of_new(error), form)
            else:
                flash(_l("Your message to %(company)s is sent.", company=company.name),
                      "success")
                return redirect(url_for("conversations.conversation_page",
                                        conversation_id=conversation.id), 303)
    earlier = conversations.conversations_about_product(product.id, actor.company.id) \
        if product else []
    return render_template("conversations/new.html", company=company, product=product,
                           document=document, form=form, earlier=earlier), status


def _visible_or_none(load, ident):
    if ident is None:
        return None
    try:
        return load(ident)
    except DomainError:
        return None


def _fields_of_new(error: DomainError) -> DomainError:
    """A refusal about the company, product or document names no field of the form:
    on top of the page, in words."""
    errors = dict(error.errors or {})
    said = [str(m) for name in ("company_id", "product_id", "document_id")
            for m in errors.pop(name, [])]
    if said:
        flash(" ".join(said), "danger")
    if isinstance(error, ValidationFailed):
        error.errors = errors
    return error


# ----- the one box: an inquiry to a supplier in one step ----------------------------------------


@bp.route("/contact/product/<int:product_id>", methods=["GET", "POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def contact_product(product_id):
    product = visible_product(product_id)
    form = ContactForm() if request.method == "POST" else \
        ContactForm(formdata=None, data=_product_defaults(product))
    return _contact(form, product.company, product=product)


@bp.route("/contact/company/<int:company_id>", methods=["GET", "POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def contact_company(company_id):
    company = visible_company(company_id)
    if not company.is_supplier:  # inquiries go to suppliers; "Message" writes to anyone
        raise NotFound(str(_l("Supplier %(id)s was not found.", id=company_id)))
    form = ContactForm()
    products = conversations.supplier_products(company.id)
    form.product_id.choices = [("", str(_l("Other: describe it in the message")))] + [
        (str(p.id), f"{p.sku} · {p.name}") for p in products]
    return _contact(form, company, products=products)


def _product_defaults(product) -> dict:
    return {"quantity": quantity_text(product.moq) or "", "unit": product.unit}


def _contact(form: ContactForm, supplier, product=None, products=()):
    actor = current_actor()
    form.currency.choices = currency_choices(keep=form.currency.data)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            values = {"quantity": form.quantity.data, "unit": form.unit.data,
                      "target_price": form.target_price.data, "message": form.message.data,
                      "currency": form.currency.data,
                      "product_id": product.id if product else form.product_id.data}
            try:
                document = contact_operations.send_inquiry(actor, supplier.id, values,
                                                           _uploads(form))
            except DomainError as error:
                _show(error, form)
            else:
                flash(_sent_message(document, supplier), "success")
                return redirect(url_for("trading.document_page", document_id=document.id),
                                303)
    return render_template("conversations/contact.html", form=form, supplier=supplier,
                           product=product, products=products,
                           is_buyer=actor.company.is_buyer), status


def _sent_message(document, supplier) -> str:
    if document.status == "pending_approval":
        return str(_l("Inquiry %(number)s waits for your company's approval before it goes "
                      "to %(supplier)s.", number=document.number, supplier=supplier.name))
    return str(_l("Inquiry %(number)s is sent to %(supplier)s.", number=document.number,
                  supplier=supplier.name))


# ----- what other modules' pages show ----------------------------------------------------------


@slots.fill("product_page.contact")
def product_contact_box(product) -> Markup | None:
    """The one box on a product page, for a member of another company."""
    actor = current_actor()
    if actor is None or actor.company is None or actor.company.id == product.company_id \
            or not actor.can("documents.edit"):
        return None
    form = ContactForm(formdata=None, data=_product_defaults(product))
    return Markup(render_template("conversations/_contact_box.html", form=form,
                                  product=product, supplier=product.company,
                                  is_buyer=actor.company.is_buyer))


@slots.fill("company_profile.contact")
def profile_contact_buttons(company) -> Markup | None:
    actor = current_actor()
    if actor is not None and actor.company is not None and actor.company.id == company.id:
        return None
    if actor is not None and actor.company is None:  # the operator
        return None
    return Markup(render_template("conversations/_profile_buttons.html", company=company,
                                  actor=actor))


@slots.fill("document_page.notice")
def document_conversations(document, **_) -> Markup | None:
    """On a document: the conversation it came from (or was started on), to go back."""
    actor = current_actor()
    if actor is None or actor.company is None:
        return None
    linked = conversations.conversations_about_document(document.id, actor.company.id)
    other_id = document.recipient_company_id if actor.company.id == document.issuer_company_id \
        else document.issuer_company_id
    # A question about the document to the other party (not while it is our own draft:
    # they cannot see it yet).
    can_write = other_id is not None and document.sent_at is not None \
        and actor.can("documents.edit")
    if not linked and not can_write:
        return None
    return Markup(render_template("conversations/_document_notice.html", linked=linked,
                                  document=document, other_id=other_id, can_write=can_write))


@bp.app_context_processor
def messages_context() -> dict:
    def messages_unread() -> int:
        actor = current_actor()
        if actor is None or actor.company is None or not actor.can("documents.view"):
            return 0
        return conversations.unread_count(actor)

    return {"messages_unread": messages_unread}

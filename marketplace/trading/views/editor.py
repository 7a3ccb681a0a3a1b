"""Trading views: the draft editor (a new document, or a draft of one's own) with its
line rows, and the product picker that fills a row from the supplier's catalog.

The form's values go to the same operations as the API's; the engine's field errors
are shown beside the fields and rows they name, with the user's input kept."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from marketplace.content.queries.currencies import usual_currencies
from marketplace.content.schemas.products import money_text, quantity_text
from marketplace.core.errors import DomainError
from marketplace.core.field_errors import translated
from marketplace.core.guards import company_member_required
from marketplace.extensions import db
from marketplace.infrastructure.auth import current_actor
from marketplace.trading import bp
from marketplace.trading.forms import DocumentForm
from marketplace.trading.operations import documents as document_operations
from marketplace.trading.queries import documents as document_queries
from marketplace.trading.queries import portal as portal_queries
from marketplace.trading.queries import products as product_queries
from marketplace.trading.queries import types as type_queries
from marketplace.trading.views.context import NO_COMPANY, action_done
from marketplace.workflow import doctypes, engine
from marketplace.workflow.models import Document


def _issuable_types(company) -> list[tuple[str, str]]:
    return [(dt.code, str(dt.label)) for dt in type_queries.issuable_types(company)]


def _first_type(company) -> str:
    """A new document starts as what the company usually writes first: a buyer's inquiry,
    a supplier's quotation (not the alphabetically first type, a cancellation)."""
    issued = [code for code, _label in _issuable_types(company)]
    return next((code for code in ("inquiry", "quotation") if code in issued), issued[0])


def _document_form(**kwargs) -> DocumentForm:
    actor = current_actor()
    return DocumentForm(
        types=_issuable_types(actor.company),
        recipients=[(str(c.id), c.name) for c in portal_queries.trade_partners(actor.company.id)],
        **kwargs)


@bp.route("/documents/new", methods=["GET", "POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def new_document():
    actor = current_actor()
    if request.method == "GET":
        data = {"type": request.args.get("type") or _first_type(actor.company),
                "recipient": request.args.get("to") or "",
                "currency": next(iter(usual_currencies(actor.company.id)), "USD")}
        form = _document_form(formdata=None, data=data)
        return _render_editor(None, form)
    form = _document_form()
    if not form.validate_on_submit():
        return _invalid(None, form)
    header, lines, rows = _form_values(form)
    if not form.recipient.data:
        form.recipient.errors = [*form.recipient.errors,
                                 str(_l("Say which company it goes to."))]
        return _render_editor(None, form, 422)
    also = [int(ident) for ident in form.also_to.data or [] if ident.isdigit()]
    try:
        document = document_operations.create_document(actor, {
            "type": form.type.data, "recipient_company_id": int(form.recipient.data),
            "recipient_company_ids": also or None, **header, "lines": lines})
    except DomainError as error:
        _show_errors(error, form, rows)
        return _render_editor(None, form, error.status)
    return _saved(document, form)


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def edit_document(document_id):
    actor = current_actor()
    document = document_queries.issued_document(document_id, actor)
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
        header["extras"] = {"lead_time_days": form.lead_time_days.data,
                            "freight": None if form.freight.data is None
                            else str(form.freight.data)}
    try:
        expected = int(form.version.data)
    except (TypeError, ValueError):
        expected = None
    try:
        document_operations.update_document(document, actor, {**header, "lines": lines},
                                            expected_version=expected)
    except DomainError as error:
        # The form is shown again as typed, beside the document as stored.
        db.session.rollback()
        _show_errors(error, form, rows)
        return _render_editor(document_queries.issued_document(document_id, actor), form,
                              error.status)
    return _saved(document, form)


def _saved(document: Document, form: DocumentForm):
    """After a save: send too when asked (a refused send keeps the saved draft)."""
    if form.save_and_send.data:
        refusal = document_operations.send_saved_draft(document, current_actor())
        if refusal is not None:
            flash(_l("%(number)s is saved, but not sent: %(reason)s",
                     number=document.number, reason=refusal.detail), "warning")
            return redirect(url_for("trading.edit_document", document_id=document.id), 303)
        flash(action_done("send", document), "success")
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
        "freight": money_value((document.extras or {}).get("freight")),
        "version": str(document.version)}


def money_value(text: str | None) -> Decimal | None:
    """A money amount kept as text in extras ("150.00"), for a form's DecimalField."""
    return None if text in (None, "") else Decimal(str(text))


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
            field.errors = [*field.errors, *(translated(m) for m in messages)]
    detail = error.detail if not error.errors else str(_l(
        "Nothing was saved: %(problems)s", problems="; ".join(
            f"{_field_label(form, path, rows)}: {' '.join(translated(m) for m in messages)}"
            for path, messages in error.errors.items())))
    flash(detail, "danger")


def _field_label(form: DocumentForm, path: str, rows: list) -> str:
    head, _, rest = path.partition(".")
    if head == "lines" and rest:
        index, _, name = rest.partition(".")
        label = getattr(rows[0].form, name).label.text if rows and name and \
            hasattr(rows[0].form, name) else name
        line = str(_l("Line %(n)s", n=int(index) + 1 if index.isdigit() else index))
        return f"{line} · {label}" if label else line
    named = {"recipient_company_id": "recipient", "recipient_company_ids": "also_to"}
    head = named.get(head, head)
    return str(form[head].label.text) if head in form._fields else head


# ----- the product picker ---------------------------------------------------------------------


@bp.route("/picker/products")
@company_member_required("documents.edit", message=NO_COMPANY)
def picker_products():
    """The supplier's catalog for a document line (JSON for the editor's picker)."""
    supplier_id = request.args.get("supplier", type=int)
    if not supplier_id:
        return jsonify(items=[])
    items = product_queries.picker_products(supplier_id, request.args.get("q"))
    chinese = str(get_locale() or "en").startswith("zh")
    for item in items:  # listed by the name in the member's language
        item["label"] = item["name_zh"] if chinese and item["name_zh"] else item["name"]
    return jsonify(items=items)

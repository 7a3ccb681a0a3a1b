"""The shipment's papers in the portal: what they will state (consignee, notify party,
B/L, marks, each line's customs and packing figures), the checklist of what is still
missing before each one can be issued, and the language they print in (for this
shipment, or for every shipment to this buyer). A refused form comes back with what
was typed and each field's own label on its error."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from marketplace.core.errors import (
    DomainError,
    Forbidden,
    ValidationFailed,
    flatten_messages,
    refusal_text,
)
from marketplace.core.field_errors import named_fields
from marketplace.core.guards import company_actor, permission_required
from marketplace.extensions import db
from marketplace.fulfillment import bp, queries
from marketplace.fulfillment.models import ShipmentMode, ShippingDocumentKind
from marketplace.fulfillment.operations import checklist, papers
from marketplace.fulfillment.operations import shipping_documents as document_ops
from marketplace.fulfillment.paper_language import LANGUAGE_LABELS, LANGUAGES
from marketplace.fulfillment.papers_schemas import ShipmentPapersArgsSchema
from marketplace.fulfillment.views import OPERATOR_ONLY_READS
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import EmptyForm
from marketplace.trading.vocabulary import unit_words

PAPER_KINDS = (ShippingDocumentKind.COMMERCIAL_INVOICE, ShippingDocumentKind.PACKING_LIST,
               ShippingDocumentKind.SHIPPING_ADVICE)
KIND_LABELS = {ShippingDocumentKind.COMMERCIAL_INVOICE: _l("Commercial invoice"),
               ShippingDocumentKind.PACKING_LIST: _l("Packing list"),
               ShippingDocumentKind.SHIPPING_ADVICE: _l("Shipping advice")}
TEXT_FIELDS = ("consignee", "notify_party", "bill_of_lading", "on_board_date",
               "marks_and_numbers", "carrier", "vessel", "voyage", "flight_number",
               "port_of_loading", "port_of_discharge")
LINE_FIELDS = ("hs_code", "origin_country", "packages", "net_weight", "gross_weight")
FIELD_LABELS = {
    "consignee": _l("Consignee"), "notify_party": _l("Notify party"),
    "bill_of_lading": _l("B/L or air waybill number"), "on_board_date": _l("On-board date"),
    "marks_and_numbers": _l("Marks and numbers"), "carrier": _l("Carrier"),
    "vessel": _l("Vessel"), "voyage": _l("Voyage"), "flight_number": _l("Flight"),
    "port_of_loading": _l("Port of loading"), "port_of_discharge": _l("Port of discharge"),
    "document_language": _l("Document language"), "mode": _l("Mode"),
    "lines.*": _l("Line %(n)s"), "lines.*.hs_code": _l("HS code"),
    "lines.*.origin_country": _l("Country of origin"), "lines.*.packages": _l("Cartons"),
    "lines.*.net_weight": _l("Net weight (kg)"), "lines.*.gross_weight": _l("Gross weight (kg)"),
}


@bp.context_processor
def _paper_helpers() -> dict:
    """For the shipment page's papers card: what is missing, per kind."""
    return {"paper_checklist": lambda shipment: [
        (KIND_LABELS[kind], checklist.missing(shipment, kind)) for kind in PAPER_KINDS]}


def _form_values(shipment) -> dict:
    """The shipment's current values, as the form shows them."""
    values = {field: getattr(shipment, field) or "" for field in TEXT_FIELDS}
    values["on_board_date"] = shipment.on_board_date.isoformat() if shipment.on_board_date \
        else ""
    values["document_language"] = shipment.document_language or ""
    for line in shipment.lines:
        for field in LINE_FIELDS:
            value = getattr(line, field)
            values[f"{field}-{line.id}"] = "" if value is None else str(value)
    return values


def _submitted(shipment) -> dict:
    """The form's values in the API's shape (blank → null: the product's figure)."""
    form = request.form
    data = {field: (form.get(field) or "").strip() or None for field in TEXT_FIELDS}
    data["document_language"] = form.get("document_language") or None
    data["lines"] = [{"shipment_line_id": line.id, **{
        field: (form.get(f"{field}-{line.id}") or "").strip() or None for field in LINE_FIELDS}}
        for line in shipment.lines]
    return data


def _save(shipment) -> None:
    if not EmptyForm().validate_on_submit():
        raise ValidationFailed(str(_l("The form expired; reload the page and try again.")))
    try:
        args = ShipmentPapersArgsSchema().load(_submitted(shipment))
    except ValidationError as error:
        raise ValidationFailed(errors=flatten_messages(error.messages)) from error
    actor = company_actor(OPERATOR_ONLY_READS)
    papers.save_shipment_papers(shipment, args, actor)
    if request.form.get("remember_language") and args.get("document_language"):
        papers.save_buyer_document_language(actor, shipment.buyer_company_id,
                                            args["document_language"])


@bp.route("/shipments/<int:shipment_id>/papers", methods=["GET", "POST"])
@permission_required("fulfillment.view")
def shipment_papers(shipment_id):
    shipment = queries.shipment(shipment_id)
    actor = current_actor()
    supplier = bool(actor.company and actor.company.id == shipment.supplier_company_id)
    values, errors = _form_values(shipment), {}
    if request.method == "POST":
        if not (supplier and actor.can("fulfillment.manage")):
            raise Forbidden(str(_l("Only the supplier states what a shipment's papers say.")))
        values = dict(request.form)
        try:
            _save(shipment)
        except DomainError as error:
            db.session.rollback()  # nothing of a refused form is kept
            refusal = named_fields(error, FIELD_LABELS)
            errors = refusal.errors or {}
            flash(refusal_text(refusal), "danger")
            shipment = queries.shipment(shipment_id)
        else:
            flash(_l("The papers' details are saved; the next revision prints them."),
                  "success")
            return redirect(url_for("fulfillment.shipment_papers", shipment_id=shipment_id))
    latest = {kind.value: document_ops.latest(shipment, kind) for kind in PAPER_KINDS}
    return render_template(
        "fulfillment/shipment_papers.html", shipment=shipment, supplier=supplier,
        can_manage=bool(actor.can("fulfillment.manage")), values=values, errors=errors,
        checklist=[(kind, KIND_LABELS[kind], checklist.missing(shipment, kind))
                   for kind in PAPER_KINDS],
        language=papers.document_language(shipment), paper_languages=LANGUAGES,
        language_labels=LANGUAGE_LABELS, latest=latest, modes=list(ShipmentMode),
        unit_words=unit_words,
        empty_form=EmptyForm())

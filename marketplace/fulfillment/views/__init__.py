"""Fulfillment portal: orders (progress, merge, split), shipments (creation from open
lines, the live timeline, documents), receivables with aging, payables, payments,
L/C clause settings. Thin: form → schema → operation → redirect or template."""

from __future__ import annotations

from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from marketplace.core.errors import (
    Conflict,
    ValidationFailed,
    flatten_messages,
    go_back,
)
from marketplace.core.field_errors import named_fields
from marketplace.core.guards import company_actor, permission_required
from marketplace.core.pagination import paginate
from marketplace.core.rooms import load_all
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment import bp, labels, queries
from marketplace.fulfillment.forms import (
    METHOD_LABELS,
    PaymentForm,
    ShipmentEventForm,
    line_quantities,
    shipment_values,
)
from marketplace.fulfillment.models import (
    SHIPMENT_STATUS_ORDER,
    OrderStatus,
    ShipmentMode,
    ShippingDocumentKind,
)
from marketplace.fulfillment.operations import orders as order_ops
from marketplace.fulfillment.operations import receivables as receivable_ops
from marketplace.fulfillment.operations import shipments as shipment_ops
from marketplace.fulfillment.operations import shipping_documents as document_ops
from marketplace.fulfillment.schemas import (
    CheckoutArgsSchema,
    MergeArgsSchema,
    ReplacementShipmentArgsSchema,
    ShipmentArgsSchema,
    SplitArgsSchema,
    money_text,
    quantity_text,
)
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import EmptyForm
from marketplace.trading.exports import payment_terms_label

STATUS_BADGES = {"open": "secondary", "partially_shipped": "info", "shipped": "primary",
                 "partially_received": "info", "received": "primary", "closed": "success",
                 "cancelled": "dark"}
STATUS_LABELS = labels.ORDER_STATUS
SHIPMENT_LABELS = labels.SHIPMENT_STATUS
MODE_LABELS = {"sea": _l("Sea"), "air": _l("Air"), "courier": _l("Courier"), "road": _l("Road")}
KIND_LABELS = {"commercial-invoice": _l("Commercial invoice"),
               "packing-list": _l("Packing list"), "shipping-advice": _l("Shipping advice"),
               "certificate-of-origin": _l("Certificate of origin"),
               "beneficiary-certificate": _l("Beneficiary's certificate")}


# For this blueprint's pages only: trading's app-wide ``money_text`` (with thousands
# separators) must not be replaced on every other page.
@bp.context_processor
def _fulfillment_helpers() -> dict:
    return {"money_text": money_text, "quantity_text": quantity_text,
            "payment_terms_label": payment_terms_label}


# Orders and shipments show in other modules' pages too (the supplier link's receipts, the
# office): their status words on every page, in imported macros too.
bp.add_app_template_global(labels.ORDER_STATUS.label, "order_status_label")
bp.add_app_template_global(labels.SHIPMENT_STATUS.label, "shipment_status_label")


def _context(**values) -> dict:
    actor = current_actor()
    return {"status_badges": STATUS_BADGES, "status_labels": STATUS_LABELS,
            "shipment_labels": SHIPMENT_LABELS, "kind_labels": KIND_LABELS,
            "mode_labels": MODE_LABELS,
            "company_id": actor.company.id if actor and actor.company else None,
            "can_manage": bool(actor and actor.can("fulfillment.manage")),
            "empty_form": EmptyForm(), "method_labels": METHOD_LABELS,
            "event_labels": labels.ORDER_EVENT, "invoice_labels": labels.INVOICE_STATUS,
            "bucket_labels": labels.AGING_BUCKET, **values}


def _load(schema, data: dict) -> dict:
    """A form's values through the API's own input schema, so both say the same; a refusal
    names the fields as the forms label them (core/field_errors.py)."""
    try:
        return schema().load(data)
    except ValidationError as error:
        raise named_fields(ValidationFailed(errors=flatten_messages(error.messages)),
                           FIELD_LABELS) from error


# The fulfillment forms' labels, by the path of the value in the schemas' data.
FIELD_LABELS = {
    "order_ids": _l("Orders"), "lines": _l("Ship now"), "lines.*": _l("Line %(n)s"),
    "lines.*.quantity": _l("Quantity"), "lines.*.packages": _l("Packages"),
    "lines.*.gross_weight": _l("Gross kg"), "lines.*.net_weight": _l("Net kg"),
    "lines.*.volume": _l("m³"), "carrier": _l("Carrier"), "mode": _l("Mode"),
    "vessel": _l("Vessel"), "voyage": _l("Voyage / flight"),
    "flight_number": _l("Voyage / flight"), "tracking_number": _l("Tracking number"),
    "container_numbers": _l("Containers (comma-separated)"),
    "port_of_loading": _l("Port of loading"), "port_of_discharge": _l("Port of discharge"),
    "etd": _l("ETD"), "eta": _l("ETA"), "amount": _l("Amount")}


def _csrf() -> None:
    if not EmptyForm().validate_on_submit():
        raise ValidationFailed(str(_l("The form expired; reload the page and try again.")))


# Why the operator, who reads every order, may not act on one.
OPERATOR_ONLY_READS = _l("Orders belong to companies; the operator only reads them.")


# ----- orders ---------------------------------------------------------------------------------


@bp.route("/orders")
@permission_required("fulfillment.view")
def orders():
    role = request.args.get("role") if request.args.get("role") in ("buyer", "supplier") \
        else None
    status = request.args.get("status") if request.args.get("status") in set(OrderStatus) \
        else None
    page = paginate(queries.orders(role=role, status=status),
                    page=request.args.get("page", 1, int), per_page=20)
    return render_template("fulfillment/orders.html", page=page, role=role, status=status,
                           **_context())


@bp.route("/orders/<int:order_id>")
@permission_required("fulfillment.view")
def order(order_id):
    found = queries.order(order_id)
    actor = current_actor()
    supplier = bool(actor.company and actor.company.id == found.supplier_company_id)
    mergeable = queries.mergeable_with(found) if supplier else []
    return render_template("fulfillment/order.html", order=found, supplier=supplier,
                           mergeable=mergeable, shipments=queries.shipments_of_order(found),
                           documents=queries.documents_of_order(found),
                           origin_numbers=queries.origin_numbers(found), **_context())


@bp.route("/orders/merge", methods=["POST"])
@permission_required("fulfillment.manage")
def merge_orders():
    _csrf()
    ids = request.form.getlist("order_ids")
    try:
        args = _load(MergeArgsSchema, {"order_ids": ids})
        merged = order_ops.merge_orders(queries.orders_by_ids(args["order_ids"]),
                                        company_actor(OPERATOR_ONLY_READS))
    except ValidationFailed as error:
        return go_back(error, url_for("fulfillment.orders"), code=302)
    flash(_l("Merged into order %(number)s.", number=merged.number), "success")
    return redirect(url_for("fulfillment.order", order_id=merged.id))


@bp.route("/orders/<int:order_id>/split", methods=["POST"])
@permission_required("fulfillment.manage")
def split_order(order_id):
    _csrf()
    found = queries.order(order_id)
    try:
        args = _load(SplitArgsSchema, {"lines": line_quantities(request.form, "split-")})
        new = order_ops.split_order(found, args["lines"], company_actor(OPERATOR_ONLY_READS))
    except ValidationFailed as error:
        return go_back(error, url_for("fulfillment.order", order_id=order_id), code=302)
    flash(_l("Split off as order %(number)s.", number=new.number), "success")
    return redirect(url_for("fulfillment.order", order_id=new.id))


# ----- shipments ------------------------------------------------------------------------------


@bp.route("/shipments")
@permission_required("fulfillment.view")
def shipments():
    page = paginate(queries.shipments(), page=request.args.get("page", 1, int), per_page=20)
    return render_template("fulfillment/shipments.html", page=page, **_context())


@bp.route("/shipments/new", methods=["GET", "POST"])
@permission_required("fulfillment.manage")
def new_shipment():
    actor = company_actor(OPERATOR_ONLY_READS)
    buyer_id = request.args.get("buyer", type=int)
    if buyer_id is None:
        raise ValidationFailed(str(_l("Start from an order: its page has “Ship”.")))
    lines = queries.open_lines(buyer_id)
    if request.method == "POST":
        _csrf()
        try:
            values = shipment_values(request.form, lines, shipment_ops.LINE_MEASURES)
            if not values["lines"]:  # said as the form says it, not as two schema limits
                raise named_fields(ValidationFailed(errors={"lines": [str(_l(
                    "Fill in a quantity to ship on at least one line."))]}), FIELD_LABELS)
            args = _load(ShipmentArgsSchema, values)
            shipment = shipment_ops.create_shipment(queries.orders_by_ids(args["order_ids"]),
                                                    args, actor)
        except ValidationFailed as error:
            return go_back(named_fields(error, FIELD_LABELS),
                           url_for("fulfillment.new_shipment", buyer=buyer_id), code=302)
        flash(_l("Shipment %(number)s booked.", number=shipment.number), "success")
        return redirect(url_for("fulfillment.shipment", shipment_id=shipment.id))
    return render_template("fulfillment/new_shipment.html", lines=lines, buyer_id=buyer_id,
                           modes=list(ShipmentMode), **_context())


@bp.route("/shipments/<int:shipment_id>")
@permission_required("fulfillment.view")
def shipment(shipment_id):
    found = queries.shipment(shipment_id)
    actor = current_actor()
    supplier = bool(actor.company and actor.company.id == found.supplier_company_id)
    latest = {kind.value: document_ops.latest(found, kind) for kind in ShippingDocumentKind}
    current = SHIPMENT_STATUS_ORDER.index(found.status)
    form = ShipmentEventForm()
    form.status.choices = [(s.value, SHIPMENT_LABELS[s.value])
                           for s in SHIPMENT_STATUS_ORDER[current + 1:]]
    replaceable = {line.id: shipment_ops.replaceable_quantity(line) for line in found.lines} \
        if supplier and found.status in shipment_ops.LEFT_THE_WAREHOUSE else {}
    return render_template("fulfillment/shipment.html", shipment=found, supplier=supplier,
                           latest=latest, event_form=form, kinds=list(ShippingDocumentKind),
                           replaceable={k: v for k, v in replaceable.items() if v > 0},
                           modes=list(ShipmentMode),
                           **_context())


@bp.route("/shipments/<int:shipment_id>/replacement", methods=["POST"])
@permission_required("fulfillment.manage")
def replace_goods(shipment_id):
    """The shipment page's "Ship again" form: rejected, short or lost goods of its lines."""
    _csrf()
    found = queries.shipment(shipment_id)
    wanted = [item for item in line_quantities(request.form, "again-")
              if item["order_line_id"] in {str(line.id) for line in found.lines}]
    lines = [{"shipment_line_id": item["order_line_id"], "quantity": item["quantity"]}
             for item in wanted]
    header = {key: request.form.get(key) for key in ("carrier", "mode", "tracking_number")
              if request.form.get(key)}
    try:
        args = _load(ReplacementShipmentArgsSchema, {**header, "lines": lines or []})
        originals = queries.shipment_lines_by_ids([i["shipment_line_id"] for i in args["lines"]])
        made = shipment_ops.create_replacement_shipment(originals, args,
                                                        company_actor(OPERATOR_ONLY_READS))
    except (ValidationFailed, Conflict) as error:
        return go_back(error, url_for("fulfillment.shipment", shipment_id=shipment_id),
                       code=302)
    flash(_l("Replacement shipment %(number)s booked.", number=made.number), "success")
    return redirect(url_for("fulfillment.shipment", shipment_id=made.id))


@bp.route("/shipments/<int:shipment_id>/timeline.json")
@permission_required("fulfillment.view")
def shipment_timeline(shipment_id):
    """What the shipment page polls every few seconds to show new events live."""
    found = queries.shipment(shipment_id)
    return jsonify(status=found.status, label=str(SHIPMENT_LABELS[found.status]),
                   events=[{"id": e.id, "status": e.status,
                            "label": str(SHIPMENT_LABELS[e.status]), "at": e.at.isoformat(),
                            "location": e.location, "note": e.note} for e in found.events])


@bp.route("/shipments/<int:shipment_id>/events", methods=["POST"])
@permission_required("fulfillment.manage")
def record_shipment_event(shipment_id):
    found = queries.shipment(shipment_id)
    form = ShipmentEventForm()
    form.status.choices = [(s.value, s.value) for s in SHIPMENT_STATUS_ORDER]
    if not form.validate_on_submit():
        raise ValidationFailed(errors=form.errors)
    shipment_ops.record_shipment_event(found, {
        "status": form.status.data, "location": form.location.data or None,
        "note": form.note.data or None, "at": utcnow()}, company_actor(OPERATOR_ONLY_READS))
    flash(_l("Recorded: %(status)s.", status=SHIPMENT_LABELS[form.status.data]), "success")
    return redirect(url_for("fulfillment.shipment", shipment_id=shipment_id))


@bp.route('/shipments/<int:shipment_id>/documents/<any("commercial-invoice", "packing-list", '
          '"shipping-advice", "certificate-of-origin", "beneficiary-certificate"):kind>',
          methods=["POST"])
@permission_required("fulfillment.manage")
def generate_document(shipment_id, kind):
    _csrf()
    found = queries.shipment(shipment_id)
    kind = ShippingDocumentKind(kind)
    if kind == ShippingDocumentKind.COMMERCIAL_INVOICE and found.invoice is None:
        from marketplace.fulfillment.views.letters_of_credit import LcWarnings, warnings_page

        try:
            invoice, _printed = document_ops.issue_commercial_invoice(
                found, company_actor(OPERATOR_ONLY_READS))
        except LcWarnings as error:  # the credit's warnings, to tick before issuing
            return warnings_page(found, error)
        flash(_l("Commercial invoice %(number)s issued; due %(due)s.", number=invoice.number,
                 due=invoice.due_date.isoformat()), "success")
    else:
        printed = document_ops.regenerate_document(found, kind, company_actor(OPERATOR_ONLY_READS))
        flash(_l("%(kind)s revision %(revision)s made.", kind=KIND_LABELS[kind.value],
                 revision=printed.revision), "success")
    return redirect(url_for("fulfillment.shipment", shipment_id=shipment_id))


# ----- receivables, payables, payments --------------------------------------------------------


@bp.route("/receivables")
@permission_required("fulfillment.view")
def receivables():
    company_actor(OPERATOR_ONLY_READS)
    rows = queries.invoices(side="supplier", status=request.args.get("status") or None)
    return render_template("fulfillment/invoices.html", side="supplier",
                           invoices=list(db.session.scalars(rows)),
                           aging=queries.aging("supplier"), buckets=queries.AGING_BUCKETS,
                           payment_form=PaymentForm(), today=utcnow().date(), **_context())


@bp.route("/payables")
@permission_required("fulfillment.view")
def payables():
    company_actor(OPERATOR_ONLY_READS)
    if request.args.get("paid"):
        flash(_l("Thank you: the card payment is recorded as soon as the card company "
                 "confirms it."), "info")
    rows = queries.invoices(side="buyer", status=request.args.get("status") or None)
    origin = current_app.config.get("STRIPE_CHECKOUT_ORIGIN")
    if origin:  # "Pay by card" redirects there
        g.form_action_origins = [origin]
    return render_template("fulfillment/invoices.html", side="buyer",
                           invoices=list(db.session.scalars(rows)),
                           aging=queries.aging("buyer"), buckets=queries.AGING_BUCKETS,
                           payment_form=None, today=utcnow().date(), **_context())


@bp.route("/invoices/<int:invoice_id>/payments", methods=["POST"])
@permission_required("payments.record")
def record_payment(invoice_id):
    invoice = queries.invoice(invoice_id)
    form = PaymentForm()
    if not form.validate_on_submit():
        raise ValidationFailed(errors=form.errors)
    payment = receivable_ops.record_payment(invoice, {
        "amount": form.amount.data, "method": form.method.data,
        "reference": form.reference.data or None}, company_actor(OPERATOR_ONLY_READS))
    flash(_l("%(amount)s %(currency)s recorded on %(number)s.",
             amount=money_text(payment.amount), currency=invoice.currency,
             number=invoice.number), "success")
    return redirect(url_for("fulfillment.receivables"))


@bp.route("/invoices/<int:invoice_id>/checkout", methods=["POST"])
@permission_required("payments.pay")
def checkout(invoice_id):
    _csrf()
    invoice = queries.invoice(invoice_id)
    args = _load(CheckoutArgsSchema, {"amount": request.form.get("amount") or None})
    back = url_for("fulfillment.payables", _external=True)
    session = receivable_ops.open_checkout(invoice, company_actor(OPERATOR_ONLY_READS),
                                           amount=args.get("amount"),
                                           success_url=back + "?paid=1", cancel_url=back)
    return redirect(session.url, code=303)


# ----- L/C clauses ----------------------------------------------------------------------------


@bp.route("/letter-of-credit")
@permission_required("fulfillment.view")
def lc_clauses():
    """The former per-buyer L/C clauses' page: letters of credit are records now (the
    old clauses are listed there, read only)."""
    return redirect(url_for("fulfillment.letters_of_credit"), code=301)


# Later subjects live one file each beside this one (letters of credit, statements, ...):
# each attaches its routes when loaded here.
load_all(__name__, __path__)

"""Fulfillment API (API.md, "Orders, shipments, receivables"): thin routes, parse →
operation → schema. Both parties read an order, shipment or invoice; another company
gets 404; the supplier ships, documents and records payments, the buyer pays by card."""

from __future__ import annotations

from flask import Response, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from marketplace.core.api import (
    ETAG_HEADER,
    check_if_match,
    honours_if_match,
    idempotent,
    problem_responses,
    with_etag,
)
from marketplace.core.guards import company_actor
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.core.rooms import load_all
from marketplace.fulfillment import api_bp, exports, queries
from marketplace.fulfillment.api.letters_of_credit import LC_WARNINGS_409
from marketplace.fulfillment.models import ShippingDocumentKind
from marketplace.fulfillment.operations import document_sets
from marketplace.fulfillment.operations import orders as order_ops
from marketplace.fulfillment.operations import receivables as receivable_ops
from marketplace.fulfillment.operations import shipments as shipment_ops
from marketplace.fulfillment.operations import shipping_documents as document_ops
from marketplace.fulfillment.schemas import (
    KINDS,
    CheckoutArgsSchema,
    CheckoutSchema,
    DocumentKindArgsSchema,
    DocumentSetArgsSchema,
    InvoiceDetailSchema,
    InvoiceQueryArgsSchema,
    InvoiceSchema,
    IssuedInvoiceSchema,
    IssuedShipmentSchema,
    LetterOfCreditClausesSchema,
    MergeArgsSchema,
    OrderQueryArgsSchema,
    OrderSchema,
    OrderSummarySchema,
    PaymentArgsSchema,
    PaymentSchema,
    ReplacementShipmentArgsSchema,
    ShipmentArgsSchema,
    ShipmentEventArgsSchema,
    ShipmentEventSchema,
    ShipmentQueryArgsSchema,
    ShipmentSchema,
    ShipmentSummarySchema,
    ShippingDocumentSchema,
    SplitArgsSchema,
    StripeReceiptSchema,
)
from marketplace.infrastructure.auth import api_auth

_BINARY = {"schema": {"type": "string", "format": "binary"}}
DOCUMENT_FILE = {"200": {"description": "The document, as an attachment",
                         "content": {"application/pdf": _BINARY,
                                     exports.XLSX_MEDIA_TYPE: _BINARY}}}


# Why the operator, who reads every order, shipment and invoice, may not write one.
OPERATOR_ONLY_READS = _l("Orders, shipments and invoices belong to companies; the "
                         "operator reads them, never writes them.")


def _answer(schema, resource, status: int = 200, location: str | None = None):
    response = with_etag(schema.dump(resource), resource)
    response.status_code = status
    if location:
        response.headers["Location"] = location
    return response


# ----- orders ---------------------------------------------------------------------------------


@api_bp.route("/orders")
@api_auth(permission="fulfillment.view")
@api_bp.arguments(OrderQueryArgsSchema, location="query")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(OrderSummarySchema))
@api_bp.doc(responses=problem_responses(422))
def list_orders(query, pagination):
    """Your company's orders, newest first: as buyer, as supplier, or both."""
    return paginate(queries.orders(**query), **pagination)


@api_bp.route("/orders/<int:order_id>")
@api_auth(permission="fulfillment.view")
@api_bp.response(200, OrderSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404))
def get_order(order_id):
    """An order with its lines (ordered, shipped, received), documents, shipments and
    history (each line's origin across merges and splits)."""
    return _answer(OrderSchema(), queries.order(order_id))


@api_bp.route("/orders/merge", methods=["POST"])
@api_auth(permission="fulfillment.manage")
@idempotent
@api_bp.arguments(MergeArgsSchema)
@api_bp.response(201, OrderSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def merge_orders(args):
    """Supplier: merge open orders of one buyer (same currency, incoterm and payment
    terms) into a new order; the old ones close and point at it (``merged_into_id``)."""
    orders = queries.orders_by_ids(args["order_ids"])
    merged = order_ops.merge_orders(orders, company_actor(OPERATOR_ONLY_READS))
    return _answer(OrderSchema(), merged, 201,
                   url_for("fulfillment_api.get_order", order_id=merged.id))


@api_bp.route("/orders/<int:order_id>/split", methods=["POST"])
@api_auth(permission="fulfillment.manage")
@idempotent
@api_bp.arguments(SplitArgsSchema)
@api_bp.response(201, OrderSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404, 409, 422))
@honours_if_match
def split_order(args, order_id):
    """Supplier: move lines, or part of their open quantity, to a new order."""
    order = queries.order(order_id)
    check_if_match(order)
    new = order_ops.split_order(order, args["lines"], company_actor(OPERATOR_ONLY_READS))
    return _answer(OrderSchema(), new, 201, url_for("fulfillment_api.get_order",
                                                    order_id=new.id))


# ----- shipments ------------------------------------------------------------------------------


@api_bp.route("/shipments")
@api_auth(permission="fulfillment.view")
@api_bp.arguments(ShipmentQueryArgsSchema, location="query")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(ShipmentSummarySchema))
@api_bp.doc(responses=problem_responses(422))
def list_shipments(query, pagination):
    """Your company's shipments, newest first."""
    return paginate(queries.shipments(**query), **pagination)


@api_bp.route("/shipments", methods=["POST"])
@api_auth(permission="fulfillment.manage")
@idempotent
@api_bp.arguments(ShipmentArgsSchema)
@api_bp.response(201, IssuedShipmentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses={**problem_responses(404, 422), **LC_WARNINGS_409})
def create_shipment(args):
    """Supplier: ship open lines of one or more orders of one buyer. More than is open
    on a line → 422 and nothing is shipped. With ``issue_documents: true`` the commercial
    invoice, packing list and shipping advice (and the certificates the orders' letter
    of credit requires) are issued in the same request and listed in ``documents``; a
    field they need missing → 422 naming each; a letter of credit warning (shipped after
    its latest shipment date, above its amount and tolerance, a partial shipment it
    forbids, expired) → 409 listing ``warnings`` until their codes are sent back in
    ``acknowledge_warnings`` (recorded: who, when, what). Nothing is written on a refusal."""
    orders = queries.orders_by_ids(args["order_ids"])
    actor = company_actor(OPERATOR_ONLY_READS)
    if not args.pop("issue_documents", False):
        shipment = shipment_ops.create_shipment(orders, args, actor)
        return _answer(ShipmentSchema(), shipment, 201,
                       url_for("fulfillment_api.get_shipment", shipment_id=shipment.id))
    shipment, _printed, render = document_sets.ship_and_issue(
        orders, args, actor, locale=str(get_locale() or "en"))
    shipment.render_id = render.id
    return _answer(IssuedShipmentSchema(), shipment, 201,
                   url_for("fulfillment_api.get_shipment", shipment_id=shipment.id))


@api_bp.route("/shipments/replacements", methods=["POST"])
@api_auth(permission="fulfillment.manage")
@idempotent
@api_bp.arguments(ReplacementShipmentArgsSchema)
@api_bp.response(201, ShipmentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def create_replacement_shipment(args):
    """Supplier: ship again goods of shipped lines that the buyer rejected, or that came
    short or were lost (``lines: [{shipment_line_id, quantity, ...}]``, the header as for
    a shipment). At most what the buyer's receipts did not accept, less earlier
    replacements (422); the line's shipment must have left (409). The order's shipped
    quantities stay as they are, and no commercial invoice is issued for it."""
    originals = queries.shipment_lines_by_ids([line["shipment_line_id"]
                                               for line in args["lines"]])
    shipment = shipment_ops.create_replacement_shipment(originals, args,
                                                        company_actor(OPERATOR_ONLY_READS))
    return _answer(ShipmentSchema(), shipment, 201,
                   url_for("fulfillment_api.get_shipment", shipment_id=shipment.id))


@api_bp.route("/shipments/<int:shipment_id>")
@api_auth(permission="fulfillment.view")
@api_bp.response(200, ShipmentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404))
def get_shipment(shipment_id):
    """A shipment, for both parties, with its lines, event timeline and documents."""
    return _answer(ShipmentSchema(), queries.shipment(shipment_id))


@api_bp.route("/shipments/<int:shipment_id>/events", methods=["POST"])
@api_auth(permission="fulfillment.manage")
@idempotent
@api_bp.arguments(ShipmentEventArgsSchema)
@api_bp.response(201, ShipmentEventSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def record_shipment_event(args, shipment_id):
    """Supplier: the shipment's next step (packed, shipped, in_transit, arrived,
    customs_cleared, delivered); steps may be skipped, never undone (409). Both
    parties are notified (bell and webhook ``shipment.event``)."""
    shipment = queries.shipment(shipment_id)
    return shipment_ops.record_shipment_event(shipment, args,
                                              company_actor(OPERATOR_ONLY_READS)), 201


@api_bp.route("/shipments/<int:shipment_id>/commercial-invoice", methods=["POST"])
@api_auth(permission="fulfillment.manage")
@idempotent
@api_bp.arguments(DocumentSetArgsSchema, location="query")
@api_bp.response(201, IssuedInvoiceSchema)
@api_bp.doc(responses={**problem_responses(404, 422), **LC_WARNINGS_409})
def issue_commercial_invoice(args, shipment_id):
    """Supplier: issue the shipment's commercial invoice (a numbered trade document sent
    to the buyer) and record the receivable; a second call → 409. A field a bank or
    customs needs missing → 422 naming each one (the checklist); nothing is issued.
    Under a letter of credit its warnings → 409 until ``?acknowledge_warnings=`` names
    each (repeat the parameter); the override is recorded."""
    shipment = queries.shipment(shipment_id)
    invoice, printed = document_ops.issue_commercial_invoice(
        shipment, company_actor(OPERATOR_ONLY_READS), acknowledge=args["acknowledge_warnings"])
    return {"invoice": invoice, "document_id": printed.document_id}, 201


@api_bp.route("/shipments/<int:shipment_id>/documents/<any(" + ",".join(
    f'"{k}"' for k in KINDS) + "):kind>", methods=["POST"])
@api_auth(permission="fulfillment.manage")
@idempotent
@api_bp.response(201, ShippingDocumentSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def generate_shipping_document(shipment_id, kind):
    """Supplier: (re)generate a packing list or shipping advice — or, once issued, a new
    revision of the commercial invoice. Each call adds a revision; earlier ones stay
    downloadable."""
    shipment = queries.shipment(shipment_id)
    return document_ops.regenerate_document(shipment, ShippingDocumentKind(kind),
                                            company_actor(OPERATOR_ONLY_READS)), 201


@api_bp.route("/shipments/<int:shipment_id>/documents/<any(" + ",".join(
    f'"{k}"' for k in KINDS) + "):kind>")
@api_auth(permission="fulfillment.view")
@api_bp.arguments(DocumentKindArgsSchema, location="query")
@api_bp.doc(responses={**DOCUMENT_FILE, **problem_responses(404, 422)})
def download_shipping_document(args, shipment_id, kind):
    """The document as PDF (``?paper=a4|letter``) or Excel (``?format=xlsx``): the latest
    revision, or ``?revision=N``."""
    shipment = queries.shipment(shipment_id)
    printed = document_ops.revision_of(shipment, ShippingDocumentKind(kind), args.get("revision"))
    language = args.get("lang")
    if args["format"] == "xlsx":
        body, media_type, extension = (exports.shipping_document_xlsx(printed.snapshot, language),
                                       exports.XLSX_MEDIA_TYPE, "xlsx")
    else:
        body, media_type, extension = (exports.cached_pdf(printed, args["paper"], language),
                                       "application/pdf", "pdf")
    return Response(body, mimetype=media_type, headers={
        "Content-Disposition": f'attachment; filename="{exports.filename(printed.snapshot, extension)}"'})  # noqa: E501


# ----- receivables, payables, payments --------------------------------------------------------


@api_bp.route("/receivables")
@api_auth(permission="fulfillment.view")
@api_bp.arguments(InvoiceQueryArgsSchema, location="query")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(InvoiceSchema))
@api_bp.doc(responses=problem_responses(422))
def list_receivables(query, pagination):
    """Supplier: your invoices with amount, paid, balance, due date and aging bucket."""
    return paginate(queries.invoices(side="supplier", **query), **pagination)


@api_bp.route("/payables")
@api_auth(permission="fulfillment.view")
@api_bp.arguments(InvoiceQueryArgsSchema, location="query")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(InvoiceSchema))
@api_bp.doc(responses=problem_responses(422))
def list_payables(query, pagination):
    """Buyer: the invoices your suppliers issued to you."""
    return paginate(queries.invoices(side="buyer", **query), **pagination)


@api_bp.route("/invoices/<int:invoice_id>")
@api_auth(permission="fulfillment.view")
@api_bp.response(200, InvoiceDetailSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404))
def get_invoice(invoice_id):
    """Both parties: amount, paid, credited (credit notes), debited (debit notes), balance,
    the payments, the notes, the buyer's payment advices and the supplier's bank details."""
    return _answer(InvoiceDetailSchema(), queries.invoice(invoice_id))


@api_bp.route("/invoices/<int:invoice_id>/payments", methods=["POST"])
@api_auth(permission="payments.record")
@idempotent
@api_bp.arguments(PaymentArgsSchema)
@api_bp.response(201, PaymentSchema)
@api_bp.doc(responses=problem_responses(404, 422))
def record_payment(args, invoice_id):
    """Supplier: a payment received (partial is fine; more than the balance → 422)."""
    invoice = queries.invoice(invoice_id)
    return receivable_ops.record_payment(invoice, args, company_actor(OPERATOR_ONLY_READS)), 201


@api_bp.route("/invoices/<int:invoice_id>/checkout", methods=["POST"])
@api_auth(permission="payments.pay")
@idempotent
@api_bp.arguments(CheckoutArgsSchema)
@api_bp.response(201, CheckoutSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def open_checkout(args, invoice_id):
    """Buyer: pay by card through Stripe Checkout; send the payer to ``checkout_url``.
    The payment is recorded when Stripe's webhook confirms it."""
    invoice = queries.invoice(invoice_id)
    back = url_for("fulfillment.payables", _external=True)
    return receivable_ops.open_checkout(invoice, company_actor(OPERATOR_ONLY_READS),
                                        amount=args.get("amount"),
                                        success_url=back + "?paid=1", cancel_url=back), 201


@api_bp.route("/webhooks/stripe", methods=["POST"])
@api_bp.response(200, StripeReceiptSchema)
@api_bp.doc(security=[], responses=problem_responses(400))
def stripe_webhook():
    """Stripe's events, verified by their ``Stripe-Signature`` (forged or stale → 400,
    nothing written). ``checkout.session.completed`` records the card payment once, however
    often it is delivered."""
    event = receivable_ops.construct_stripe_event(request.get_data(),
                                                  request.headers.get("Stripe-Signature"))
    payment = receivable_ops.handle_stripe_event(event)
    return {"received": True, "payment_id": payment.id if payment else None}


# ----- L/C clauses ----------------------------------------------------------------------------


@api_bp.route("/letter-of-credit-clauses")
@api_auth(permission="fulfillment.view")
@api_bp.response(200, LetterOfCreditClausesSchema(many=True))
def list_lc_clauses():
    """Supplier: the former per-buyer L/C clauses, read only. They no longer print:
    a letter of credit is a record of its own (POST /letters-of-credit), attached to
    orders, and prints only on the papers of their shipments."""
    company_actor(OPERATOR_ONLY_READS)
    return queries.lc_clauses()


# Later subjects live one file each beside this one (letters of credit, statements, ...):
# each attaches its routes when loaded here.
load_all(__name__, __path__)

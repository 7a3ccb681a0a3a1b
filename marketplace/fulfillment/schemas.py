"""Fulfillment schemas: ``...ArgsSchema`` for input (unknown fields rejected), the
others for output. Money and quantities are decimal strings ("1234.50", "100")."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from marketplace.core.schemas import Id, OptionalText, Text, money_text
from marketplace.core.schemas import decimal_text as quantity_text
from marketplace.core.types import utcnow
from marketplace.fulfillment.models import (
    OrderStatus,
    PaymentMethod,
    ShipmentMode,
    ShipmentStatus,
    ShippingDocumentKind,
)
from marketplace.fulfillment.operations.letters_of_credit import REQUIRED_DOCUMENT_KINDS
from marketplace.fulfillment.operations.letters_of_credit import WARNING_CODES as LC_WARNING_CODES

MAX_LINES = 1000
FOUR_PLACES = Decimal("0.0001")
LARGEST = Decimal("99999999999999.9999")
DECIMAL_PATTERN = r"^[0-9]{1,14}(\.[0-9]{1,4})?$"




class MoneyField(fields.Field):
    def _serialize(self, value, attr, obj, **kwargs):
        return money_text(value)


class QuantityField(fields.Field):
    def _serialize(self, value, attr, obj, **kwargs):
        return quantity_text(value)


def PositiveDecimal(**kwargs) -> fields.Decimal:  # noqa: N802 - a field factory
    """More than zero, at most 4 places; a string ("12.5") or a JSON number."""
    return fields.Decimal(allow_nan=False, places=None, validate=[_positive, _four_places],
                          metadata={"type": "string", "pattern": DECIMAL_PATTERN,
                                    "example": "100", **kwargs.pop("metadata", {})}, **kwargs)


def OptionalDecimal(**kwargs) -> fields.Decimal:  # noqa: N802
    return fields.Decimal(allow_nan=False, allow_none=True, validate=[_not_negative,
                                                                      _four_places],
                          metadata={"type": "string", "pattern": DECIMAL_PATTERN,
                                    "example": "12.5", **kwargs.pop("metadata", {})}, **kwargs)


# Range validators with Decimal bounds would print the bounds as strings in OpenAPI.
def _positive(value: Decimal) -> None:
    if not Decimal(0) < value <= LARGEST:
        raise ValidationError(str(_l("Must be more than zero (and not absurdly large).")))


def _not_negative(value: Decimal | None) -> None:
    if value is not None and not Decimal(0) <= value <= LARGEST:
        raise ValidationError(str(_l("Must not be negative.")))


def _four_places(value: Decimal | None) -> None:
    if value is not None and value != value.quantize(FOUR_PLACES):
        raise ValidationError(str(_l("At most 4 decimal places.")))


# ----- output ---------------------------------------------------------------------------------


class PartySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    country = fields.String()


class OrderLineSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer()
    product_id = fields.Integer(required=True, allow_none=True)
    sku = fields.String(required=True, allow_none=True)
    description = fields.String()
    unit = fields.String()
    quantity = QuantityField(required=True)
    shipped_quantity = QuantityField(required=True)
    received_quantity = QuantityField(required=True)
    open_quantity = QuantityField()
    unit_price = MoneyField(required=True)
    amount = MoneyField()
    requested_delivery_date = fields.Date(allow_none=True)
    origin_order_id = fields.Integer(allow_none=True, metadata={
        "description": "The order this line was merged or split from"})
    origin_line_id = fields.Integer(allow_none=True, metadata={
        "description": "The line this one was split from"})
    purchase_order_line_id = fields.Integer(allow_none=True)


class OrderEventSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    note = fields.String(allow_none=True)
    details = fields.Dict()
    actor_id = fields.Integer(allow_none=True)
    at = fields.DateTime()


class OrderDocumentSchema(Schema):
    id = fields.Integer()
    type = fields.String()
    number = fields.String()
    status = fields.String()


class OrderSummarySchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": [s.value for s in OrderStatus]})
    buyer = fields.Nested(PartySchema, required=True)
    supplier = fields.Nested(PartySchema, required=True)
    currency = fields.String(required=True)
    incoterm = fields.String(allow_none=True)
    payment_terms = fields.String(allow_none=True)
    total = MoneyField(attribute="total_amount")
    purchase_order_id = fields.Integer(allow_none=True)
    merged_into_id = fields.Integer(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()


class OrderSchema(OrderSummarySchema):
    lines = fields.List(fields.Nested(OrderLineSchema), required=True)
    documents = fields.Method("_documents", required=True, metadata={
        "description": "Trade documents of this order: its purchase orders, shipping "
                       "documents and invoices"})
    shipments = fields.Method("_shipments")
    events = fields.List(fields.Nested(OrderEventSchema))

    def _documents(self, order):
        from marketplace.fulfillment import queries

        return OrderDocumentSchema(many=True).dump(queries.documents_of_order(order))

    def _shipments(self, order):
        from marketplace.fulfillment import queries

        return [{"id": s.id, "number": s.number, "status": s.status}
                for s in queries.shipments_of_order(order)]


class ShipmentLineSchema(Schema):
    id = fields.Integer()
    order_line_id = fields.Integer()
    order_id = fields.Function(lambda line: line.order_line.order_id)
    sku = fields.Function(lambda line: line.order_line.sku)
    description = fields.Function(lambda line: line.order_line.description)
    unit = fields.Function(lambda line: line.order_line.unit)
    quantity = QuantityField()
    unit_price = fields.Function(lambda line: money_text(line.order_line.unit_price))
    amount = MoneyField()
    packages = fields.Integer(allow_none=True)
    gross_weight = QuantityField()
    net_weight = QuantityField()
    volume = QuantityField()
    hs_code = fields.String(allow_none=True)
    origin_country = fields.String(allow_none=True)
    replaces_shipment_line_id = fields.Integer(attribute="replaces_line_id", allow_none=True,
                                               metadata={"description": (
                                                   "Set on a replacement: the shipped line "
                                                   "whose goods this ships again")})


class ShipmentEventSchema(Schema):
    id = fields.Integer()
    status = fields.String()
    at = fields.DateTime()
    location = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    recorded_at = fields.DateTime()


class ShippingDocumentSchema(Schema):
    kind = fields.String()
    revision = fields.Integer()
    document_id = fields.Integer(allow_none=True)
    number = fields.Function(lambda doc: doc.document.number if doc.document
                             else doc.snapshot.get("number"))
    created_at = fields.DateTime()
    url = fields.Function(lambda doc: f"/api/v1/shipments/{doc.shipment_id}/documents/"
                                      f"{doc.kind}?revision={doc.revision}")


class ShipmentSummarySchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": [s.value for s in ShipmentStatus]})
    buyer = fields.Nested(PartySchema)
    supplier = fields.Nested(PartySchema)
    carrier = fields.String(allow_none=True)
    mode = fields.String()
    tracking_number = fields.String(allow_none=True)
    etd = fields.Date(allow_none=True)
    eta = fields.Date(allow_none=True)
    currency = fields.String()
    total = MoneyField(attribute="total_amount")
    order_ids = fields.List(fields.Integer())
    version = fields.Integer()
    created_at = fields.DateTime()


class ShipmentSchema(ShipmentSummarySchema):
    forwarder = fields.String(allow_none=True)
    vessel = fields.String(allow_none=True)
    voyage = fields.String(allow_none=True)
    flight_number = fields.String(allow_none=True)
    container_numbers = fields.List(fields.String())
    port_of_loading = fields.String(allow_none=True)
    port_of_discharge = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(ShipmentLineSchema), required=True)
    events = fields.List(fields.Nested(ShipmentEventSchema), required=True, metadata={
        "description": "The timeline, oldest first"})
    documents = fields.List(fields.Nested(ShippingDocumentSchema))
    invoice_id = fields.Function(lambda s: s.invoice.id if s.invoice else None)
    replacement = fields.Boolean(attribute="is_replacement", metadata={
        "description": "Ships again goods already shipped (and invoiced); not invoiced"})
    consignee = fields.String(allow_none=True, metadata={"description": "Null: the buyer"})
    notify_party = fields.String(allow_none=True, metadata={
        "description": "Null: same as consignee"})
    bill_of_lading = fields.String(allow_none=True)
    on_board_date = fields.Date(allow_none=True)
    marks_and_numbers = fields.String(allow_none=True)
    document_language = fields.String(allow_none=True)
    letter_of_credit_id = fields.Method("_credit", allow_none=True, metadata={
        "description": "The letter of credit its orders ship under (null: none)"})

    def _credit(self, shipment):
        from marketplace.fulfillment.operations.letters_of_credit import letter_of_credit_of

        credit = letter_of_credit_of(shipment)
        return credit.id if credit else None


class InvoicePaymentSchema(Schema):
    id = fields.Integer()
    amount = MoneyField()
    method = fields.String()
    reference = fields.String(allow_none=True)
    received_at = fields.DateTime()


class InvoiceNoteSchema(Schema):
    """A credit or debit note's part on this invoice."""

    document_id = fields.Integer(attribute="settlement.document_id")
    number = fields.String(attribute="settlement.number")
    type = fields.String(attribute="settlement.note_type", metadata={
        "enum": ["credit_note", "debit_note"]})
    effect = fields.String(attribute="settlement.effect", metadata={
        "enum": ["credit", "debit"],
        "description": "credit: takes off what is owed; debit: adds to it"})
    amount = MoneyField(metadata={"description": "What this invoice took of the note"})
    note_amount = MoneyField(attribute="settlement.amount")
    settled_at = fields.DateTime(attribute="settlement.settled_at")


class PaymentAdviceSchema(Schema):
    id = fields.Integer()
    invoice_id = fields.Integer()
    invoice_number = fields.String(attribute="invoice.number")
    amount = MoneyField()
    currency = fields.String()
    paid_on = fields.Date()
    reference = fields.String()
    payer_bank = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["recorded", "confirmed", "declined"]})
    decline_reason = fields.String(allow_none=True)
    payment_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


class InvoiceSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    status = fields.String()
    buyer = fields.Nested(PartySchema)
    supplier = fields.Nested(PartySchema)
    shipment_id = fields.Integer()
    document_id = fields.Integer(allow_none=True)
    amount = MoneyField(required=True)
    paid = MoneyField(required=True, attribute="paid_amount")
    credited = MoneyField(required=True, attribute="credited_amount", metadata={
        "description": "Taken off by accepted credit notes (and the buyer's debit notes)"})
    debited = MoneyField(required=True, attribute="debited_amount", metadata={
        "description": "Added by the supplier's accepted debit notes"})
    balance = MoneyField(required=True, metadata={
        "description": "amount + debited - paid - credited"})
    currency = fields.String(required=True)
    payment_terms = fields.String(allow_none=True)
    issued_on = fields.Date()
    due_date = fields.Date(required=True)
    aging_bucket = fields.Method("_bucket", required=True, metadata={
        "enum": ["current", "1-30", "31-60", "61-90", "90+"]})
    payments = fields.List(fields.Nested(InvoicePaymentSchema))
    notes = fields.List(fields.Nested(InvoiceNoteSchema), attribute="note_allocations")
    version = fields.Integer()

    def _bucket(self, invoice):
        return invoice.aging_bucket(utcnow().date())


class InvoiceDetailSchema(InvoiceSchema):
    """One invoice: with the buyer's payment advices and where to pay by T/T."""

    payment_advices = fields.List(fields.Nested(PaymentAdviceSchema), attribute="advices")
    pay_to = fields.Method("_pay_to", allow_none=True, metadata={
        "description": "The supplier's bank details for T/T as printed on the invoice's "
                       "latest revision (kept when it was issued: a later change of the "
                       "supplier's bank details does not alter it); null when it had none"})

    def _pay_to(self, invoice):
        from marketplace.fulfillment.queries import issued_pay_to
        from marketplace.infrastructure.banking.queries import bank_account_of
        from marketplace.infrastructure.banking.schemas import BankDetailsSchema

        kept, details = issued_pay_to(invoice)
        if not kept:  # a revision issued before the details were kept with it
            details = bank_account_of(invoice.supplier_company_id)
        return BankDetailsSchema().dump(details) if details else None


class IssuedInvoiceSchema(Schema):
    invoice = fields.Nested(InvoiceSchema, required=True)
    document_id = fields.Integer(required=True)


class PaymentSchema(Schema):
    id = fields.Integer()
    invoice_id = fields.Integer()
    amount = MoneyField()
    currency = fields.String()
    method = fields.String()
    reference = fields.String(allow_none=True)
    received_at = fields.DateTime()
    invoice = fields.Nested(InvoiceSchema)


class CheckoutSchema(Schema):
    checkout_url = fields.String(required=True, attribute="url")
    session_id = fields.String()
    amount = MoneyField()
    currency = fields.String()


class LetterOfCreditClausesSchema(Schema):
    id = fields.Integer()
    buyer_company_id = fields.Integer(allow_none=True)
    lc_number = fields.String(allow_none=True)
    issuing_bank = fields.String(allow_none=True)
    marks_and_numbers = fields.String(allow_none=True)
    required_statements = fields.String(allow_none=True)
    version = fields.Integer()


class StripeReceiptSchema(Schema):
    received = fields.Boolean()
    payment_id = fields.Integer(allow_none=True)


# ----- input ----------------------------------------------------------------------------------


class OrderQueryArgsSchema(Schema):
    role = fields.String(validate=validate.OneOf(["buyer", "supplier"]), metadata={
        "description": "Orders where your company is the buyer or the supplier (default both)"})
    status = fields.String(validate=validate.OneOf([s.value for s in OrderStatus]))
    counterparty_id = Id(metadata={"description": "Only orders with this other company"})


class MergeArgsSchema(Schema):
    order_ids = fields.List(Id(), required=True, validate=validate.Length(min=2, max=50))


class SplitLineArgsSchema(Schema):
    order_line_id = Id(required=True)
    quantity = PositiveDecimal(required=True)


class SplitArgsSchema(Schema):
    lines = fields.List(fields.Nested(SplitLineArgsSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES))


class ShipmentLineArgsSchema(Schema):
    order_line_id = Id(required=True)
    quantity = PositiveDecimal(required=True)
    packages = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=10**9))
    gross_weight = OptionalDecimal(metadata={"description": "kg"})
    net_weight = OptionalDecimal(metadata={"description": "kg"})
    volume = OptionalDecimal(metadata={"description": "m³"})
    hs_code = OptionalText(12, metadata={"description": "Default: the product's"})
    origin_country = OptionalText(2, metadata={"description": "ISO 3166 code; default: the "
                                                              "product's"})


class ShipmentArgsSchema(Schema):
    order_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=50))
    lines = fields.List(fields.Nested(ShipmentLineArgsSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES))
    carrier = OptionalText(120)
    forwarder = OptionalText(120)
    mode = fields.String(validate=validate.OneOf([m.value for m in ShipmentMode]))
    vessel = OptionalText(120)
    voyage = OptionalText(60)
    flight_number = OptionalText(30)
    tracking_number = OptionalText(120)
    container_numbers = fields.List(Text(20), validate=validate.Length(max=200))
    port_of_loading = OptionalText(120)
    port_of_discharge = OptionalText(120)
    etd = fields.Date(allow_none=True)
    eta = fields.Date(allow_none=True)
    notes = OptionalText(5000)
    # What the papers state beyond the shipment's header (see fulfillment.papers).
    consignee = OptionalText(2000)
    notify_party = OptionalText(2000)
    bill_of_lading = OptionalText(60)
    on_board_date = fields.Date(allow_none=True)
    marks_and_numbers = OptionalText(5000)
    document_language = fields.String(allow_none=True, validate=validate.OneOf(
        ["en", "zh-Hant", "bilingual"]), metadata={
        "description": "The papers' language; null: the buyer's setting, else en"})
    issue_documents = fields.Boolean(load_default=False, metadata={
        "description": "Issue the commercial invoice, packing list and shipping advice (and "
                       "the certificates the orders' letter of credit requires) in the same "
                       "request; a field they need missing → 422 naming each, a letter of "
                       "credit warning not acknowledged → 409 listing them"})
    acknowledge_warnings = fields.List(fields.String(validate=validate.OneOf(
        LC_WARNING_CODES)), load_default=list, metadata={
        "description": "The letter of credit warnings you saw and issue anyway (their codes, "
                       "as a 409 listed them); recorded with your name in the shipment's "
                       "history"})

    @validates_schema
    def _dates_in_order(self, data, **kwargs):
        if data.get("etd") and data.get("eta") and data["eta"] < data["etd"]:
            raise ValidationError(str(_l("The arrival cannot come before the departure.")),
                                  field_name="eta")


class ReplacementLineArgsSchema(Schema):
    shipment_line_id = Id(required=True, metadata={
        "description": "The shipped line whose rejected, short or lost goods ship again"})
    quantity = PositiveDecimal(required=True)
    packages = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=10**9))
    gross_weight = OptionalDecimal(metadata={"description": "kg"})
    net_weight = OptionalDecimal(metadata={"description": "kg"})
    volume = OptionalDecimal(metadata={"description": "m³"})


class ReplacementShipmentArgsSchema(ShipmentArgsSchema):
    """A shipment's header (carrier, mode, ...) with shipped lines to replace instead of
    order lines."""

    class Meta:
        exclude = ("order_ids", "issue_documents", "acknowledge_warnings")

    lines = fields.List(fields.Nested(ReplacementLineArgsSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES))


class ShipmentQueryArgsSchema(Schema):
    role = fields.String(validate=validate.OneOf(["buyer", "supplier"]))
    status = fields.String(validate=validate.OneOf([s.value for s in ShipmentStatus]))
    order_id = Id()


class ShipmentEventArgsSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(
        [s.value for s in ShipmentStatus if s != ShipmentStatus.BOOKED]))
    at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "When it happened (ISO 8601 with offset); default now"})
    location = OptionalText(200)
    note = OptionalText(2000)


class DocumentKindArgsSchema(Schema):
    revision = fields.Integer(validate=validate.Range(min=1, max=10**6), metadata={
        "description": "An earlier revision; default the latest"})
    format = fields.String(load_default="pdf", validate=validate.OneOf(["pdf", "xlsx"]))
    paper = fields.String(load_default="a4", validate=validate.OneOf(["a4", "letter"]))
    lang = fields.String(validate=validate.OneOf(["en", "zh-Hant", "bilingual"]), metadata={
        "description": "The paper's language; default the document's own (English unless "
                       "set for the buyer or the shipment), never the reader's"})


KINDS = [kind.value for kind in ShippingDocumentKind]


class InvoiceQueryArgsSchema(Schema):
    status = fields.String(validate=validate.OneOf(["open", "partially_paid", "paid",
                                                    "unpaid"]), metadata={
        "description": "unpaid: open or partially paid"})
    counterparty_id = Id(metadata={"description": "Only invoices of this buyer (receivables) "
                                                  "or supplier (payables)"})
    aging_bucket = fields.String(validate=validate.OneOf(
        ["current", "1-30", "31-60", "61-90", "90+"]))


class PaymentArgsSchema(Schema):
    amount = PositiveDecimal(required=True, metadata={"example": "1200.00"})
    method = fields.String(required=True, validate=validate.OneOf(
        [m.value for m in PaymentMethod]))
    reference = OptionalText(200, metadata={"description": "The bank's reference"})
    received_at = fields.AwareDateTime(allow_none=True)


class CheckoutArgsSchema(Schema):
    amount = PositiveDecimal(allow_none=True, metadata={
        "description": "Part of the balance; default all of it"})


class PaymentAdviceArgsSchema(Schema):
    amount = PositiveDecimal(required=True, metadata={"example": "1200.00"})
    paid_on = fields.Date(required=True, metadata={"description": "The value date of the T/T"})
    reference = Text(200, required=True, metadata={
        "description": "The bank's reference (MT103 / UETR)"})
    payer_bank = OptionalText(200)
    note = OptionalText(2000)


class PaymentAdviceDeclineArgsSchema(Schema):
    reason = Text(1000, required=True, metadata={
        "description": "Why: not received, another amount, ..."})


class PaymentAdviceConfirmArgsSchema(Schema):
    amount = PositiveDecimal(allow_none=True, metadata={
        "description": "What arrived, if not the advised amount (bank charges)"})


class PaymentAdviceQueryArgsSchema(Schema):
    role = fields.String(load_default="supplier", validate=validate.OneOf(["buyer",
                                                                          "supplier"]))
    status = fields.String(validate=validate.OneOf(["recorded", "confirmed", "declined"]))


class StatementArgsSchema(Schema):
    buyer_id = Id(required=True)
    from_ = fields.Date(data_key="from", metadata={"description": "Default: a year ago"})
    to = fields.Date(metadata={"description": "Default: today"})
    currency = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$"), metadata={
        "description": "Default: the currency the buyer was invoiced in most"})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "pdf",
                                                                         "xlsx"]))

    @validates_schema
    def _period(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError(str(_l("The period ends before it starts.")), "to")


class StatementLineSchema(Schema):
    date = fields.Date()
    kind = fields.String(metadata={"enum": ["invoice", "payment", "credit_note",
                                            "debit_note"]})
    number = fields.String()
    reference = fields.String(allow_none=True)
    invoice_number = fields.String(allow_none=True)
    debit = MoneyField(metadata={"description": "Adds to what is owed"})
    credit = MoneyField(metadata={"description": "Takes off what is owed"})
    balance = MoneyField(metadata={"description": "The running balance after this line"})


class StatementAgingSchema(Schema):
    bucket = fields.String(metadata={"enum": ["current", "1-30", "31-60", "61-90", "90+"]})
    amount = MoneyField()


class StatementSchema(Schema):
    supplier = fields.Nested(PartySchema)
    buyer = fields.Nested(PartySchema)
    currency = fields.String()
    currencies = fields.List(fields.String(), metadata={
        "description": "Every currency the buyer was invoiced in (one statement each)"})
    period_from = fields.Date(data_key="from")
    period_to = fields.Date(data_key="to")
    opening_balance = MoneyField()
    closing_balance = MoneyField()
    total_debit = MoneyField()
    total_credit = MoneyField()
    lines = fields.List(fields.Nested(StatementLineSchema))
    aging = fields.List(fields.Nested(StatementAgingSchema), metadata={
        "description": "Of the invoices open at the end of the period"})
    on_account = MoneyField(metadata={
        "description": "Credit held on account, no invoice has taken it yet"})


# ----- letters of credit ----------------------------------------------------------------------


def _percentage(value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(str(_l("Give a percentage from 0 to 100.")))


class RequiredDocumentSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(REQUIRED_DOCUMENT_KINDS)))
    originals = fields.Integer(load_default=1, validate=validate.Range(min=0, max=20))
    copies = fields.Integer(load_default=0, validate=validate.Range(min=0, max=20))


class LetterOfCreditArgsSchema(Schema):
    number = Text(80, required=True, metadata={"example": "LC-HH-2026-0042"})
    issuing_bank = Text(200, required=True)
    advising_bank = OptionalText(200)
    issue_date = fields.Date(required=True)
    expiry_date = fields.Date(required=True)
    expiry_place = OptionalText(120)
    latest_shipment_date = fields.Date(allow_none=True)
    amount = PositiveDecimal(required=True, metadata={"example": "25000.00"})
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    tolerance_pct = fields.Decimal(load_default=Decimal(0), places=None, allow_nan=False,
                                   validate=_percentage, metadata={
                                       "type": "string", "example": "5", "default": "0",
                                       "pattern": DECIMAL_PATTERN,
                                       "description": "± per cent the amount may vary"})
    partial_shipments = fields.Boolean(load_default=True)
    transhipment = fields.Boolean(load_default=True)
    presentation_days = fields.Integer(load_default=21, validate=validate.Range(min=1, max=365),
                                       metadata={"description": "Days after shipment to "
                                                                "present the papers"})
    required_documents = fields.List(fields.Nested(RequiredDocumentSchema), load_default=list,
                                     validate=validate.Length(max=20))
    clauses = fields.List(Text(2000), load_default=list, validate=validate.Length(max=50))
    order_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=50))


class LetterOfCreditSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    issuing_bank = fields.String()
    advising_bank = fields.String(allow_none=True)
    issue_date = fields.Date()
    expiry_date = fields.Date()
    expiry_place = fields.String(allow_none=True)
    latest_shipment_date = fields.Date(allow_none=True)
    amount = MoneyField(required=True)
    currency = fields.String()
    tolerance_pct = fields.Function(lambda c: format(c.tolerance_pct.normalize(), "f"))
    ceiling = MoneyField(metadata={"description": "amount plus the tolerance"})
    partial_shipments = fields.Boolean()
    transhipment = fields.Boolean()
    presentation_days = fields.Integer()
    required_documents = fields.List(fields.Dict())
    clauses = fields.List(fields.String())
    order_ids = fields.List(fields.Integer())
    buyer = fields.Nested(PartySchema)
    supplier = fields.Nested(PartySchema)
    version = fields.Integer()
    created_at = fields.DateTime()


class DocumentSetArgsSchema(Schema):
    acknowledge_warnings = fields.List(fields.String(validate=validate.OneOf(
        LC_WARNING_CODES)), load_default=list)


class IssuedShipmentSchema(ShipmentSchema):
    """A shipment with its papers just issued (``documents``: every revision, each with
    ``kind``, ``document_id`` and ``number``)."""

    render_id = fields.Integer(allow_none=True, metadata={
        "description": "The background job laying out the PDFs (the portal shows its "
                       "progress)"})

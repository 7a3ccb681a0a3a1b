"""Supplier link schemas: ``...ArgsSchema`` for input (unknown fields rejected), the
others for output. Quantities and amounts are decimal strings in JSON."""

from __future__ import annotations

from decimal import Decimal

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema
from werkzeug.datastructures import FileStorage

from marketplace.core.schemas import Id, OptionalText, Text
from marketplace.core.schemas import decimal_text as plain
from marketplace.core.schemas import money_text as money
from marketplace.supplier_link.models import VIEWS, RejectionReason, view_flag
from marketplace.supplier_link.operations.stock_reports import MAX_ROWS

REASONS = [reason.value for reason in RejectionReason]
MAX_LINES = 500
_QUANTITY_PATTERN = r"^[0-9]{1,13}(\.[0-9]{1,4})?$"




class QuantityText(fields.Decimal):
    """In: a decimal string or JSON number, zero or more, at most 4 places.
    Out: a decimal string without trailing zeros."""

    def __init__(self, **kwargs):
        metadata = {"type": "string", "pattern": _QUANTITY_PATTERN, "example": "120",
                    **kwargs.pop("metadata", {})}
        super().__init__(allow_nan=False, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError(str(_l("Not a number.")))
        number = super()._deserialize(value, attr, data, **kwargs)
        if not number.is_finite() or number < 0 or number >= Decimal("1e13") or \
                number != number.quantize(Decimal("0.0001")):
            raise ValidationError(str(_l("A number, zero or more, with at most 4 decimals.")))
        return number

    def _serialize(self, value, attr, obj, **kwargs):
        return plain(value)


class MoneyText(fields.Field):
    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", "example": "1234.50",
                                   **kwargs.pop("metadata", {})}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return money(value)


class RatioText(fields.Field):
    """A ratio or count of weeks as a decimal string (null when it has no meaning)."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", "nullable": True,
                                   **kwargs.pop("metadata", {})}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else plain(value)


class StrictSchema(Schema):
    """Input: a field the API does not know is an error, never silently dropped."""


# ----- sharing and cross-references ---------------------------------------------------------

_FLAG_DESCRIPTION = "Shared with the supplier (GET /supplier-link/buyers/{buyer_id}/%s)"


def _flags(required: bool) -> dict:
    return {view_flag(view): fields.Boolean(required=required, metadata={
        "description": _FLAG_DESCRIPTION % view}) for view in VIEWS}


SharingArgsSchema = type("SharingArgsSchema", (StrictSchema,), {
    **_flags(False),
    "target_cover_weeks": fields.Integer(validate=validate.Range(min=1, max=104), metadata={
        "description": "Weeks of sales you want on hand: the supplier's replenishment "
                       "suggestion aims at it (default 8)"}),
    "__doc__": "What to share with one supplier; fields left out keep their value."})


class SupplierBriefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    country = fields.String(required=True)


SharingSchema = type("SharingSchema", (Schema,), {
    **_flags(True),
    "supplier": fields.Nested(SupplierBriefSchema, required=True),
    "target_cover_weeks": fields.Integer(required=True),
    "version": fields.Integer(required=True, metadata={
        "description": "0 while the defaults apply (nothing stored yet)"}),
    "shared_views": fields.Function(
        lambda setting: [view for view in VIEWS if setting.shares(view)], required=True,
        metadata={"type": "array", "items": {"type": "string"}}),
})


class BuyerLinkSchema(Schema):
    buyer = fields.Nested(SupplierBriefSchema, required=True)
    shared_views = fields.List(fields.String(), required=True)


class CrossReferenceArgsSchema(StrictSchema):
    buyer_sku = Text(64, required=True, metadata={"description": "Your own SKU",
                                                   "example": "ACME-BOLT-8"})
    product_id = Id(metadata={"description": "The supplier's product; or give supplier_id "
                                             "and supplier_sku"})
    supplier_id = Id()
    supplier_sku = Text(64)

    @validates_schema
    def _one_product(self, data, **kwargs):
        by_id = "product_id" in data
        by_sku = "supplier_id" in data or "supplier_sku" in data
        if by_id == by_sku or (by_sku and not ("supplier_id" in data and "supplier_sku" in data)):
            raise ValidationError(str(_l("Give product_id, or supplier_id with supplier_sku.")),
                                  field_name="product_id")


class CrossReferenceSchema(Schema):
    id = fields.Integer(required=True)
    buyer_sku = fields.String(required=True)
    product_id = fields.Integer(required=True)
    supplier_id = fields.Integer(attribute="supplier_company_id", required=True)
    supplier_name = fields.String(attribute="supplier.name", required=True)
    supplier_sku = fields.String(attribute="product.sku", required=True)
    product_name = fields.String(attribute="product.name", required=True)
    created_at = fields.AwareDateTime(required=True)


# ----- stock reports ------------------------------------------------------------------------


class StockRowArgsSchema(StrictSchema):
    sku = Text(64, required=True, metadata={"description": "Your SKU, as in your SKU "
                                                           "cross-references"})
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True, metadata={"description": "Inclusive"})
    quantity_sold = QuantityText(required=True)
    quantity_on_hand = QuantityText(required=True, metadata={
        "description": "At the end of the period"})


class StockReportArgsSchema(StrictSchema):
    rows = fields.List(fields.Nested(StockRowArgsSchema), required=True,
                       validate=validate.Length(min=1, max=MAX_ROWS))


class StockReportUploadArgsSchema(Schema):
    file = Upload(required=True, metadata={
        "description": "CSV (UTF-8) with the header sku, period_start, period_end, "
                       "quantity_sold, quantity_on_hand; dates as YYYY-MM-DD"})

    @pre_load
    def _files_only(self, data, **kwargs):
        from flask import request

        if set(request.form):
            raise ValidationError(str(_l("Send only the file.")), field_name="_schema")
        return data

    @validates_schema
    def _a_file(self, data, **kwargs):
        if not isinstance(data.get("file"), FileStorage):
            raise ValidationError(str(_l("Send a file (multipart/form-data).")), "file")


class RowErrorSchema(Schema):
    row = fields.Integer(required=True, metadata={
        "description": "The row: in a CSV file as a spreadsheet shows it (the header is "
                       "row 1); in JSON the position in rows, from 1"})
    field = fields.String(required=True, allow_none=True, metadata={"example": "sku"})
    message = fields.String(required=True)


class StockReportResultSchema(Schema):
    report_id = fields.Integer(attribute="report.id", required=True)
    rows = fields.Integer(required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True, metadata={
        "description": "Periods reported again: their figures replaced"})
    accepted = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    errors = fields.List(fields.Nested(RowErrorSchema), required=True)


# ----- receipts and returns -----------------------------------------------------------------


class ReceiptLineArgsSchema(StrictSchema):
    order_line_id = Id(required=True)
    quantity_received = QuantityText(required=True, metadata={
        "description": "Counted on arrival, rejected goods included; more than shipped is "
                       "kept as counted and flagged as a discrepancy"})
    quantity_rejected = QuantityText(load_default=Decimal(0))
    reason = fields.String(allow_none=True, load_default=None,
                           validate=validate.OneOf(REASONS),
                           metadata={"description": "Why goods were rejected (required "
                                                    "with a rejected quantity)"})


class ReceiptArgsSchema(StrictSchema):
    order_id = Id(required=True)
    shipment_id = Id(metadata={"description": "The shipment the goods came with; left "
                                              "out, each line is matched to its shipments"})
    received_on = fields.Date()
    note = OptionalText(2000)
    lines = fields.List(fields.Nested(ReceiptLineArgsSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES))


class ReceiptImportArgsSchema(Schema):
    """multipart/form-data: the CSV file and the order (and shipment) it receives."""

    file = Upload(required=True, metadata={
        "description": "CSV (UTF-8): sku or order_line_id, quantity_received, "
                       "quantity_rejected, reason"})
    order_id = Id(required=True)
    shipment_id = Id()
    note = OptionalText(2000)

    @pre_load
    def _with_form_fields(self, data, **kwargs):
        from flask import request

        merged = {key: data.get(key) for key in request.files}
        for key in request.form:
            if key in merged:
                raise ValidationError(str(_l("Given twice.")), field_name=key)
            merged[key] = request.form.get(key)
        return merged

    @validates_schema
    def _a_file(self, data, **kwargs):
        if not isinstance(data.get("file"), FileStorage):
            raise ValidationError(str(_l("Send a file (multipart/form-data).")), "file")


class DiscrepancySchema(Schema):
    id = fields.Integer(required=True, allow_none=True)
    status = fields.String(required=True, metadata={
        "enum": ["open", "claimed", "resolving", "closed"]})
    kinds = fields.List(fields.String(), required=True, metadata={
        "description": "short, over, rejected"})
    order_id = fields.Integer(required=True)
    order_number = fields.String(required=True)
    order_line_id = fields.Integer(required=True)
    shipment_id = fields.Integer(required=True, allow_none=True)
    shipment_number = fields.String(required=True, allow_none=True)
    sku = fields.String(required=True, allow_none=True)
    description = fields.String(required=True)
    unit = fields.String(required=True)
    ordered = QuantityText(required=True)
    shipped = QuantityText(required=True)
    received = QuantityText(required=True)
    rejected = QuantityText(required=True)
    accepted = QuantityText(required=True)
    short = QuantityText(required=True)
    over = QuantityText(required=True)
    claim_amount = MoneyText(required=True)
    claim_document_id = fields.Function(
        lambda d: d.case.claim_document_id if d.case else None, required=True,
        metadata={"type": "integer", "nullable": True})
    resolution = fields.Function(lambda d: d.case.resolution if d.case else None,
                                 required=True, metadata={"type": "string", "nullable": True})
    resolution_document_id = fields.Function(
        lambda d: d.case.resolution_document_id if d.case else None, required=True,
        metadata={"type": "integer", "nullable": True})
    claim_comment = fields.Function(
        lambda d: d.case.claim_comment if d.case else None,
        metadata={"type": "string", "nullable": True,
                  "description": "What the buyer wrote with its claim"})
    claim_photos = fields.Function(
        lambda d: ClaimPhotoSchema(many=True).dump(d.case.claim_photos) if d.case else [],
        metadata={"type": "array", "items": {"type": "object"},
                  "description": "The photos sent with the claim: {id, name, content_type, "
                                 "size, width, height, url, thumbnail_url}; the two parties "
                                 "only"})


class ReceiptLineSchema(Schema):
    id = fields.Integer(required=True)
    order_line_id = fields.Integer(required=True)
    shipment_line_id = fields.Integer(required=True, allow_none=True)
    shipment_id = fields.Function(
        lambda line: line.shipment_line.shipment_id if line.shipment_line else None,
        required=True, metadata={"type": "integer", "nullable": True})
    sku = fields.String(attribute="order_line.sku", required=True, allow_none=True)
    quantity_received = QuantityText(required=True)
    quantity_rejected = QuantityText(required=True)
    quantity_accepted = QuantityText(required=True)
    reason = fields.Function(lambda line: line.reason.value if line.reason else None,
                             required=True, metadata={"type": "string", "nullable": True})


class ReceiptSchema(Schema):
    id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    order_number = fields.String(attribute="order.number", required=True)
    shipment_id = fields.Integer(required=True, allow_none=True)
    received_on = fields.Date(required=True)
    source = fields.String(required=True)
    note = fields.String(required=True, allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(ReceiptLineSchema), required=True)
    discrepancies = fields.List(fields.Nested(DiscrepancySchema), required=True, metadata={
        "description": "The order's discrepancies after this receipt"})


class ReturnLineArgsSchema(StrictSchema):
    order_line_id = Id(required=True)
    quantity = QuantityText(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(REASONS))

    @validates_schema
    def _positive(self, data, **kwargs):
        if data.get("quantity") is not None and data["quantity"] <= 0:
            raise ValidationError(str(_l("Must be more than zero.")), "quantity")


class ReturnArgsSchema(StrictSchema):
    order_id = Id(required=True)
    note = OptionalText(2000)
    lines = fields.List(fields.Nested(ReturnLineArgsSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES))


class ReturnLineSchema(Schema):
    id = fields.Integer(required=True)
    order_line_id = fields.Integer(required=True)
    sku = fields.String(attribute="order_line.sku", required=True, allow_none=True)
    quantity = QuantityText(required=True)
    reason = fields.Function(lambda line: line.reason.value, required=True,
                             metadata={"type": "string"})


class ReturnSchema(Schema):
    id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    order_number = fields.String(attribute="order.number", required=True)
    document_id = fields.Integer(required=True, allow_none=True)
    document_number = fields.Function(lambda r: r.document.number if r.document else None,
                                      required=True, metadata={"type": "string",
                                                               "nullable": True})
    status = fields.Function(lambda r: r.document.status if r.document else None,
                             required=True, metadata={"type": "string", "nullable": True})
    note = fields.String(required=True, allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(ReturnLineSchema), required=True)


# ----- discrepancy steps ----------------------------------------------------------------------


class CommentArgsSchema(StrictSchema):
    comment = OptionalText(2000)


class ResolveArgsSchema(CommentArgsSchema):
    resolution = fields.String(required=True, validate=validate.OneOf(
        ["credit_note", "debit_note", "replacement"]), metadata={
        "description": "credit_note or replacement (the supplier), debit_note (the buyer)"})
    shipment_id = Id(metadata={"description": "The replacement shipment"})


class ClaimPhotoSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(attribute="media.original_name", required=True)
    content_type = fields.String(attribute="media.content_type", required=True)
    size = fields.Integer(attribute="media.size", required=True)
    width = fields.Integer(attribute="media.width", allow_none=True)
    height = fields.Integer(attribute="media.height", allow_none=True)
    url = fields.Function(lambda photo: url_for(
        "supplier_link_api.get_claim_photo", discrepancy_id=photo.discrepancy_id,
        photo_id=photo.id), required=True, metadata={"type": "string"})
    thumbnail_url = fields.Function(lambda photo: url_for(
        "supplier_link_api.get_claim_photo", discrepancy_id=photo.discrepancy_id,
        photo_id=photo.id, thumbnail="true"), required=True, metadata={"type": "string"})


class ClaimUploadArgsSchema(Schema):
    """A claim sent as multipart/form-data: the comment and the photos."""

    comment = OptionalText(2000)
    photos = fields.List(Upload(), metadata={
        "description": "Images (JPEG, PNG, GIF or WebP, checked by their content), at most "
                       "8; each within the image size limit (413), anything else 415"})


class DiscrepancyCaseSchema(DiscrepancySchema):
    allowed_steps = fields.List(fields.String(), required=True, metadata={
        "description": "What you may do next: claim, credit_note, debit_note, replacement, "
                       "close"})


class DiscrepancyQueryArgsSchema(Schema):
    order_id = Id()
    include_closed = fields.Boolean(load_default=True)


# ----- the supplier's views -----------------------------------------------------------------


class ViewArgsSchema(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")),
                           metadata={"description": "json (a page), or every row as csv "
                                                    "(UTF-8 with BOM) or xlsx"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class OrderStatusArgsSchema(ViewArgsSchema):
    status = fields.String(validate=validate.OneOf(
        ["open", "partially_shipped", "shipped", "partially_received", "received", "closed",
         "cancelled"]))


class DiscrepancyViewArgsSchema(ViewArgsSchema):
    include_closed = fields.Boolean(load_default=True)


class PayablesArgsSchema(ViewArgsSchema):
    include_paid = fields.Boolean(load_default=False, metadata={
        "description": "Paid invoices too (default: open and partly paid ones)"})


class SalesInventoryArgsSchema(ViewArgsSchema):
    target_cover_weeks = fields.Integer(validate=validate.Range(min=1, max=104), metadata={
        "description": "Plan for this cover instead of the buyer's target"})
    sort = fields.String(load_default="sku", validate=validate.OneOf(
        ("sku", "weeks_of_cover", "-weekly_sales")), metadata={
        "description": "sku (default), weeks_of_cover (the first to run out first) or "
                       "-weekly_sales (best sellers first)"})


class OrderStatusRowSchema(Schema):
    order_id = fields.Integer(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True)
    currency = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    total_amount = MoneyText(required=True)
    lines = fields.Integer(required=True)
    quantity = QuantityText(required=True)
    shipped_quantity = QuantityText(required=True)
    received_quantity = QuantityText(required=True)
    requested_delivery_date = fields.Date(required=True, allow_none=True)


class OrderLineRowSchema(Schema):
    order_id = fields.Integer(required=True)
    order_number = fields.String(required=True)
    order_line_id = fields.Integer(required=True)
    product_id = fields.Integer(required=True, allow_none=True)
    sku = fields.String(required=True, allow_none=True)
    description = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = QuantityText(required=True)
    shipped_quantity = QuantityText(required=True)
    received_quantity = QuantityText(required=True)
    not_shipped = QuantityText(required=True)
    in_transit = QuantityText(required=True, metadata={"description": "Shipped, not received"})
    outstanding = QuantityText(required=True, metadata={"description": "Ordered, not received"})
    requested_delivery_date = fields.Date(required=True, allow_none=True)
    days_late = fields.Integer(required=True)


class ReceiptRowSchema(Schema):
    receipt_id = fields.Integer(required=True)
    received_on = fields.Date(required=True)
    order_id = fields.Integer(required=True)
    order_number = fields.String(required=True)
    shipment_id = fields.Integer(required=True, allow_none=True)
    shipment_number = fields.String(required=True, allow_none=True)
    order_line_id = fields.Integer(required=True)
    sku = fields.String(required=True, allow_none=True)
    description = fields.String(required=True)
    unit = fields.String(required=True)
    quantity_received = QuantityText(required=True)
    quantity_rejected = QuantityText(required=True)
    quantity_accepted = QuantityText(required=True)
    reason = fields.String(required=True, allow_none=True)


class ReturnRowSchema(Schema):
    return_id = fields.Integer(required=True)
    requested_at = fields.AwareDateTime(required=True)
    order_id = fields.Integer(required=True)
    order_number = fields.String(required=True)
    document_id = fields.Integer(required=True, allow_none=True)
    document_number = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, allow_none=True)
    order_line_id = fields.Integer(required=True)
    sku = fields.String(required=True, allow_none=True)
    description = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = QuantityText(required=True)
    reason = fields.String(required=True)


class PaymentRowSchema(Schema):
    amount = MoneyText(required=True)
    method = fields.String(required=True)
    received_at = fields.AwareDateTime(required=True)
    reference = fields.String(required=True, allow_none=True)


class PayableRowSchema(Schema):
    invoice_id = fields.Integer(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True)
    currency = fields.String(required=True)
    amount = MoneyText(required=True)
    paid = MoneyText(required=True)
    credited = MoneyText(required=True, metadata={"description": "Taken off by credit notes"})
    debited = MoneyText(required=True, metadata={"description": "Added by debit notes"})
    balance = MoneyText(required=True)
    issued_on = fields.Date(required=True)
    due_date = fields.Date(required=True)
    days_overdue = fields.Integer(required=True)
    aging_bucket = fields.String(required=True)
    last_paid_at = fields.AwareDateTime(required=True, allow_none=True)
    payments = fields.List(fields.Nested(PaymentRowSchema), required=True)


class PeriodRowSchema(Schema):
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    quantity_sold = QuantityText(required=True)
    quantity_on_hand = QuantityText(required=True)
    weekly_rate = RatioText(required=True)
    sell_through = RatioText(required=True, metadata={"description": "sold ÷ (sold + on hand)"})
    weeks_of_cover = RatioText(required=True)


class SalesInventoryRowSchema(Schema):
    product_id = fields.Integer(required=True)
    sku = fields.String(required=True, metadata={"description": "Your SKU"})
    buyer_sku = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    period_start = fields.Date(attribute="latest.period_start", required=True)
    period_end = fields.Date(attribute="latest.period_end", required=True)
    quantity_sold = QuantityText(required=True, metadata={"description": "Latest period"})
    quantity_on_hand = QuantityText(required=True, metadata={"description": "Latest period"})
    sell_through = RatioText(required=True)
    weekly_sales = RatioText(required=True, metadata={
        "description": "Units a week over the last 4 reported periods"})
    weeks_of_cover = RatioText(required=True)
    trend = RatioText(required=True, metadata={
        "description": "Latest period's weekly rate against the previous one: 0.25 is +25 %"})
    trend_direction = fields.String(required=True, metadata={
        "enum": ["up", "down", "flat", "new"]})
    in_transit = QuantityText(required=True)
    target_cover_weeks = fields.Integer(required=True)
    target_quantity = QuantityText(required=True)
    suggested_replenishment = QuantityText(required=True, metadata={
        "description": "Target cover − on hand − in transit, at least 0, whole units"})
    periods = fields.List(fields.Nested(PeriodRowSchema), required=True, metadata={
        "description": "The last 12 periods, oldest first"})


VIEW_SCHEMAS: dict[str, tuple[type[Schema], type[Schema]]] = {
    "order-status": (OrderStatusArgsSchema, OrderStatusRowSchema),
    "shortages": (ViewArgsSchema, OrderLineRowSchema),
    "receipts": (ViewArgsSchema, ReceiptRowSchema),
    "discrepancies": (DiscrepancyViewArgsSchema, DiscrepancySchema),
    "outstanding": (ViewArgsSchema, OrderLineRowSchema),
    "returns": (ViewArgsSchema, ReturnRowSchema),
    "payables": (PayablesArgsSchema, PayableRowSchema),
    "sales-inventory": (SalesInventoryArgsSchema, SalesInventoryRowSchema),
}

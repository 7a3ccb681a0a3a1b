"""Schemas of the shipment's papers (fulfillment.api.papers): what they state, the
checklist of what is missing, a buyer's document language."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.core.schemas import Id, OptionalText
from marketplace.fulfillment.models import ShipmentMode
from marketplace.fulfillment.paper_language import LANGUAGES
from marketplace.fulfillment.schemas import OptionalDecimal
from marketplace.trading.doctypes import MAX_LINES


class ShipmentPaperLineArgsSchema(Schema):
    shipment_line_id = Id(required=True)
    hs_code = OptionalText(12)
    origin_country = OptionalText(2, metadata={"description": "ISO 3166 code, e.g. TW"})
    packages = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=10**9))
    gross_weight = OptionalDecimal(metadata={"description": "kg; null: from the product"})
    net_weight = OptionalDecimal(metadata={"description": "kg; null: from the product"})
    volume = OptionalDecimal(metadata={"description": "m³; null: from the product"})


class ShipmentPapersArgsSchema(Schema):
    """What the shipment's papers state; only the fields sent change."""

    consignee = OptionalText(2000, metadata={
        "description": "As printed, e.g. \"To order of First Bank, Taipei\"; null: the buyer"})
    notify_party = OptionalText(2000, metadata={"description": "Null: same as consignee"})
    bill_of_lading = OptionalText(60, metadata={"description": "B/L or air waybill number"})
    on_board_date = fields.Date(allow_none=True)
    marks_and_numbers = OptionalText(5000, metadata={
        "description": "Null: buyer, port of discharge, C/NO. 1-N, origin"})
    document_language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES),
                                      metadata={"description": "Null: the buyer's setting, "
                                                               "else en"})
    carrier = OptionalText(120)
    mode = fields.String(validate=validate.OneOf([m.value for m in ShipmentMode]))
    vessel = OptionalText(120)
    voyage = OptionalText(60)
    flight_number = OptionalText(30)
    tracking_number = OptionalText(120)
    port_of_loading = OptionalText(120)
    port_of_discharge = OptionalText(120)
    etd = fields.Date(allow_none=True)
    eta = fields.Date(allow_none=True)
    lines = fields.List(fields.Nested(ShipmentPaperLineArgsSchema),
                        validate=validate.Length(max=MAX_LINES))


class MissingFieldSchema(Schema):
    field = fields.String(required=True, metadata={"example": "lines.0.hs_code"})
    label = fields.String(required=True)


class ShipmentChecklistSchema(Schema):
    """Per kind, the fields still missing before it can be issued (empty: ready)."""

    kinds = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(
        MissingFieldSchema)), required=True)
    document_language = fields.String(required=True)


class BuyerDocumentSettingsArgsSchema(Schema):
    document_language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))


class BuyerDocumentSettingsSchema(Schema):
    buyer_company_id = fields.Integer(required=True)
    document_language = fields.String(required=True)

"""Differentiated treatment: the terms per segment (in and out) and what a derived
quotation got. Input rejects unknown fields; money and percentages are decimal strings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.core.schemas import money_text
from marketplace.crm.models.treatments import SEGMENTS

_SEGMENT = fields.String(required=True, validate=validate.OneOf(SEGMENTS), metadata={
    "description": "MVC (most valuable), MGC (most growable), BZ (below zero) or other"})


class TreatmentArgsSchema(Schema):
    """One segment's terms; fields left out (or null) apply nothing."""

    segment = _SEGMENT
    payment_terms = fields.String(allow_none=True, metadata={
        "description": "tt, lc_sight, lc_usance, dp, da, open_account or card"})
    discount_pct = fields.Decimal(as_string=True, allow_none=True, allow_nan=False, metadata={
        "description": "Taken off each priced line's unit price, 0 to under 100"})
    lead_time_days = fields.Integer(strict=True, allow_none=True, metadata={
        "description": "Promised lead time, 0 to 3650 days"})
    response_hours = fields.Integer(strict=True, allow_none=True, metadata={
        "description": "Target for answering this segment's inquiries, 1 to 8760 hours"})
    min_order_value = fields.Decimal(as_string=True, allow_none=True, allow_nan=False)
    small_order_surcharge = fields.Decimal(as_string=True, allow_none=True, allow_nan=False,
                                           metadata={"description": "Added as its own line "
                                                     "when the total is below the minimum"})
    currency = fields.String(allow_none=True, metadata={
        "description": "Currency of the minimum and surcharge (ISO 4217, default USD)"})


class TreatmentsArgsSchema(Schema):
    treatments = fields.List(fields.Nested(TreatmentArgsSchema), required=True,
                             validate=validate.Length(min=1, max=len(SEGMENTS)))


class _Money(fields.Field):
    def _serialize(self, value, attr, obj, **kwargs):
        return money_text(value)


class TreatmentSchema(Schema):
    segment = fields.String()
    payment_terms = fields.String(allow_none=True)
    discount_pct = fields.Decimal(as_string=True)
    lead_time_days = fields.Integer(allow_none=True)
    response_hours = fields.Integer(allow_none=True)
    min_order_value = _Money(allow_none=True, metadata={"type": "string", "nullable": True})
    small_order_surcharge = _Money(allow_none=True,
                                   metadata={"type": "string", "nullable": True})
    currency = fields.String()
    saved = fields.Function(lambda row: row.id is not None, metadata={"type": "boolean"})


class TreatmentsSchema(Schema):
    treatments = fields.List(fields.Nested(TreatmentSchema))


class AppliedTreatmentSchema(Schema):
    document_id = fields.Integer()
    segment = fields.String()
    applied = fields.Dict(metadata={
        "description": "What the segment's terms changed: payment_terms, lead_time_days, "
                       "discount_pct and discounted_lines, surcharge and min_order_value"})
    summary = fields.List(fields.String(), metadata={
        "description": "The same, as the portal says it, in the caller's language"})

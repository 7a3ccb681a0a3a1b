"""Schemas of the buyer's supplier scorecards (API.md, Analytics)."""

from __future__ import annotations

from marshmallow import Schema, fields

RATE = {"description": "A share from 0 to 1 (decimal string); null when nothing was measured",
        "example": "0.8333"}


def _rate(**metadata) -> fields.Decimal:
    return fields.Decimal(as_string=True, allow_none=True, metadata={**RATE, **metadata})


class RepeatedItemSchema(Schema):
    key = fields.String(metadata={"description": "SKU (or description) of the item"})
    description = fields.String()
    currency = fields.String()
    times_ordered = fields.Integer()
    first_price = fields.Decimal(as_string=True)
    last_price = fields.Decimal(as_string=True)
    change_pct = fields.Decimal(as_string=True, allow_none=True)


class SupplierScorecardSchema(Schema):
    supplier_id = fields.Integer(required=True)
    supplier_name = fields.String(required=True)
    on_time_rate = _rate(description="Deliveries on or before the requested date, of all "
                                     "deliveries measured (overdue lines count late)")
    shortage_rate = _rate(description="Quantity short on counted shipment lines, of the "
                                      "quantity shipped on them")
    damage_rate = _rate(description="Quantity rejected as damaged, of the quantity received")
    response_hours_median = fields.Decimal(
        as_string=True, allow_none=True,
        metadata={"description": "Median hours from the buyer's inquiry to the supplier's "
                                 "first quotation", "example": "5.5"})
    claims_resolved_rate = _rate(description="Claims closed, of the claims sent")
    price_trend_pct = fields.Decimal(
        as_string=True, allow_none=True,
        metadata={"description": "Mean change in % of the unit price of items ordered more "
                                 "than once, first order to last"})
    orders = fields.Integer()
    deliveries = fields.Integer()
    inquiries = fields.Integer()
    inquiries_answered = fields.Integer()
    claims = fields.Integer()
    repeated_items = fields.List(fields.Nested(RepeatedItemSchema))


# The columns of the CSV/XLSX export, in order.
EXPORT_COLUMNS = ("supplier_id", "supplier_name", "on_time_rate", "shortage_rate",
                  "damage_rate", "response_hours_median", "claims_resolved_rate",
                  "price_trend_pct", "orders", "deliveries", "inquiries", "claims")

"""Schemas of the customer analytics API: query arguments (unknown fields refused)
and the rows of the customer table, fifths, segments and at-risk list. Money is a
decimal string in the supplier's reporting currency (``currency``); shares and rates
are decimal strings between 0 and 1; null where a figure has no meaning."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from marketplace.core.pagination import PaginationArgsSchema
from marketplace.core.schemas import Currency, decimal_text, money_text
from marketplace.crm.exports import FormatArgsSchema
from marketplace.crm.models.customers import SEGMENTS
from marketplace.crm.periods import PeriodArgsSchema
from marketplace.crm.queries.customers import SORTS


class MoneyText(fields.Field):
    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", "nullable": True, "example": "1234.50",
                                   **kwargs.pop("metadata", {})}, **kwargs)

    def _serialize(self, value: Decimal | None, attr, obj, **kwargs):
        return money_text(value)


class DecimalText(fields.Field):
    """A share, rate, percentage or count of days as a decimal string, or null."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", "nullable": True, "example": "0.25",
                                   **kwargs.pop("metadata", {})}, **kwargs)

    def _serialize(self, value: Decimal | None, attr, obj, **kwargs):
        return decimal_text(value)


# ----- arguments ----------------------------------------------------------------------------


class AnalyticsListArgsSchema(PeriodArgsSchema, PaginationArgsSchema, FormatArgsSchema):
    """``from``, ``to``, ``page``, ``per_page``, ``format``."""


class CustomerArgsSchema(AnalyticsListArgsSchema):
    segment = fields.String(validate=validate.OneOf(
        SEGMENTS, error=_l("Choose one of: MVC, MGC, BZ, other.")))
    quintile = fields.Integer(validate=validate.Range(
        min=1, max=5, error=_l("A fifth is 1 (most valuable) to 5.")))
    at_risk = fields.Boolean()
    sort = fields.String(load_default="lifetime_value", validate=validate.OneOf(
        tuple(SORTS), error=_l("Sort by one of: {choices}.")))


class PeriodOnlyArgsSchema(PeriodArgsSchema, FormatArgsSchema):
    """``from``, ``to``, ``format`` (lists short enough to need no pages)."""


# ----- rows -------------------------------------------------------------------------------


class CustomerSchema(Schema):
    buyer_id = fields.Integer(attribute="buyer_company_id", required=True)
    buyer_name = fields.String(required=True)
    currency = fields.String(required=True, metadata={"description": "reporting currency"})
    as_of = fields.Date(required=True, metadata={"description": "computed as of this day"})
    recency_days = fields.Integer(allow_none=True, required=True,
                                  metadata={"description": "days since the last order"})
    last_order_on = fields.Date(allow_none=True)
    frequency = fields.Integer(required=True, metadata={"description": "orders in the period"})
    frequency_lifetime = fields.Integer(attribute="orders_lifetime", required=True)
    monetary = MoneyText(required=True, metadata={"description": "revenue in the period"})
    monetary_lifetime = MoneyText(attribute="revenue_lifetime", required=True)
    margin = MoneyText(required=True, metadata={
        "description": "gross margin in the period, over lines whose cost price is known; "
                       "null where none is"})
    margin_coverage = DecimalText(metadata={
        "description": "share of the last 12 months' revenue whose cost is known"})
    average_order_value = MoneyText(attribute="average_value", required=True)
    growth_pct = DecimalText(required=True, metadata={
        "description": "revenue of the last 12 months against the 12 before, %"})
    payment_days_median = DecimalText(required=True, metadata={
        "description": "median days from invoice to paid"})
    late_payment_share = DecimalText()
    claims_rate = DecimalText(metadata={"description": "claims per order, 12 months"})
    returns_rate = DecimalText(metadata={"description": "returns per order, 12 months"})
    quotation_win_rate = DecimalText()
    share_of_wallet = DecimalText(metadata={
        "description": "share of the buyer's platform purchases in your categories"})
    cost_to_serve = MoneyText(attribute="cost_to_serve_12m")
    yearly_margin = MoneyText(attribute="margin_basis_12m", metadata={
        "description": "the margin lifetime value is built on (see docs/ANALYTICS.md)"})
    lifetime_value = MoneyText(required=True)
    quintile = fields.Integer(required=True, metadata={"description": "1 = most valuable"})
    segment = fields.String(required=True, metadata={"enum": list(SEGMENTS)})
    at_risk = fields.Boolean(required=True)
    at_risk_reason = fields.String(allow_none=True, metadata={
        "enum": ["overdue_order", "unanswered_quotations", None]})
    usual_interval_days = DecimalText()
    value_at_risk = MoneyText()


class QuintileSchema(Schema):
    quintile = fields.Integer(required=True)
    customers = fields.Integer(required=True)
    revenue = MoneyText(required=True)
    revenue_share = DecimalText(required=True)
    margin = MoneyText()
    margin_share = DecimalText(required=True)
    min_value = MoneyText(required=True, metadata={"description": "lowest lifetime value"})
    max_value = MoneyText(required=True, metadata={"description": "highest lifetime value"})


class QuintileListSchema(Schema):
    items = fields.List(fields.Nested(QuintileSchema), required=True)
    currency = fields.String(required=True)


class SegmentNowSchema(Schema):
    segment = fields.String(required=True)
    customers = fields.Integer(required=True)
    revenue = MoneyText(required=True)
    margin = MoneyText()
    lifetime_value = MoneyText()


class SegmentMonthSchema(Schema):
    month = fields.Date(required=True, metadata={"description": "the month's first day"})
    segment = fields.String(required=True)
    customers = fields.Integer(required=True)


class SegmentsSchema(Schema):
    current = fields.List(fields.Nested(SegmentNowSchema), required=True)
    history = fields.List(fields.Nested(SegmentMonthSchema), required=True)
    currency = fields.String(required=True)


class AtRiskSchema(Schema):
    buyer_id = fields.Integer(attribute="buyer_company_id", required=True)
    buyer_name = fields.String(required=True)
    days_since_last_order = fields.Integer(attribute="recency_days", allow_none=True,
                                           required=True)
    usual_interval_days = DecimalText(required=True)
    value_at_risk = MoneyText(required=True, metadata={
        "description": "what the customer has bought a year on average"})
    reason = fields.String(attribute="at_risk_reason", metadata={
        "enum": ["overdue_order", "unanswered_quotations"]})
    last_order_on = fields.Date(allow_none=True)
    segment = fields.String()
    lifetime_value = MoneyText()
    currency = fields.String()


# ----- settings -------------------------------------------------------------------------


class AnalyticsSettingsArgsSchema(Schema):
    reporting_currency = Currency(required=True)


class LifetimeValueMethodSchema(Schema):
    retention = DecimalText(required=True, metadata={
        "description": "observed share of last year's customers who ordered again"})
    discount_rate = DecimalText(required=True)
    default_margin_rate = DecimalText(required=True, metadata={
        "description": "margin assumed where cost prices are unknown"})
    multiple = DecimalText(required=True, metadata={
        "description": "lifetime value = yearly margin × this (r / (1 + d − r))"})


class AnalyticsSettingsSchema(Schema):
    reporting_currency = fields.String(required=True)
    exchange_rates = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                                 metadata={"description": "one unit's worth in US dollars"})
    lifetime_value = fields.Nested(LifetimeValueMethodSchema, required=True)

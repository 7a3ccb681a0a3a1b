"""Schemas of the trade speed figures (``GET /analytics/response-times``, API.md)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from marketplace.crm.exports import FormatArgsSchema
from marketplace.crm.periods import PeriodArgsSchema
from marketplace.crm.queries.speed import SIDES

PERIODS = ("month",)


def _hours(description: str) -> fields.Decimal:
    return fields.Decimal(as_string=True, places=2, allow_none=True,
                          metadata={"description": description + "; null when nothing was "
                                    "measured", "example": "5.50"})


def _rate(description: str) -> fields.Decimal:
    return fields.Decimal(as_string=True, places=4, allow_none=True,
                          metadata={"description": description + " (0 to 1)",
                                    "example": "0.8000"})


class SpeedFiguresSchema(Schema):
    """One company's (month's, member's, the platform's) trade speed."""

    inquiries = fields.Integer(metadata={"description": "Inquiries received (supplier) or "
                                         "sent (buyer) in the period, withdrawn ones left out"})
    inquiries_answered = fields.Integer()
    response_rate = _rate("Share of those inquiries answered with a quotation")
    inquiry_to_quotation_hours_median = _hours("Median hours from an inquiry to its first "
                                               "quotation")
    inquiry_to_quotation_hours_p90 = _hours("90th percentile of the same")
    inquiry_to_order_days_median = _hours("Median days from an inquiry to the first purchase "
                                          "order in its thread")
    inquiry_to_order_days_p90 = _hours("90th percentile of the same")
    purchase_orders = fields.Integer()
    po_to_accepted_hours_median = _hours("Median hours from a purchase order to its "
                                         "acceptance")
    po_to_accepted_hours_p90 = _hours("90th percentile of the same")
    po_to_documents_hours_median = _hours("Median hours from an accepted purchase order to "
                                          "its first shipping document")
    po_to_documents_hours_p90 = _hours("90th percentile of the same")
    quotations = fields.Integer()
    quotations_won = fields.Integer()
    quotation_win_rate = _rate("Share of quotations followed by a purchase order in their "
                               "thread")


class MonthSpeedSchema(SpeedFiguresSchema):
    month = fields.String(metadata={"example": "2026-03"})


class MemberSpeedSchema(SpeedFiguresSchema):
    member_id = fields.Integer(allow_none=True, metadata={
        "description": "The member in charge (null: nobody was assigned)"})
    member_name = fields.String()


class ResponseTimesSchema(SpeedFiguresSchema):
    """The company's figures at the top (API.md's fields), the platform's beside them,
    then one row per month and one per member."""

    period = fields.String(metadata={"example": "month"})
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    side = fields.String(metadata={"description": "supplier: how fast the company answers; "
                                   "buyer: how fast it is answered"})
    company_id = fields.Integer(allow_none=True)
    platform = fields.Nested(SpeedFiguresSchema, metadata={
        "description": "Every company's facts together (the platform-wide median)"})
    months = fields.List(fields.Nested(MonthSpeedSchema))
    members = fields.List(fields.Nested(MemberSpeedSchema))


class ResponseTimesArgsSchema(PeriodArgsSchema, FormatArgsSchema):
    """``?period=month&from&to&side&format`` (and ``company_id``, for the operator)."""

    period_kind = fields.String(data_key="period", load_default="month", validate=validate.OneOf(
        PERIODS, error=_l("Choose one of: month.")))
    side = fields.String(load_default=None, validate=validate.OneOf(
        SIDES, error=_l("Choose one of: supplier, buyer.")), metadata={
        "description": "default: supplier for a company that sells, else buyer"})
    company_id = fields.Integer(load_default=None, strict=False, validate=validate.Range(
        min=1, max=2**31 - 1, error=_l("Give a company's id (a whole number from 1).")),
        metadata={"description": "Operator only: the company to read (default: the whole "
                                 "platform)"})


# The CSV/XLSX export: one row per month, per member, the company's total and the
# platform's, each named in ``scope``.
FIGURE_COLUMNS = tuple(name for name in SpeedFiguresSchema().fields)
EXPORT_COLUMNS = ("scope", "month", "member_id", "member_name", *FIGURE_COLUMNS)

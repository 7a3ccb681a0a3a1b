"""Billing's forms (HTML pages only): the operator's plan editor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

UNLIMITED = _l("Empty: unlimited")


def _limit(label):
    return IntegerField(label, validators=[Optional(), NumberRange(min=0)],
                        description=UNLIMITED)


class PlanForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the plan a name.")),
                                               Length(max=80)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=80)])
    monthly_price = DecimalField(_l("Price a month"), places=2,
                                 validators=[Optional(), NumberRange(min=0)])
    # Active ISO currencies, the common ones first (choices set by the view; the
    # operation checks the code).
    currency = SelectField(_l("Currency"), validators=[DataRequired()], validate_choice=False)
    stripe_price_id = StringField(_l("Stripe price id"),
                                  validators=[Optional(), Length(max=255)],
                                  description=_l("price_… of the plan at Stripe; empty: "
                                                 "Checkout is given the price above"))
    max_products = _limit(_l("Published products"))
    max_members = _limit(_l("Members"))
    max_buying_request_answers = _limit(_l("Answers to buying requests a month"))
    max_analytics_views = _limit(_l("Analytics views a month"))
    max_api_calls = _limit(_l("API calls a day"))
    position = IntegerField(_l("Order on the plans page"), validators=[Optional()])
    active = BooleanField(_l("Offered to companies"))

    def values(self) -> dict:
        names = ("name", "name_zh", "monthly_price", "currency", "stripe_price_id",
                 "max_products", "max_members", "max_buying_request_answers",
                 "max_analytics_views", "max_api_calls", "position", "active")
        values = {name: getattr(self, name).data for name in names}
        if values["monthly_price"] is None:
            values["monthly_price"] = 0
        if values["position"] is None:
            values["position"] = 0
        return values

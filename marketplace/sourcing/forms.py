"""Sourcing's portal forms: a draft rfq's closing time, and the award (a bid chosen per
line, or one supplier for every line, with the reason)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as Form
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class ClosingForm(Form):
    closes_at = DateTimeLocalField(_l("Closing time (UTC)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired()], description=_l(
                                       "Bids stay sealed until then: nobody, you included, "
                                       "sees a price before it."))
    save = SubmitField(_l("Seal until then"))


class AwardForm(Form):
    """The bid per line comes as ``line-<id>`` fields (one select per line of the rfq,
    made for the page); ``everything_to`` gives every line to one supplier's bid."""

    everything_to = SelectField(_l("Award every line to"), coerce=str, validate_choice=False,
                                default="")
    reason = TextAreaField(_l("Reason for the award"),
                           validators=[Optional(), Length(max=2000)],
                           description=_l("Kept in the request's history; suppliers never "
                                          "see it."))
    disclose = BooleanField(_l("Tell the other bidders how many bid and the awarded total "
                               "(never names)"))
    submit = SubmitField(_l("Award"))


class AuctionForm(Form):
    """A reverse auction on a sent rfq: times in UTC, the rule, what bidders see."""

    starts_at = DateTimeLocalField(_l("Start (UTC)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("End (UTC)"), format="%Y-%m-%dT%H:%M",
                                 validators=[DataRequired()])
    starting_price = DecimalField(_l("Starting price (the lot's total)"), places=2,
                                  validators=[DataRequired()], description=_l(
                                      "The first bid may be at most this."))
    decrement_kind = SelectField(_l("Minimum decrement"), choices=[
        ("amount", _l("an amount")), ("percent", _l("a percent of the best bid"))],
        default="amount")
    decrement = DecimalField(_l("Decrement"), places=2, validators=[DataRequired()],
                             description=_l("Each bid at least this much below the best."))
    soft_close_minutes = IntegerField(_l("Soft close (minutes)"), default=5,
                                      validators=[Optional(), NumberRange(0, 60)],
                                      description=_l("A bid in the last N minutes moves the "
                                                     "end by N minutes; 0: never."))
    visibility = SelectField(_l("Bidders see"), choices=[
        ("rank", _l("their rank only")), ("best", _l("their rank and the best bid"))],
        default="rank")
    submit = SubmitField(_l("Start the auction"))


class BidForm(Form):
    amount = DecimalField(_l("Your bid (the lot's total)"), places=2,
                          validators=[DataRequired()])
    submit = SubmitField(_l("Place bid"))


class AuctionAwardForm(Form):
    reason = TextAreaField(_l("Reason for the award"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Award every line to the best bid"))

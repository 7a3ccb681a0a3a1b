"""Sourcing's portal forms: a draft rfq's closing time, and the award (a bid chosen per
line, or one supplier for every line, with the reason)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as Form
from wtforms import BooleanField, DateTimeLocalField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


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

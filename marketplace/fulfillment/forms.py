"""Fulfillment forms for the portal's pages (the API has its own schemas)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from marketplace.fulfillment.models import PaymentMethod

METHOD_LABELS = {"tt": _l("Telegraphic transfer (T/T)"), "lc": _l("Letter of credit"),
                 "card": _l("Card"), "other": _l("Other")}


class ShipmentEventForm(FlaskForm):
    status = SelectField(_l("Next step"), validators=[DataRequired()])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])


class PaymentForm(FlaskForm):
    amount = DecimalField(_l("Amount"), places=None,
                          validators=[DataRequired(), NumberRange(min=0.0001)])
    method = SelectField(_l("Method"), choices=[(m.value, METHOD_LABELS[m.value])
                                                for m in PaymentMethod])
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=200)])


class LcClausesForm(FlaskForm):
    # Choices: "every buyer" and the buyers the supplier has orders from (views).
    buyer_company_id = SelectField(_l("For"), coerce=int, default=0)
    lc_number = StringField(_l("L/C number"), validators=[Optional(), Length(max=80)])
    issuing_bank = StringField(_l("Issuing bank"), validators=[Optional(), Length(max=200)])
    marks_and_numbers = TextAreaField(_l("Marks and numbers"),
                                      validators=[Optional(), Length(max=5000)])
    required_statements = TextAreaField(_l("Required statements (one per line)"),
                                        validators=[Optional(), Length(max=10000)])

"""The portal's forms for letters of credit and for "Ship the open lines" (the API
has its own schemas; the views pass these forms' values through them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class LetterOfCreditForm(FlaskForm):
    number = StringField(_l("L/C number"), validators=[DataRequired(), Length(max=80)])
    issuing_bank = StringField(_l("Issuing bank"), validators=[DataRequired(), Length(max=200)])
    advising_bank = StringField(_l("Advising bank"), validators=[Optional(), Length(max=200)])
    issue_date = DateField(_l("Date of issue"), validators=[DataRequired()])
    expiry_date = DateField(_l("Expiry date"), validators=[DataRequired()])
    expiry_place = StringField(_l("Place of expiry"), validators=[Optional(), Length(max=120)])
    latest_shipment_date = DateField(_l("Latest shipment date"), validators=[Optional()])
    amount = DecimalField(_l("Amount"), places=None,
                          validators=[DataRequired(), NumberRange(min=0.01)])
    currency = SelectField(_l("Currency"), validators=[DataRequired()])
    tolerance_pct = DecimalField(_l("Tolerance (± %)"), places=None, default=0,
                                 validators=[Optional(), NumberRange(min=0, max=100)])
    partial_shipments = BooleanField(_l("Partial shipments allowed"), default=True)
    transhipment = BooleanField(_l("Transhipment allowed"), default=True)
    presentation_days = IntegerField(_l("Presentation period (days after shipment)"),
                                     default=21,
                                     validators=[DataRequired(), NumberRange(min=1, max=365)])
    clauses = TextAreaField(_l("Special clauses (one per line)"),
                            validators=[Optional(), Length(max=20000)])


class ShipOpenLinesForm(FlaskForm):
    """The header of "Ship the open lines" (the lines are fields of their own)."""

    carrier = StringField(_l("Carrier"), validators=[Optional(), Length(max=120)])
    mode = SelectField(_l("Mode"))
    vessel = StringField(_l("Vessel"), validators=[Optional(), Length(max=120)])
    voyage = StringField(_l("Voyage"), validators=[Optional(), Length(max=60)])
    flight_number = StringField(_l("Flight"), validators=[Optional(), Length(max=30)])
    tracking_number = StringField(_l("Tracking number"), validators=[Optional(), Length(max=120)])
    bill_of_lading = StringField(_l("B/L or air waybill number"),
                                 validators=[Optional(), Length(max=60)])
    on_board_date = DateField(_l("On-board date"), validators=[Optional()])
    port_of_loading = StringField(_l("Port of loading"), validators=[Optional(), Length(max=120)])
    port_of_discharge = StringField(_l("Port of discharge"),
                                    validators=[Optional(), Length(max=120)])
    etd = DateField(_l("ETD"), validators=[Optional()])
    eta = DateField(_l("ETA"), validators=[Optional()])

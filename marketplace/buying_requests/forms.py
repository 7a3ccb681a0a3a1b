"""Buying requests' portal forms: posting a request, answering one, the subscriptions.

Numbers and the closing time are taken as typed and checked by the operations (one set
of reasons for the API and the portal, each beside its field); nothing typed is lost."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.trading.doctypes import INCOTERMS_2020, PAYMENT_TERMS


class RequestForm(FlaskForm):
    title = StringField(_l("What do you need?"), description=_l(
        "The product as suppliers would name it, e.g. Stainless hex bolts M8x40"))
    category_id = SelectField(_l("Category"), coerce=int, validate_choice=False,
                              description=_l("Approved suppliers of this category see the "
                                             "request and may answer it."))
    quantity = StringField(_l("Quantity"))
    unit = StringField(_l("Unit"), default="pcs")
    target_price = StringField(_l("Target unit price (optional)"))
    # Active ISO currencies, the company's usual ones first (choices set by the view).
    currency = SelectField(_l("Currency"), validate_choice=False)
    destination_country = StringField(_l("Destination country"),
                                      description=_l("ISO code, e.g. DE"))
    closes_at = StringField(_l("Closing time (UTC)"), render_kw={"type": "datetime-local"},
                            description=_l("No quotation is taken from then on."))
    description = TextAreaField(_l("Details for the suppliers (optional)"))


class AnswerForm(FlaskForm):
    unit_price = StringField(_l("Your unit price"))
    quantity = StringField(_l("Quantity you offer (optional)"))
    lead_time_days = StringField(_l("Lead time in days (optional)"))
    incoterm = SelectField(_l("Incoterm"), choices=[("", "—")] + [(c, c) for c in
                                                                   INCOTERMS_2020],
                           validators=[Optional()], default="")
    incoterm_place = StringField(_l("Named place (optional)"))
    payment_terms = SelectField(_l("Payment terms"), validators=[Optional()], default="",
                                choices=[("", "—")] + [(code, label) for code, label in
                                                        PAYMENT_TERMS.items()])
    valid_until = StringField(_l("Valid until (optional)"), render_kw={"type": "date"})
    notes = TextAreaField(_l("Notes to the buyer (optional)"))


class SubscriptionsForm(FlaskForm):
    category_ids = SelectMultipleField(_l("Categories"), coerce=int, validate_choice=False,
                                       widget=ListWidget(prefix_label=False),
                                       option_widget=CheckboxInput())

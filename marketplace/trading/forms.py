"""Trading forms (portal only): a document draft with its line rows, an action with an
optional comment, derive, forward, the party's own folder and tags.

Numbers stay text here: the engine checks them, with the same rules and messages as the
API, and its field errors are shown beside the rows they name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import Form as RowForm
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from marketplace.content.forms.products import currency_choices
from marketplace.infrastructure.forms import Form
from marketplace.trading.doctypes import INCOTERMS_2020, PAYMENT_TERMS

BLANK_LINES = 2  # empty rows offered below the filled ones (JavaScript adds more)
MAX_FORM_LINES = 200


class LineRow(RowForm):
    product_id = HiddenField()
    sku = StringField(_l("SKU"), validators=[Optional(), Length(max=64)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    quantity = StringField(_l("Quantity"), validators=[Optional(), Length(max=30)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)])
    unit_price = StringField(_l("Unit price"), validators=[Optional(), Length(max=30)])
    source_line_id = HiddenField()

    def is_blank(self) -> bool:
        return not any((field.data or "").strip() for field in (
            self.product_id, self.sku, self.description, self.quantity, self.unit_price))


class DocumentForm(Form):
    type = SelectField(_l("Type"))
    recipient = SelectField(_l("To"), coerce=str)
    also_to = SelectMultipleField(_l("Also to"), coerce=str, description=_l(
        "A request for quotation may go to several suppliers: each gets its own invitation "
        "and sees only its own."))
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=300)])
    currency = SelectField(_l("Currency"), default="USD")
    incoterm = SelectField(_l("Incoterm"), default="",
                           choices=[("", "—")] + [(code, code) for code in INCOTERMS_2020])
    incoterm_place = StringField(_l("Named place"), validators=[Optional(), Length(max=120)],
                                 description=_l("FOB Kaohsiung: the port or place"))
    payment_terms = SelectField(_l("Payment terms"), default="")
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    delivery_date = DateField(_l("Delivery date"), validators=[Optional()])
    # A quotation's promised lead time (the type's extras), shown when editing one.
    lead_time_days = IntegerField(_l("Lead time (days)"),
                                  validators=[Optional(), NumberRange(min=0, max=3650)])
    # Its freight to the named place (extras): a buyer comparing bids adds it as landed cost.
    freight = DecimalField(_l("Freight"), places=2,
                           validators=[Optional(), NumberRange(min=0, max=10**12)],
                           description=_l("To the named place, in the document's currency"))
    port_of_loading = StringField(_l("Port of loading"), validators=[Optional(), Length(max=120)])
    port_of_discharge = StringField(_l("Port of discharge"),
                                    validators=[Optional(), Length(max=120)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=20000)])
    lines = FieldList(FormField(LineRow), min_entries=1, max_entries=MAX_FORM_LINES)
    version = HiddenField()
    save = SubmitField(_l("Save draft"))
    save_and_send = SubmitField(_l("Save and send"))

    def __init__(self, *args, types=(), recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = list(types)
        self.recipient.choices = [("", "—")] + list(recipients)
        self.also_to.choices = list(recipients)
        self.currency.choices = currency_choices(keep=self.currency.data)
        self.payment_terms.choices = [("", "—")] + [(code, str(label))
                                                    for code, label in PAYMENT_TERMS.items()]

    def add_blank_lines(self) -> None:
        filled = sum(not row.form.is_blank() for row in self.lines)
        while len(self.lines) < min(filled + BLANK_LINES, MAX_FORM_LINES):
            self.lines.append_entry()

    def filled_lines(self) -> list:
        return [row for row in self.lines if not row.form.is_blank()]


class ActionForm(Form):
    """One of the allowed actions (the button pressed), with an optional comment."""

    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=2000)])
    to_user_id = SelectField(_l("Colleague"), coerce=str, validate_choice=False, default="")


class DeriveForm(Form):
    type = SelectField(_l("New document"), validators=[DataRequired()])


class PartyStateForm(Form):
    folder = StringField(_l("Folder"), validators=[Optional(), Length(max=60)])
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=900)],
                       description=_l("Separated by commas"))
    submit = SubmitField(_l("Save"))

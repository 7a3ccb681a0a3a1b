"""Content forms: the product editor (with price tier and specification rows), media
upload, and the prepared inquiry. Numbers stay text here: the operation checks them
(the same rules and messages as the API and the spreadsheet import)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import Form as RowForm
from wtforms.validators import DataRequired, Length, Optional

from marketplace.content.operations.products import MAX_ATTRIBUTES, MAX_PRICE_TIERS
from marketplace.content.queries import currencies
from marketplace.infrastructure.forms import Form, country_choices

BLANK_ROWS = 3  # empty rows offered below the filled ones


class PriceTierRow(RowForm):
    min_qty = StringField(_l("From quantity"), validators=[Optional(), Length(max=30)])
    unit_price = StringField(_l("Unit price"), validators=[Optional(), Length(max=30)])

    def is_blank(self) -> bool:
        return not (self.min_qty.data or "").strip() and not (self.unit_price.data or "").strip()


class AttributeRow(RowForm):
    name = StringField(_l("Specification"), validators=[Optional(), Length(max=100)])
    value = StringField(_l("Value"), validators=[Optional(), Length(max=500)])

    def is_blank(self) -> bool:
        return not (self.name.data or "").strip() and not (self.value.data or "").strip()


def currency_choices(keep: str | None = None) -> list[tuple[str, str]]:
    """Active ISO currencies, the acting company's usual ones first (``keep``: the
    record's own code stays offered even if no longer active)."""
    return currencies.currency_choices(keep=keep)


class ProductForm(Form):
    sku = StringField(_l("SKU"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=300)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description (English)"),
                                validators=[Optional(), Length(max=20000)])
    description_zh = TextAreaField(_l("Description (Chinese)"),
                                   validators=[Optional(), Length(max=20000)])
    category = SelectField(_l("Category"), default="")
    product_line = StringField(_l("Product line"), validators=[Optional(), Length(max=200)],
                               description=_l("One of your own lines; a new name makes a new "
                                              "line."))
    unit = StringField(_l("Unit"), default="pcs", validators=[DataRequired(), Length(max=20)])
    moq = StringField(_l("Minimum order"), validators=[Optional(), Length(max=30)])
    currency = SelectField(_l("Currency"), default="USD")
    cost_price = StringField(_l("Cost price"), validators=[Optional(), Length(max=30)],
                             description=_l("What one unit costs you, in the currency above. "
                                            "Only your company sees it; customer analytics "
                                            "use it for gross margin."))
    hs_code = StringField(_l("HS code"), validators=[Optional(), Length(max=12)])
    lead_time_days = StringField(_l("Lead time (days)"), validators=[Optional(), Length(max=5)])
    packaging = StringField(_l("Packaging"), validators=[Optional(), Length(max=300)])
    port = StringField(_l("Port of loading"), validators=[Optional(), Length(max=120)])
    # For the shipping papers: customs origin, and how the goods are packed (the packing
    # list works out cartons and weights from these).
    origin_country = SelectField(_l("Country of origin"), default="")
    net_weight_kg = StringField(_l("Net weight of one unit (kg)"),
                                validators=[Optional(), Length(max=30)])
    units_per_carton = StringField(_l("Units per carton"), validators=[Optional(), Length(max=9)])
    carton_length_cm = StringField(_l("Carton length (cm)"),
                                   validators=[Optional(), Length(max=30)])
    carton_width_cm = StringField(_l("Carton width (cm)"), validators=[Optional(), Length(max=30)])
    carton_height_cm = StringField(_l("Carton height (cm)"),
                                   validators=[Optional(), Length(max=30)])
    carton_gross_weight_kg = StringField(_l("Gross weight of a full carton (kg)"),
                                         validators=[Optional(), Length(max=30)])
    price_tiers = FieldList(FormField(PriceTierRow), min_entries=BLANK_ROWS,
                            max_entries=MAX_PRICE_TIERS + BLANK_ROWS)
    attributes = FieldList(FormField(AttributeRow), min_entries=BLANK_ROWS,
                           max_entries=MAX_ATTRIBUTES + BLANK_ROWS)
    version = HiddenField()
    save = SubmitField(_l("Save"))
    publish = SubmitField(_l("Save and publish"))

    def __init__(self, *args, categories=(), language="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", "—")] + [
            (c.code, ("— " if c.parent_id else "") + c.display_name(language))
            for c in categories]
        self.currency.choices = currency_choices(keep=self.currency.data)
        self.origin_country.choices = [("", "—"), *country_choices()]

    def add_blank_rows(self) -> None:
        """Offer a few empty rows below the filled ones (more with the "Add a row" button)."""
        for rows, limit in ((self.price_tiers, MAX_PRICE_TIERS),
                            (self.attributes, MAX_ATTRIBUTES)):
            filled = sum(not row.form.is_blank() for row in rows)
            while len(rows) < min(filled + BLANK_ROWS, limit + BLANK_ROWS):
                rows.append_entry()


class MediaUploadForm(Form):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])
    caption = StringField(_l("Caption"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Upload"))


class CaptionForm(Form):
    caption = StringField(_l("Caption"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save caption"))


class InquiryDraftForm(Form):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    quantity = StringField(_l("Quantity"), validators=[DataRequired(), Length(max=30)])
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=20)])
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Keep this draft"))

"""Content forms: the company profile, factory tour items, certifications."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from marketplace.content.operations.profiles import (
    EARLIEST_YEAR_FOUNDED,
    EMPLOYEE_RANGES,
    MARKET_REGIONS,
)
from marketplace.infrastructure.forms import Form, MultiCheckboxField, country_choices


class ProfileForm(Form):
    description_en = TextAreaField(_l("About the company (English)"),
                                   validators=[Optional(), Length(max=10_000)])
    description_zh = TextAreaField(_l("About the company (Chinese)"),
                                   validators=[Optional(), Length(max=10_000)])
    year_founded = IntegerField(_l("Year founded"), validators=[
        Optional(), NumberRange(min=EARLIEST_YEAR_FOUNDED, max=date.today().year)])
    employees = SelectField(_l("Employees"), validators=[Optional()])
    market_regions = MultiCheckboxField(_l("Main markets: regions"))
    market_countries = SelectMultipleField(_l("Main markets: countries"))
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"),
                               validators=[Optional(), Email(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    version = HiddenField()
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.employees.choices = [("", "—")] + [(r, r) for r in EMPLOYEE_RANGES]
        self.market_regions.choices = [(code, str(label)) for code, label in
                                       MARKET_REGIONS.items()]
        self.market_countries.choices = country_choices()

    def main_markets(self) -> list[str]:
        return list(self.market_regions.data or []) + list(self.market_countries.data or [])


class TourUploadForm(Form):
    file = FileField(_l("Photo or video"), validators=[FileRequired(_l("Choose a file."))])
    caption_en = StringField(_l("Caption (English)"), validators=[Optional(), Length(max=300)])
    caption_zh = StringField(_l("Caption (Chinese)"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Upload"))


class TourCaptionForm(Form):
    caption_en = StringField(_l("Caption (English)"), validators=[Optional(), Length(max=300)])
    caption_zh = StringField(_l("Caption (Chinese)"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save captions"))


class CertificationForm(Form):
    name = StringField(_l("Certificate"), validators=[DataRequired(), Length(max=200)],
                       description=_l("For example ISO 9001:2015"))
    issuer = StringField(_l("Issued by"), validators=[Optional(), Length(max=200)])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    file = FileField(_l("Document (PDF or image)"))
    submit = SubmitField(_l("Save certification"))

"""Portal forms (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

import functools
import gettext

import pycountry
from flask import abort, flash
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.i18n import get_translations
from wtforms.validators import URL, DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.core.errors import DomainError
from marketplace.core.field_errors import translated
from marketplace.infrastructure.models import ROLE_LABELS, MemberRole

# pycountry's catalogs are named by territory; Taiwan goes by its common name.
COUNTRY_CATALOGS = {"zh_Hant": "zh_TW"}
COUNTRY_NAME_OVERRIDES = {"zh_Hant": {"TW": "臺灣"}}


@functools.cache
def _country_labels(locale: str) -> tuple[tuple[str, str], ...]:
    catalog = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, fallback=True,
                                  languages=[COUNTRY_CATALOGS.get(locale, locale)])
    labels = []
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        local = catalog.gettext(english)
        if local == english:
            local = catalog.gettext(country.name) if locale != "en" else english
        local = COUNTRY_NAME_OVERRIDES.get(locale, {}).get(country.alpha_2, local)
        labels.append((country.alpha_2, local))
    return tuple(sorted(labels, key=lambda pair: pair[1]))


def country_choices() -> list[tuple[str, str]]:
    """Countries by name in the page's language (the value stays the ISO code)."""
    return list(_country_labels(str(get_locale() or "en")))


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, str(ROLE_LABELS[role])) for role in MemberRole]


LANGUAGE_CHOICES = [("en", "English"), ("zh_Hant", "繁體中文")]


# WTForms ships Traditional Chinese as zh_TW; asked for zh_Hant, it would fall back
# to zh, which is Simplified.
WTFORMS_LOCALES = {"zh_Hant": "zh_TW"}


class Form(FlaskForm):
    """The portal's forms: WTForms' own messages in the page's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            locale = str(get_locale() or "en")
            if locale in WTFORMS_LOCALES:
                return get_translations([WTFORMS_LOCALES[locale]])
            return super().get_translations(form)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RegisterForm(Form):
    company_name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    roles = MultiCheckboxField(_l("We are a"), choices=[("buyer", _l("Buyer")),
                                                         ("supplier", _l("Supplier"))],
                               validators=[DataRequired(_l("Choose buyer, supplier or both."))])
    full_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Business e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(), EqualTo("password", _l("The two passwords differ."))])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Register"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", "—")] + country_choices()


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send me a reset link"))


class NewPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        DataRequired(), EqualTo("password", _l("The two passwords differ."))])
    submit = SubmitField(_l("Save password"))


class AcceptInvitationForm(NewPasswordForm):
    full_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Join"))


class ProfileForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Save profile"))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Change password"))


class CompanyForm(Form):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    roles = MultiCheckboxField(_l("We are a"), choices=[("buyer", _l("Buyer")),
                                                         ("supplier", _l("Supplier"))],
                               validators=[DataRequired(_l("Choose buyer, supplier or both."))])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=20)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    description = TextAreaField(_l("About the company"), validators=[Optional(),
                                                                      Length(max=5000)])
    category_ids = MultiCheckboxField(_l("Business categories"), coerce=int)
    version = HiddenField()
    submit = SubmitField(_l("Save company"))

    def __init__(self, *args, categories=(), language="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.category_ids.choices = [
            (c.id, ("— " if c.parent_id else "") + c.display_name(language)) for c in categories]


class InviteForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=role_choices, default="viewer")
    submit = SubmitField(_l("Send invitation"))


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=role_choices)
    submit = SubmitField(_l("Change"))


class AddressBookEntryForm(Form):
    partner_company_id = SelectField(_l("Company on the marketplace"), coerce=int, default=0)
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[Optional()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_title = StringField(_l("Job title"), validators=[Optional(), Length(max=120)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Email(),
                                                                 Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partner_company_id.choices = [(0, str(_l("— not on the marketplace —")))] + [
            (c.id, f"{c.name} ({c.country})") for c in partners]
        self.country.choices = [("", "—")] + country_choices()


class ApiKeyForm(Form):
    name = StringField(_l("Name (what system uses it)"), validators=[DataRequired(),
                                                                     Length(max=120)])
    write = BooleanField(_l("May also write (create and change records)"))
    submit = SubmitField(_l("Create key"))


class DeclineForm(Form):
    """Approve (no reason needed) or decline (a reason required) a role request."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class SuspendForm(Form):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Suspend"))


class CategoryForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=60)])
    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=120)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=120)])
    parent_id = SelectField(_l("Parent"), coerce=int, default=0)
    submit = SubmitField(_l("Add category"))


class EmptyForm(Form):
    """For buttons that POST: the CSRF token and nothing else."""


def post_with_csrf() -> None:
    """A button that POSTs carries the CSRF token and nothing else; without it, 400."""
    EmptyForm().validate_on_submit() or abort(400)


def show_errors(error: DomainError, form) -> None:
    """An operation's refusal beside the form's fields (the user's input stays on the page),
    or on top of the page when it names none of them."""
    shown = False
    for name, messages in error.errors.items():
        field = getattr(form, name.split(".")[-1], None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [translated(m) for m in messages]
            shown = True
    if not shown:
        flash(error.detail, "danger")

"""The bank details form (company settings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from marketplace.infrastructure.forms import Form

# The form's labels name the fields in the operation's refusals too.
LABELS = {
    "beneficiary_name": _l("Beneficiary (account holder)"),
    "beneficiary_address": _l("Beneficiary's address"),
    "bank_name": _l("Bank"),
    "bank_address": _l("Bank's address"),
    "swift_bic": _l("SWIFT/BIC"),
    "account_number": _l("Account number"),
    "iban": _l("IBAN"),
    "currency": _l("Account currency"),
    "intermediary_bank_name": _l("Intermediary bank"),
    "intermediary_swift_bic": _l("Intermediary bank's SWIFT/BIC"),
    "instructions": _l("Payment instructions"),
}


def _text(name: str, length: int):
    return StringField(LABELS[name], validators=[Optional(), Length(max=length)])


class BankDetailsForm(Form):
    beneficiary_name = _text("beneficiary_name", 200)
    beneficiary_address = _text("beneficiary_address", 300)
    bank_name = _text("bank_name", 200)
    bank_address = _text("bank_address", 300)
    swift_bic = _text("swift_bic", 20)
    account_number = _text("account_number", 60)
    iban = _text("iban", 50)
    # Active ISO currencies, the company's usual ones first (choices set by the view).
    currency = SelectField(LABELS["currency"], validators=[Optional()], validate_choice=False)
    intermediary_bank_name = _text("intermediary_bank_name", 200)
    intermediary_swift_bic = _text("intermediary_swift_bic", 20)
    instructions = TextAreaField(LABELS["instructions"],
                                 validators=[Optional(), Length(max=1000)])
    version = HiddenField()
    submit = SubmitField(_l("Save bank details"))

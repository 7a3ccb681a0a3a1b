"""Forms of guest links: the issuer's "Send to a contact" and the guest's answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from marketplace.infrastructure.forms import Form
from marketplace.trading.operations.guest_links import MAX_MESSAGE


class GuestLinkForm(Form):
    contact_id = SelectField(_l("Contact"), coerce=int,
                             validators=[DataRequired(_l("Choose a contact."))])
    message = TextAreaField(_l("Note in the e-mail (optional)"),
                            validators=[Optional(), Length(max=MAX_MESSAGE)])
    submit = SubmitField(_l("Send by e-mail"))


class GuestAcceptForm(Form):
    comment = TextAreaField(_l("Comment (optional)"),
                            validators=[Optional(), Length(max=MAX_MESSAGE)])
    submit = SubmitField(_l("Accept this quotation"))


class GuestChangeForm(Form):
    message = TextAreaField(_l("What should change?"),
                            validators=[DataRequired(_l("Say what should change.")),
                                        Length(max=MAX_MESSAGE)])
    submit = SubmitField(_l("Ask for a change"))

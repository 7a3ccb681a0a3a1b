"""Conversation forms: a message (text and files), a new conversation, and the one-box
contact to a supplier (quantity, unit, target price, message, files). Numbers stay
text: the operation checks them with the same messages as everywhere."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from marketplace.infrastructure.forms import Form

FILES_HELP = _l("Images or PDFs, up to 10 files.")


class MessageForm(Form):
    body = TextAreaField(_l("Message"), validators=[Optional(), Length(max=5000)])
    files = MultipleFileField(_l("Attach files"), description=FILES_HELP)
    send = SubmitField(_l("Send"))


class ContactForm(Form):
    """The one box: an inquiry sent in one step. ``product_id`` and ``currency`` are
    offered on a supplier profile (on a product page, the product gives them)."""

    product_id = SelectField(_l("Product"), default="", validate_choice=False)
    quantity = StringField(_l("Quantity"), validators=[Length(max=30)])
    unit = StringField(_l("Unit"), default="pcs", validators=[Length(max=20)])
    target_price = StringField(_l("Target price per unit (optional)"),
                               validators=[Optional(), Length(max=30)])
    currency = SelectField(_l("Currency"), default="USD", validate_choice=False)
    message = TextAreaField(_l("Message"), validators=[Length(max=5000)])
    files = MultipleFileField(_l("Attach files"), description=FILES_HELP)
    send = SubmitField(_l("Send inquiry"))

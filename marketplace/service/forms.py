"""Service case forms: a new case (with whom, type, priority, subject, description,
files), a message, and the one-click rating. Subject and description are checked by
the operation (the same words as the API)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from marketplace.infrastructure.forms import Form

FILES_HELP = _l("Photos or PDFs, up to 10 files.")
TYPE_LABELS = {"complaint": _l("Complaint"), "question": _l("Question"),
               "return": _l("Return"), "quality": _l("Quality")}
PRIORITY_LABELS = {"low": _l("Low"), "normal": _l("Normal"), "high": _l("High"),
                   "urgent": _l("Urgent")}
STATUS_LABELS = {"open": _l("Open"), "waiting": _l("Waiting for the opener"),
                 "resolved": _l("Resolved"), "closed": _l("Closed")}


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class CaseForm(Form):
    counterparty_company_id = SelectField(_l("With"), coerce=_optional_int,
                                          validate_choice=False)
    type = SelectField(_l("Type"), choices=list(TYPE_LABELS.items()), default="complaint")
    priority = SelectField(_l("Priority"), choices=list(PRIORITY_LABELS.items()),
                           default="normal")
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=300)])
    body = TextAreaField(_l("What happened"), validators=[Optional(), Length(max=5000)])
    files = MultipleFileField(_l("Attach files"), description=FILES_HELP)
    document_id = HiddenField()
    order_id = HiddenField()
    send = SubmitField(_l("Open the case"))


class CaseMessageForm(Form):
    body = TextAreaField(_l("Message"), validators=[Optional(), Length(max=5000)])
    files = MultipleFileField(_l("Attach files"), description=FILES_HELP)
    send = SubmitField(_l("Send"))

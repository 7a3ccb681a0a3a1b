"""The back office's portal forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from marketplace.backoffice.models import REASON_LABELS, ReportReason
from marketplace.infrastructure.forms import Form


class PeriodForm(Form):
    """The dashboard's date range (GET, no CSRF)."""

    class Meta(Form.Meta):
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


class AuditFilterForm(Form):
    """The audit trail's filters (GET, no CSRF)."""

    class Meta(Form.Meta):
        csrf = False

    company = StringField(_l("Company"), validators=[Optional(), Length(max=200)],
                          description=_l("Its name, or its number"))
    member = StringField(_l("Member"), validators=[Optional(), Length(max=254)],
                         description=_l("Name or e-mail, or the member's number"))
    action = SelectField(_l("Action"), choices=[], validate_choice=False,
                         validators=[Optional()])
    object_type = SelectField(_l("Object"), choices=[], validate_choice=False,
                              validators=[Optional()])
    object_id = IntegerField(_l("Object number"), validators=[
        Optional(), NumberRange(min=1, max=2**31 - 1)])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


class ReportForm(Form):
    reason = SelectField(_l("What is wrong?"), choices=[], validators=[
        DataRequired(message=_l("Choose a reason."))])
    text = TextAreaField(_l("Tell the operator more"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = [("", _l("Choose…"))] + [
            (reason.value, REASON_LABELS[reason]) for reason in ReportReason]


class ReasonForm(Form):
    reason = StringField(_l("Reason"), validators=[
        DataRequired(message=_l("Give a reason.")), Length(max=300)])


class CompanyReasonForm(Form):
    reason = StringField(_l("Reason"), validators=[
        DataRequired(message=_l("Give a reason.")), Length(max=500)])


class NoteForm(Form):
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])

"""Portal forms of notifications and webhooks (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from marketplace.infrastructure.forms import Form, MultiCheckboxField
from marketplace.infrastructure.notifications import events as registry


def _event_choices(**which) -> list[tuple[str, str]]:
    return [(event.name, event.title) for event in registry.known_events(**which)]


class EmailPreferencesForm(Form):
    email_events = MultiCheckboxField(_l("Also send me an e-mail for"))
    submit = SubmitField(_l("Save e-mail settings"))

    def __init__(self, *args, operator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.email_events.choices = [(event.name, event.title)
                                     for event in registry.offered_by_email(operator=operator)]


class WebhookForm(Form):
    url = StringField(_l("URL that receives the events"),
                      validators=[DataRequired(), Length(max=2000)])
    events = MultiCheckboxField(_l("Events"), validators=[DataRequired(
        _l("Choose at least one event."))])
    description = StringField(_l("Description (optional)"),
                              validators=[Optional(), Length(max=200)])
    secret = StringField(_l("Secret (optional: leave empty and one is made for you)"),
                         validators=[Optional(), Length(min=16, max=200)])
    version = HiddenField()
    submit = SubmitField(_l("Add webhook"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = _event_choices(webhook=True)

"""Favourites forms (HTML pages only): naming a saved search, renaming it, its alerts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length


class SaveSearchForm(FlaskForm):
    name = StringField(_l("Name of the saved search"),
                       validators=[DataRequired(_l("Give the search a name.")),
                                   Length(max=120)])
    alerts = BooleanField(_l("Tell me about new products that match"), default=True)
    q = HiddenField()
    category = HiddenField()
    country = HiddenField()
    supplier = HiddenField()
    min_price = HiddenField()
    max_price = HiddenField()
    currency = HiddenField()


class SavedSearchForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the search a name.")),
                                               Length(max=120)])
    alerts = BooleanField(_l("Alerts: new products in the bell and the daily digest"))

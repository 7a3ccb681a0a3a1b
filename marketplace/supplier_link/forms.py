"""Supplier link forms (HTML pages only): the buyer's claim with its comment and photos."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField
from wtforms.validators import Length, Optional


class ClaimForm(FlaskForm):
    comment = TextAreaField(_l("What is wrong with the goods"),
                            validators=[Optional(), Length(max=2000)])
    photos = MultipleFileField(_l("Photos"))

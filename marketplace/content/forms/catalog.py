"""Content forms: the offline catalog's upload."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from marketplace.infrastructure.forms import Form


class CatalogUploadForm(Form):
    file = FileField(_l("Filled-in template (.xlsx or .csv)"),
                     validators=[FileRequired(_l("Choose the spreadsheet to import."))])
    images = FileField(_l("Images (.zip, optional)"))
    submit = SubmitField(_l("Import"))

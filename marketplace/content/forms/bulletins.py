"""Content forms: bulletins."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from marketplace.content.models import BulletinKind
from marketplace.infrastructure.forms import Form

KIND_LABELS = {
    BulletinKind.PRODUCT_NEWS: _l("Product news"),
    BulletinKind.BUY_OFFER: _l("Buying"),
    BulletinKind.SELL_OFFER: _l("Selling"),
}


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.value, str(label)) for kind, label in KIND_LABELS.items()]


class BulletinForm(Form):
    kind = SelectField(_l("Kind"), choices=kind_choices, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=10_000)])
    category = SelectField(_l("Category"), coerce=int, validators=[DataRequired(
        _l("Choose a category."))])
    product_id = SelectField(_l("Product (optional)"), coerce=int, default=0)
    expires_at = DateField(_l("Show until"), validators=[DataRequired(
        _l("Give the last day the bulletin is shown."))])
    version = HiddenField()
    submit = SubmitField(_l("Publish bulletin"))

    def __init__(self, *args, categories=(), products=(), language="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [(0, "—")] + [
            (c.id, ("— " if c.parent_id else "") + c.display_name(language)) for c in categories]
        self.product_id.choices = [(0, str(_l("— none —")))] + [
            (p.id, f"{p.sku} · {p.name}") for p in products]


class HideForm(Form):
    reason = StringField(_l("Reason (the poster sees it)"),
                         validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Hide"))

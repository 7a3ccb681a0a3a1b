"""The department form (company settings → Departments)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length, Optional

from marketplace.infrastructure.forms import Form


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class DepartmentForm(Form):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)],
                       description=_l("e.g. Sales Asia, Purchasing Textiles"))
    head_user_id = SelectField(_l("Head"), coerce=_optional_int, validate_choice=False,
                               description=_l("Approval rules may name the head of a "
                                              "department as approver."))
    member_ids = SelectMultipleField(_l("Members"), coerce=int, validate_choice=False)
    save = SubmitField(_l("Save department"))

    def offer(self, members: list[tuple[int, str]]) -> DepartmentForm:
        self.head_user_id.choices = [("", str(_l("Nobody yet")))] + members
        self.member_ids.choices = members
        return self

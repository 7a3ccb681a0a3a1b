"""Fulfillment forms for the portal's pages (the API has its own schemas)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from marketplace.fulfillment.labels import PAYMENT_METHOD
from marketplace.fulfillment.models import PaymentMethod

METHOD_LABELS = PAYMENT_METHOD


class ShipmentEventForm(FlaskForm):
    status = SelectField(_l("Next step"), validators=[DataRequired()])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])


class PaymentForm(FlaskForm):
    amount = DecimalField(_l("Amount"), places=None,
                          validators=[DataRequired(), NumberRange(min=0.0001)])
    method = SelectField(_l("Method"), choices=[(m.value, METHOD_LABELS[m.value])
                                                for m in PaymentMethod])
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=200)])


# ----- the order lines' quantity fields of the split, shipment and "ship again" forms ------


def line_quantities(form: Mapping[str, str], prefix: str,
                    measures: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """``<prefix><line id>`` form fields with a quantity filled in, each with the
    ``<measure>-<line id>`` fields filled in beside it (packages, weights, volume)."""
    lines = []
    for name, value in form.items():
        if name.startswith(prefix) and value.strip():
            line_id = name.removeprefix(prefix)
            item = {"order_line_id": line_id, "quantity": value.strip()}
            for measure in measures:
                given = (form.get(f"{measure}-{line_id}") or "").strip()
                if given:
                    item[measure] = given
            lines.append(item)
    return lines


SHIPMENT_HEADER = ("carrier", "mode", "vessel", "voyage", "flight_number", "tracking_number",
                   "port_of_loading", "port_of_discharge", "etd", "eta")


def shipment_values(form: Mapping[str, str], open_lines: Iterable[Any],
                    measures: tuple[str, ...]) -> dict[str, Any]:
    """The new-shipment form as the API's ``ShipmentArgsSchema`` takes it: the header
    fields filled in, the container numbers (comma-separated), the lines with a
    quantity and the orders of those among ``open_lines``."""
    wanted = line_quantities(form, "ship-", measures)
    chosen = {item["order_line_id"] for item in wanted}
    order_ids = sorted({line.order_id for line in open_lines if str(line.id) in chosen})
    header = {key: form.get(key) or None for key in SHIPMENT_HEADER}
    if header["mode"] == "air":  # the form's one "voyage / flight" field
        header["flight_number"], header["voyage"] = header["voyage"], None
    containers = [c.strip() for c in (form.get("container_numbers") or "").split(",")
                  if c.strip()]
    return {**{key: value for key, value in header.items() if value is not None},
            "container_numbers": containers, "order_ids": order_ids or [0], "lines": wanted}


# ----- money: payment advices and statements ---------------------------------------------------


class PaymentAdviceForm(FlaskForm):
    amount = DecimalField(_l("Amount paid"), places=None,
                          validators=[DataRequired(), NumberRange(min=0.0001)])
    paid_on = DateField(_l("Value date"), validators=[DataRequired()])
    reference = StringField(_l("Bank reference (MT103 / UETR)"),
                            validators=[DataRequired(), Length(max=200)])
    payer_bank = StringField(_l("Paid from (your bank)"),
                             validators=[Optional(), Length(max=200)])
    note = TextAreaField(_l("Note to the supplier"), validators=[Optional(), Length(max=2000)])


class DeclineAdviceForm(FlaskForm):
    reason = StringField(_l("Why not received"), validators=[DataRequired(), Length(max=1000)])


class StatementForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only reads

    buyer_id = SelectField(_l("Customer"), coerce=int, validators=[DataRequired()])
    period_from = DateField(_l("From"), validators=[Optional()])
    period_to = DateField(_l("To"), validators=[Optional()])
    currency = SelectField(_l("Currency"), validators=[Optional()])

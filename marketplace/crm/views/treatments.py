"""Differentiated treatment in the portal: the supplier's terms per segment (settings
page), and the notice on a derived quotation saying which segment's terms it got.
Also wires the engine's ``document_derived`` signal to crm (views load with the app)."""

from __future__ import annotations

import functools

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from marketplace.content.queries.currencies import currency_choices
from marketplace.core import guards, slots
from marketplace.core.errors import Forbidden, ValidationFailed
from marketplace.core.signals import document_derived
from marketplace.crm import bp
from marketplace.crm.models.treatments import SEGMENTS
from marketplace.crm.operations import treatments as treatment_operations
from marketplace.crm.operations.treatments import FIELD_LABELS, SEGMENT_LABELS
from marketplace.crm.queries import treatments as treatment_queries
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import EmptyForm

document_derived.connect(treatment_operations.apply_segment_treatment)


SUPPLIERS_ONLY = _l("Customer analytics are for suppliers about their own customers.")


def supplier_member(view):
    """A page about the supplier's own customers: members of a supplier company only
    (a buyer, the operator or a role without document access is refused with 403), in
    that order: company, supplier, then the role's permission."""
    allowed = guards.permission_required("documents.view")(view)

    @functools.wraps(view)
    def suppliers_only(*args, **kwargs):
        if not guards.current_actor().company.is_supplier:
            raise Forbidden(str(SUPPLIERS_ONLY))
        return allowed(*args, **kwargs)

    return guards.company_member_required(message=SUPPLIERS_ONLY)(suppliers_only)


def _form_values() -> list[dict]:
    return [{"segment": segment, **{field: request.form.get(f"{segment}-{field}", "")
                                    for field in FIELD_LABELS}} for segment in SEGMENTS]


def _stored_values(supplier_id: int) -> dict[str, dict]:
    def text(value) -> str:
        return "" if value is None else (f"{value.normalize():f}" if hasattr(value, "normalize")
                                         else str(value))

    return {row.segment: {field: text(getattr(row, field)) for field in FIELD_LABELS}
            for row in treatment_queries.treatments_of(supplier_id)}


@bp.route("/treatments", methods=["GET", "POST"])
@supplier_member
def treatments():
    from marketplace.trading.doctypes import PAYMENT_TERMS

    actor = current_actor()
    may_edit = actor.can("documents.settings")
    errors: dict = {}
    error_message = None
    values = _stored_values(actor.company.id)
    status = 200
    if request.method == "POST":
        EmptyForm().validate_on_submit() or abort(400)
        if not may_edit:
            raise Forbidden(str(_l("Your role does not allow this.")))
        submitted = _form_values()
        try:
            treatment_operations.set_treatments(actor, submitted)
        except ValidationFailed as refusal:
            errors, error_message, status = refusal.errors, refusal.detail, 422
            values = {row["segment"]: row for row in submitted}  # nothing typed is lost
        else:
            flash(_("Terms per segment saved. Quotations derived from now on get them."),
                  "success")
            return redirect(url_for("crm.treatments"))
    currencies = currency_choices()  # active ISO currencies, the company's usual first
    return render_template("crm/treatments.html", segments=SEGMENTS,
                           segment_labels=SEGMENT_LABELS, field_labels=FIELD_LABELS,
                           payment_terms=PAYMENT_TERMS, values=values, errors=errors,
                           error_message=error_message, may_edit=may_edit,
                           currencies=currencies,
                           currency_codes={code for code, _label in currencies}), status


# ----- the notice on a derived quotation (trading's pages name the slots) ------------------


def _applied_notice(document, *, editor: bool) -> Markup | None:
    """Only the issuing supplier's members see it: the buyer never learns its segment."""
    actor = current_actor()
    if actor is None or actor.company is None \
            or actor.company.id != document.issuer_company_id:
        return None
    record = treatment_queries.applied_to(document.id, actor.company.id)
    if record is None:
        return None
    return Markup(render_template(
        "crm/_applied_treatment.html", record=record, document=document, editor=editor,
        segment_label=SEGMENT_LABELS.get(record.segment, record.segment),
        summary=treatment_queries.applied_summary(record)))


slots.register("document_editor.notice",
               lambda document: _applied_notice(document, editor=True))
slots.register("document_page.notice",
               lambda document: _applied_notice(document, editor=False))

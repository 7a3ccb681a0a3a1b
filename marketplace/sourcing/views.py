"""Sourcing's portal pages: the notice on an rfq's page (sealed until …, a countdown,
how many answered; the closing time of a draft), the comparison with the award form
and its Excel file, and the changes of a revision on its document page."""

from __future__ import annotations

from datetime import UTC

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from marketplace.core import slots
from marketplace.core.errors import DomainError, NotFound, refusal_goes_back, refusal_text
from marketplace.core.guards import company_member_required
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.auth import current_actor
from marketplace.sourcing import bp, exports, operations, queries
from marketplace.sourcing.exports import CHANGE_LABELS, field_label
from marketplace.sourcing.forms import AwardForm, ClosingForm
from marketplace.sourcing.sealing import closing_time, is_invitation
from marketplace.sourcing.tasks import request_end_sweep
from marketplace.trading.doctypes import PAYMENT_TERMS
from marketplace.trading.operations.documents import update_document
from marketplace.trading.queries.documents import issued_document

NO_COMPANY = _l("Requests for quotation belong to companies; the operator has none.")
# Revisions whose changes a document page shows against the document they revise.
REVISED_TYPES = ("quotation", "proforma_invoice", "purchase_order", "change_request",
                 "order_confirmation")

bp.after_app_request(request_end_sweep.after_request)


def _context() -> dict:
    return {"payment_terms_label": lambda code: str(PAYMENT_TERMS.get(code, code or "")),
            "field_label": field_label, "change_labels": CHANGE_LABELS}


# ----- the notices on trading's document page ------------------------------------------------


def _rfq_notice(document) -> Markup | None:
    if document.type != "rfq":
        return None
    actor = current_actor()
    if actor is None or actor.company is None:
        return None
    own = actor.company.id == document.issuer_company_id
    closes_at = closing_time(document)
    sourcing = queries.request_of_rfq(document) if document.status != "draft" else None
    master = own and not is_invitation(document)
    answered = queries.bid_count(sourcing) if master and sourcing else None
    invited = len(queries.invitations(sourcing)) if master and sourcing else None
    form = ClosingForm(closes_at=closes_at.replace(tzinfo=None) if closes_at else None) \
        if master and document.status == "draft" else None
    if closes_at is None and form is None and sourcing is None:
        return None
    return Markup(render_template(
        "sourcing/_rfq_notice.html", document=document, closes_at=closes_at,
        sealed=closes_at is not None and utcnow() < closes_at, master=master,
        sourcing=sourcing, answered=answered, invited=invited, form=form))


def _changes_notice(document) -> Markup | None:
    if document.type not in REVISED_TYPES or document.parent_id is None:
        return None
    actor = current_actor()
    if actor is None or actor.company is None:
        return None
    try:
        diff = queries.difference(document.id, None, actor)
    except NotFound:  # the parent is not the reader's to see (or a sealed bid)
        return None
    if diff.against.type == "rfq" and document.type == "quotation":
        return None  # an answer, not a revision: nothing of it "changed"
    return Markup(render_template("sourcing/_changes.html", diff=diff, **_context()))


slots.register("document_page.notice", _rfq_notice)
slots.register("document_page.notice", _changes_notice)


# ----- a draft rfq's closing time ----------------------------------------------------------


@bp.route("/rfqs/<int:rfq_id>/closing", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def set_closing(rfq_id):
    actor = current_actor()
    document = issued_document(rfq_id, actor)
    page = url_for("trading.document_page", document_id=document.id)
    form = ClosingForm()
    if not form.validate_on_submit():
        flash(_l("Nothing was saved: %(field)s needs a date and time.",
                 field=form.closes_at.label.text), "danger")
        return redirect(page, 303)
    closes_at = form.closes_at.data.replace(tzinfo=UTC)
    with refusal_goes_back(page):
        update_document(document, actor, {"closes_at": closes_at})
    flash(_l("%(number)s stays sealed until %(time)s UTC.", number=document.number,
             time=closes_at.strftime("%Y-%m-%d %H:%M")), "success")
    return redirect(page, 303)


# ----- the comparison and the award ---------------------------------------------------------


def _award_form(comparison) -> AwardForm:
    form = AwardForm()
    suppliers = {(bid.id, comparison.names.get(bid.issuer_company_id, "")) for bid in
                 comparison.bids}
    form.everything_to.choices = [("", "—")] + [(str(ident), name) for ident, name in
                                                sorted(suppliers, key=lambda s: s[1])]
    return form


@bp.route("/rfqs/<int:rfq_id>/comparison")
@company_member_required("documents.view", message=NO_COMPANY)
def comparison(rfq_id):
    actor = current_actor()
    sourcing = queries.buyers_request(rfq_id, actor)
    if sourcing.sealed():
        return render_template("sourcing/sealed.html", sourcing=sourcing,
                               answered=queries.bid_count(sourcing),
                               invited=len(queries.invitations(sourcing))), 409
    found = queries.comparison(sourcing)
    return render_template("sourcing/comparison.html", comparison=found,
                            form=_award_form(found), **_context())


@bp.route("/rfqs/<int:rfq_id>/comparison.xlsx")
@company_member_required("documents.view", message=NO_COMPANY)
def comparison_xlsx(rfq_id):
    sourcing = queries.buyers_request(rfq_id, current_actor())
    return exports.comparison_xlsx(queries.comparison(sourcing))


def _chosen(form: AwardForm, comparison) -> list[dict]:
    if form.everything_to.data:
        bid = next((b for b in comparison.bids if str(b.id) == form.everything_to.data), None)
        supplier = bid.issuer_company_id if bid else None
        return [{"line_id": line.line_id, "quotation_id": cell.quotation_id}
                for line in comparison.open_lines for cell in line.bids
                if cell.supplier_id == supplier]
    awards = []
    for line in comparison.open_lines:
        raw = request.form.get(f"line-{line.line_id}", "")
        if raw.isdigit():
            awards.append({"line_id": line.line_id, "quotation_id": int(raw)})
    return awards


@bp.route("/rfqs/<int:rfq_id>/award", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def award(rfq_id):
    actor = current_actor()
    sourcing = queries.buyers_request(rfq_id, actor)
    page = url_for("sourcing.comparison", rfq_id=rfq_id)
    found = queries.comparison(sourcing)
    form = _award_form(found)
    if not form.validate_on_submit():
        return render_template("sourcing/comparison.html", comparison=found, form=form,
                               **_context()), 422
    try:
        orders = operations.award(rfq_id, actor, _chosen(form, found),
                                  reason=form.reason.data, disclose=form.disclose.data)
    except DomainError as error:
        # Nothing of it is kept; the page comes back with the choices as they were made.
        db.session.rollback()
        flash(refusal_text(error), "danger")
        found = queries.comparison(queries.buyers_request(rfq_id, actor))
        form = _award_form(found)
        return render_template("sourcing/comparison.html", comparison=found, form=form,
                               **_context()), error.status
    flash(_l("Awarded. Purchase orders to send: %(numbers)s.",
             numbers=", ".join(order.number for order in orders)), "success")
    return redirect(page, 303)


# ----- the changes of a revision as a file -------------------------------------------------


@bp.route("/documents/<int:document_id>/changes.xlsx")
@company_member_required("documents.view", message=NO_COMPANY)
def changes_xlsx(document_id):
    against = request.args.get("against", type=int)
    return exports.difference_xlsx(queries.difference(document_id, against, current_actor()))

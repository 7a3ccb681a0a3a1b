"""Portal: letters of credit (list, record, read), "Ship the open lines" (a form
pre-filled from the order; one confirmation books the shipment and issues its papers),
and the progress of a document set's PDFs laid out in the background."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.core import slots
from marketplace.core.errors import Conflict, ValidationFailed
from marketplace.core.guards import company_actor, permission_required
from marketplace.core.scoping import get_visible, visible
from marketplace.extensions import db
from marketplace.fulfillment import bp, queries
from marketplace.fulfillment.letter_of_credit_forms import LetterOfCreditForm, ShipOpenLinesForm
from marketplace.fulfillment.models import (
    DocumentRender,
    DocumentRenderStatus,
    LetterOfCredit,
    Shipment,
    ShipmentMode,
    ShippingDocument,
)
from marketplace.fulfillment.operations import document_sets
from marketplace.fulfillment.operations import letters_of_credit as credit_ops
from marketplace.fulfillment.operations.letters_of_credit import LcWarnings
from marketplace.fulfillment.schemas import LetterOfCreditArgsSchema, ShipmentArgsSchema
from marketplace.fulfillment.views import (
    KIND_LABELS,
    MODE_LABELS,
    OPERATOR_ONLY_READS,
    _context,
    _csrf,
    _load,
)
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import show_errors

WARNING_LABELS = {
    "lc_expired": _l("The letter of credit has expired"),
    "shipment_after_latest_date": _l("Shipped after the latest shipment date"),
    "amount_above_lc": _l("Above the credit's amount and tolerance"),
    "partial_shipment_forbidden": _l("A partial shipment the credit forbids"),
}
MEASURES = ("packages", "net_weight", "gross_weight", "volume", "hs_code", "origin_country")


# ----- letters of credit ----------------------------------------------------------------------


@bp.route("/letters-of-credit")
@permission_required("fulfillment.view")
def letters_of_credit():
    actor = company_actor(OPERATOR_ONLY_READS)
    credits = db.session.scalars(visible(LetterOfCredit, operator_sees_all=False)
                                 .order_by(LetterOfCredit.id.desc())).all()
    return render_template("fulfillment/letters_of_credit.html", credits=credits,
                           former=queries.lc_clauses() if actor.company.is_supplier else [],
                           is_supplier=actor.company.is_supplier, **_context())


def _required_documents(form) -> list[dict]:
    """The table of papers: a row counts when its box is ticked."""
    rows = []
    for kind in credit_ops.REQUIRED_DOCUMENT_KINDS:
        if form.get(f"doc-{kind}"):
            rows.append({"kind": kind, "originals": form.get(f"originals-{kind}") or 1,
                         "copies": form.get(f"copies-{kind}") or 0})
    return rows


@bp.route("/letters-of-credit/new", methods=["GET", "POST"])
@permission_required("fulfillment.manage")
def new_letter_of_credit():
    actor = company_actor(OPERATOR_ONLY_READS)
    order = queries.order(request.args.get("order", type=int) or 0) \
        if request.args.get("order") else None
    candidates = [o for o in db.session.scalars(queries.orders(role="supplier"))
                  if o.status not in ("closed", "cancelled")
                  and (order is None or o.buyer_company_id == order.buyer_company_id)]
    form = LetterOfCreditForm()
    if request.method == "GET" and order is not None:
        form.currency.data = order.currency
        form.amount.data = order.total_amount
    # The credit is in its orders' currency: offer those (the one chosen stays).
    form.currency.choices = [(code, code) for code in sorted(
        {o.currency for o in candidates} | ({form.currency.data} if form.currency.data
                                            else set()))] or [("USD", "USD")]
    chosen = {int(i) for i in request.form.getlist("order_ids") if i.isdigit()} \
        if request.method == "POST" else ({order.id} if order else set())
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                args = _load(LetterOfCreditArgsSchema, {
                    "number": form.number.data, "issuing_bank": form.issuing_bank.data,
                    "advising_bank": form.advising_bank.data or None,
                    "issue_date": form.issue_date.data.isoformat(),
                    "expiry_date": form.expiry_date.data.isoformat(),
                    "expiry_place": form.expiry_place.data or None,
                    "latest_shipment_date": form.latest_shipment_date.data.isoformat()
                    if form.latest_shipment_date.data else None,
                    "amount": str(form.amount.data), "currency": form.currency.data,
                    "tolerance_pct": str(form.tolerance_pct.data or 0),
                    "partial_shipments": form.partial_shipments.data,
                    "transhipment": form.transhipment.data,
                    "presentation_days": form.presentation_days.data,
                    "required_documents": _required_documents(request.form),
                    "clauses": [c for c in (form.clauses.data or "").splitlines() if c.strip()],
                    "order_ids": sorted(chosen) or [0]})
                credit = credit_ops.create_letter_of_credit(
                    queries.orders_by_ids(args["order_ids"]), args, actor)
            except (ValidationFailed, Conflict) as error:
                show_errors(error, form)
                status = error.status
            else:
                flash(_l("Letter of credit %(number)s recorded: it prints on the papers of "
                         "these orders' shipments.", number=credit.number), "success")
                return redirect(url_for("fulfillment.letter_of_credit", credit_id=credit.id))
        else:
            status = 422
    return render_template("fulfillment/letter_of_credit_form.html", form=form,
                           candidates=candidates, chosen=chosen,
                           kinds=credit_ops.REQUIRED_DOCUMENT_KINDS,
                           posted=request.form if request.method == "POST" else None,
                           **_context()), status


@bp.route("/letters-of-credit/<int:credit_id>")
@permission_required("fulfillment.view")
def letter_of_credit(credit_id):
    credit = get_visible(LetterOfCredit, credit_id, operator_sees_all=False)
    shipped = credit_ops.shipped_under(credit)
    shipments = db.session.scalars(
        visible(Shipment, operator_sees_all=False)
        .where(Shipment.id.in_(_shipment_ids(credit))).order_by(Shipment.id)).all()
    return render_template("fulfillment/letter_of_credit.html", credit=credit, shipped=shipped,
                           left=credit.ceiling - shipped, shipments=shipments,
                           kinds=credit_ops.REQUIRED_DOCUMENT_KINDS, **_context())


def _shipment_ids(credit: LetterOfCredit) -> list[int]:
    from marketplace.fulfillment.models import OrderLine, ShipmentLine

    return list(db.session.scalars(
        select(ShipmentLine.shipment_id).join(OrderLine, ShipmentLine.order_line_id == OrderLine.id)
        .where(OrderLine.order_id.in_(credit.order_ids)).distinct()))


# ----- ship the open lines --------------------------------------------------------------------


def _last_shipment_to(buyer_id: int) -> Shipment | None:
    return db.session.scalars(
        visible(Shipment, operator_sees_all=False)
        .where(Shipment.buyer_company_id == buyer_id).order_by(Shipment.id.desc())).first()


def _prefill(form: ShipOpenLinesForm, order, last: Shipment | None) -> None:
    """The order's ports, the first requested date, the carrier, forwarder and mode of
    the last shipment to this buyer."""
    form.port_of_loading.data = order.port_of_loading
    form.port_of_discharge.data = order.port_of_discharge
    dates = sorted(line.requested_delivery_date for line in order.lines
                   if line.requested_delivery_date and line.open_quantity > 0)
    form.etd.data = dates[0] if dates else None
    if last is not None:
        form.carrier.data = last.carrier
        form.mode.data = last.mode


def _line_values(order) -> list[dict]:
    lines = []
    for line in order.lines:
        quantity = (request.form.get(f"ship-{line.id}") or "").strip()
        if not quantity:
            continue
        item = {"order_line_id": line.id, "quantity": quantity}
        for measure in MEASURES:
            given = (request.form.get(f"{measure}-{line.id}") or "").strip()
            if given:
                item[measure] = given
        lines.append(item)
    return lines


@bp.route("/orders/<int:order_id>/ship", methods=["GET", "POST"])
@permission_required("fulfillment.manage")
def ship_open_lines(order_id):
    """Ship the open lines: one confirmation books the shipment and issues its papers."""
    actor = company_actor(OPERATOR_ONLY_READS)
    order = queries.order(order_id)
    if order.supplier_company_id != actor.company.id:
        abort(404)
    last = _last_shipment_to(order.buyer_company_id)
    form = ShipOpenLinesForm()
    form.mode.choices = [(m.value, MODE_LABELS[m.value]) for m in ShipmentMode]
    forwarder = request.form.get("forwarder") if request.method == "POST" else \
        (last.forwarder if last else None)
    credit = credit_ops.letter_of_credit_of_order(order)
    warnings: list[dict] = []
    problems: dict[str, list[str]] = {}
    status = 200
    if request.method == "GET":
        _prefill(form, order, last)
    elif form.validate_on_submit():
        values = {key: getattr(form, key).data for key in (
            "carrier", "mode", "vessel", "voyage", "flight_number", "tracking_number",
            "bill_of_lading", "port_of_loading", "port_of_discharge")
            if getattr(form, key).data}
        values.update({key: getattr(form, key).data.isoformat() for key in (
            "on_board_date", "etd", "eta") if getattr(form, key).data})
        if forwarder:
            values["forwarder"] = forwarder.strip()[:120]
        try:
            args = _load(ShipmentArgsSchema, {
                **values, "order_ids": [order.id], "lines": _line_values(order) or [],
                "issue_documents": True,
                "acknowledge_warnings": request.form.getlist("acknowledge")})
            shipment, _printed, render = document_sets.ship_and_issue(
                [order], args, actor, locale=str(get_locale() or "en"))
        except LcWarnings as error:
            warnings, status = error.extra.get("warnings", []), 409
        except (ValidationFailed, Conflict) as error:
            show_errors(error, form)
            problems = {name: messages for name, messages in error.errors.items()
                        if not hasattr(form, name.split(".")[-1])}
            status = error.status
        else:
            flash(_l("Shipment %(number)s booked and its papers issued.",
                     number=shipment.number), "success")
            return redirect(url_for("fulfillment.document_render", shipment_id=shipment.id,
                                    render_id=render.id))
    else:
        status = 422
    return render_template("fulfillment/ship_open_lines.html", order=order, form=form,
                           forwarder=forwarder, credit=credit, warnings=warnings,
                           problems=problems,
                           warning_labels=WARNING_LABELS, posted=request.form
                           if request.method == "POST" else None,
                           packing={line.id: document_sets.line_defaults(line)
                                    for line in order.lines},
                           **_context()), status


# ----- background rendering -------------------------------------------------------------------


def _render(shipment_id: int, render_id: int) -> DocumentRender:
    render = get_visible(DocumentRender, render_id, operator_sees_all=False)
    if render.shipment_id != shipment_id:
        abort(404)
    return render


def _progress(render: DocumentRender) -> dict:
    documents = db.session.scalars(select(ShippingDocument).where(
        ShippingDocument.id.in_(render.document_ids))).all()
    by_id = {doc.id: doc for doc in documents}
    items = []
    for index, document_id in enumerate(render.document_ids):
        doc = by_id.get(document_id)
        if doc is None:
            continue
        items.append({"kind": doc.kind, "label": str(KIND_LABELS.get(doc.kind, doc.kind)),
                      "number": doc.snapshot.get("number"), "revision": doc.revision,
                      "ready": index < render.done,
                      "url": f"/api/v1/shipments/{doc.shipment_id}/documents/{doc.kind}"
                             f"?revision={doc.revision}&paper={render.paper}"})
    return {"status": render.status, "done": render.done, "total": render.total,
            "percent": render.percent, "detail": render.detail,
            "finished": render.status in (DocumentRenderStatus.DONE,
                                          DocumentRenderStatus.FAILED),
            "documents": items}


@bp.route("/shipments/<int:shipment_id>/papers/<int:render_id>")
@permission_required("fulfillment.view")
def document_render(shipment_id, render_id):
    render = _render(shipment_id, render_id)
    return render_template("fulfillment/document_render.html", render=render,
                           shipment=render.shipment, progress=_progress(render),
                           **_context())


@bp.route("/shipments/<int:shipment_id>/papers/<int:render_id>/progress")
@permission_required("fulfillment.view")
def document_render_progress(shipment_id, render_id):
    response = jsonify(_progress(_render(shipment_id, render_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/shipments/<int:shipment_id>/document-set", methods=["POST"])
@permission_required("fulfillment.manage")
def issue_document_set(shipment_id):
    """The shipment page's "Issue all papers": the set at once, the warnings of its
    credit acknowledged by ticking them."""
    _csrf()
    shipment = queries.shipment(shipment_id)
    try:
        _printed, render = document_sets.issue_set(
            shipment, company_actor(OPERATOR_ONLY_READS),
            acknowledge=request.form.getlist("acknowledge"), locale=str(get_locale() or "en"))
    except LcWarnings as error:
        return warnings_page(shipment, error)
    flash(_l("The papers of shipment %(number)s are issued.", number=shipment.number),
          "success")
    return redirect(url_for("fulfillment.document_render", shipment_id=shipment.id,
                            render_id=render.id))


def warnings_page(shipment: Shipment, error: LcWarnings):
    """The credit's warnings, each to tick; confirming issues the shipment's papers (409:
    nothing was issued, and the request's writes are rolled back)."""
    return render_template("fulfillment/acknowledge_warnings.html", shipment=shipment,
                           warnings=error.extra.get("warnings", []),
                           warning_labels=WARNING_LABELS, **_context()), 409


@bp.app_template_global("lc_acknowledgements")
def lc_acknowledgements(shipment: Shipment) -> list:
    """For the shipment page: the credit warnings overridden when its papers were issued."""
    return credit_ops.acknowledgements_of(shipment)


@bp.app_template_global("shipment_credit")
def shipment_credit(shipment: Shipment) -> LetterOfCredit | None:
    actor = current_actor()
    credit = credit_ops.letter_of_credit_of(shipment)
    return credit if credit is not None and actor and actor.company else None


@slots.fill("document_page.notice")
def _ship_from_purchase_order(document=None, **_context_values):
    """On an accepted purchase order's page, its supplier goes straight to shipping the
    order's open lines (one click to the pre-filled form)."""
    if document is None or document.type != "purchase_order":
        return None
    actor = current_actor()
    if actor is None or actor.company is None or not actor.can("fulfillment.manage"):
        return None
    order = queries.order_of_purchase_order(document.id)
    if order is None or order.supplier_company_id != actor.company.id \
            or not any(line.open_quantity > 0 for line in order.lines) \
            or order.status in ("closed", "cancelled"):
        return None
    return render_template("fulfillment/_ship_from_purchase_order.html", order=order)

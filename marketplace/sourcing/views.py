"""Sourcing's portal pages: the notice on an rfq's page (sealed until …, a countdown,
how many answered; the closing time of a draft), the comparison with the award form
and its Excel file, and the changes of a revision on its document page."""

from __future__ import annotations

from datetime import UTC, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from marketplace.core import slots
from marketplace.core.errors import DomainError, NotFound, refusal_goes_back, refusal_text
from marketplace.core.guards import company_member_required
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.auth import current_actor
from marketplace.sourcing import bp, charts, exports, operations, queries
from marketplace.sourcing.exports import CHANGE_LABELS, field_label
from marketplace.sourcing.forms import (
    AuctionAwardForm,
    AuctionForm,
    AwardForm,
    BidForm,
    ClosingForm,
)
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

AUCTION_STATES = {"scheduled": _l("Not started"), "open": _l("Open"),
                  "ended": _l("Ended, closing"), "closed": _l("Closed")}


@bp.context_processor
def _auction_labels() -> dict:
    return {"auction_states": {state: str(label) for state, label in AUCTION_STATES.items()}}


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
    auctions = [a for a in queries.auctions_of_rfq(sourcing.rfq_id)
                if master or any(b.company_id == actor.company.id for b in a.bidders)] \
        if sourcing else []
    return Markup(render_template(
        "sourcing/_rfq_notice.html", document=document, closes_at=closes_at,
        sealed=closes_at is not None and utcnow() < closes_at, master=master,
        sourcing=sourcing, answered=answered, invited=invited, form=form,
        auctions=auctions, **_auction_labels(), may_auction=master and sourcing is not None
        and document.status == "sent" and not sourcing.awards))


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


# ----- reverse auctions -------------------------------------------------------------------


def _field_errors(form, error: DomainError) -> None:
    """The operation's refusals shown at their fields (the rest as the page's alert)."""
    for name, messages in (error.errors or {}).items():
        target = getattr(form, "decrement" if name.startswith("decrement") else name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors or []) + [str(m) for m in messages]


@bp.route("/auctions")
@company_member_required("documents.view", message=NO_COMPANY)
def auctions():
    actor = current_actor()
    rows = []
    for auction in queries.auctions_of(actor):
        _found, bidder = queries.auction_for(auction.id, actor)
        rows.append(queries.standing(auction, bidder))
    return render_template("sourcing/auctions.html", rows=rows)


@bp.route("/rfqs/<int:rfq_id>/auction", methods=["GET", "POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def new_auction(rfq_id):
    actor = current_actor()
    sourcing = queries.buyers_request(rfq_id, actor)
    now = utcnow().replace(second=0, microsecond=0, tzinfo=None)
    form = AuctionForm(data=None if request.method == "POST" else {
        "starts_at": now + timedelta(minutes=5), "ends_at": now + timedelta(minutes=65)})
    if form.validate_on_submit():
        decrement_field = "decrement_" + ("percent" if form.decrement_kind.data == "percent"
                                          else "amount")
        values = {"starts_at": form.starts_at.data.replace(tzinfo=UTC),
                  "ends_at": form.ends_at.data.replace(tzinfo=UTC),
                  "starting_price": form.starting_price.data,
                  decrement_field: form.decrement.data,
                  "soft_close_minutes": form.soft_close_minutes.data or 0,
                  "visibility": form.visibility.data}
        try:
            auction = operations.create_auction(rfq_id, actor, values)
        except DomainError as error:
            db.session.rollback()
            _field_errors(form, error)
            if not error.errors:
                flash(refusal_text(error), "danger")
            sourcing = queries.buyers_request(rfq_id, actor)
            return render_template("sourcing/new_auction.html", form=form,
                                   sourcing=sourcing), error.status
        flash(_l("The auction is set; the suppliers are invited."), "success")
        return redirect(url_for("sourcing.auction_page", auction_id=auction.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("sourcing/new_auction.html", form=form, sourcing=sourcing), status


def _auction_page(auction, bidder, form=None, status=200):
    found = queries.standing(auction, bidder)
    bids = queries.bids_seen_by(auction, bidder, limit=200)
    chart = charts.best_over_time(
        auction.starts_at, auction.ends_at, auction.starting_price,
        [(bid.placed_at, bid.amount) for bid in reversed(queries.bids_seen_by(auction, None,
                                                                             limit=5000))],
        label=str(_l("The best bid over the auction's time")), now=found.server_time) \
        if bidder is None else None
    return render_template(
        "sourcing/auction.html", s=found, auction=auction, bidder=bidder,
        bids=queries.bid_rows(bids, bidder is None), form=form or BidForm(), chart=chart,
        award_form=AuctionAwardForm() if bidder is None else None,
        awarded=bool(queries.auction_awards(auction)) if bidder is None else False), status


@bp.route("/auctions/<int:auction_id>")
@company_member_required("documents.view", message=NO_COMPANY)
def auction_page(auction_id):
    auction, bidder = queries.auction_for(auction_id, current_actor())
    return _auction_page(auction, bidder)


@bp.route("/auctions/<int:auction_id>/bid", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def bid(auction_id):
    actor = current_actor()
    auction, bidder = queries.auction_for(auction_id, actor)
    form = BidForm()
    if not form.validate_on_submit():
        return _auction_page(auction, bidder, form, 422)
    try:
        placed, *_rest = operations.place_bid(auction_id, actor, form.amount.data)
    except DomainError as error:
        db.session.rollback()
        said = (error.errors or {}).get("amount")  # the rule's sentence, once
        form.amount.errors = [str(m) for m in said] if said else [refusal_text(error)]
        auction, bidder = queries.auction_for(auction_id, actor)
        return _auction_page(auction, bidder, form, error.status)
    flash(_l("Your bid of %(amount)s is in: you now have the lowest bid.",
             amount=f"{placed.amount:,.2f}"), "success")
    return redirect(url_for("sourcing.auction_page", auction_id=auction_id), 303)


@bp.route("/auctions/<int:auction_id>/award", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def award_auction(auction_id):
    actor = current_actor()
    queries.auction_for(auction_id, actor)  # 404 for anyone not in it, before anything
    page = url_for("sourcing.auction_page", auction_id=auction_id)
    form = AuctionAwardForm()
    if not form.validate_on_submit():
        flash(_l("Nothing was awarded: the reason is at most 2000 characters."), "danger")
        return redirect(page, 303)
    with refusal_goes_back(page):
        orders = operations.award_auction(auction_id, actor, reason=form.reason.data)
    flash(_l("Awarded. Purchase orders to send: %(numbers)s.",
             numbers=", ".join(order.number for order in orders)), "success")
    return redirect(page, 303)

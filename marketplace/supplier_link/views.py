"""Supplier link portal: the buyer's pages (receipts, returns, stock reports, SKU
cross-references, sharing, discrepancies) and the supplier's pages (each buyer's
views, with charts and exports). Thin: form → operation → template."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow import fields as ma_fields

from marketplace.core.errors import DomainError, ValidationFailed, flatten_messages, refusal_text
from marketplace.core.field_errors import named_fields
from marketplace.core.guards import permission_required
from marketplace.core.labels import N_, Labels
from marketplace.core.pagination import paginate
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment import queries as fulfillment_queries
from marketplace.fulfillment.labels import AGING_BUCKET, ORDER_STATUS
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import EmptyForm, post_with_csrf, show_errors
from marketplace.supplier_link import bp, charts, exports
from marketplace.supplier_link.downloads import photo_response
from marketplace.supplier_link.forms import ClaimForm
from marketplace.supplier_link.models import (
    REASON_LABELS,
    VIEWS,
    view_flag,
)
from marketplace.supplier_link.operations import discrepancies as discrepancy_operations
from marketplace.supplier_link.operations import receipts as receipt_operations
from marketplace.supplier_link.operations import returns as return_operations
from marketplace.supplier_link.operations import sharing as sharing_operations
from marketplace.supplier_link.operations import stock_reports
from marketplace.supplier_link.queries import cross_references as cross_reference_queries
from marketplace.supplier_link.queries import discrepancies as discrepancy_queries
from marketplace.supplier_link.queries import receipts as receipt_queries
from marketplace.supplier_link.queries import returns as return_queries
from marketplace.supplier_link.queries import stock_reports as stock_report_queries
from marketplace.supplier_link.queries import supplier_views
from marketplace.supplier_link.queries.parties import (
    acting_company,
    active_suppliers,
    supplier_for_sharing,
)
from marketplace.supplier_link.schemas import VIEW_SCHEMAS, plain

COLUMNS: dict[str, list[tuple[str, Any]]] = {
    "order-status": [("number", _l("Order")), ("status", _l("Status")),
                     ("quantity", _l("Ordered")), ("shipped_quantity", _l("Shipped")),
                     ("received_quantity", _l("Received")), ("total_amount", _l("Amount")),
                     ("currency", _l("Currency")),
                     ("requested_delivery_date", _l("Requested by"))],
    "shortages": [("order_number", _l("Order")), ("sku", _l("SKU")),
                  ("description", _l("Description")), ("quantity", _l("Ordered")),
                  ("shipped_quantity", _l("Shipped")), ("not_shipped", _l("Not shipped")),
                  ("requested_delivery_date", _l("Requested by")), ("days_late", _l("Days late"))],
    "receipts": [("received_on", _l("Received on")), ("order_number", _l("Order")),
                 ("shipment_number", _l("Shipment")), ("sku", _l("SKU")),
                 ("quantity_received", _l("Received")), ("quantity_rejected", _l("Rejected")),
                 ("quantity_accepted", _l("Accepted")), ("reason", _l("Reason"))],
    "discrepancies": [("order_number", _l("Order")), ("shipment_number", _l("Shipment")),
                      ("sku", _l("SKU")), ("shipped", _l("Shipped")),
                      ("received", _l("Received")), ("rejected", _l("Rejected")),
                      ("short", _l("Short")), ("over", _l("Over")),
                      ("claim_amount", _l("Claim amount")), ("status", _l("Status"))],
    "outstanding": [("order_number", _l("Order")), ("sku", _l("SKU")),
                    ("quantity", _l("Ordered")), ("shipped_quantity", _l("Shipped")),
                    ("received_quantity", _l("Received")), ("in_transit", _l("In transit")),
                    ("outstanding", _l("Outstanding")),
                    ("requested_delivery_date", _l("Requested by"))],
    "returns": [("requested_at", _l("Requested")), ("document_number", _l("Return request")),
                ("order_number", _l("Order")), ("sku", _l("SKU")),
                ("quantity", _l("Quantity")), ("reason", _l("Reason")),
                ("status", _l("Status"))],
    "payables": [("number", _l("Invoice")), ("issued_on", _l("Issued")),
                 ("due_date", _l("Due")), ("amount", _l("Amount")), ("paid", _l("Paid")),
                 ("credited", _l("Credited")), ("debited", _l("Debited")),
                 ("balance", _l("Balance")), ("currency", _l("Currency")),
                 ("last_paid_at", _l("Last paid")), ("aging_bucket", _l("Aging"))],
    "sales-inventory": [("sku", _l("SKU")), ("buyer_sku", _l("Buyer's SKU")),
                        ("period_end", _l("Latest period to")),
                        ("quantity_sold", _l("Sold")), ("quantity_on_hand", _l("On hand")),
                        ("sell_through", _l("Sell-through")),
                        ("weekly_sales", _l("Sales a week")),
                        ("weeks_of_cover", _l("Weeks of cover")), ("trend", _l("Trend")),
                        ("in_transit", _l("In transit")),
                        ("suggested_replenishment", _l("Suggested replenishment"))],
}
STATUS_LABELS = Labels({"open": N_("Open"), "claimed": N_("Claimed"),
                        "resolving": N_("Resolving"), "closed": N_("Closed")})
# The views' code columns: an order's or a discrepancy's status (the words agree where the
# codes do: open, closed), an invoice's aging, a SKU's sales trend.
TREND_LABELS = Labels({"new": N_("New this period"), "up": N_("Rising"), "down": N_("Falling"),
                       "flat": N_("Steady")})
STEP_LABELS = {"claim": _l("Claim"), "credit_note": _l("Issue a credit note"),
               "debit_note": _l("Issue a debit note"),
               "replacement": _l("Replacement shipment"), "close": _l("Accept and close")}


@bp.app_template_filter("quantity")
def quantity_filter(value) -> str:
    """100.0000 → "100" (never "1E+2")."""
    return plain(value) or ""


PERCENT_COLUMNS = ("sell_through", "latest_sell_through")
TENTHS_COLUMNS = ("weeks_of_cover", "weekly_sales")  # 1.4065 weeks reads as 1.4
@bp.app_template_filter("view_cell")
def view_cell(value: Any, key: str) -> str:
    """A view's JSON value as a person reads it: times to the minute, ratios as
    percentages (the trend signed), codes as words. The API and exports keep the
    JSON values."""
    if value is None or value == "":
        return "—"
    try:
        if key.endswith("_at"):
            return f"{datetime.fromisoformat(value):%Y-%m-%d %H:%M} UTC"
        if key in PERCENT_COLUMNS or key == "trend":
            percent = (Decimal(value) * 100).quantize(Decimal("0.1")).normalize()
            sign = "+" if key == "trend" and percent > 0 else ""
            return f"{sign}{percent:f} %".replace("-", "−")
        if key in TENTHS_COLUMNS:
            return f"{Decimal(value).quantize(Decimal('0.1')).normalize():f}"
    except (ValueError, InvalidOperation):
        return str(value)
    if key == "reason" and value in REASON_LABELS:
        return str(REASON_LABELS[value])
    if key == "status":
        return (STATUS_LABELS if value in STATUS_LABELS else ORDER_STATUS).label(value)
    if key == "aging_bucket":
        return AGING_BUCKET.label(value)
    if key == "trend_direction":
        return TREND_LABELS.label(value)
    return str(value)


def _context(**values) -> dict:
    return {"views": VIEWS, "reasons": REASON_LABELS, "empty_form": EmptyForm(),
            "status_labels": STATUS_LABELS, "step_labels": STEP_LABELS, **values}


def _refused(error: DomainError) -> int:
    """Undo the attempt, say why (each field's reason too), answer the error's status: the
    page is shown again with what was entered (core's go_back would leave it)."""
    db.session.rollback()
    flash(refusal_text(error), "danger")
    return error.status


def _line_errors(error: DomainError, lines: list[dict]) -> dict[int, list[str]]:
    """``lines.2.quantity`` → the messages under order line ``lines[2]``, for the form."""
    by_line: dict[int, list[str]] = {}
    for name, messages in error.errors.items():
        parts = name.split(".")
        if len(parts) > 1 and parts[0] == "lines" and parts[1].isdigit() \
                and int(parts[1]) < len(lines):
            by_line.setdefault(lines[int(parts[1])]["order_line_id"], []).extend(messages)
    return by_line


# ----- home -------------------------------------------------------------------------------------


@bp.route("/")
@permission_required("supplier_link.view")
def home():
    company = acting_company()
    buyers = [(buyer, supplier_views.shared_views(buyer.id, company.id))
              for buyer in supplier_views.buyers_of(company)] if company.is_supplier else []
    suppliers = supplier_views.suppliers_of(company) if company.is_buyer else []
    return render_template("supplier_link/home.html", buyers=buyers, suppliers=suppliers,
                           company=company, **_context())


# ----- the supplier's views ---------------------------------------------------------------------


@bp.route("/buyers/<int:buyer_id>/<view>")
@permission_required("supplier_link.view")
def buyer_view(buyer_id, view):
    if view not in VIEWS:
        abort(404)
    opened = supplier_views.open_view(buyer_id, view)
    args_schema, row_schema = VIEW_SCHEMAS[view]
    try:
        args = args_schema().load({k: v for k, v in request.args.items()
                                   if k in args_schema().fields})
    except ValidationError as error:
        raise named_fields(ValidationFailed(errors=flatten_messages(error.messages)), {
            "page": _l("Page"), "per_page": _l("Rows per page"), "sort": _l("Sort by"),
            "format": _l("Format")}) from None
    fmt, page_number, per_page = args.pop("format"), args.pop("page"), args.pop("per_page")
    query = supplier_views.VIEW_QUERIES[view]
    if fmt in ("csv", "xlsx"):
        page = query(opened, args, 1, None)
        columns = [n for n, f in row_schema().fields.items() if not isinstance(f, ma_fields.List)]
        return send_file(exports.render(view, fmt, row_schema(many=True).dump(page.items),
                                        columns),
                         mimetype=exports.XLSX_MIMETYPE if fmt == "xlsx"
                         else exports.CSV_MIMETYPE, as_attachment=True,
                         download_name=f"{view}-{buyer_id}-{utcnow():%Y%m%d}.{fmt}", max_age=0)
    page = query(opened, args, page_number, per_page)
    rows = row_schema(many=True).dump(page.items)
    chart = None
    if view == "sales-inventory":
        weeks = args.get("target_cover_weeks") or opened.setting.target_cover_weeks
        chart = charts.cover_bars(
            page.items, label=str(_l("Weeks of cover per SKU")), target_weeks=weeks,
            target_label=str(_l("target %(weeks)s weeks", weeks=weeks)),
            no_sales_label=str(_l("no sales: cover not known")))
        for row, item in zip(rows, page.items, strict=True):
            row["chart"] = charts.sales_and_stock(
                item.periods, label=str(_l("Sales and stock of %(sku)s", sku=item.sku)),
                sold_label=str(_l("sold")), stock_label=str(_l("on hand")))
    return render_template(
        "supplier_link/buyer_view.html", opened=opened, view=view, rows=rows, page=page,
        columns=COLUMNS[view], chart=chart, args=args,
        shared=supplier_views.shared_views(opened.buyer.id, opened.supplier.id), **_context())


# ----- receipts ---------------------------------------------------------------------------------


@bp.route("/receipts")
@permission_required("supplier_link.view")
def receipts():
    company = acting_company()
    page = paginate(receipt_queries.receipts_of_buyer(), page=request.args.get("page", 1, int))
    return render_template("supplier_link/receipts.html", page=page,
                           orders=fulfillment_queries.open_orders_as_buyer(),
                           announced=receipt_queries.announced_shipments(company.id),
                           **_context())


def _decimal(text: str | None) -> Decimal:
    try:
        value = Decimal((text or "0").strip() or "0")
    except InvalidOperation:
        raise ValidationFailed(str(_l("“%(text)s” is not a number.", text=text))) from None
    if not value.is_finite():
        raise ValidationFailed(str(_l("“%(text)s” is not a number.", text=text)))
    return value


def _receipt_lines_from_form(order) -> list[dict]:
    lines = []
    for line in order.lines:
        received = _decimal(request.form.get(f"received-{line.id}"))
        rejected = _decimal(request.form.get(f"rejected-{line.id}"))
        if received == 0 and rejected == 0:
            continue
        lines.append({"order_line_id": line.id, "quantity_received": received,
                      "quantity_rejected": rejected,
                      "reason": request.form.get(f"reason-{line.id}") or None})
    return lines


@bp.route("/orders/<int:order_id>/receipt", methods=["GET", "POST"])
@permission_required("supplier_link.record")
def record_receipt(order_id):
    actor = current_actor()
    order = receipt_queries.buyers_order(order_id, actor)
    status, errors, lines = 200, {}, []
    if request.method == "POST":
        post_with_csrf()
        try:
            upload = request.files.get("file")
            lines = receipt_operations.read_receipt_csv(order, upload.stream) \
                if upload and upload.filename else _receipt_lines_from_form(order)
            receipt_operations.record_receipt(actor, {
                "order_id": order.id, "lines": lines, "note": request.form.get("note") or None,
                "shipment_id": request.form.get("shipment_id", type=int) or None},
                source="csv" if upload and upload.filename else "portal")
        except DomainError as error:
            error = named_fields(error, _line_fields(order, lines))
            errors, status = _line_errors(error, lines), _refused(error)
            order = receipt_queries.buyers_order(order_id, actor)
        else:
            flash(_l("The receipt is recorded."), "success")
            return redirect(url_for("supplier_link.discrepancies", order_id=order.id))
    return render_template("supplier_link/record_receipt.html", order=order, errors=errors,
                           shipment=_announced(order), **_context()), status


def _line_fields(order, lines: list[dict]) -> dict:
    """The receipt and return forms' labels; a line is named by its row in the table."""
    rows = {line.id: number for number, line in enumerate(order.lines, start=1)}

    def row(index: int) -> str:
        line_id = lines[index].get("order_line_id") if index < len(lines) else None
        return str(_l("Line %(n)s", n=rows.get(line_id, index + 1)))

    return {"lines": _l("Lines"), "lines.*": row,
            "lines.*.quantity_received": _l("Received now"),
            "lines.*.quantity_rejected": _l("Rejected quantity"),
            "lines.*.quantity": _l("Return"), "lines.*.reason": _l("Reason"),
            "lines.*.order_line_id": _l("Line"), "lines.*.sku": _l("SKU"),
            "note": _l("Note"), "shipment_id": _l("Shipment")}


def _announced(order) -> dict | None:
    """The shipment named by ``?shipment_id=`` (its quantities fill the form), if it
    carries goods of this order."""
    return receipt_queries.announced_for(order, request.values.get("shipment_id", type=int))


# ----- returns ----------------------------------------------------------------------------------


@bp.route("/returns")
@permission_required("supplier_link.view")
def returns():
    acting_company()  # a member of a company, not the operator
    page = paginate(return_queries.returns_of_buyer(), page=request.args.get("page", 1, int))
    return render_template("supplier_link/returns.html", page=page,
                           orders=fulfillment_queries.open_orders_as_buyer(),
                           **_context())


@bp.route("/orders/<int:order_id>/return", methods=["GET", "POST"])
@permission_required("supplier_link.record")
def request_return(order_id):
    actor = current_actor()
    order = receipt_queries.buyers_order(order_id, actor)
    status, errors, lines = 200, {}, []
    if request.method == "POST":
        post_with_csrf()
        try:
            for line in order.lines:
                quantity = _decimal(request.form.get(f"quantity-{line.id}"))
                if quantity:
                    lines.append({"order_line_id": line.id, "quantity": quantity,
                                  "reason": request.form.get(f"reason-{line.id}") or "other"})
            return_operations.request_return(actor, {"order_id": order.id, "lines": lines,
                                                     "note": request.form.get("note") or None})
        except DomainError as error:
            error = named_fields(error, _line_fields(order, lines))
            errors, status = _line_errors(error, lines), _refused(error)
            order = receipt_queries.buyers_order(order_id, actor)
        else:
            flash(_l("The return request is sent to the supplier."), "success")
            return redirect(url_for("supplier_link.returns"))
    return render_template("supplier_link/request_return.html", order=order, errors=errors,
                           **_context()), status


# ----- stock reports and cross-references -------------------------------------------------------


@bp.route("/stock-reports", methods=["GET", "POST"])
@permission_required("supplier_link.view")
def stock_report():
    result, status = None, 200
    if request.method == "POST":
        if not current_actor().can("supplier_link.record"):
            abort(403)
        post_with_csrf()
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise ValidationFailed(str(_l("Choose a CSV file.")))
            rows = stock_reports.read_csv(upload.stream)
            result = stock_reports.import_stock_report(acting_company(), current_actor().user,
                                                       rows, "csv")
        except DomainError as error:
            status = _refused(error)
        else:
            flash(_l("%(accepted)s rows saved, %(rejected)s rows not.",
                     accepted=result.accepted, rejected=result.rejected),
                  "success" if not result.rejected else "warning")
    acting_company()  # a member of a company, not the operator
    history = stock_report_queries.recent_stock_reports()
    return render_template("supplier_link/stock_reports.html", result=result, history=history,
                           columns=stock_reports.COLUMNS, **_context()), status


@bp.route("/stock-reports/template.csv")
@permission_required("supplier_link.view")
def stock_report_template():
    """The header and one example row, UTF-8 with a byte-order mark (Excel opens it)."""
    text = "\ufeff" + ",".join(stock_reports.COLUMNS) + "\r\n" + \
        "YOUR-SKU-1,2026-11-02,2026-11-08,91,119\r\n"
    return send_file(io.BytesIO(text.encode("utf-8")), mimetype=exports.CSV_MIMETYPE,
                     as_attachment=True, download_name="stock-report-template.csv", max_age=0)


@bp.route("/sku-cross-references", methods=["GET", "POST"])
@permission_required("supplier_link.view")
def cross_references():
    buyer = acting_company()
    status = 200
    if request.method == "POST":
        if not current_actor().can("supplier_link.record"):
            abort(403)
        post_with_csrf()
        buyer_sku = (request.form.get("buyer_sku") or "").strip()[:64]
        try:
            if not buyer_sku:
                raise ValidationFailed(str(_l("Give your SKU.")))
            sharing_operations.add_cross_reference(buyer, {
                "buyer_sku": buyer_sku, "supplier_id": request.form.get("supplier_id", type=int),
                "supplier_sku": (request.form.get("supplier_sku") or "").strip()[:64]})
        except DomainError as error:
            status = _refused(error)
        else:
            flash(_l("The SKU is mapped."), "success")
            return redirect(url_for("supplier_link.cross_references"))
    page = paginate(cross_reference_queries.cross_references(),
                    page=request.args.get("page", 1, int), per_page=50)
    return render_template("supplier_link/cross_references.html", page=page,
                           suppliers=supplier_views.suppliers_of(buyer)
                           or active_suppliers(buyer), **_context()), status


@bp.route("/sku-cross-references/<int:xref_id>/delete", methods=["POST"])
@permission_required("supplier_link.record")
def delete_cross_reference(xref_id):
    post_with_csrf()
    acting_company()  # a member of a company, not the operator
    sharing_operations.delete_cross_reference(cross_reference_queries.cross_reference(xref_id))
    flash(_l("The mapping is removed."), "success")
    return redirect(url_for("supplier_link.cross_references"))


# ----- sharing ----------------------------------------------------------------------------------


@bp.route("/sharing")
@permission_required("supplier_link.view")
def sharing():
    buyer = acting_company()
    settings = [sharing_operations.sharing_of(buyer.id, supplier.id)
                for supplier in supplier_views.suppliers_of(buyer)]
    return render_template("supplier_link/sharing.html", settings=settings,
                           flag=view_flag, **_context())


@bp.route("/sharing/<int:supplier_id>", methods=["POST"])
@permission_required("supplier_link.record")
def save_sharing(supplier_id):
    post_with_csrf()
    buyer = acting_company()
    supplier = supplier_for_sharing(supplier_id, buyer)
    values: dict[str, Any] = {view_flag(view): request.form.get(view_flag(view)) == "on"
                              for view in VIEWS}
    weeks = request.form.get("target_cover_weeks", type=int)
    if weeks is not None:
        if not 1 <= weeks <= 104:
            raise ValidationFailed(str(_l("The target cover is 1 to 104 weeks.")))
        values["target_cover_weeks"] = weeks
    sharing_operations.update_sharing(buyer, supplier, values)
    flash(_l("What you share with %(supplier)s is saved.", supplier=supplier.name), "success")
    return redirect(url_for("supplier_link.sharing"))


# ----- discrepancies ----------------------------------------------------------------------------


@bp.route("/discrepancies")
@permission_required("supplier_link.view")
def discrepancies():
    company = acting_company()
    cases = discrepancy_queries.cases_of_party(request.args.get("order_id", type=int))
    actor = current_actor()
    rows = [(discrepancy_queries.figures_of_case(case),
             discrepancy_operations.allowed_steps(case, actor)) for case in cases]
    replacements = discrepancy_queries.replacement_candidates(
        [case for case, (_, steps) in zip(cases, rows, strict=True) if "replacement" in steps])
    return render_template("supplier_link/discrepancies.html", rows=rows, company=company,
                           replacements=replacements,
                           shipments=discrepancy_queries.per_shipment([f for f, _ in rows]),
                           **_context())


@bp.route("/discrepancies/<int:discrepancy_id>/claim", methods=["GET", "POST"])
@permission_required("supplier_link.record")
def claim_discrepancy(discrepancy_id):
    """The buyer's claim: what is wrong, in its words, and photos of it. A refused claim
    (a file that is no image, too large) shows the form again with the comment kept."""
    actor = current_actor()
    case = discrepancy_queries.party_discrepancy(discrepancy_id, actor)
    if "claim" not in discrepancy_operations.allowed_steps(case, actor):
        flash(_l("This discrepancy is “%(status)s”: there is nothing for you to claim.",
                 status=STATUS_LABELS[case.status]), "warning")
        return redirect(url_for("supplier_link.discrepancies"))
    found = discrepancy_queries.figures_of_case(case)
    form = ClaimForm()
    status = 200
    if form.validate_on_submit():
        photos = [(upload.stream, upload.filename or "")
                  for upload in request.files.getlist(form.photos.name) if upload.filename]
        try:
            discrepancy_operations.claim_discrepancy(case, actor, form.comment.data, photos)
        except DomainError as error:
            if not error.errors:  # not about what was typed: flashed, back (core/errors)
                raise
            db.session.rollback()  # the photos stored before the refusal go with it
            status = error.status
            show_errors(error, form)  # beside the field, said once
        else:
            flash(_l("Your claim is sent to %(supplier)s.", supplier=case.order.supplier.name),
                  "success")
            return redirect(url_for("supplier_link.discrepancies")
                            + f"#discrepancy-{case.id}")
    elif form.errors:
        status = 422
    return render_template("supplier_link/claim.html", form=form, found=found, case=case,
                           max_photos=discrepancy_operations.MAX_CLAIM_PHOTOS,
                           **_context()), status


@bp.route("/discrepancies/<int:discrepancy_id>/photos/<int:photo_id>")
@permission_required("supplier_link.view")
def claim_photo(discrepancy_id, photo_id):
    case = discrepancy_queries.party_discrepancy(discrepancy_id, current_actor())
    return photo_response(discrepancy_queries.claim_photo(case, photo_id))


@bp.route("/discrepancies/<int:discrepancy_id>/photos/<int:photo_id>/thumbnail")
@permission_required("supplier_link.view")
def claim_photo_thumbnail(discrepancy_id, photo_id):
    case = discrepancy_queries.party_discrepancy(discrepancy_id, current_actor())
    return photo_response(discrepancy_queries.claim_photo(case, photo_id), thumbnail=True)


@bp.route("/discrepancies/<int:discrepancy_id>/<step>", methods=["POST"])
@permission_required("supplier_link.view")
def discrepancy_step(discrepancy_id, step):
    post_with_csrf()
    actor = current_actor()
    case = discrepancy_queries.party_discrepancy(discrepancy_id, actor)
    comment = (request.form.get("comment") or "").strip()[:2000] or None
    if step in discrepancy_operations.RESOLUTIONS:
        discrepancy_operations.resolve_discrepancy(
            case, actor, step, shipment_id=request.form.get("shipment_id", type=int),
            comment=comment)
    elif step == "close":
        discrepancy_operations.close_discrepancy(case, actor, comment)
    else:
        abort(404)
    flash(_l("Done: the discrepancy is now “%(status)s”.", status=STATUS_LABELS[case.status]),
          "success")
    return redirect(url_for("supplier_link.discrepancies"))


"""Supplier link API (``/api/v1/supplier-link/...``): the buyer records receipts,
returns and stock reports and decides what it shares; the supplier reads its views of
each buyer. Thin: parse → operation or query → schema."""

from __future__ import annotations

from flask import jsonify, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

from marketplace.core.api import idempotent, problem_responses
from marketplace.core.errors import (
    UnsupportedMediaType,
    ValidationFailed,
    flatten_messages,
)
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.core.scoping import get_visible
from marketplace.core.types import utcnow
from marketplace.infrastructure.auth import api_auth, current_actor
from marketplace.supplier_link import api_bp, exports
from marketplace.supplier_link.downloads import photo_response
from marketplace.supplier_link.models import (
    VIEWS,
    Discrepancy,
    GoodsReceipt,
    SkuCrossReference,
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
from marketplace.supplier_link.queries import supplier_views
from marketplace.supplier_link.queries.parties import acting_company, supplier_for_sharing
from marketplace.supplier_link.schemas import (
    VIEW_SCHEMAS,
    BuyerLinkSchema,
    ClaimUploadArgsSchema,
    CommentArgsSchema,
    CrossReferenceArgsSchema,
    CrossReferenceSchema,
    DiscrepancyCaseSchema,
    DiscrepancyQueryArgsSchema,
    DiscrepancySchema,
    ReceiptArgsSchema,
    ReceiptImportArgsSchema,
    ReceiptSchema,
    ResolveArgsSchema,
    ReturnArgsSchema,
    ReturnSchema,
    SharingArgsSchema,
    SharingSchema,
    StockReportArgsSchema,
    StockReportResultSchema,
    StockReportUploadArgsSchema,
)

BASE = "/supplier-link"
_BINARY = {"schema": {"type": "string", "format": "binary"}}


# ----- receipts ---------------------------------------------------------------------------------


def with_discrepancies(receipts: list[GoodsReceipt]) -> list[GoodsReceipt]:
    """Each receipt with its order's discrepancies (one query for all of them)."""
    if not receipts:
        return receipts
    found = discrepancy_queries.discrepancies(
        buyer_id=receipts[0].buyer_company_id,
        order_ids=sorted({receipt.order_id for receipt in receipts}))
    for receipt in receipts:
        receipt.discrepancies = [d for d in found if d.order_id == receipt.order_id]
    return receipts


def receipt_answer(receipt: GoodsReceipt) -> GoodsReceipt:
    return with_discrepancies([receipt])[0]


@api_bp.route(f"{BASE}/receipts", methods=["POST"])
@api_auth(permission="supplier_link.record")
@idempotent
@api_bp.arguments(ReceiptArgsSchema)
@api_bp.response(201, ReceiptSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def post_receipt(values):
    """Buyer: goods received per order line, how much was rejected and why. Each line is
    matched to the supplier's shipment it came with (``shipment_id``, else the oldest not
    fully counted). More than shipped is kept as counted and shows in ``discrepancies``.
    Another company's order: 404; the supplier of the order: 403."""
    receipt = receipt_operations.record_receipt(current_actor(), values)
    return receipt_answer(receipt), 201, {
        "Location": url_for("supplier_link_api.get_receipt", receipt_id=receipt.id)}


@api_bp.route(f"{BASE}/receipts/import", methods=["POST"])
@api_auth(permission="supplier_link.record")
@idempotent
@api_bp.arguments(ReceiptImportArgsSchema, location="files")
@api_bp.response(201, ReceiptSchema)
@api_bp.doc(responses=problem_responses(404, 409, 415, 422))
def import_receipt(args):
    """Buyer: a goods receipt from a CSV file (``sku`` or ``order_line_id``,
    ``quantity_received``, ``quantity_rejected``, ``reason``), checked as
    ``POST /supplier-link/receipts``; a refused line is named by its row in the file
    (``row 3.reason``) and nothing is saved."""
    actor = current_actor()
    order = receipt_queries.buyers_order(args["order_id"], actor)
    lines = receipt_operations.read_receipt_csv(order, args["file"].stream)
    try:
        receipt = receipt_operations.record_receipt(actor, {
            "order_id": order.id, "lines": lines, "shipment_id": args.get("shipment_id"),
            "note": args.get("note")}, source="csv")
    except ValidationFailed as error:
        raise receipt_operations.in_csv_rows(error, lines) from None
    return receipt_answer(receipt), 201, {
        "Location": url_for("supplier_link_api.get_receipt", receipt_id=receipt.id)}


@api_bp.route(f"{BASE}/receipts")
@api_auth(permission="supplier_link.view")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(ReceiptSchema))
def list_receipts(pagination):
    """Buyer: its goods receipts, newest first."""
    acting_company()  # a member of a company, not the operator
    page = paginate(receipt_queries.receipts_of_buyer(with_details=True), **pagination)
    page.items = with_discrepancies(page.items)
    return page


@api_bp.route(f"{BASE}/receipts/<int:receipt_id>")
@api_auth(permission="supplier_link.view")
@api_bp.response(200, ReceiptSchema)
@api_bp.doc(responses=problem_responses(403, 404))
def get_receipt(receipt_id):
    """A goods receipt, to its buyer and its supplier."""
    acting_company()  # a member of a company, not the operator
    return receipt_answer(receipt_queries.readable_receipt(receipt_id))


# ----- returns ----------------------------------------------------------------------------------


@api_bp.route(f"{BASE}/returns", methods=["POST"])
@api_auth(permission="supplier_link.record")
@idempotent
@api_bp.arguments(ReturnArgsSchema)
@api_bp.response(201, ReturnSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def post_return(values):
    """Buyer: return received goods of an order (no more than received and not yet
    returned). A ``return_request`` document is sent to the supplier, who accepts or
    declines it through ``POST /documents/{id}/actions/{action}``."""
    return return_operations.request_return(current_actor(), values), 201


@api_bp.route(f"{BASE}/returns")
@api_auth(permission="supplier_link.view")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(ReturnSchema))
def list_returns(pagination):
    """Buyer: its returns, newest first."""
    acting_company()  # a member of a company, not the operator
    return paginate(return_queries.returns_of_buyer(with_details=True), **pagination)


# ----- stock reports ------------------------------------------------------------------------------

STOCK_REPORT_BODY = {"required": True, "content": {
    "application/json": {"schema": StockReportArgsSchema},
    "multipart/form-data": {"schema": StockReportUploadArgsSchema}}}


def _stock_rows() -> tuple[list, str]:
    if request.mimetype == "multipart/form-data":
        try:
            upload = StockReportUploadArgsSchema().load(
                {key: request.files.get(key) for key in request.files})
        except ValidationError as error:
            raise ValidationFailed(errors=flatten_messages(error.messages)) from None
        return stock_reports.read_csv(upload["file"].stream), "csv"
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(str(_l(
            "Send the rows as JSON, or a CSV file as multipart/form-data (field 'file').")))
    try:
        values = StockReportArgsSchema().load(request.get_json())
    except ValidationError as error:
        raise ValidationFailed(errors=flatten_messages(error.messages)) from None
    return list(enumerate(values["rows"], start=1)), "json"


@api_bp.route(f"{BASE}/stock-reports", methods=["POST"])
@api_auth(permission="supplier_link.record")
@idempotent
@api_bp.response(200, StockReportResultSchema)
@api_bp.doc(requestBody=STOCK_REPORT_BODY, responses=problem_responses(413, 415, 422))
def post_stock_report():
    """Buyer: quantity sold and on hand per SKU (yours, mapped to the supplier's product
    in your SKU cross-references) per period. JSON ``{rows: [...]}`` or a CSV file.
    Good rows are kept (a period sent again replaces its figures); each bad row (unknown
    SKU, bad period, overlap) is reported in ``errors`` as ``{row, field, message}``."""
    rows, source = _stock_rows()
    return stock_reports.import_stock_report(acting_company(), current_actor().user, rows,
                                             source)


# ----- sharing and cross-references ---------------------------------------------------------------


@api_bp.route(f"{BASE}/sharing")
@api_auth(permission="supplier_link.view")
@api_bp.response(200, SharingSchema(many=True))
def list_sharing():
    """Buyer: what it shares with each supplier it trades with (all views by default)."""
    buyer = acting_company()
    return [sharing_operations.sharing_of(buyer.id, supplier.id)
            for supplier in supplier_views.suppliers_of(buyer)]


@api_bp.route(f"{BASE}/sharing/<int:supplier_id>")
@api_auth(permission="supplier_link.view")
@api_bp.response(200, SharingSchema)
@api_bp.doc(responses=problem_responses(404))
def get_sharing(supplier_id):
    """Buyer: what it shares with this supplier."""
    buyer = acting_company()
    supplier = supplier_for_sharing(supplier_id, buyer)
    return sharing_operations.sharing_of(buyer.id, supplier.id)


@api_bp.route(f"{BASE}/sharing/<int:supplier_id>", methods=["PATCH"])
@api_auth(permission="supplier_link.record")
@api_bp.arguments(SharingArgsSchema)
@api_bp.response(200, SharingSchema)
@api_bp.doc(responses=problem_responses(404, 422))
def patch_sharing(values, supplier_id):
    """Buyer: switch views on or off for this supplier, or set the target cover."""
    buyer = acting_company()
    supplier = supplier_for_sharing(supplier_id, buyer)
    return sharing_operations.update_sharing(buyer, supplier, values)


@api_bp.route(f"{BASE}/sku-cross-references")
@api_auth(permission="supplier_link.view")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(CrossReferenceSchema))
def list_cross_references(pagination):
    """Buyer: its SKUs mapped to suppliers' products, by SKU."""
    acting_company()  # a member of a company, not the operator
    return paginate(cross_reference_queries.cross_references(with_details=True), **pagination)


@api_bp.route(f"{BASE}/sku-cross-references", methods=["POST"])
@api_auth(permission="supplier_link.record")
@idempotent
@api_bp.arguments(CrossReferenceArgsSchema)
@api_bp.response(201, CrossReferenceSchema)
@api_bp.doc(responses=problem_responses(422))
def post_cross_reference(values):
    """Buyer: map one of its SKUs to a supplier's product (by id, or supplier and SKU)."""
    return sharing_operations.add_cross_reference(acting_company(), values), 201


@api_bp.route(f"{BASE}/sku-cross-references/<int:xref_id>", methods=["DELETE"])
@api_auth(permission="supplier_link.record")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
def delete_cross_reference(xref_id):
    """Buyer: remove a mapping (the stock reports already saved stay)."""
    acting_company()  # a member of a company, not the operator
    xref = get_visible(SkuCrossReference, xref_id, operator_sees_all=False)
    sharing_operations.delete_cross_reference(xref)


# ----- discrepancies ------------------------------------------------------------------------


def _case_answer(case: Discrepancy) -> discrepancy_queries.DiscrepancyFigures:
    answer = discrepancy_queries.figures_of_case(case)
    answer.allowed_steps = discrepancy_operations.allowed_steps(case, current_actor())
    return answer


@api_bp.route(f"{BASE}/discrepancies")
@api_auth(permission="supplier_link.view")
@api_bp.arguments(DiscrepancyQueryArgsSchema, location="query")
@api_bp.response(200, DiscrepancySchema(many=True))
def list_discrepancies(args):
    """Buyer: the discrepancies of its orders (computed: shipped against received)."""
    return discrepancy_queries.discrepancies(buyer_id=acting_company().id, **args)


@api_bp.route(f"{BASE}/discrepancies/<int:discrepancy_id>")
@api_auth(permission="supplier_link.view")
@api_bp.response(200, DiscrepancyCaseSchema)
@api_bp.doc(responses=problem_responses(404))
def get_discrepancy(discrepancy_id):
    """A discrepancy, to its buyer and its supplier, with the steps open to the caller."""
    return _case_answer(discrepancy_queries.party_discrepancy(discrepancy_id, current_actor()))


def _step(discrepancy_id: int, run) -> dict:
    actor = current_actor()
    case = discrepancy_queries.party_discrepancy(discrepancy_id, actor)
    run(case, actor)
    return _case_answer(case)


CLAIM_BODY = {"required": False, "content": {
    "application/json": {"schema": CommentArgsSchema},
    "multipart/form-data": {"schema": ClaimUploadArgsSchema}}}


def _claim_values() -> tuple[str | None, list]:
    """The claim's comment and photos: JSON ``{comment}``, or multipart/form-data with
    ``comment`` and ``photos`` (one or more files)."""
    if request.mimetype == "multipart/form-data":
        unknown = (set(request.form) - {"comment"}) | (set(request.files) - {"photos"})
        if unknown:
            raise ValidationFailed(errors={name: [str(_l("Unknown field."))]
                                           for name in sorted(unknown)})
        photos = [upload for upload in request.files.getlist("photos") if upload.filename
                  or upload.content_length]
        try:
            values = CommentArgsSchema().load({key: request.form[key] for key in request.form})
        except ValidationError as error:
            raise ValidationFailed(errors=flatten_messages(error.messages)) from None
        return values.get("comment"), [(upload.stream, upload.filename or "") for upload in photos]
    if request.get_data() and request.mimetype != "application/json":
        raise UnsupportedMediaType(str(_l(
            "Send the claim as JSON, or as multipart/form-data with a comment and photos.")))
    try:
        values = CommentArgsSchema().load(request.get_json(silent=True) or {})
    except ValidationError as error:
        raise ValidationFailed(errors=flatten_messages(error.messages)) from None
    return values.get("comment"), []


@api_bp.route(f"{BASE}/discrepancies/<int:discrepancy_id>/claim", methods=["POST"])
@api_auth(permission="supplier_link.record")
@api_bp.response(200, DiscrepancyCaseSchema)
@api_bp.doc(requestBody=CLAIM_BODY, responses=problem_responses(404, 409, 413, 415, 422))
def claim_discrepancy(discrepancy_id):
    """Buyer: claim the goods short and rejected; a ``claim`` document is sent. JSON
    ``{comment}``, or multipart/form-data with ``comment`` and ``photos`` (images, at most
    8, checked by their content). The answer carries ``claim_comment`` and
    ``claim_photos``; the supplier is told, with the comment."""
    comment, photos = _claim_values()
    return _step(discrepancy_id, lambda case, actor: discrepancy_operations.claim_discrepancy(
        case, actor, comment, photos))


@api_bp.route(f"{BASE}/discrepancies/<int:discrepancy_id>/photos/<int:photo_id>")
@api_auth(permission="supplier_link.view")
@api_bp.doc(responses={**problem_responses(404), "200": {
    "description": "The image (its thumbnail, a JPEG, with thumbnail=true)",
    "content": {"image/*": _BINARY}}}, parameters=[{
        "in": "query", "name": "thumbnail", "schema": {"type": "boolean"},
        "description": "The small JPEG shown in lists"}])
def get_claim_photo(discrepancy_id, photo_id):
    """A photo of the claim, to the buyer and the supplier of the discrepancy only
    (anyone else: 404)."""
    case = discrepancy_queries.party_discrepancy(discrepancy_id, current_actor())
    return photo_response(discrepancy_queries.claim_photo(case, photo_id),
                          thumbnail=request.args.get("thumbnail") in ("true", "1"))


@api_bp.route(f"{BASE}/discrepancies/<int:discrepancy_id>/resolve", methods=["POST"])
@api_auth(permission="supplier_link.view")
@api_bp.arguments(ResolveArgsSchema)
@api_bp.response(200, DiscrepancyCaseSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def resolve_discrepancy(args, discrepancy_id):
    """Answer a claim: ``credit_note`` or ``replacement`` (with ``shipment_id``) by the
    supplier, ``debit_note`` by the buyer; the note is derived from the claim and sent."""
    return _step(discrepancy_id, lambda case, actor: discrepancy_operations.resolve_discrepancy(
        case, actor, args["resolution"], shipment_id=args.get("shipment_id"),
        comment=args.get("comment")))


@api_bp.route(f"{BASE}/discrepancies/<int:discrepancy_id>/close", methods=["POST"])
@api_auth(permission="supplier_link.view")
@api_bp.arguments(CommentArgsSchema)
@api_bp.response(200, DiscrepancyCaseSchema)
@api_bp.doc(responses=problem_responses(404, 409))
def close_discrepancy(args, discrepancy_id):
    """The receiver of the note accepts it (the buyer confirms a replacement): the claim
    and the discrepancy are closed."""
    return _step(discrepancy_id, lambda case, actor: discrepancy_operations.close_discrepancy(
        case, actor, args.get("comment")))


# ----- the supplier's views of a buyer -------------------------------------------------------


def _view_route(view: str):
    args_schema, row_schema = VIEW_SCHEMAS[view]
    page_type = page_schema(row_schema)

    def show(args, buyer_id):
        opened = supplier_views.open_view(buyer_id, view)
        fmt = args.pop("format")
        page_number, per_page = args.pop("page"), args.pop("per_page")
        if fmt == "json":
            page = supplier_views.VIEW_QUERIES[view](opened, args, page_number, per_page)
            return jsonify(page_type().dump(page))
        page = supplier_views.VIEW_QUERIES[view](opened, args, 1, None)
        name = f"{view}-{opened.buyer.id}-{utcnow():%Y%m%d}.{fmt}"
        columns = [name for name, field in row_schema().fields.items()
                   if not isinstance(field, fields.List)]
        return send_file(exports.render(view, fmt, row_schema(many=True).dump(page.items),
                                        columns),
                         mimetype=exports.XLSX_MIMETYPE if fmt == "xlsx"
                         else exports.CSV_MIMETYPE, as_attachment=True, download_name=name,
                         max_age=0)

    show.__name__ = f"buyer_{view.replace('-', '_')}"
    show.__doc__ = (
        f"Supplier: “{VIEWS[view]}” of this buyer, of your own goods only. A buyer you do "
        "not trade with: 404; a buyer that does not share this view with you: 403. "
        "``format=csv|xlsx``: every row as a file.")
    responses = {"200": {"description": str(_l("A page of rows, or the file")), "content": {
        "application/json": {"schema": page_type}, exports.XLSX_MIMETYPE: _BINARY,
        "text/csv": _BINARY}}, **problem_responses(404, 422)}
    decorated = api_bp.doc(responses=responses)(show)
    decorated = api_bp.arguments(args_schema, location="query")(decorated)
    decorated = api_auth(permission="supplier_link.view")(decorated)
    api_bp.route(f"{BASE}/buyers/<int:buyer_id>/{view}", endpoint=show.__name__)(decorated)


for _view in VIEWS:
    _view_route(_view)


@api_bp.route(f"{BASE}/buyers")
@api_auth(permission="supplier_link.view")
@api_bp.response(200, BuyerLinkSchema(many=True))
def list_buyers():
    """Supplier: the buyers it trades with and the views each shares with it."""
    supplier = acting_company()
    return [{"buyer": buyer, "shared_views": supplier_views.shared_views(buyer.id, supplier.id)}
            for buyer in supplier_views.buyers_of(supplier)]

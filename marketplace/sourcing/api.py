"""Sourcing's JSON routes (API.md, wave 2): the comparison of a sealed rfq's bids, the
award, and a document's difference from another version. Thin: auth → query or
operation → schema."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.api import idempotent, problem_responses
from marketplace.core.errors import Forbidden
from marketplace.infrastructure.auth import api_auth, current_actor
from marketplace.sourcing import api_bp, exports, operations, queries
from marketplace.sourcing.schemas import (
    AwardArgsSchema,
    AwardResultSchema,
    ComparisonArgsSchema,
    ComparisonSchema,
    DiffArgsSchema,
    DiffSchema,
)


def _actor():
    actor = current_actor()
    if actor is None or actor.company is None:
        raise Forbidden(str(_l("Only a member of a company (or its API key) acts on "
                               "documents.")))
    return actor


@api_bp.route("/rfqs/<int:rfq_id>/comparison")
@api_auth(permission="documents.view")
@api_bp.arguments(ComparisonArgsSchema, location="query")
@api_bp.response(200, ComparisonSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def rfq_comparison(args, rfq_id):
    """Buyer: per line of the rfq, every supplier's current bid side by side (unit
    price, total, lead time, incoterm, payment terms, validity, landed cost where
    freight is given, the supplier's scorecard figures), the best values marked. Before
    the closing time 409: sealed, nothing revealed. ``?format=xlsx``: the Excel file."""
    request = queries.buyers_request(rfq_id, _actor())
    comparison = queries.comparison(request)
    if args["format"] == "xlsx":
        return exports.comparison_xlsx(comparison)
    return comparison


@api_bp.route("/rfqs/<int:rfq_id>/award", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(AwardArgsSchema)
@api_bp.response(201, AwardResultSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def award_rfq(values, rfq_id):
    """Buyer: award lines to bids (``{awards: [{line_id, quotation_id}], reason?,
    disclose?}``). A draft purchase order per winning bid with its awarded lines; the
    award and its reason in the rfq's history; winners told; once every line is
    awarded, the others get a regret. A line awarded before: 409, nothing written."""
    orders = operations.award(rfq_id, _actor(), values["awards"], reason=values.get("reason"),
                              disclose=values.get("disclose", False))
    return {"purchase_order_ids": [order.id for order in orders]}, 201


@api_bp.route("/documents/<int:document_id>/diff")
@api_auth(permission="documents.view")
@api_bp.arguments(DiffArgsSchema, location="query")
@api_bp.response(200, DiffSchema)
@api_bp.doc(responses=problem_responses(404, 422))
def document_diff(args, document_id):
    """What changed from the version ``against`` (default: the document's parent) to
    this document: header fields and terms, lines added, removed and changed (quantity,
    price...). Both must be visible to you. ``?format=xlsx``: the Excel file."""
    diff = queries.difference(document_id, args.get("against"), _actor())
    if args["format"] == "xlsx":
        return exports.difference_xlsx(diff)
    return queries.difference_answer(diff)

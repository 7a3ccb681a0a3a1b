"""Letters of credit in the API (API.md, "Export papers and money"): the supplier
records a credit for its orders; both parties of those orders read it, any other
company gets 404. Its warnings answer POST /shipments with ``issue_documents`` (and
POST /shipments/{id}/document-set) with 409 until acknowledged."""

from __future__ import annotations

from flask import url_for
from flask_babel import get_locale

from marketplace.core.api import PROBLEM_REF, idempotent, problem_responses, with_etag
from marketplace.core.guards import company_actor
from marketplace.core.scoping import get_visible
from marketplace.fulfillment import api_bp, queries
from marketplace.fulfillment.models import LetterOfCredit
from marketplace.fulfillment.operations import document_sets
from marketplace.fulfillment.operations import letters_of_credit as credit_ops
from marketplace.fulfillment.schemas import (
    DocumentSetArgsSchema,
    IssuedShipmentSchema,
    LetterOfCreditArgsSchema,
    LetterOfCreditSchema,
)
from marketplace.infrastructure.auth import api_auth

OPERATOR_ONLY_READS = "Letters of credit belong to companies; the operator reads them only."

# A 409 that lists what to acknowledge: the problem document with its extra members.
LC_WARNINGS_409 = {"409": {
    "description": "A letter of credit warning not acknowledged: ``type`` "
                   "/problems/lc-warnings, ``warnings`` [{code, message}] (codes: "
                   + ", ".join(credit_ops.WARNING_CODES) + "), ``letter_of_credit_id`` and "
                   "``acknowledge_with`` ({acknowledge_warnings: [codes]}: send it to issue "
                   "anyway; the override is recorded). Or another conflict.",
    "content": {"application/problem+json": {"schema": PROBLEM_REF}}}}


def _answer(credit: LetterOfCredit, status: int = 200):
    response = with_etag(LetterOfCreditSchema().dump(credit), credit)
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("fulfillment_api.get_letter_of_credit",
                                               credit_id=credit.id)
    return response


@api_bp.route("/letters-of-credit", methods=["POST"])
@api_auth(permission="fulfillment.manage")
@idempotent
@api_bp.arguments(LetterOfCreditArgsSchema)
@api_bp.response(201, LetterOfCreditSchema)
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def create_letter_of_credit(args):
    """Supplier: record a letter of credit for open orders of one buyer (their currency).
    It prints on the papers of shipments of those orders only. An order already under a
    credit → 409; expiry before issue, latest shipment after expiry → 422."""
    orders = queries.orders_by_ids(args["order_ids"])
    credit = credit_ops.create_letter_of_credit(orders, args,
                                                company_actor(OPERATOR_ONLY_READS))
    return _answer(credit, 201)


@api_bp.route("/letters-of-credit/<int:credit_id>")
@api_auth(permission="fulfillment.view")
@api_bp.response(200, LetterOfCreditSchema)
@api_bp.doc(responses=problem_responses(404))
def get_letter_of_credit(credit_id):
    """A letter of credit, for the supplier and the buyer of its orders."""
    return _answer(get_visible(LetterOfCredit, credit_id))


@api_bp.route("/shipments/<int:shipment_id>/document-set", methods=["POST"])
@api_auth(permission="fulfillment.manage")
@idempotent
@api_bp.arguments(DocumentSetArgsSchema)
@api_bp.response(201, IssuedShipmentSchema)
@api_bp.doc(responses={**problem_responses(403, 404, 422), **LC_WARNINGS_409})
def issue_document_set(args, shipment_id):
    """Supplier: issue a booked shipment's set at once (commercial invoice, packing list,
    shipping advice, and the certificates its letter of credit requires), as
    ``issue_documents`` does on POST /shipments."""
    shipment = queries.shipment(shipment_id)
    _printed, render = document_sets.issue_set(
        shipment, company_actor(OPERATOR_ONLY_READS),
        acknowledge=args["acknowledge_warnings"], locale=str(get_locale() or "en"))
    shipment.render_id = render.id
    return shipment, 201

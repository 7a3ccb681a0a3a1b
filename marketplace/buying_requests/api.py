"""Buying requests' JSON routes (API.md, wave 2): post and list requests, read one,
publish and close it, answer it with a quotation, list the answers, compare and award
them (sourcing's comparison and award), and a supplier's category subscriptions.
Thin: auth → query or operation → schema."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from marketplace.buying_requests import api_bp, operations, queries
from marketplace.buying_requests.schemas import (
    AnswerArgsSchema,
    AnswerSchema,
    AwardRequestArgsSchema,
    BuyingRequestArgsSchema,
    BuyingRequestPatchArgsSchema,
    BuyingRequestQueryArgsSchema,
    BuyingRequestSchema,
    SubscriptionsArgsSchema,
    SubscriptionsSchema,
)
from marketplace.core.api import idempotent, problem_responses
from marketplace.core.errors import Conflict, Forbidden
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.extensions import db
from marketplace.infrastructure.auth import api_auth, current_actor
from marketplace.infrastructure.models import Category
from marketplace.sourcing import exports as sourcing_exports
from marketplace.sourcing import queries as sourcing_queries
from marketplace.sourcing.schemas import AwardResultSchema, ComparisonArgsSchema, ComparisonSchema


def _actor():
    actor = current_actor()
    if actor is None or actor.company is None:
        raise Forbidden(str(_l("Buying requests belong to companies; the operator has none.")))
    return actor


@api_bp.route("/buying-requests")
@api_auth(permission="documents.view")
@api_bp.arguments(BuyingRequestQueryArgsSchema, location="query")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(BuyingRequestSchema))
@api_bp.doc(responses=problem_responses(403, 422))
def list_requests(query, pagination):
    """Your company's requests and other buyers' published requests in your categories
    (approved suppliers: their categories and those below), newest first."""
    return paginate(queries.requests(_actor().company, **query), **pagination)


@api_bp.route("/buying-requests", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(BuyingRequestArgsSchema)
@api_bp.response(201, BuyingRequestSchema)
@api_bp.doc(responses=problem_responses(403, 422))
def post_request(values):
    """Buyer: post a request; published at once (suppliers of its category see it,
    subscribers are told) unless ``publish`` is false. A past closing date, an unknown
    category, a quantity not above zero: 422 with a reason per field, nothing written."""
    publish = values.pop("publish", True)
    request = operations.create_request(_actor(), values, publish=publish)
    location = url_for("buying_requests_api.get_request", request_id=request.id)
    return request, 201, {"Location": location}


@api_bp.route("/buying-requests/<int:request_id>")
@api_auth(permission="documents.view")
@api_bp.response(200, BuyingRequestSchema)
@api_bp.doc(responses=problem_responses(404))
def get_request(request_id):
    """A request you may see: your own, or a published one in your categories (404
    otherwise)."""
    return queries.visible_request(request_id, _actor().company)


@api_bp.route("/buying-requests/<int:request_id>", methods=["PATCH"])
@api_auth(permission="documents.edit")
@api_bp.arguments(BuyingRequestPatchArgsSchema(partial=True))
@api_bp.response(200, BuyingRequestSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def patch_request(values, request_id):
    """Buyer: change a draft (a published request stays as suppliers saw it: 409)."""
    actor = _actor()
    return operations.update_request(queries.own_request(request_id, actor.company), actor,
                                     values)


@api_bp.route("/buying-requests/<int:request_id>/publish", methods=["POST"])
@api_auth(permission="documents.edit")
@api_bp.response(200, BuyingRequestSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def publish_request(request_id):
    """Buyer: publish a draft."""
    actor = _actor()
    return operations.publish_request(queries.own_request(request_id, actor.company,
                                                          for_update=True), actor)


@api_bp.route("/buying-requests/<int:request_id>/close", methods=["POST"])
@api_auth(permission="documents.edit")
@api_bp.response(200, BuyingRequestSchema)
@api_bp.doc(responses=problem_responses(404, 409))
def close_request(request_id):
    """Buyer: close an open request before its date (no more answers; award still)."""
    actor = _actor()
    return operations.close_request(queries.own_request(request_id, actor.company,
                                                        for_update=True), actor)


@api_bp.route("/buying-requests/<int:request_id>/quotations")
@api_auth(permission="documents.view")
@api_bp.response(200, AnswerSchema(many=True))
@api_bp.doc(responses=problem_responses(404))
def list_answers(request_id):
    """The answers: the buyer sees every quotation sent to it; a supplier only its own."""
    company = _actor().company
    return queries.answers(queries.visible_request(request_id, company), company)


@api_bp.route("/buying-requests/<int:request_id>/quotations", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(AnswerArgsSchema)
@api_bp.response(201, AnswerSchema)
@api_bp.doc(responses=problem_responses(403, 404, 409, 422))
def post_answer(values, request_id):
    """Supplier of the request's category: answer with a quotation to the buyer (sent at
    once; answering again sends a revision). After closing 409; outside the category
    404."""
    quotation = operations.answer_request(request_id, _actor(), values)
    return quotation, 201, {"Location": f"/api/v1/documents/{quotation.id}"}


def _comparison(request_id):
    actor = _actor()
    request = queries.own_request(request_id, actor.company)
    if request.rfq_id is None:
        raise Conflict(str(_l("No supplier has answered yet: nothing to compare.")))
    return sourcing_queries.comparison(sourcing_queries.buyers_request(request.rfq_id, actor))


@api_bp.route("/buying-requests/<int:request_id>/comparison")
@api_auth(permission="documents.view")
@api_bp.arguments(ComparisonArgsSchema, location="query")
@api_bp.response(200, ComparisonSchema)
@api_bp.doc(responses=problem_responses(404, 409))
def request_comparison(args, request_id):
    """Buyer: the answers side by side (sourcing's comparison: unit price, total, lead
    time, terms, scorecards, best values marked); ``?format=xlsx`` the Excel file."""
    comparison = _comparison(request_id)
    if args["format"] == "xlsx":
        return sourcing_exports.comparison_xlsx(comparison)
    return comparison


@api_bp.route("/buying-requests/<int:request_id>/award", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(AwardRequestArgsSchema)
@api_bp.response(201, AwardResultSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def award_request(values, request_id):
    """Buyer: award the request to one answer (``quotation_id``): a draft purchase order
    derived from it, a regret to the others, the request awarded (closed)."""
    orders = operations.award_request(request_id, _actor(), values["quotation_id"],
                                      reason=values.get("reason"),
                                      disclose=values.get("disclose", False))
    return {"purchase_order_ids": [order.id for order in orders]}, 201


def _subscriptions(company):
    rows = queries.subscriptions(company.id)
    allowed = queries.supplier_categories(company)
    available = [category for category in db.session.query(Category).order_by(Category.code)
                 if category.id in allowed]
    return {"category_ids": [row.category_id for row in rows],
            "categories": [row.category for row in rows], "available": available}


@api_bp.route("/buying-requests/subscriptions")
@api_auth(permission="documents.view")
@api_bp.response(200, SubscriptionsSchema)
@api_bp.doc(responses=problem_responses(403))
def get_subscriptions():
    """Supplier: the categories whose new requests reach you in the bell and by mail."""
    company = _actor().company
    if not company.is_supplier:
        raise Forbidden(str(_l("Only suppliers subscribe to buying requests.")))
    return _subscriptions(company)


@api_bp.route("/buying-requests/subscriptions", methods=["PUT"])
@api_auth(permission="documents.edit")
@api_bp.arguments(SubscriptionsArgsSchema)
@api_bp.response(200, SubscriptionsSchema)
@api_bp.doc(responses=problem_responses(403, 422))
def put_subscriptions(values):
    """Supplier: replace the list (only your categories and those below them)."""
    actor = _actor()
    operations.set_subscriptions(actor, values["category_ids"])
    return _subscriptions(actor.company)

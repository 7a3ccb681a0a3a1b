"""Content api: bulletins (product announcements, buy and sell offers) and the
operator's hide / unhide."""

from __future__ import annotations

from flask import url_for

from marketplace.content import api_bp
from marketplace.content.operations import bulletins as operations
from marketplace.content.queries import bulletins as queries
from marketplace.content.schemas.bulletins import (
    BulletinArgsSchema,
    BulletinPatchArgsSchema,
    BulletinQueryArgsSchema,
    BulletinSchema,
    HideArgsSchema,
)
from marketplace.core.api import (
    ETAG_HEADER,
    check_if_match,
    honours_if_match,
    idempotent,
    problem_responses,
    with_etag,
)
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.infrastructure.auth import api_auth, current_actor


def _answer(bulletin):
    return with_etag(BulletinSchema().dump(bulletin), bulletin)


@api_bp.route("/bulletins")
@api_auth(optional=True)
@api_bp.arguments(BulletinQueryArgsSchema, location="query")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(BulletinSchema))
@api_bp.doc(responses=problem_responses(422))
def list_bulletins(query, pagination):
    """Product announcements and trade leads, newest first: not expired, not hidden, of
    active companies. ``mine=true``: the caller's own, expired and hidden ones included
    (the operator's listing shows hidden ones too, marked)."""
    mine = query.pop("mine", False)
    return paginate(queries.bulletins(query, mine=mine), **pagination)


@api_bp.route("/bulletins", methods=["POST"])
@api_auth(permission="bulletins.post")
@idempotent
@api_bp.arguments(BulletinArgsSchema)
@api_bp.response(201, BulletinSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(422))
def post_bulletin(values):
    """Post a bulletin for the own company (needs an approved, active company: a pending
    one is refused with 403)."""
    bulletin = operations.post_bulletin(current_actor().company, values)
    return _answer(bulletin), 201, {"Location": url_for("content_api.get_bulletin",
                                                       bulletin_id=bulletin.id)}


@api_bp.route("/bulletins/<int:bulletin_id>")
@api_auth(optional=True)
@api_bp.response(200, BulletinSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404))
def get_bulletin(bulletin_id):
    """One bulletin. Expired and hidden ones: to their owner (and the operator) only."""
    return _answer(queries.bulletin(bulletin_id))


@api_bp.route("/bulletins/<int:bulletin_id>", methods=["PATCH"])
@api_auth(permission="bulletins.post")
@api_bp.arguments(BulletinPatchArgsSchema)
@api_bp.response(200, BulletinSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404, 422))
@honours_if_match
def patch_bulletin(values, bulletin_id):
    """Change the own company's bulletin (honours If-Match)."""
    bulletin = queries.own_bulletin(bulletin_id)
    check_if_match(bulletin)
    operations.update_bulletin(bulletin, values)
    return _answer(bulletin)


@api_bp.route("/bulletins/<int:bulletin_id>", methods=["DELETE"])
@api_auth(permission="bulletins.post")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
@honours_if_match
def delete_bulletin(bulletin_id):
    """Delete the own company's bulletin (honours If-Match)."""
    bulletin = queries.own_bulletin(bulletin_id)
    check_if_match(bulletin)
    operations.delete_bulletin(bulletin)


@api_bp.route("/admin/bulletins/<int:bulletin_id>/hide", methods=["POST"])
@api_auth(operator=True)
@api_bp.arguments(HideArgsSchema)
@api_bp.response(200, BulletinSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def hide_bulletin(args, bulletin_id):
    """Operator: take a bulletin off the listings; its owner sees it with the reason."""
    bulletin = operations.hide_bulletin(queries.any_bulletin(bulletin_id), args["reason"])
    return _answer(bulletin)


@api_bp.route("/admin/bulletins/<int:bulletin_id>/unhide", methods=["POST"])
@api_auth(operator=True)
@api_bp.response(200, BulletinSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404, 409))
def unhide_bulletin(bulletin_id):
    """Operator: list a hidden bulletin again."""
    return _answer(operations.unhide_bulletin(queries.any_bulletin(bulletin_id)))

"""Favourites and saved searches API: the acting member's own (another member's, a
colleague's too, is 404). Thin: parse → operation or query → schema."""

from __future__ import annotations

from flask import url_for

from marketplace.core.api import idempotent, problem_responses
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.favourites import api_bp, operations, queries
from marketplace.favourites.schemas import (
    FavouriteArgsSchema,
    FavouriteQueryArgsSchema,
    FavouriteSchema,
    SavedSearchArgsSchema,
    SavedSearchDetailSchema,
    SavedSearchPatchArgsSchema,
    SavedSearchSchema,
)
from marketplace.infrastructure.auth import api_auth


@api_bp.route("/favourites")
@api_auth()
@api_bp.arguments(FavouriteQueryArgsSchema, location="query")
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(FavouriteSchema))
@api_bp.doc(responses=problem_responses(403, 422))
def list_favourites(query, pagination):
    """Your starred products and suppliers, newest first (``kind`` to keep one)."""
    return paginate(queries.favourites(queries.acting_member(), query.get("kind")),
                    **pagination)


@api_bp.route("/favourites", methods=["POST"])
@api_auth(write=True)
@idempotent
@api_bp.arguments(FavouriteArgsSchema)
@api_bp.response(201, FavouriteSchema)
@api_bp.doc(responses=problem_responses(403, 422))
def post_favourite(values):
    """Star a published product (``product_id``) or an active supplier (``supplier_id``).
    Starring it again makes nothing new: the answer is the same favourite, so a partner
    system may repeat the call safely."""
    favourite, _ = operations.add_favourite(queries.acting_member(), **values)
    location = url_for("favourites_api.delete_favourite", favourite_id=favourite.id)
    return favourite, 201, {"Location": location}


@api_bp.route("/favourites/<int:favourite_id>", methods=["DELETE"])
@api_auth(write=True)
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(403, 404))
def delete_favourite(favourite_id):
    """Unstar."""
    member = queries.acting_member()
    operations.remove_favourite(queries.favourite(member, favourite_id))


@api_bp.route("/saved-searches")
@api_auth()
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(SavedSearchSchema))
@api_bp.doc(responses=problem_responses(403))
def list_saved_searches(pagination):
    """Your saved searches, by name."""
    return paginate(queries.saved_searches(queries.acting_member()), **pagination)


@api_bp.route("/saved-searches", methods=["POST"])
@api_auth(write=True)
@idempotent
@api_bp.arguments(SavedSearchArgsSchema)
@api_bp.response(201, SavedSearchSchema)
@api_bp.doc(responses=problem_responses(403, 422))
def post_saved_search(values):
    """Save a product search (``q`` and the filters of GET /search/products) under a
    name. With ``alerts`` (default true), products published from now on that match it
    reach you once each: in the bell, and in the daily digest mail (which you can turn
    off in the notification settings, event ``saved_search.digest``)."""
    search = operations.save_search(queries.acting_member(), values)
    return search, 201, {"Location": url_for("favourites_api.get_saved_search",
                                             search_id=search.id)}


@api_bp.route("/saved-searches/<int:search_id>")
@api_auth()
@api_bp.response(200, SavedSearchDetailSchema)
@api_bp.doc(responses=problem_responses(403, 404))
def get_saved_search(search_id):
    """One of your saved searches, with the latest new products reported to it."""
    search = queries.saved_search(queries.acting_member(), search_id)
    search.recent_matches = queries.recent_matches(search)
    return search


@api_bp.route("/saved-searches/<int:search_id>", methods=["PATCH"])
@api_auth(write=True)
@api_bp.arguments(SavedSearchPatchArgsSchema)
@api_bp.response(200, SavedSearchSchema)
@api_bp.doc(responses=problem_responses(403, 404, 422))
def patch_saved_search(values, search_id):
    """Rename it (``name``) or turn its alerts on or off (``alerts``)."""
    member = queries.acting_member()
    return operations.update_saved_search(member, queries.saved_search(member, search_id),
                                          values)


@api_bp.route("/saved-searches/<int:search_id>", methods=["DELETE"])
@api_auth(write=True)
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(403, 404))
def delete_saved_search(search_id):
    """Delete it (its alerts stop)."""
    member = queries.acting_member()
    operations.delete_saved_search(queries.saved_search(member, search_id))

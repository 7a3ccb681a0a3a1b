"""Content api: company profiles, factory tours, certifications.

``GET/PATCH /companies/{id}`` (the account data) belong to the infrastructure module;
what a company tells buyers about itself lives under ``/companies/{id}/profile``.
"""

from __future__ import annotations

from flask import url_for
from marshmallow import RAISE

from marketplace.content import api_bp
from marketplace.content.operations import profiles as operations
from marketplace.content.queries import profiles as queries
from marketplace.content.schemas.profiles import (
    CertificationArgsSchema,
    CertificationPatchArgsSchema,
    CertificationSchema,
    FactoryTourItemPatchArgsSchema,
    FactoryTourItemSchema,
    FactoryTourOrderArgsSchema,
    FactoryTourUploadArgsSchema,
    ProfilePatchArgsSchema,
    ProfileSchema,
)
from marketplace.core.api import (
    ETAG_HEADER,
    check_if_match,
    honours_if_match,
    idempotent,
    problem_responses,
    with_etag,
)
from marketplace.core.pagination import Page, PaginationArgsSchema, page_schema
from marketplace.infrastructure.auth import api_auth

UPLOAD_REFUSALS = problem_responses(404, 413, 415, 422)


def _page_of(rows: list, page: int, per_page: int) -> Page:
    """A page of a short list already in memory (a tour holds at most a few dozen items)."""
    start = (page - 1) * per_page
    return Page(items=rows[start:start + per_page], total=len(rows), page=page,
                per_page=per_page)


# ----- the profile ------------------------------------------------------------------------


@api_bp.route("/companies/<int:company_id>/profile")
@api_auth(optional=True)
@api_bp.response(200, ProfileSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404))
def get_company_profile(company_id):
    """A company's profile for buyers: descriptions (English and Chinese), year founded,
    employees, main markets, contact, certifications and the factory tour. Active
    companies are public; pending and suspended ones: to themselves and the operator."""
    page = queries.profile_page(queries.visible_company(company_id))
    return with_etag(ProfileSchema().dump(page), page)


@api_bp.route("/companies/<int:company_id>/profile", methods=["PATCH"])
@api_auth(permission="profile.edit")
@api_bp.arguments(ProfilePatchArgsSchema)
@api_bp.response(200, ProfileSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404, 422))
@honours_if_match
def patch_company_profile(values, company_id):
    """Change the own company's profile (administrators; honours If-Match). A pending
    company may complete its profile while it waits for approval."""
    company = queries.own_company(company_id)
    check_if_match(queries.profile_of(company))
    operations.update_profile(company, values)
    page = queries.profile_page(company)
    return with_etag(ProfileSchema().dump(page), page)


# ----- the factory tour -------------------------------------------------------------------


@api_bp.route("/companies/<int:company_id>/factory-tour")
@api_auth(optional=True)
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(FactoryTourItemSchema))
@api_bp.doc(responses=problem_responses(404))
def list_factory_tour(pagination, company_id):
    """The factory tour's photos and videos with their captions, in the company's order."""
    company = queries.visible_company(company_id)
    return _page_of(queries.tour_items(company), **pagination)


@api_bp.route("/companies/<int:company_id>/factory-tour", methods=["POST"])
@api_auth(permission="profile.edit")
@idempotent
@api_bp.arguments(FactoryTourUploadArgsSchema, location="files", unknown=RAISE)
@api_bp.response(201, FactoryTourItemSchema)
@api_bp.doc(responses=UPLOAD_REFUSALS)
def add_factory_tour_item(args, company_id):
    """Add a photo or video (multipart ``file``, ``caption_en``, ``caption_zh``) at the end
    of the tour. The type is decided by the file's content, never its name."""
    company = queries.own_company(company_id)
    upload = args["file"]
    item = operations.add_tour_item(company, upload.stream, upload.filename or "",
                                    caption_en=args.get("caption_en"),
                                    caption_zh=args.get("caption_zh"))
    return item, 201, {"Location": url_for(
        "content_api.get_factory_tour_item", company_id=company.id, item_id=item.id)}


@api_bp.route("/companies/<int:company_id>/factory-tour/<int:item_id>")
@api_auth(optional=True)
@api_bp.response(200, FactoryTourItemSchema)
@api_bp.doc(responses=problem_responses(404))
def get_factory_tour_item(company_id, item_id):
    """One item of the factory tour."""
    return queries.tour_item(queries.visible_company(company_id), item_id)


@api_bp.route("/companies/<int:company_id>/factory-tour/<int:item_id>", methods=["PATCH"])
@api_auth(permission="profile.edit")
@api_bp.arguments(FactoryTourItemPatchArgsSchema)
@api_bp.response(200, FactoryTourItemSchema)
@api_bp.doc(responses=problem_responses(404, 422))
def patch_factory_tour_item(values, company_id, item_id):
    """Change an item's captions."""
    item = queries.tour_item(queries.own_company(company_id), item_id)
    return operations.update_tour_item(item, values)


@api_bp.route("/companies/<int:company_id>/factory-tour/<int:item_id>", methods=["DELETE"])
@api_auth(permission="profile.edit")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
def delete_factory_tour_item(company_id, item_id):
    """Remove an item from the tour; its file is deleted."""
    operations.delete_tour_item(queries.tour_item(queries.own_company(company_id), item_id))


@api_bp.route("/companies/<int:company_id>/factory-tour/order", methods=["PUT"])
@api_auth(permission="profile.edit")
@api_bp.arguments(FactoryTourOrderArgsSchema)
@api_bp.response(200, FactoryTourItemSchema(many=True))
@api_bp.doc(responses=problem_responses(404, 422))
def order_factory_tour(args, company_id):
    """Put the tour in a new order: ``ids`` names every item once (else 422)."""
    return operations.reorder_tour(queries.own_company(company_id), args["ids"])


# ----- certifications -----------------------------------------------------------------------


@api_bp.route("/companies/<int:company_id>/certifications")
@api_auth(optional=True)
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(CertificationSchema))
@api_bp.doc(responses=problem_responses(404))
def list_certifications(pagination, company_id):
    """The company's certifications with their documents."""
    company = queries.visible_company(company_id)
    return _page_of(queries.certifications(company), **pagination)


@api_bp.route("/companies/<int:company_id>/certifications", methods=["POST"])
@api_auth(permission="profile.edit")
@idempotent
@api_bp.arguments(CertificationArgsSchema, location="files", unknown=RAISE)
@api_bp.response(201, CertificationSchema)
@api_bp.doc(responses=UPLOAD_REFUSALS)
def add_certification(args, company_id):
    """Add a certification (multipart: ``name``, ``issuer``, ``valid_until`` as
    YYYY-MM-DD, and the document as ``file``, a PDF or an image)."""
    company = queries.own_company(company_id)
    upload = args.pop("file", None)
    certification = operations.add_certification(
        company, args, (upload.stream, upload.filename or "") if upload else None)
    return certification, 201, {"Location": url_for(
        "content_api.get_certification", company_id=company.id,
        certification_id=certification.id)}


@api_bp.route("/companies/<int:company_id>/certifications/<int:certification_id>")
@api_auth(optional=True)
@api_bp.response(200, CertificationSchema)
@api_bp.doc(responses=problem_responses(404))
def get_certification(company_id, certification_id):
    """One certification."""
    return queries.certification(queries.visible_company(company_id), certification_id)


@api_bp.route("/companies/<int:company_id>/certifications/<int:certification_id>",
              methods=["PATCH"])
@api_auth(permission="profile.edit")
@api_bp.arguments(CertificationPatchArgsSchema)
@api_bp.response(200, CertificationSchema)
@api_bp.doc(responses=problem_responses(404, 422))
def patch_certification(values, company_id, certification_id):
    """Change a certification's name, issuer or validity (a new document: delete and add)."""
    found = queries.certification(queries.own_company(company_id), certification_id)
    return operations.update_certification(found, values)


@api_bp.route("/companies/<int:company_id>/certifications/<int:certification_id>",
              methods=["DELETE"])
@api_auth(permission="profile.edit")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
def delete_certification(company_id, certification_id):
    """Remove a certification and its document."""
    operations.delete_certification(
        queries.certification(queries.own_company(company_id), certification_id))

"""Trading api: guest links (API.md, "Export papers and money"): the issuer sends its
quotation to an address-book contact without an account — a mail with the .docx and
PDF and a link opening that document alone — lists the links and revokes one."""

from __future__ import annotations

from flask import Response
from marshmallow import Schema, fields, validate

from marketplace.core.api import idempotent, problem_responses
from marketplace.core.schemas import Id
from marketplace.infrastructure.auth import api_auth
from marketplace.trading import api_bp
from marketplace.trading.api.documents import trade_actor
from marketplace.trading.operations import guest_links as guest_operations
from marketplace.trading.queries import guest_links
from marketplace.trading.queries.documents import issued_document


class GuestLinkArgsSchema(Schema):
    class Meta:
        ordered = True

    contact_id = Id(required=True, metadata={
        "description": "A contact of your address book (with an e-mail address)"})
    message = fields.String(validate=validate.Length(max=guest_operations.MAX_MESSAGE),
                            allow_none=True, metadata={"description": "A note in the mail"})


class GuestLinkCreatedSchema(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={
        "description": "The guest's link (shown once: only its hash is kept)"})
    expires_at = fields.DateTime(required=True)


class GuestLinkSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    state = fields.String(required=True, metadata={
        "description": "open, accepted, expired or revoked"})
    expires_at = fields.DateTime(required=True)
    first_viewed_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)


class GuestLinkListSchema(Schema):
    items = fields.List(fields.Nested(GuestLinkSchema), required=True)


@api_bp.route("/documents/<int:document_id>/guest-links", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(GuestLinkArgsSchema)
@api_bp.response(201, GuestLinkCreatedSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def create_guest_link(values, document_id):
    """Send your quotation to a contact of your address book who has no account: a
    mail with its .docx and PDF attached and a link to a read-only page of this
    document alone, where the contact accepts it or asks for a change. A draft is sent
    with it. The link expires (and never outlives the quotation's validity)."""
    actor = trade_actor()
    document = issued_document(document_id, actor)
    link, url = guest_operations.create_guest_link(document, actor, values["contact_id"],
                                                   values.get("message"))
    return {"id": link.id, "url": url, "expires_at": link.expires_at}, 201


@api_bp.route("/documents/<int:document_id>/guest-links")
@api_auth(permission="documents.view")
@api_bp.response(200, GuestLinkListSchema)
@api_bp.doc(responses=problem_responses(404))
def list_guest_links(document_id):
    """Your document's guest links: to whom, whether opened, accepted, expired, revoked."""
    document = issued_document(document_id, trade_actor())
    return {"items": [guest_links.link_summary(link)
                      for link in guest_links.links_of(document)]}


@api_bp.route("/documents/<int:document_id>/guest-links/<int:link_id>", methods=["DELETE"])
@api_auth(permission="documents.edit")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
def revoke_guest_link(document_id, link_id):
    """Revoke a guest link: from now on it opens nothing."""
    actor = trade_actor()
    document = issued_document(document_id, actor)
    guest_operations.revoke_guest_link(guest_links.link_of(document, link_id), actor)
    return Response(status=204)

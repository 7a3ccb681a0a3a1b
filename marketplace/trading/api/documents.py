"""Trading api: trade documents (API.md, "Trade documents"): create, list, read, change,
act on and derive them, their history, thread and the party's own state, and the
declared types. Thin: parse → operation (the engine) → schema."""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.api import (
    ETAG_HEADER,
    check_if_match,
    honours_if_match,
    idempotent,
    problem_responses,
    with_etag,
)
from marketplace.core.guards import company_actor
from marketplace.core.pagination import page_schema
from marketplace.infrastructure.auth import Actor, api_auth, current_actor
from marketplace.trading import api_bp
from marketplace.trading.operations import documents as document_operations
from marketplace.trading.queries import documents
from marketplace.trading.schemas import (
    ActionArgsSchema,
    BoxArgsSchema,
    BoxCountsSchema,
    DeriveArgsSchema,
    DocumentArgsSchema,
    DocumentEventSchema,
    DocumentLinkSchema,
    DocumentPatchArgsSchema,
    DocumentSchema,
    DocumentSummarySchema,
    DocumentTypeSchema,
    PartyStateArgsSchema,
    PartyStateSchema,
)
from marketplace.workflow import doctypes

DOCUMENT_REFUSALS = problem_responses(404, 409, 422)
# Built once: a schema's instance deep-copies its fields and then makes its nested
# schemas on first use, about ten schemas a document answer (marshmallow's instances
# keep no state between loads or dumps).
DOCUMENT_SCHEMA = DocumentSchema()


def trade_actor() -> Actor:
    """The calling member or API key of a company (the operator has no documents)."""
    return company_actor(_l("Only a member of a company (or its API key) has documents."))


def document_answer(document, status: int = 200, headers: dict | None = None) -> Response:
    """The document as the caller's company sees it, with its ETag."""
    body = DOCUMENT_SCHEMA.dump(documents.document_details(document, current_actor()))
    response = with_etag(body, document)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def created_answer(document) -> Response:
    return document_answer(document, 201, {"Location": url_for("trading_api.get_document",
                                                               document_id=document.id)})


# ----- documents --------------------------------------------------------------------------


@api_bp.route("/documents", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(DocumentArgsSchema())  # an instance: webargs builds a class per request
@api_bp.response(201, DocumentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(422))
def create_document(values):
    """A new draft from your company, numbered (unique per company and type). An rfq
    names every invited supplier in ``recipient_company_ids``."""
    return created_answer(document_operations.create_document(trade_actor(), values))


@api_bp.route("/documents")
@api_auth(permission="documents.view")
@api_bp.arguments(BoxArgsSchema, location="query")
@api_bp.response(200, page_schema(DocumentSummarySchema))
@api_bp.doc(responses=problem_responses(422))
def list_documents(args):
    """A box of your company's documents, newest first: ``inbox`` (received),
    ``outbox`` (sent), ``drafts``, ``archive``; filtered by ``type``, ``status``,
    ``folder``, ``tag``, and ``q`` (number, subject, lines' descriptions and SKUs,
    the other party's name)."""
    actor = trade_actor()
    page = documents.documents_in_box(actor=actor, **args)
    page.items = [documents.document_summary(document, party, actor)
                  for document, party in page.items]
    return page


@api_bp.route("/documents/counts")
@api_auth(permission="documents.view")
@api_bp.response(200, BoxCountsSchema)
def document_counts():
    """What waits for your company and you: unread received documents (all, and those
    assigned to you), drafts, documents waiting for your company's approval."""
    return documents.box_counts(trade_actor())


@api_bp.route("/documents/<int:document_id>")
@api_auth(permission="documents.view")
@api_bp.response(200, DocumentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404))
def get_document(document_id):
    """One document, with the actions you may take now (``allowed_actions``). Opening
    it marks it read for your company."""
    actor = trade_actor()
    document = documents.visible_document(document_id, actor)
    document_operations.open_document(document, actor)
    return document_answer(document)


@api_bp.route("/documents/<int:document_id>", methods=["PATCH"])
@api_auth(permission="documents.edit")
@api_bp.arguments(DocumentPatchArgsSchema)
@api_bp.response(200, DocumentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=DOCUMENT_REFUSALS)
@honours_if_match
def patch_document(values, document_id):
    """Change a draft (the fields given; ``lines`` replaces every line). A sent
    document is read-only (409): derive a new one instead."""
    actor = trade_actor()
    document = documents.visible_document(document_id, actor)
    check_if_match(document)
    return document_answer(document_operations.update_document(document, actor, values))


@api_bp.route("/documents/<int:document_id>/actions/<string(maxlength=30):action>",
              methods=["POST"])
@api_auth(permission="documents.view")
@api_bp.arguments(ActionArgsSchema(), required=False)
@api_bp.response(200, DocumentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404, 409, 422))
@honours_if_match
def act_on_document(values, document_id, action):
    """Do an action: ``send``, ``approve``, ``reject`` (with a ``comment``: the
    reason), ``accept``, ``decline``, ``cancel``, ``forward`` (``to_user_id``),
    ``archive``, ``close``. 409 lists the ``allowed_actions`` when it is not allowed
    now. A send (or an accept) held by your company's approval rules waits as
    ``pending_approval`` (or ``acceptance_pending``) until the last approval."""
    actor = trade_actor()
    document = documents.visible_document(document_id, actor)
    check_if_match(document)
    return document_answer(document_operations.perform_action(document, action, actor,
                                                              values or {}))


@api_bp.route("/documents/<int:document_id>/derive", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(DeriveArgsSchema)
@api_bp.response(201, DocumentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=DOCUMENT_REFUSALS)
def derive_document(values, document_id):
    """A new draft made from this document (a quotation from an inquiry, a purchase
    order from a quotation, a revised quotation...): parties, currency, terms and
    lines carried over, same thread."""
    actor = trade_actor()
    parent = documents.visible_document(document_id, actor)
    return created_answer(document_operations.derive_document(parent, values["type"],
                                                              actor))


@api_bp.route("/documents/<int:document_id>/history")
@api_auth(permission="documents.view")
@api_bp.response(200, DocumentEventSchema(many=True))
@api_bp.doc(responses=problem_responses(404))
def document_history(document_id):
    """Every state change, oldest first (your own forwards and archiving included,
    the other party's not)."""
    actor = trade_actor()
    return documents.history(documents.visible_document(document_id, actor), actor)


@api_bp.route("/documents/<int:document_id>/thread")
@api_bp.doc(responses=problem_responses(404))
@api_auth(permission="documents.view")
@api_bp.response(200, DocumentLinkSchema(many=True))
def document_thread(document_id):
    """The negotiation this document belongs to, oldest first."""
    actor = trade_actor()
    return documents.thread(documents.visible_document(document_id, actor), actor)


@api_bp.route("/documents/<int:document_id>/party-state")
@api_auth(permission="documents.view")
@api_bp.response(200, PartyStateSchema)
@api_bp.doc(responses=problem_responses(404))
def get_party_state(document_id):
    """Your company's own folder, tags, read and archived state of the document."""
    actor = trade_actor()
    document = documents.visible_document(document_id, actor)
    return documents.party_dict(documents.party_state(document, actor)) or {
        "folder": None, "tags": [], "read": False, "archived": False}


@api_bp.route("/documents/<int:document_id>/party-state", methods=["PATCH"])
@api_auth(permission="documents.view")
@api_bp.arguments(PartyStateArgsSchema)
@api_bp.response(200, PartyStateSchema)
@api_bp.doc(responses=problem_responses(404, 422))
def patch_party_state(values, document_id):
    """File the document in a folder, tag it, mark it read or unread, archive or
    restore it: for your company only; the other party sees none of it."""
    actor = trade_actor()
    document = documents.visible_document(document_id, actor)
    return documents.party_dict(document_operations.update_party_state(document, actor, values))


@api_bp.route("/document-types")
@api_auth(optional=True)
@api_bp.response(200, DocumentTypeSchema(many=True))
def list_document_types():
    """The document types, as declared: who issues each, what it is made from, its
    actions and numbering (plus ``approve`` and ``reject`` where approvals apply)."""
    return [{**{name: getattr(doctype, name) for name in (
        "code", "issued_by", "numbering", "actions", "derived_from", "many_recipients",
        "prices_required")}, "label": str(doctype.label),
        "extra_fields": sorted(doctype.extra_fields)} for doctype in doctypes.all_types()]

"""Trading api: trade documents (API.md, "Trade documents") and the company's document
settings. Thin: parse → operation (the engine) → schema."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.api import (
    ETAG_HEADER,
    check_if_match,
    honours_if_match,
    idempotent,
    problem_responses,
    with_etag,
)
from marketplace.core.errors import Forbidden
from marketplace.core.pagination import page_schema
from marketplace.infrastructure.auth import Actor, api_auth, current_actor
from marketplace.trading import api_bp, operations, queries
from marketplace.trading.files import attachment_response
from marketplace.trading.schemas import (
    ActionArgsSchema,
    ApprovalRuleArgsSchema,
    ApprovalRuleSchema,
    AttachmentSchema,
    AttachmentUploadArgsSchema,
    BoxArgsSchema,
    BoxCountsSchema,
    DeriveArgsSchema,
    DispatchGroupArgsSchema,
    DispatchGroupSchema,
    DispatchRuleArgsSchema,
    DispatchRuleSchema,
    DocumentArgsSchema,
    DocumentEventSchema,
    DocumentLinkSchema,
    DocumentPatchArgsSchema,
    DocumentSchema,
    DocumentSummarySchema,
    DocumentTypeSchema,
    NumberingArgsSchema,
    NumberingSchema,
    PartyStateArgsSchema,
    PartyStateSchema,
)
from marketplace.workflow import doctypes
from marketplace.workflow.models import ApprovalRule, DispatchGroup, DispatchRule

DOCUMENT_REFUSALS = problem_responses(404, 409, 422)


def _actor() -> Actor:
    actor = current_actor()
    if actor.company is None:
        raise Forbidden(str(_l("Only a member of a company (or its API key) has documents.")))
    return actor


def _answer(document, status: int = 200, headers: dict | None = None):
    body = DocumentSchema().dump(queries.document_details(document, current_actor()))
    response = with_etag(body, document)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _created(document):
    return _answer(document, 201, {"Location": url_for("trading_api.get_document",
                                                       document_id=document.id)})


# ----- documents --------------------------------------------------------------------------


@api_bp.route("/documents", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(DocumentArgsSchema)
@api_bp.response(201, DocumentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(422))
def create_document(values):
    """A new draft from your company, numbered (unique per company and type). An rfq
    names every invited supplier in ``recipient_company_ids``."""
    return _created(operations.create_document(_actor(), values))


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
    actor = _actor()
    page = queries.documents_in_box(actor=actor, **args)
    page.items = [queries.document_summary(document, party, actor)
                  for document, party in page.items]
    return page


@api_bp.route("/documents/counts")
@api_auth(permission="documents.view")
@api_bp.response(200, BoxCountsSchema)
def document_counts():
    """What waits for your company and you: unread received documents (all, and those
    assigned to you), drafts, documents waiting for your company's approval."""
    return queries.box_counts(_actor())


@api_bp.route("/documents/<int:document_id>")
@api_auth(permission="documents.view")
@api_bp.response(200, DocumentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404))
def get_document(document_id):
    """One document, with the actions you may take now (``allowed_actions``). Opening
    it marks it read for your company."""
    actor = _actor()
    document = queries.visible_document(document_id, actor)
    operations.open_document(document, actor)
    return _answer(document)


@api_bp.route("/documents/<int:document_id>", methods=["PATCH"])
@api_auth(permission="documents.edit")
@api_bp.arguments(DocumentPatchArgsSchema)
@api_bp.response(200, DocumentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=DOCUMENT_REFUSALS)
@honours_if_match
def patch_document(values, document_id):
    """Change a draft (the fields given; ``lines`` replaces every line). A sent
    document is read-only (409): derive a new one instead."""
    actor = _actor()
    document = queries.visible_document(document_id, actor)
    check_if_match(document)
    return _answer(operations.update_document(document, actor, values))


@api_bp.route("/documents/<int:document_id>/actions/<string(maxlength=30):action>",
              methods=["POST"])
@api_auth(permission="documents.view")
@api_bp.arguments(ActionArgsSchema, required=False)
@api_bp.response(200, DocumentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404, 409, 422))
@honours_if_match
def act_on_document(values, document_id, action):
    """Do an action: ``send``, ``approve``, ``reject`` (with a ``comment``: the
    reason), ``accept``, ``decline``, ``cancel``, ``forward`` (``to_user_id``),
    ``archive``, ``close``. 409 lists the ``allowed_actions`` when it is not allowed
    now. A send (or an accept) held by your company's approval rules waits as
    ``pending_approval`` (or ``acceptance_pending``) until the last approval."""
    actor = _actor()
    document = queries.visible_document(document_id, actor)
    check_if_match(document)
    return _answer(operations.perform_action(document, action, actor, values or {}))


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
    actor = _actor()
    parent = queries.visible_document(document_id, actor)
    return _created(operations.derive_document(parent, values["type"], actor))


@api_bp.route("/documents/<int:document_id>/attachments", methods=["POST"])
@api_auth(permission="documents.edit")
@api_bp.arguments(AttachmentUploadArgsSchema, location="files")
@api_bp.response(201, AttachmentSchema)
@api_bp.doc(responses=problem_responses(404, 409, 413, 415, 422))
def upload_attachment(args, document_id):
    """Attach an image or PDF (multipart ``file``) to your draft: a drawing, a spec
    sheet, an L/C draft. The other party downloads it once the document is sent."""
    actor = _actor()
    document = queries.visible_document(document_id, actor)
    upload = args["file"]
    item = operations.attach_file(document, actor, upload.stream, upload.filename or "")
    url = url_for("trading_api.get_attachment", document_id=document.id, media_id=item["id"])
    return {**item, "url": url}, 201, {"Location": url}


@api_bp.route("/documents/<int:document_id>/attachments/<int:media_id>")
@api_auth(permission="documents.view")
@api_bp.doc(responses=problem_responses(404))
def get_attachment(document_id, media_id):
    """Download one of the document's attachments (either party)."""
    document = queries.visible_document(document_id, _actor())
    return attachment_response(queries.attachment(document, media_id))


@api_bp.route("/documents/<int:document_id>/attachments/<int:media_id>", methods=["DELETE"])
@api_auth(permission="documents.edit")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404, 409))
def delete_attachment(document_id, media_id):
    """Remove an attachment from your draft (its file is deleted)."""
    actor = _actor()
    document = queries.visible_document(document_id, actor)
    queries.attachment(document, media_id)
    operations.detach_file(document, actor, media_id)


@api_bp.route("/documents/<int:document_id>/history")
@api_auth(permission="documents.view")
@api_bp.response(200, DocumentEventSchema(many=True))
@api_bp.doc(responses=problem_responses(404))
def document_history(document_id):
    """Every state change, oldest first (your own forwards and archiving included,
    the other party's not)."""
    actor = _actor()
    return queries.history(queries.visible_document(document_id, actor), actor)


@api_bp.route("/documents/<int:document_id>/thread")
@api_bp.doc(responses=problem_responses(404))
@api_auth(permission="documents.view")
@api_bp.response(200, DocumentLinkSchema(many=True))
def document_thread(document_id):
    """The negotiation this document belongs to, oldest first."""
    actor = _actor()
    return queries.thread(queries.visible_document(document_id, actor), actor)


@api_bp.route("/documents/<int:document_id>/party-state")
@api_auth(permission="documents.view")
@api_bp.response(200, PartyStateSchema)
@api_bp.doc(responses=problem_responses(404))
def get_party_state(document_id):
    """Your company's own folder, tags, read and archived state of the document."""
    actor = _actor()
    document = queries.visible_document(document_id, actor)
    return queries.party_dict(queries.party_state(document, actor)) or {
        "folder": None, "tags": [], "read": False, "archived": False}


@api_bp.route("/documents/<int:document_id>/party-state", methods=["PATCH"])
@api_auth(permission="documents.view")
@api_bp.arguments(PartyStateArgsSchema)
@api_bp.response(200, PartyStateSchema)
@api_bp.doc(responses=problem_responses(404, 422))
def patch_party_state(values, document_id):
    """File the document in a folder, tag it, mark it read or unread, archive or
    restore it: for your company only; the other party sees none of it."""
    actor = _actor()
    document = queries.visible_document(document_id, actor)
    return queries.party_dict(operations.update_party_state(document, actor, values))


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


# ----- settings ---------------------------------------------------------------------------


@api_bp.route("/document-settings/numbering")
@api_auth(permission="documents.view")
@api_bp.response(200, NumberingSchema(many=True))
def list_numbering():
    """Your numbering pattern for every document type ({year}, {yy}, {seq})."""
    company_id = _actor().company.id
    return [operations.numbering_of(company_id, code) for code in doctypes.codes()]


@api_bp.route("/document-settings/numbering/<string(maxlength=40):type_code>",
              methods=["PUT"])
@api_auth(permission="documents.settings")
@api_bp.arguments(NumberingArgsSchema)
@api_bp.response(200, NumberingSchema)
@api_bp.doc(responses=problem_responses(422))
def set_numbering(values, type_code):
    """Set your pattern for a type (null: back to the default), e.g. ``QUO-{year}-{seq:05}``;
    it needs ``{seq}`` and the year."""
    return operations.set_numbering(_actor(), type_code, values["pattern"])


@api_bp.route("/document-settings/approval-rules")
@api_auth(permission="documents.view")
@api_bp.response(200, ApprovalRuleSchema(many=True))
def list_approval_rules():
    """Your approval rules: what you send or accept that waits for approvers."""
    return queries.approval_rules(_actor().company.id)


@api_bp.route("/document-settings/approval-rules", methods=["POST"])
@api_auth(permission="documents.settings")
@idempotent
@api_bp.arguments(ApprovalRuleArgsSchema)
@api_bp.response(201, ApprovalRuleSchema)
@api_bp.doc(responses=problem_responses(422))
def create_approval_rule(values):
    """A rule: documents of ``type`` you ``send`` (or ``accept``) with a total ≥
    ``min_total`` (in ``currency``, when given) wait for each step's role in order.
    The first matching rule by ``position`` applies."""
    return operations.create_approval_rule(_actor(), values)


@api_bp.route("/document-settings/approval-rules/<int:rule_id>", methods=["DELETE"])
@api_auth(permission="documents.settings")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
def delete_approval_rule(rule_id):
    """Remove a rule (documents already waiting keep their steps)."""
    operations.delete_setting(queries.own_setting(ApprovalRule, rule_id, _actor().company.id))


@api_bp.route("/document-settings/dispatch-rules")
@api_auth(permission="documents.view")
@api_bp.response(200, DispatchRuleSchema(many=True))
def list_dispatch_rules():
    """Your dispatch rules, in the order they are tried."""
    return queries.dispatch_rules(_actor().company.id)


@api_bp.route("/document-settings/dispatch-rules", methods=["POST"])
@api_auth(permission="documents.settings")
@idempotent
@api_bp.arguments(DispatchRuleArgsSchema)
@api_bp.response(201, DispatchRuleSchema)
@api_bp.doc(responses=problem_responses(422))
def create_dispatch_rule(values):
    """Incoming documents matching every condition given (type, product line, category,
    sender country, keyword) go to ``assignee_id`` or, in turn, to ``group_id``'s
    members. No rule matches: the default group, else your first administrator."""
    return operations.create_dispatch_rule(_actor(), values)


@api_bp.route("/document-settings/dispatch-rules/<int:rule_id>", methods=["DELETE"])
@api_auth(permission="documents.settings")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
def delete_dispatch_rule(rule_id):
    """Remove a dispatch rule."""
    operations.delete_setting(queries.own_setting(DispatchRule, rule_id, _actor().company.id))


@api_bp.route("/document-settings/dispatch-groups")
@api_auth(permission="documents.view")
@api_bp.response(200, DispatchGroupSchema(many=True))
def list_dispatch_groups():
    """Your round-robin groups."""
    return queries.dispatch_groups(_actor().company.id)


@api_bp.route("/document-settings/dispatch-groups", methods=["POST"])
@api_auth(permission="documents.settings")
@idempotent
@api_bp.arguments(DispatchGroupArgsSchema)
@api_bp.response(201, DispatchGroupSchema)
@api_bp.doc(responses=problem_responses(422))
def create_dispatch_group(values):
    """Members who take incoming documents in turn; ``is_default`` makes it the group
    for what no rule matches."""
    return operations.create_dispatch_group(_actor(), values)


@api_bp.route("/document-settings/dispatch-groups/<int:group_id>", methods=["DELETE"])
@api_auth(permission="documents.settings")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
def delete_dispatch_group(group_id):
    """Remove a group (and the rules that pointed to it)."""
    operations.delete_setting(queries.own_setting(DispatchGroup, group_id,
                                                  _actor().company.id))

"""Service cases api (API.md, "Service"): open one, list the company's, read one and its
messages, write (attachments as multipart), resolve, close, reopen, rate, and the
company's figures. Only the two sides see a case (the operator's cases: the operator);
anyone else gets 404."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from marketplace.core.api import idempotent, problem_responses
from marketplace.core.errors import Forbidden, NotFound, ValidationFailed
from marketplace.core.pagination import PaginationArgsSchema, page_schema
from marketplace.infrastructure.auth import Actor, api_auth, current_actor
from marketplace.infrastructure.departments.queries import box_refusal, department_in
from marketplace.service import api_bp
from marketplace.service import operations as case_operations
from marketplace.service import queries as cases
from marketplace.service.schemas import (
    FiguresSchema,
    RatingArgsSchema,
    ServiceActionArgsSchema,
    ServiceCaseArgsSchema,
    ServiceCaseListArgsSchema,
    ServiceCaseSchema,
    ServiceMessageArgsSchema,
    ServiceMessageSchema,
)
from marketplace.trading.downloads import attachment_response

FILE_PARTS = ("file", "files")


def case_actor(write: bool = False) -> Actor:
    """A member of a company (or its key), or the operator (for the operator's cases)."""
    actor = current_actor()
    if actor.company is None and not actor.is_operator:
        raise Forbidden(str(_l("Service cases belong to companies and the operator.")))
    if actor.company is not None and not actor.can("documents.edit" if write
                                                   else "documents.view"):
        raise Forbidden(str(_l("Your role does not allow this.")))
    return actor


def _with_urls(case_id: int, messages: list[dict]) -> list[dict]:
    for message in messages:
        for item in message["attachments"]:
            item["url"] = url_for("service_api.get_attachment", case_id=case_id,
                                  message_id=message["id"], media_id=item["id"])
    return messages


def _message_input(schema=ServiceMessageArgsSchema) -> tuple[dict, list]:
    """JSON, or multipart with the fields as form fields and ``file``/``files`` parts."""
    if request.mimetype == "multipart/form-data":
        data = request.form.to_dict()
        uploads = [case_operations.Upload(upload.stream, upload.filename or "")
                   for name in FILE_PARTS for upload in request.files.getlist(name)]
        unknown = set(request.files) - set(FILE_PARTS)
        if unknown:
            raise ValidationFailed(errors={name: [str(_l("Unknown field."))]
                                           for name in sorted(unknown)})
    else:
        data, uploads = request.get_json(silent=True), []
        if not isinstance(data, dict):
            raise ValidationFailed(errors={"_schema": [str(_l("Send a JSON object."))]})
    try:
        return schema().load(data), uploads
    except ValidationError as error:
        raise ValidationFailed(errors=error.messages) from error


def _case_body(schema):
    return {"content": {
        "application/json": {"schema": schema},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "body": {"type": "string"},
            "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                     "description": "Images or PDFs, recognised by their content; too "
                                    "large: 413; another type: 415"}}}}}}


@api_bp.route("/service-cases", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.response(201, ServiceCaseSchema)
@api_bp.doc(requestBody=_case_body(ServiceCaseArgsSchema),
            responses=problem_responses(403, 413, 415, 422))
def open_case():
    """Open a service case with another company (``counterparty_company_id``) or with
    the marketplace's operator (null): a complaint, question, return or quality case,
    its priority, subject and description, about a document or an order of yours
    between the two. Its response and resolution targets follow from its type. Empty
    subject, unknown or someone else's document or order: 422, each field named."""
    actor = current_actor()
    if actor.company is None:
        raise Forbidden(str(_l("Service cases are opened by companies.")))
    values, uploads = _message_input(ServiceCaseArgsSchema)
    case = case_operations.open_case(actor, values, uploads)
    location = url_for("service_api.get_case", case_id=case.id)
    return cases.described(case, actor), 201, {"Location": location}


@api_bp.route("/service-cases")
@api_auth()
@api_bp.arguments(ServiceCaseListArgsSchema, location="query")
@api_bp.response(200, page_schema(ServiceCaseSchema))
@api_bp.doc(responses=problem_responses(403, 404))
def list_cases(args):
    """Your company's cases, both those it opened and those it handles (``role``), the
    latest first; the operator: the cases to the operator. ``department_id``: one of
    your departments' shared box (its members and the administrators only)."""
    actor = case_actor()
    department_id = args.pop("department_id", None)
    if department_id is not None:
        refusal = box_refusal(department_in(actor.company.id if actor.company else None,
                                            department_id), actor)
        if refusal:
            raise NotFound(refusal)
        args["role"] = "handler"
    page = cases.cases_page(actor, department_id=department_id, **args)
    page.items = [cases.described(case, actor) for case in page.items]
    return page


@api_bp.route("/service-cases/<int:case_id>")
@api_auth()
@api_bp.response(200, ServiceCaseSchema)
@api_bp.doc(responses=problem_responses(404))
def get_case(case_id):
    actor = case_actor()
    return cases.described(cases.visible_case(case_id, actor), actor)


@api_bp.route("/service-cases/<int:case_id>/messages")
@api_auth()
@api_bp.arguments(PaginationArgsSchema, location="query")
@api_bp.response(200, page_schema(ServiceMessageSchema))
@api_bp.doc(responses=problem_responses(404))
def list_messages(args, case_id):
    """The case's messages, oldest first (the first is the opening description)."""
    actor = case_actor()
    case = cases.visible_case(case_id, actor)
    everything = cases.messages(case)
    start = (args["page"] - 1) * args["per_page"]
    items = everything[start:start + args["per_page"]]
    return {"items": _with_urls(case.id, cases.described_messages(case, items, actor)),
            "total": len(everything), "page": args["page"], "per_page": args["per_page"]}


@api_bp.route("/service-cases/<int:case_id>/messages", methods=["POST"])
@api_auth()
@idempotent
@api_bp.response(201, ServiceMessageSchema)
@api_bp.doc(requestBody=_case_body(ServiceMessageArgsSchema),
            responses=problem_responses(404, 409, 413, 415, 422))
def post_message(case_id):
    """Write in the case: JSON ``{body}``, or multipart with ``body`` and files. The
    handling side's first message is the case's first response; the other side is told
    (bell, mail, webhook ``service_case.message``). A closed case: 409."""
    actor = case_actor(write=True)
    case = cases.visible_case(case_id, actor)
    values, uploads = _message_input()
    message = case_operations.post_message(case, actor, values["body"], uploads)
    [described] = _with_urls(case.id, cases.described_messages(case, [message], actor))
    return described, 201


@api_bp.route("/service-cases/<int:case_id>/actions/<action>",
              methods=["POST"])
@api_auth()
@api_bp.arguments(ServiceActionArgsSchema)
@api_bp.response(200, ServiceCaseSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def act(values, case_id, action):
    """``resolve`` (either side, while open or waiting), ``close`` (either side), or
    ``reopen`` (the company that opened it, once resolved or closed); not possible
    now: 409 with ``allowed_actions``."""
    actor = case_actor(write=True)
    case = cases.visible_case(case_id, actor)
    if action not in case_operations.ACTIONS:
        raise NotFound(str(_l("A service case has no action %(action)s.", action=action)))
    case_operations.perform(case, actor, action, values.get("comment"))
    return cases.described(case, actor)


@api_bp.route("/service-cases/<int:case_id>/rating", methods=["POST"])
@api_auth()
@api_bp.arguments(RatingArgsSchema)
@api_bp.response(200, ServiceCaseSchema)
@api_bp.doc(responses=problem_responses(404, 409, 422))
def rate(values, case_id):
    """The opener's satisfaction with a closed case, 1 to 5 (409 before it is closed or
    for the handling side)."""
    actor = case_actor(write=True)
    case = cases.visible_case(case_id, actor)
    case_operations.rate(case, actor, values["score"])
    return cases.described(case, actor)


@api_bp.route("/service-cases/<int:case_id>/messages/<int:message_id>"
              "/attachments/<int:media_id>")
@api_auth()
@api_bp.doc(responses=problem_responses(404))
def get_attachment(case_id, message_id, media_id):
    """Download a file of one of the case's messages."""
    case = cases.visible_case(case_id, case_actor())
    return attachment_response(cases.message_attachment(case, message_id, media_id))


@api_bp.route("/service-figures")
@api_auth()
@api_bp.response(200, FiguresSchema)
def service_figures():
    """Your company's service as the handling side over the last 12 months: median
    first-response and resolution hours, the share answered within the target, the share
    solved at the first answer, satisfaction and each rating's count (the operator: the
    cases to the operator)."""
    actor = case_actor()
    figures = cases.figures(actor.company.id if actor.company else None)
    return {**figures.__dict__, "ratings": {str(k): v for k, v in figures.ratings.items()}}

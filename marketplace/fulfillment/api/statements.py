"""The statement of account in the API: GET /receivables/statement (supplier)."""

from __future__ import annotations

from flask import Response

from marketplace.core.api import problem_responses
from marketplace.core.guards import company_actor
from marketplace.fulfillment import api_bp, statements
from marketplace.fulfillment.api import OPERATOR_ONLY_READS
from marketplace.fulfillment.schemas import StatementArgsSchema, StatementSchema
from marketplace.infrastructure.auth import api_auth

_BINARY = {"schema": {"type": "string", "format": "binary"}}


@api_bp.route("/receivables/statement")
@api_auth(permission="fulfillment.view")
@api_bp.arguments(StatementArgsSchema, location="query")
@api_bp.response(200, StatementSchema)
@api_bp.doc(responses={**problem_responses(403, 404, 422), "200": {
    "description": "The statement (JSON), or its PDF or Excel file",
    "content": {"application/json": {"schema": StatementSchema},
                "application/pdf": _BINARY, statements.XLSX_MEDIA_TYPE: _BINARY}}})
def get_statement(args):
    """Supplier: a customer's statement of account for a period (default: the last 12
    months to today) in one currency (default: the one it was invoiced in most) —
    invoices, payments, credit and debit notes with the running balance from the
    balance brought forward, and the aging of what is open at the period's end.
    ``format=pdf|xlsx`` for the file. Not your customer → 404."""
    actor = company_actor(OPERATOR_ONLY_READS)
    result = statements.statement(actor.company, args["buyer_id"],
                                  period_from=args.get("from_"), period_to=args.get("to"),
                                  currency=args.get("currency"))
    if args["format"] == "json":
        return result
    if args["format"] == "pdf":
        body, media = statements.statement_pdf(result), "application/pdf"
    else:
        body, media = statements.statement_xlsx(result), statements.XLSX_MEDIA_TYPE
    name = statements.filename(result, args["format"])
    return Response(body, mimetype=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

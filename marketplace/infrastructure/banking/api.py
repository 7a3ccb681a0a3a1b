"""JSON API of bank details: the caller's company's own (GET any member; PUT its
administrators, honouring If-Match). A buyer reads its supplier's on the invoice
(``GET /invoices/{id}``, ``pay_to``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.api import (
    ETAG_HEADER,
    check_if_match,
    honours_if_match,
    problem_responses,
    with_etag,
)
from marketplace.core.errors import NotFound
from marketplace.core.guards import company_actor
from marketplace.infrastructure.auth import api_auth
from marketplace.infrastructure.banking import blp_bank_details as blp
from marketplace.infrastructure.banking import operations, queries
from marketplace.infrastructure.banking.schemas import BankDetailsArgsSchema, BankDetailsSchema

NO_COMPANY = _l("Bank details belong to a company; the operator has none.")


@blp.route("")
@api_auth()
@blp.response(200, BankDetailsSchema, headers=ETAG_HEADER)
@blp.doc(responses=problem_responses(403, 404))
def get_bank_details():
    """Your company's bank details (404 until they are set)."""
    actor = company_actor(NO_COMPANY)
    account = queries.bank_account_of(actor.company.id)
    if account is None:
        raise NotFound(str(_l("Your company has no bank details yet.")))
    return with_etag(BankDetailsSchema().dump(account), account)


@blp.route("", methods=["PUT"])
@api_auth(permission="company.edit")
@blp.arguments(BankDetailsArgsSchema)
@blp.response(200, BankDetailsSchema, headers=ETAG_HEADER)
@blp.doc(responses=problem_responses(403, 422))
@honours_if_match
def put_bank_details(values):
    """Set or replace your company's bank details. SWIFT/BIC codes are checked by shape
    and country, an IBAN by its country's length and checksum; each problem is named
    under its field (422)."""
    actor = company_actor(NO_COMPANY)
    account = queries.bank_account_of(actor.company.id)
    if account is not None:
        check_if_match(account)
    account = operations.save_bank_details(actor.company, values, actor)
    return with_etag(BankDetailsSchema().dump(account), account)

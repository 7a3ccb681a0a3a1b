"""Bank details: where a company is paid by T/T (beneficiary, bank, SWIFT/BIC, account
or IBAN, intermediary bank), kept with the company's settings and printed on the
proforma and commercial invoices it issues.

They live here, with the company, because trading's papers (the proforma invoice) print
them and trading sits below fulfillment: ``banking/_bank_details.html`` is the partial
every print template includes. The rooms are the house's: models, operations (the
checks of SWIFT/BIC and IBAN included), queries, schemas, api, views, forms, templates.
"""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("banking", __name__, template_folder="templates")
blp_bank_details = ApiBlueprint(
    "bank_details", __name__, url_prefix="/bank-details",
    description="Your company's bank details for T/T (printed on your proforma and "
                "commercial invoices)")

API_BLUEPRINTS = (blp_bank_details,)


@bp.app_template_global("bank_details_of")
def _bank_details_of(company_id):
    """For print templates: the company's bank details, or None."""
    from marketplace.infrastructure.banking.queries import bank_account_of

    return bank_account_of(company_id) if company_id else None

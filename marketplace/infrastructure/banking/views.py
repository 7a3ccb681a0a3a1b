"""Portal: the company's bank details (company settings → Bank details). Every member
reads them; administrators change them. A refusal shows the form again with what was
typed and each field's problem beside it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from marketplace.core import currencies
from marketplace.core.errors import DomainError, Forbidden
from marketplace.core.guards import company_member_required
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.banking import bp, operations, queries
from marketplace.infrastructure.banking.forms import BankDetailsForm
from marketplace.infrastructure.banking.models import FIELDS
from marketplace.infrastructure.forms import show_errors

NO_COMPANY = _l("Bank details belong to a company; the operator has none.")


@bp.route("/company/bank-details", methods=["GET", "POST"])
@company_member_required(message=NO_COMPANY)
def bank_details():
    actor = current_actor()
    account = queries.bank_account_of(actor.company.id)
    editable = actor.can("company.edit")
    form = BankDetailsForm(obj=account)
    form.currency.choices = currencies.company_choices(
        actor.company.id, keep=(form.currency.data or "").strip().upper() or None,
        blank=str(_l("— none —")))
    if request.method == "GET" and account is not None:
        form.version.data = str(account.version)
    if request.method == "POST":
        if not editable:
            raise Forbidden(str(_l("Only your company's administrators may change its "
                                   "bank details.")))
        if form.validate_on_submit():
            try:
                operations.save_bank_details(
                    actor.company, {name: getattr(form, name).data for name in FIELDS},
                    actor, version=int(form.version.data) if form.version.data else None)
            except DomainError as error:
                show_errors(error, form)
            else:
                flash(_l("Bank details saved: they print on your next proforma and "
                         "commercial invoices."), "success")
                return redirect(url_for("infrastructure.banking.bank_details"))
    return render_template("banking/bank_details.html", form=form, account=account,
                           editable=editable)

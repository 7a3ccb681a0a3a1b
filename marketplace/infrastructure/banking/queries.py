"""Reads of bank details: a company's own, or its supplier's on the papers it issued."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.infrastructure.banking.models import CompanyBankAccount


def bank_account_of(company_id: int) -> CompanyBankAccount | None:
    """The company's bank details (None until its administrators set them). Callers
    show them only to the company and to those it invoices (print, invoice answers)."""
    return db.session.scalar(select(CompanyBankAccount).where(
        CompanyBankAccount.company_id == company_id))


PAY_TO_FIELDS = ("company_id", "beneficiary_name", "beneficiary_address", "bank_name",
                 "bank_address", "swift_bic", "account_number", "iban", "iban_grouped",
                 "currency", "intermediary_bank_name", "intermediary_swift_bic",
                 "instructions", "version")


def pay_to_snapshot(company_id: int | None) -> dict | None:
    """The company's bank details as plain JSON, to be kept with a revision of an invoice
    when it is issued: its print and its ``pay_to`` show them, not a later change."""
    account = bank_account_of(company_id) if company_id else None
    if account is None:
        return None
    return {name: getattr(account, name) for name in PAY_TO_FIELDS}

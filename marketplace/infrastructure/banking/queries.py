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

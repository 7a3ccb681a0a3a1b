"""Writes of bank details, and the checks a bank would make before a T/T leaves:
SWIFT/BIC by its shape and country, IBAN by its country's length and its checksum
(ISO 13616: the number read as digits, modulo 97, is 1)."""

from __future__ import annotations

import re

import pycountry
from flask_babel import lazy_gettext as _l

from marketplace.core.audit import record_audit
from marketplace.core.errors import PreconditionFailed, ValidationFailed
from marketplace.extensions import db
from marketplace.infrastructure.banking.models import FIELDS, CompanyBankAccount
from marketplace.infrastructure.banking.queries import bank_account_of

BIC = re.compile(r"^[A-Z]{4}([A-Z]{2})[A-Z0-9]{2}([A-Z0-9]{3})?$")
IBAN_SHAPE = re.compile(r"^([A-Z]{2})([0-9]{2})([A-Z0-9]{11,30})$")
# IBAN lengths by country (SWIFT's IBAN registry); a country not listed is not an
# IBAN country (a US or Chinese account has an account number, not an IBAN).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20}
REQUIRED = ("beneficiary_name", "bank_name", "swift_bic")


def compact(value: str | None) -> str | None:
    """"de89 3704-0044" → "DE8937040044": how people type it, how banks read it."""
    if value is None:
        return None
    text = re.sub(r"[\s\-]", "", value).upper()
    return text or None


def bic_problem(value: str) -> str | None:
    match = BIC.match(value)
    if not match:
        return str(_l("A SWIFT/BIC code has 8 or 11 letters and digits: 4 for the bank, "
                      "2 for the country, 2 for the place, and 3 for the branch if any "
                      "(e.g. DEUTDEFF or DEUTDEFF500)."))
    if pycountry.countries.get(alpha_2=match.group(1)) is None and match.group(1) != "XK":
        return str(_l("%(code)s is not a country code: letters 5 and 6 of a SWIFT/BIC "
                      "name the bank's country.", code=match.group(1)))
    return None


def iban_problem(value: str) -> str | None:
    match = IBAN_SHAPE.match(value)
    if not match:
        return str(_l("An IBAN starts with a country code and two check digits, then up "
                      "to 30 letters and digits (e.g. DE89 3704 0044 0532 0130 00)."))
    country = match.group(1)
    length = IBAN_LENGTHS.get(country)
    if length is None:
        return str(_l("%(country)s accounts have no IBAN: enter the account number "
                      "instead.", country=country))
    if len(value) != length:
        return str(_l("An IBAN of %(country)s has %(length)s characters; this one has "
                      "%(count)s.", country=country, length=length, count=len(value)))
    digits = "".join(str(int(char, 36)) for char in value[4:] + value[:4])
    if int(digits) % 97 != 1:
        return str(_l("The IBAN's check digits do not match: a character is wrong or "
                      "two are swapped."))
    return None


def _clean(values: dict) -> dict:
    cleaned = {}
    for name in FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            value = value.strip() or None
        cleaned[name] = value
    for name in ("swift_bic", "intermediary_swift_bic", "iban"):
        cleaned[name] = compact(cleaned[name])
    if cleaned["account_number"]:
        cleaned["account_number"] = re.sub(r"\s+", " ", cleaned["account_number"])
    if cleaned["currency"]:
        cleaned["currency"] = cleaned["currency"].upper()
    return cleaned


def check_bank_details(values: dict) -> dict:
    """The values as stored, or every field's problem at once (422)."""
    cleaned = _clean(values)
    errors: dict[str, list[str]] = {}
    for name in REQUIRED:
        if not cleaned[name]:
            errors[name] = [str(_l("Required."))]
    for name in ("swift_bic", "intermediary_swift_bic"):
        if cleaned[name] and (problem := bic_problem(cleaned[name])):
            errors[name] = [problem]
    if cleaned["iban"] and (problem := iban_problem(cleaned["iban"])):
        errors["iban"] = [problem]
    if not cleaned["iban"] and not cleaned["account_number"]:
        errors["account_number"] = [str(_l("Give the account number or the IBAN."))]
    if cleaned["account_number"] and not re.fullmatch(r"[A-Za-z0-9 ./-]{4,40}",
                                                      cleaned["account_number"]):
        errors["account_number"] = [str(_l("4 to 40 letters and digits (spaces, dots and "
                                           "dashes allowed)."))]
    if cleaned["currency"] and pycountry.currencies.get(alpha_3=cleaned["currency"]) is None:
        errors["currency"] = [str(_l("Not a currency code (ISO 4217, e.g. USD)."))]
    if cleaned["intermediary_swift_bic"] and not cleaned["intermediary_bank_name"]:
        errors["intermediary_bank_name"] = [str(_l("Name the intermediary bank too."))]
    if errors:
        raise ValidationFailed(str(_l("The bank details were not saved: check the marked "
                                      "fields.")), errors=errors)
    return cleaned


def save_bank_details(company, values: dict, actor, *, version: int | None = None
                      ) -> CompanyBankAccount:
    """Create or replace the company's bank details (its administrators only; the
    caller checks the permission). ``version``: refuse a stale edit (412)."""
    cleaned = check_bank_details(values)
    account = bank_account_of(company.id)
    if account is not None and version is not None and version != account.version:
        raise PreconditionFailed(str(_l("Someone else changed the bank details meanwhile: "
                                         "reload them and try again.")))
    before = {name: getattr(account, name) for name in FIELDS} if account else {}
    if account is None:
        account = CompanyBankAccount(company_id=company.id)
        db.session.add(account)
    for name, value in cleaned.items():
        setattr(account, name, value)
    db.session.flush()
    record_audit("company.bank_details_saved", account, company_id=company.id,
                 changes={name: [before.get(name), value] for name, value in cleaned.items()
                          if before.get(name) != value})
    return account
